// The C++ versions of Synapse's Python deltas, run against small hand-made tables on both
// engines: what they build, and what they do with rows already there.
#include "schema/native_deltas.h"

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace strata::schema {
namespace {

using storage::Engine;
using testing::ScratchDatabase;

class NativeDeltaTest : public testing::EngineTest {
 protected:
  void Run(ScratchDatabase& db, const std::string& file, bool new_database) {
    const NativeDelta* delta = FindNativeDelta(file);
    ASSERT_NE(delta, nullptr) << file;
    storage::Transaction txn(db.conn());
    delta->run(db.conn(), new_database);
    txn.Commit();
  }
  std::string Blob() const { return engine() == Engine::kPostgres ? "BYTEA" : "BLOB"; }
};

TEST(NativeDeltaRegistryTest, KnowsExactlyTheFourPythonDeltas) {
  for (const std::string file : {"56/unique_user_filter_index.py", "57/local_current_membership.py",
                                 "58/06dlols_unique_idx.py", "58/11user_id_seq.py"}) {
    EXPECT_NE(FindNativeDelta(file), nullptr) << file;
  }
  EXPECT_EQ(FindNativeDelta("56/stats_separated.sql"), nullptr);
  EXPECT_EQ(FindNativeDelta("58/04device_lists_outbound_last_success_unique_idx.sql"), nullptr);
}

TEST_P(NativeDeltaTest, UniqueUserFilterIndexDropsDuplicatesAndTightensColumns) {
  ScratchDatabase db(engine());
  auto& c = db.conn();
  c.ExecuteScript(
      "CREATE TABLE user_filters (user_id TEXT, filter_id BIGINT, filter_json " + Blob() +
      ");"
      "CREATE INDEX user_filters_by_user_id_filter_id ON user_filters (user_id, filter_id);");
  c.Execute(
      "INSERT INTO user_filters VALUES ('@a:hs', 1, 'first'), ('@a:hs', 1, 'again'),"
      " ('@a:hs', 2, 'two'), ('@b:hs', 1, 'b'), (NULL, 3, 'orphan')");
  Run(db, "56/unique_user_filter_index.py", /*new_database=*/false);

  auto rows = c.Query(
      "SELECT user_id, filter_id, filter_json FROM user_filters ORDER BY user_id, filter_id");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].Text(0) + "/" + rows[0].Text(1), "@a:hs/1");
  EXPECT_EQ(rows[1].Text(0) + "/" + rows[1].Text(1), "@a:hs/2");
  EXPECT_EQ(rows[2].Text(0) + "/" + rows[2].Text(1), "@b:hs/1");
  EXPECT_TRUE(c.IndexExists("user_filters_unique"));
  EXPECT_FALSE(c.IndexExists("user_filters_by_user_id_filter_id"));
  EXPECT_FALSE(c.TableExists("user_filters_migration"));
  EXPECT_THROW(c.Execute("INSERT INTO user_filters VALUES ('@b:hs', 1, 'dup')"),
               storage::DatabaseError);
  EXPECT_THROW(c.Execute("INSERT INTO user_filters VALUES ('@c:hs', 1, NULL)"),
               storage::DatabaseError);
}

// Just the tables local_current_membership.py reads.
void MembershipTables(storage::Connection& c) {
  c.ExecuteScript(
      "CREATE TABLE users (name TEXT);"
      "CREATE TABLE background_updates (update_name TEXT NOT NULL, progress_json TEXT NOT NULL,"
      " depends_on TEXT);"
      "CREATE TABLE current_state_events (event_id TEXT NOT NULL, room_id TEXT NOT NULL,"
      " type TEXT NOT NULL, state_key TEXT NOT NULL, membership TEXT);"
      "CREATE TABLE room_memberships (event_id TEXT NOT NULL, user_id TEXT NOT NULL,"
      " room_id TEXT NOT NULL, membership TEXT NOT NULL);");
  c.Execute("INSERT INTO users (name) VALUES ('@alice:hs.example'), ('@bob:hs.example')");
  // alice joined !r1, bob was invited to !r1, a remote user joined; !r1's name is not a member.
  c.Execute(
      "INSERT INTO current_state_events VALUES"
      " ('$1', '!r1', 'm.room.member', '@alice:hs.example', 'join'),"
      " ('$2', '!r1', 'm.room.member', '@bob:hs.example', 'invite'),"
      " ('$3', '!r1', 'm.room.member', '@carol:remote.example', 'join'),"
      " ('$4', '!r1', 'm.room.name', '', NULL)");
  c.Execute(
      "INSERT INTO room_memberships VALUES ('$1', '@alice:hs.example', '!r1', 'leave'),"
      " ('$2', '@bob:hs.example', '!r1', 'ban'),"
      " ('$3', '@carol:remote.example', '!r1', 'join')");
}

std::vector<std::string> LocalMemberships(storage::Connection& c) {
  std::vector<std::string> out;
  for (const auto& row : c.Query("SELECT room_id, user_id, event_id, membership"
                                 " FROM local_current_membership ORDER BY user_id")) {
    out.push_back(row.Text(0) + " " + row.Text(1) + " " + row.Text(2) + " " + row.Text(3));
  }
  return out;
}

