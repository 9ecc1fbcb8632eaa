// RoomListing on both engines, over the newest release's schema: orders and paging, members,
// removing aliases and purging, and the directory-health facts (separated and pre-1.4).
#include "storage/rooms/room_listing.h"

#include <gtest/gtest.h>

#include "schema/catalogue.h"
#include "schema/prepare_database.h"
#include "support/test_support.h"

namespace strata::storage {
namespace {

class RoomListingTest : public strata::testing::EngineTest {
 protected:
  void SetUp() override {
    strata::testing::EngineTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    db_ = std::make_unique<strata::testing::ScratchDatabase>(engine());
    const auto& catalogue = schema::Catalogue::Builtin();
    auto prepared = schema::PrepareDatabase(conn(), catalogue, catalogue.newest());
    ASSERT_TRUE(prepared.ok()) << prepared.status().message();
    options_ = StoreOptions::Read(conn(), false);
    AddRoom("!a:hs", "Beta", 3, "5", true);
    AddRoom("!b:hs", "alpha", 1, "1", false);
    AddRoom("!c:hs", "Gamma", 2, "6", false);
    conn().Execute(
        "INSERT INTO rooms (room_id, is_public, creator) VALUES ('!nostats:hs', ?, "
        "'@x:hs')",
        {true});
  }
  void AddRoom(const std::string& id, const std::string& name, int joined,
               const std::string& version, bool is_public) {
    conn().Execute(
        "INSERT INTO rooms (room_id, is_public, creator, room_version) VALUES (?, ?, '@x:hs', ?)",
        {id, is_public, version});
    conn().Execute("INSERT INTO room_stats_state (room_id, name, is_federatable) VALUES (?, ?, ?)",
                   {id, name, true});
    conn().Execute(
        "INSERT INTO room_stats_current (room_id, current_state_events, joined_members, "
        "invited_members, left_members, banned_members, local_users_in_room, "
        "completed_delta_stream_id) VALUES (?, ?, ?, 0, 0, 0, ?, 1)",
        {id, joined + 4, joined, joined});
  }
  Connection& conn() { return db_->conn(); }
  static std::vector<std::string> Ids(const RoomPage& page) {
    std::vector<std::string> out;
    for (const auto& r : page.rooms) out.push_back(r.room_id);
    return out;
  }

