// UserDirectoryStore on both engines: the search row is the engine's own (FTS4 text on SQLite,
// a weighted tsvector on PostgreSQL).
#include "storage/user_directory/user_directory_store.h"

#include <gtest/gtest.h>

#include "storage/prepared_schema.h"

namespace strata::storage {
namespace {

class UserDirectoryStoreTest : public testing::PreparedStoreTest {
 protected:
  // The user's search row as text: SQLite's value, PostgreSQL's vector.
  std::optional<std::string> SearchRow(const std::string& user_id) {
    return conn().QueryValue(
        engine() == Engine::kPostgres
            ? "SELECT vector::text FROM user_directory_search WHERE user_id = ?"
            : "SELECT value FROM user_directory_search WHERE user_id = ?",
        {user_id});
  }
  int64_t SearchRows() {
    return conn().QueryInt("SELECT COUNT(*) FROM user_directory_search").value_or(-1);
  }
};

TEST_P(UserDirectoryStoreTest, ContainsOnlyListedUsers) {
  PrepareNewest();
  const UserDirectoryStore directory(Options());
  EXPECT_FALSE(directory.Contains(conn(), "@alice:example.com"));
  conn().Execute(
      "INSERT INTO user_directory (user_id, room_id) VALUES ('@alice:example.com', NULL)");
  EXPECT_TRUE(directory.Contains(conn(), "@alice:example.com"));
  EXPECT_FALSE(directory.Contains(conn(), "@bob:example.com"));
}

TEST_P(UserDirectoryStoreTest, UpdateProfileRewritesTheRowAndItsSearchEntry) {
  PrepareNewest();
  const UserDirectoryStore directory(Options());
  conn().Execute("INSERT INTO user_directory (user_id, display_name) VALUES (?, 'Old')",
                 {"@alice:example.com"});
  directory.UpdateProfile(conn(), "@alice:example.com", "alice", std::string("Old"), std::nullopt);
  directory.UpdateProfile(conn(), "@alice:example.com", "alice", std::string("Wonderland"),
                          std::string("mxc://x/a"));
  auto rows = conn().Query("SELECT display_name, avatar_url FROM user_directory");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].Text(0), "Wonderland");
  EXPECT_EQ(rows[0].Text(1), "mxc://x/a");
  EXPECT_EQ(SearchRows(), 1);  // replaced, not added
  if (engine() == Engine::kPostgres) {
    // Localpart weighted A, server name D (shown without a letter), display name B.
    EXPECT_EQ(SearchRow("@alice:example.com"), "'alic':1A 'example.com':2 'wonderland':3B");
  } else {
    EXPECT_EQ(SearchRow("@alice:example.com"), "@alice:example.com Wonderland");
  }

  directory.UpdateProfile(conn(), "@alice:example.com", "alice", std::nullopt, std::nullopt);
  rows = conn().Query("SELECT display_name, avatar_url FROM user_directory");
  EXPECT_TRUE(rows[0].IsNull(0));
  EXPECT_TRUE(rows[0].IsNull(1));
  if (engine() == Engine::kPostgres) {
    EXPECT_EQ(SearchRow("@alice:example.com"), "'alic':1A 'example.com':2");
  } else {
    EXPECT_EQ(SearchRow("@alice:example.com"), "@alice:example.com");
  }
}

STRATA_INSTANTIATE_ENGINES(UserDirectoryStoreTest);

}  // namespace
}  // namespace strata::storage
