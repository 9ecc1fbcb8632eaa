// UserStore on both engines, on the newest schema and on schema 54 (before users.deactivated
// and access_tokens.valid_until_ms), where the store must choose SQL without those columns.
#include "storage/users/user_store.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "storage/prepared_schema.h"
#include "storage/stores.h"
#include "storage/users/user_listing.h"

namespace strata::storage {
namespace {

class UserStoreTest : public testing::PreparedStoreTest {
 protected:
  void PrepareSchema54() { PrepareFullSchema(54); }
  UserStore Store() { return UserStore(Options()); }
};

TEST_P(UserStoreTest, InsertsAndFindsUsers) {
  PrepareNewest();
  const UserStore users = Store();
  EXPECT_FALSE(users.FindUser(conn(), "@alice:example.com"));
  EXPECT_FALSE(users.UserExists(conn(), "@alice:example.com"));
  EXPECT_EQ(users.CountUsers(conn()), 0);

  users.InsertUser(conn(), "@alice:example.com", std::string("hash"), 1600000000, true, false);
  users.InsertUser(conn(), "@bob:example.com", std::nullopt, 1600000001, false, true);
  EXPECT_TRUE(users.UserExists(conn(), "@alice:example.com"));
  EXPECT_FALSE(users.UserExists(conn(), "@ALICE:example.com"));  // exact only
  EXPECT_EQ(users.CountUsers(conn()), 2);
  EXPECT_EQ(conn().QueryInt("SELECT creation_ts FROM users WHERE name = '@bob:example.com'"),
            1600000001);
  EXPECT_EQ(conn().QueryInt("SELECT is_guest FROM users WHERE name = '@bob:example.com'"), 1);
  EXPECT_EQ(conn().QueryInt("SELECT admin FROM users WHERE name = '@alice:example.com'"), 1);

  auto alice = users.FindUser(conn(), "@alice:example.com");
  ASSERT_TRUE(alice);
  EXPECT_EQ(alice->name, "@alice:example.com");
  EXPECT_EQ(alice->password_hash, "hash");
  EXPECT_FALSE(alice->deactivated);
  auto bob = users.FindUser(conn(), "@bob:example.com");
  ASSERT_TRUE(bob);
  EXPECT_FALSE(bob->password_hash);
  EXPECT_THROW(users.InsertUser(conn(), "@bob:example.com", std::nullopt, 0, false, false),
               DatabaseError);
}

TEST_P(UserStoreTest, FindUserFallsBackToOneCaseInsensitiveMatch) {
  PrepareNewest();
  const UserStore users = Store();
  users.InsertUser(conn(), "@Carol:example.com", std::string("h"), 0, false, false);
  auto carol = users.FindUser(conn(), "@carol:example.com");
  ASSERT_TRUE(carol);
  EXPECT_EQ(carol->name, "@Carol:example.com");
  // Two case-insensitive matches are ambiguous: none is chosen.
  users.InsertUser(conn(), "@CAROL:example.com", std::string("h"), 0, false, false);
  EXPECT_FALSE(users.FindUser(conn(), "@carol:example.com"));
  // An exact match still wins.
  EXPECT_EQ(users.FindUser(conn(), "@CAROL:example.com")->name, "@CAROL:example.com");
}

TEST_P(UserStoreTest, PasswordAndDeactivation) {
  PrepareNewest();
  const UserStore users = Store();
  users.InsertUser(conn(), "@dave:example.com", std::string("old"), 0, false, false);
  users.SetPasswordHash(conn(), "@dave:example.com", std::string("new"));
  EXPECT_EQ(users.FindUser(conn(), "@dave:example.com")->password_hash, "new");
  users.SetPasswordHash(conn(), "@dave:example.com", std::nullopt);
  EXPECT_FALSE(users.FindUser(conn(), "@dave:example.com")->password_hash);
  users.SetPasswordHash(conn(), "@dave:example.com", std::string("again"));

  users.MarkDeactivated(conn(), "@dave:example.com");
  auto dave = users.FindUser(conn(), "@dave:example.com");
  ASSERT_TRUE(dave);
  EXPECT_FALSE(dave->password_hash);
  EXPECT_TRUE(dave->deactivated);
  EXPECT_EQ(conn().QueryInt("SELECT deactivated FROM users WHERE name = '@dave:example.com'"), 1);
  // A missing user: nothing changes, nothing thrown.
  EXPECT_NO_THROW(users.MarkDeactivated(conn(), "@nobody:example.com"));
  EXPECT_NO_THROW(users.SetPasswordHash(conn(), "@nobody:example.com", std::string("x")));
}

TEST_P(UserStoreTest, AccessTokens) {
  PrepareNewest();
  const UserStore users = Store();
  EXPECT_EQ(users.NextAccessTokenId(conn()), 1);
  EXPECT_FALSE(users.FindToken(conn(), "nope"));
  users.InsertUser(conn(), "@erin:example.com", std::string("h"), 0, true, true);
  users.InsertAccessToken(conn(), 1, "@erin:example.com", "DEV1", "tok1");
  EXPECT_EQ(users.NextAccessTokenId(conn()), 2);
  users.InsertAccessToken(conn(), 2, "@erin:example.com", "DEV2", "tok2");
  users.InsertAccessToken(conn(), 3, "@erin:example.com", "DEV3", "tok3");
  EXPECT_EQ(users.NextAccessTokenId(conn()), 4);

  auto owner = users.FindToken(conn(), "tok2");
  ASSERT_TRUE(owner);
  EXPECT_EQ(owner->user_id, "@erin:example.com");
  EXPECT_EQ(owner->device_id, "DEV2");
  EXPECT_EQ(owner->token_id, 2);
  EXPECT_TRUE(owner->admin);
  EXPECT_TRUE(owner->guest);
  EXPECT_FALSE(owner->deactivated);
  EXPECT_FALSE(owner->valid_until_ms);
  // Strata never writes valid_until_ms; a store made afresh (no cache yet) reads it.
  conn().Execute("UPDATE access_tokens SET valid_until_ms = 1234 WHERE id = 2");
  EXPECT_EQ(Store().FindToken(conn(), "tok2")->valid_until_ms, 1234);
  users.MarkDeactivated(conn(), "@erin:example.com");
  EXPECT_TRUE(users.FindToken(conn(), "tok2")->deactivated);

  users.DeleteAccessToken(conn(), 1);
  EXPECT_FALSE(users.FindToken(conn(), "tok1"));
  users.DeleteAccessTokensExcept(conn(), "@erin:example.com", 3);
  EXPECT_FALSE(users.FindToken(conn(), "tok2"));
  EXPECT_TRUE(users.FindToken(conn(), "tok3"));
  users.DeleteAccessTokensExcept(conn(), "@erin:example.com", -1);
  EXPECT_FALSE(users.FindToken(conn(), "tok3"));

  users.InsertAccessToken(conn(), 4, "@erin:example.com", "DEV4", "tok4");
  users.DeleteAccessTokensOf(conn(), "@erin:example.com");
  EXPECT_EQ(conn().QueryInt("SELECT COUNT(*) FROM access_tokens"), 0);
}

// The token cache answers repeated lookups, and every store write that changes an answer is
// seen at once: admin flag (UserListing, sharing the cache through Stores), deactivation,
// deletion; also by a second connection that looked while the deleting transaction was open.
TEST_P(UserStoreTest, TokenLookupsAreCachedAndWritesAreSeenAtOnce) {
  PrepareNewest();
  const Stores stores(Options());
  const UserStore& users = *stores.users;
  users.InsertUser(conn(), "@fay:example.com", std::string("hash"), 1600000000, false, false);
  users.InsertAccessToken(conn(), 1, "@fay:example.com", "DEV1", "tok1");
  users.InsertAccessToken(conn(), 2, "@fay:example.com", "DEV2", "tok2");

  ASSERT_TRUE(users.FindToken(conn(), "tok1"));
  const uint64_t hits = stores.token_cache->hits();
  EXPECT_FALSE(users.FindToken(conn(), "tok1")->admin);
  EXPECT_EQ(stores.token_cache->hits(), hits + 1);
  EXPECT_FALSE(users.FindToken(conn(), "unknown"));
  EXPECT_FALSE(users.FindToken(conn(), "unknown"));  // never cached: still a miss

  EXPECT_TRUE(stores.user_listing->SetAdmin(conn(), "@fay:example.com", true));
  EXPECT_TRUE(users.FindToken(conn(), "tok1")->admin);
  users.MarkDeactivated(conn(), "@fay:example.com");
  EXPECT_TRUE(users.FindToken(conn(), "tok1")->deactivated);

  auto other = db_->Connect();
  ASSERT_TRUE(users.FindToken(*other, "tok2"));
  {
    Transaction txn(conn());
    users.DeleteAccessToken(conn(), 2);
    EXPECT_FALSE(users.FindToken(conn(), "tok2"));  // the writer sees its own delete
    // Another connection still sees the committed row, and may cache it meanwhile.
    EXPECT_TRUE(users.FindToken(*other, "tok2"));
    txn.Commit();
  }
  EXPECT_FALSE(users.FindToken(*other, "tok2"));
  EXPECT_FALSE(users.FindToken(conn(), "tok2"));

  // A rolled-back delete forgets too, and the token is then read again as it is.
  {
    Transaction txn(conn());
    users.DeleteAccessTokensOf(conn(), "@fay:example.com");
  }
  EXPECT_TRUE(users.FindToken(*other, "tok1"));
}

TEST(TokenCacheTest, AFillRacingAForgetIsRefused) {
  TokenCache cache;
  TokenOwner gus;
  gus.user_id = "@gus:x";
  gus.token_id = 1;
  const uint64_t begun = cache.Begin();
  auto conn = OpenSqlite(":memory:");
  ASSERT_TRUE(conn.ok());
  cache.ForgetUser(**conn, "@gus:x");  // lands while the lookup's query runs
  cache.Fill("tok", gus, begun);
  EXPECT_FALSE(cache.Find("tok"));
  cache.Fill("tok", gus, cache.Begin());
  EXPECT_TRUE(cache.Find("tok"));
  cache.ForgetTokenId(**conn, 1);
  EXPECT_FALSE(cache.Find("tok"));
}

TEST_P(UserStoreTest, TokenOfAMissingUserIsUnknown) {
  PrepareNewest();
  const UserStore users = Store();
  users.InsertAccessToken(conn(), 1, "@ghost:example.com", "DEV", "tok");
  EXPECT_FALSE(users.FindToken(conn(), "tok"));
}

TEST_P(UserStoreTest, RatelimitOverride) {
  PrepareNewest();
  const UserStore users = Store();
  EXPECT_FALSE(users.FindRatelimitOverride(conn(), "@a:example.com"));
  conn().Execute(
      "INSERT INTO ratelimit_override (user_id, messages_per_second, burst_count) VALUES "
      "('@a:example.com', 5, 7), ('@b:example.com', NULL, NULL)");
  auto a = users.FindRatelimitOverride(conn(), "@a:example.com");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->messages_per_second, 5);
  EXPECT_EQ(a->burst_count, 7);
  auto b = users.FindRatelimitOverride(conn(), "@b:example.com");
  ASSERT_TRUE(b);
  EXPECT_FALSE(b->messages_per_second);
  EXPECT_FALSE(b->burst_count);
}

TEST_P(UserStoreTest, DeletesThreepidsOfOneUser) {
  PrepareNewest();
  const UserStore users = Store();
  conn().Execute(
      "INSERT INTO user_threepids (user_id, medium, address, validated_at, added_at) VALUES "
      "('@a:example.com', 'email', 'a@x', 0, 0), ('@b:example.com', 'email', 'b@x', 0, 0)");
  users.DeleteThreepidsOf(conn(), "@a:example.com");
  EXPECT_EQ(conn().QueryValue("SELECT user_id FROM user_threepids"), "@b:example.com");
  EXPECT_EQ(conn().QueryInt("SELECT COUNT(*) FROM user_threepids"), 1);
}

// Schema 54: no users.deactivated, no access_tokens.valid_until_ms. The store reads
// deactivated as false and expiry as none, and deactivating only clears the password.
TEST_P(UserStoreTest, Schema54HasNoDeactivatedColumn) {
  PrepareSchema54();
  ASSERT_FALSE(conn().ColumnExists("users", "deactivated"));
  const UserStore users = Store();
  users.InsertUser(conn(), "@old:example.com", std::string("h"), 0, false, false);
  users.InsertAccessToken(conn(), users.NextAccessTokenId(conn()), "@old:example.com", "D", "t");
  users.MarkDeactivated(conn(), "@old:example.com");
  auto old = users.FindUser(conn(), "@OLD:example.com");
  ASSERT_TRUE(old);
  EXPECT_FALSE(old->password_hash);
  EXPECT_FALSE(old->deactivated);
  auto owner = users.FindToken(conn(), "t");
  ASSERT_TRUE(owner);
  EXPECT_FALSE(owner->deactivated);
  EXPECT_FALSE(owner->valid_until_ms);
  // The newest schema's SQL would fail here: the choice was made for this schema.
  SchemaFeatures newest;
  newest.users_deactivated = true;
  EXPECT_THROW(UserStore(StoreOptions{engine(), newest}).FindUser(conn(), "@old:example.com"),
               DatabaseError);
}

STRATA_INSTANTIATE_ENGINES(UserStoreTest);

}  // namespace
}  // namespace strata::storage