  std::unique_ptr<strata::testing::ScratchDatabase> db_;
  StoreOptions options_;
};

TEST_P(RoomListingTest, OrdersPagesAndSearches) {
  const RoomListing listing(options_);
  EXPECT_EQ(listing.CheckOrder("nonsense"), RoomListing::Order::kUnknown);
  EXPECT_EQ(listing.CheckOrder("version"), RoomListing::Order::kAvailable);
  auto by_size = listing.List(conn(), {"joined_members", true, std::nullopt, 100, 0});
  EXPECT_EQ(by_size.total, 3);  // rooms without statistics are not listed
  EXPECT_EQ(Ids(by_size), (std::vector<std::string>{"!a:hs", "!c:hs", "!b:hs"}));
  EXPECT_EQ(by_size.rooms[0].joined_members, 3);
  EXPECT_EQ(by_size.rooms[0].state_events, 7);
  EXPECT_EQ(by_size.rooms[0].version, std::optional<std::string>("5"));
  EXPECT_TRUE(by_size.rooms[0].is_public);
  EXPECT_TRUE(by_size.rooms[0].federatable);
  auto page = listing.List(conn(), {"joined_members", false, std::nullopt, 1, 1});
  EXPECT_EQ(page.total, 3);
  EXPECT_EQ(Ids(page), (std::vector<std::string>{"!c:hs"}));
  auto search = listing.List(conn(), {"name", false, std::string("ALP"), 100, 0});
  EXPECT_EQ(search.total, 1);
  EXPECT_EQ(Ids(search), (std::vector<std::string>{"!b:hs"}));
  EXPECT_THROW(listing.List(conn(), {"nonsense", false, std::nullopt, 1, 0}),
               std::invalid_argument);
}

TEST_P(RoomListingTest, BeforeSchema57VersionsAreNullAndUnsortable) {
  StoreOptions old = options_;
  old.features.rooms_room_version = false;
  const RoomListing listing(old);
  EXPECT_EQ(listing.CheckOrder("version"), RoomListing::Order::kUnavailable);
  auto page = listing.List(conn(), {"name", false, std::nullopt, 100, 0});
  ASSERT_EQ(page.rooms.size(), 3u);
  for (const auto& r : page.rooms) EXPECT_FALSE(r.version) << r.room_id;
}

TEST_P(RoomListingTest, RemovesAliasesAndPurges) {
  const RoomListing listing(options_);
  conn().Execute(
      "INSERT INTO room_aliases (room_alias, room_id, creator) VALUES ('#x:hs', '!a:hs', '@x:hs')");
  conn().Execute("INSERT INTO room_alias_servers (room_alias, server) VALUES ('#x:hs', 'hs')");
  EXPECT_TRUE(listing.Exists(conn(), "!a:hs"));
  EXPECT_FALSE(listing.Exists(conn(), "!none:hs"));
  {
    Transaction txn(conn());
    EXPECT_EQ(listing.RemoveAliases(conn(), "!a:hs"), (std::vector<std::string>{"#x:hs"}));
    listing.Purge(conn(), "!a:hs");
    txn.Commit();
  }
  EXPECT_EQ(conn().QueryInt("SELECT COUNT(*) FROM room_alias_servers"), 0);
  EXPECT_EQ(conn().QueryInt("SELECT COUNT(*) FROM room_aliases"), 0);
  EXPECT_FALSE(listing.Exists(conn(), "!a:hs"));
  EXPECT_EQ(conn().QueryInt("SELECT COUNT(*) FROM room_stats_current WHERE room_id = '!a:hs'"), 0);
  EXPECT_TRUE(listing.Exists(conn(), "!b:hs"));
}

TEST_P(RoomListingTest, MembersAndDirectoryFacts) {
  const RoomListing listing(options_);
  int n = 0;
  for (const char* user : {"@z:hs", "@y:hs"}) {
    const std::string event = "$m" + std::to_string(++n);
    conn().Execute(
        "INSERT INTO current_state_events (event_id, room_id, type, state_key, membership) "
        "VALUES (?, '!a:hs', 'm.room.member', ?, 'join')",
        {event, user});
    conn().Execute(
        "INSERT INTO room_memberships (event_id, user_id, sender, room_id, membership) "
        "VALUES (?, ?, ?, '!a:hs', 'join')",
        {event, user, user});
  }
  conn().Execute(
      "INSERT INTO current_state_events (event_id, room_id, type, state_key) "
      "VALUES ('$n', '!a:hs', 'm.room.name', '')");
  conn().Execute(
      "INSERT INTO event_json (event_id, room_id, internal_metadata, json, format_version) "
      "VALUES ('$n', '!a:hs', '{}', '{\"content\":{\"name\":\"N\"}}', 1)");
  EXPECT_EQ(listing.JoinedMembers(conn(), "!a:hs"), (std::vector<std::string>{"@y:hs", "@z:hs"}));
  EXPECT_EQ(listing.JoinedCounts(conn()), (std::map<std::string, int64_t>{{"!a:hs", 2}}));
  auto names = listing.NameEvents(conn());
  ASSERT_EQ(names.size(), 1u);
  EXPECT_EQ(names[0].first, "!a:hs");
  auto facts = listing.DirectoryFacts(conn());
  ASSERT_EQ(facts.size(), 4u);
  EXPECT_EQ(facts[0].room_id, "!a:hs");
  EXPECT_EQ(facts[0].stats_joined_members, std::optional<int64_t>(3));
  EXPECT_TRUE(facts[0].has_stats_state);
  EXPECT_EQ(facts[0].stats_name, std::optional<std::string>("Beta"));
  EXPECT_EQ(facts[3].room_id, "!nostats:hs");
  EXPECT_TRUE(facts[3].is_public);
  EXPECT_FALSE(facts[3].stats_joined_members);
  EXPECT_FALSE(facts[3].has_stats_state);

  StoreOptions legacy = options_;
  legacy.legacy_stats = true;
  auto old_facts = RoomListing(legacy).DirectoryFacts(conn());
  ASSERT_EQ(old_facts.size(), 4u);
  EXPECT_FALSE(old_facts[0].stats_joined_members);
  EXPECT_FALSE(old_facts[0].has_stats_state);
  EXPECT_FALSE(old_facts[0].stats_name);
}

STRATA_INSTANTIATE_ENGINES(RoomListingTest);

}  // namespace
}  // namespace strata::storage
