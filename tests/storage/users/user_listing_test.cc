// UserListing on both engines, over the newest release's schema: the paged list and its
// filters, one user, the admin flag, and whois's rows; before schema 55 (no deactivated).
#include "storage/users/user_listing.h"

#include <gtest/gtest.h>

#include "schema/catalogue.h"
#include "schema/prepare_database.h"
#include "support/test_support.h"

namespace strata::storage {
namespace {

class UserListingTest : public strata::testing::EngineTest {
 protected:
  void SetUp() override {
    strata::testing::EngineTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    db_ = std::make_unique<strata::testing::ScratchDatabase>(engine());
    const auto& catalogue = schema::Catalogue::Builtin();
    auto prepared = schema::PrepareDatabase(conn(), catalogue, catalogue.newest());
    ASSERT_TRUE(prepared.ok()) << prepared.status().message();
    options_ = StoreOptions::Read(conn(), false);
    conn().Execute(
        "INSERT INTO users (name, password_hash, creation_ts, admin, is_guest, deactivated) "
        "VALUES ('@bob:hs', 'h', 2, 1, 0, 0), ('@alice:hs', NULL, 1, 0, 0, 0), "
        "('@guest:hs', NULL, 3, 0, 1, 0), ('@gone:hs', NULL, 4, 0, 0, 1)");
    conn().Execute(
        "INSERT INTO profiles (user_id, displayname, avatar_url) VALUES ('alice', 'Alice', "
        "'mxc://a')");
  }
  Connection& conn() { return db_->conn(); }
  static std::vector<std::string> Names(const UserPage& page) {
    std::vector<std::string> out;
    for (const auto& u : page.users) out.push_back(u.name);
    return out;
  }

  std::unique_ptr<strata::testing::ScratchDatabase> db_;
  StoreOptions options_;
};

TEST_P(UserListingTest, ListsByNameWithFiltersAndPages) {
  const UserListing listing(options_);
  auto all = listing.List(conn(), "hs", {std::nullopt, true, true}, 100, 0);
  EXPECT_EQ(all.total, 4);
  EXPECT_EQ(Names(all),
            (std::vector<std::string>{"@alice:hs", "@bob:hs", "@gone:hs", "@guest:hs"}));
  ASSERT_TRUE(all.users[0].displayname);
  EXPECT_EQ(*all.users[0].displayname, "Alice");
  EXPECT_EQ(all.users[0].avatar_url, std::optional<std::string>("mxc://a"));
  EXPECT_EQ(all.users[1].admin, 1);
  EXPECT_EQ(all.users[1].creation_ts, 2);
  EXPECT_EQ(all.users[2].deactivated, 1);

  auto active = listing.List(conn(), "hs", {std::nullopt, false, false}, 100, 0);
  EXPECT_EQ(active.total, 2);
  EXPECT_EQ(Names(active), (std::vector<std::string>{"@alice:hs", "@bob:hs"}));

  auto page = listing.List(conn(), "hs", {std::nullopt, true, true}, 2, 1);
  EXPECT_EQ(page.total, 4);
  EXPECT_EQ(Names(page), (std::vector<std::string>{"@bob:hs", "@gone:hs"}));

  auto named = listing.List(conn(), "hs", {std::string("li"), true, true}, 100, 0);
  EXPECT_EQ(named.total, 1);
  EXPECT_EQ(Names(named), (std::vector<std::string>{"@alice:hs"}));
}

TEST_P(UserListingTest, BeforeSchema55NobodyIsDeactivated) {
  StoreOptions old = options_;
  old.features.users_deactivated = false;
  const UserListing listing(old);
  auto page = listing.List(conn(), "hs", {std::nullopt, true, false}, 100, 0);
  EXPECT_EQ(page.total, 4);  // the filter is ignored
  for (const auto& u : page.users) EXPECT_EQ(u.deactivated, 0) << u.name;
}

TEST_P(UserListingTest, GetAndAdminFlag) {
  const UserListing listing(options_);
  auto alice = listing.Get(conn(), "hs", "@alice:hs");
  ASSERT_TRUE(alice);
  EXPECT_EQ(alice->displayname, std::optional<std::string>("Alice"));
  EXPECT_FALSE(alice->password_hash);
  EXPECT_FALSE(listing.Get(conn(), "hs", "@nobody:hs"));
  EXPECT_EQ(listing.IsAdmin(conn(), "@bob:hs"), std::optional<bool>(true));
  EXPECT_EQ(listing.IsAdmin(conn(), "@nobody:hs"), std::nullopt);
  EXPECT_TRUE(listing.SetAdmin(conn(), "@alice:hs", true));
  EXPECT_FALSE(listing.SetAdmin(conn(), "@nobody:hs", true));
  EXPECT_EQ(listing.IsAdmin(conn(), "@alice:hs"), std::optional<bool>(true));
  listing.SetDisplayname(conn(), "alice", "Alicia");
  EXPECT_EQ(listing.Get(conn(), "hs", "@alice:hs")->displayname,
            std::optional<std::string>("Alicia"));
}

TEST_P(UserListingTest, WhoisRows) {
  const UserListing listing(options_);
  conn().Execute(
      "INSERT INTO user_ips (user_id, access_token, device_id, ip, user_agent, last_seen) "
      "VALUES ('@bob:hs', 't', 'D1', '192.0.2.1', 'ua', 7)");
  conn().Execute("INSERT INTO devices (user_id, device_id) VALUES ('@bob:hs', 'D2')");
  auto connections = listing.Connections(conn(), "@bob:hs");
  ASSERT_EQ(connections.size(), 1u);
  EXPECT_EQ(connections[0].device_id, "D1");
  EXPECT_EQ(connections[0].ip, "192.0.2.1");
  EXPECT_EQ(connections[0].user_agent, "ua");
  EXPECT_EQ(connections[0].last_seen, 7);
  EXPECT_EQ(listing.DeviceIds(conn(), "@bob:hs"), (std::vector<std::string>{"D2"}));
  EXPECT_TRUE(listing.Connections(conn(), "@alice:hs").empty());
}

STRATA_INSTANTIATE_ENGINES(UserListingTest);

}  // namespace
}  // namespace strata::storage