TEST_P(NativeDeltaTest, LocalCurrentMembershipCopiesLocalUsersFromCurrentState) {
  ScratchDatabase db(engine());
  MembershipTables(db.conn());
  Run(db, "57/local_current_membership.py", /*new_database=*/false);
  // The membership column is trusted: its background fill is not pending.
  EXPECT_EQ(
      LocalMemberships(db.conn()),
      (std::vector<std::string>{"!r1 @alice:hs.example $1 join", "!r1 @bob:hs.example $2 invite"}));
  EXPECT_TRUE(db.conn().IndexExists("local_current_membership_idx"));
  EXPECT_TRUE(db.conn().IndexExists("local_current_membership_room_idx"));
}

TEST_P(NativeDeltaTest, LocalCurrentMembershipJoinsRoomMembershipsWhileTheFillIsPending) {
  ScratchDatabase db(engine());
  MembershipTables(db.conn());
  db.conn().Execute(
      "INSERT INTO background_updates VALUES ('current_state_events_membership', '{}', NULL)");
  Run(db, "57/local_current_membership.py", /*new_database=*/false);
  EXPECT_EQ(LocalMemberships(db.conn()), (std::vector<std::string>{"!r1 @alice:hs.example $1 leave",
                                                                   "!r1 @bob:hs.example $2 ban"}));
}

TEST_P(NativeDeltaTest, LocalCurrentMembershipOnlyCreatesOnANewDatabase) {
  ScratchDatabase db(engine());
  MembershipTables(db.conn());
  Run(db, "57/local_current_membership.py", /*new_database=*/true);
  EXPECT_TRUE(db.conn().TableExists("local_current_membership"));
  EXPECT_TRUE(LocalMemberships(db.conn()).empty());
}

TEST_P(NativeDeltaTest, DeviceListsLastSuccessKeepsTheNewestStreamIdPerPair) {
  ScratchDatabase db(engine());
  auto& c = db.conn();
  c.ExecuteScript(
      "CREATE TABLE device_lists_outbound_last_success (destination TEXT NOT NULL,"
      " user_id TEXT NOT NULL, stream_id BIGINT NOT NULL);"
      "CREATE INDEX device_lists_outbound_last_success_idx"
      " ON device_lists_outbound_last_success (destination, user_id, stream_id);");
  c.Execute(
      "INSERT INTO device_lists_outbound_last_success VALUES"
      " ('a.example', '@u:hs', 3), ('a.example', '@u:hs', 9), ('a.example', '@u:hs', 5),"
      " ('b.example', '@u:hs', 1)");
  Run(db, "58/06dlols_unique_idx.py", /*new_database=*/false);
  auto rows = c.Query(
      "SELECT destination, stream_id FROM device_lists_outbound_last_success"
      " ORDER BY destination");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].Int(1), 9);
  EXPECT_EQ(rows[1].Int(1), 1);
  EXPECT_TRUE(c.IndexExists("device_lists_outbound_last_success_unique_idx"));
  EXPECT_FALSE(c.IndexExists("device_lists_outbound_last_success_idx"));
  EXPECT_THROW(c.Execute("INSERT INTO device_lists_outbound_last_success VALUES"
                         " ('b.example', '@u:hs', 2)"),
               storage::DatabaseError);

  // Run again (the index exists now): nothing is rebuilt or lost.
  c.Execute("INSERT INTO device_lists_outbound_last_success VALUES ('c.example', '@u:hs', 4)");
  Run(db, "58/06dlols_unique_idx.py", /*new_database=*/false);
  EXPECT_EQ(c.QueryInt("SELECT COUNT(*) FROM device_lists_outbound_last_success"), 3);
}

TEST_P(NativeDeltaTest, UserIdSequenceStartsAfterTheLargestGeneratedId) {
  ScratchDatabase db(engine());
  auto& c = db.conn();
  c.ExecuteScript("CREATE TABLE users (name TEXT);");
  c.Execute(
      "INSERT INTO users VALUES ('@5:hs'), ('@12:hs'), ('@alice:hs'), ('@7x:hs'),"
      " ('@99999999999999999999999:hs')");
  Run(db, "58/11user_id_seq.py", /*new_database=*/false);
  if (engine() == Engine::kPostgres) {
    EXPECT_EQ(c.QueryInt("SELECT nextval('user_id_seq')"), 13);
  } else {
    // SQLite has no sequences; the server keeps computing the next id itself.
    EXPECT_EQ(c.QueryInt("SELECT COUNT(*) FROM sqlite_master WHERE name = 'user_id_seq'"), 0);
  }
}

TEST_P(NativeDeltaTest, UserIdSequenceStartsAtOneWithoutGeneratedIds) {
  if (engine() != Engine::kPostgres) GTEST_SKIP() << "sequence is PostgreSQL-only";
  ScratchDatabase db(engine());
  db.conn().ExecuteScript("CREATE TABLE users (name TEXT);");
  Run(db, "58/11user_id_seq.py", /*new_database=*/true);
  EXPECT_EQ(db.conn().QueryInt("SELECT nextval('user_id_seq')"), 1);
}

STRATA_INSTANTIATE_ENGINES(NativeDeltaTest);

}  // namespace
}  // namespace strata::schema
