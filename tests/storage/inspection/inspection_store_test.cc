// InspectionStore on both engines: on a database prepared as the newest release (stats tables
// present) and as 1.2.1 (the legacy statistics, no *_stats_current), with rows it must find.
#include "storage/inspection/inspection_store.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "schema/catalogue.h"
#include "schema/prepare_database.h"
#include "support/test_support.h"

namespace strata::storage {
namespace {

class InspectionStoreTest : public strata::testing::EngineTest {
 protected:
  void Prepare(strata::testing::ScratchDatabase& db, const std::string& release_name) {
    const auto& catalogue = schema::Catalogue::Builtin();
    const schema::Release* release =
        release_name.empty() ? &catalogue.newest() : catalogue.Find(release_name);
    ASSERT_NE(release, nullptr);
    auto prepared = schema::PrepareDatabase(db.conn(), catalogue, *release);
    ASSERT_TRUE(prepared.ok()) << prepared.status().message();
  }
  static void AddUsersAndRooms(Connection& conn) {
    conn.Execute(
        "INSERT INTO users (name, password_hash, creation_ts, deactivated) VALUES "
        "('@carol:example.org', 'h', 1, 0), ('@alice:example.org', 'h', 1, 0), "
        "('@ghost:example.org', NULL, 1, 0), ('@empty:example.org', '', 1, 0), "
        "('@gone:example.org', 'h', 1, 1), ('@bob:example.org', 'h', 1, 0), "
        "('@dave:example.org', 'h', 1, 0)");
    conn.Execute(
        "INSERT INTO rooms (room_id, is_public, creator) VALUES "
        "('!b:example.org', TRUE, '@bob:example.org'), "
        "('!a:example.org', FALSE, '@alice:example.org')");
  }
};

TEST_P(InspectionStoreTest, ReadsTheNewestReleasesTables) {
  strata::testing::ScratchDatabase db(engine());
  Prepare(db, "");
  if (HasFatalFailure()) return;
  Connection& conn = db.conn();
  AddUsersAndRooms(conn);
  conn.Execute(
      "INSERT INTO room_stats_current (room_id, current_state_events, joined_members, "
      "invited_members, left_members, banned_members, local_users_in_room, "
      "completed_delta_stream_id) VALUES ('!a:example.org', 5, 2, 1, 0, 0, 2, 17)");
  conn.Execute(
      "INSERT INTO user_stats_current (user_id, joined_rooms, completed_delta_stream_id) VALUES "
      "('@alice:example.org', 2, 1), ('@bob:example.org', 3, 1)");
  const InspectionStore store(conn);

  EXPECT_EQ(store.UsersWhoCanLogIn(conn),
            (std::vector<std::string>{"@alice:example.org", "@bob:example.org",
                                      "@carol:example.org", "@dave:example.org"}));
  EXPECT_EQ(store.FirstUserName(conn), "@alice:example.org");

  const auto creators = store.RoomCreators(conn);
  ASSERT_EQ(creators.size(), 2u);
  EXPECT_EQ(creators[0].room_id, "!a:example.org");
  EXPECT_EQ(creators[0].creator, "@alice:example.org");
  EXPECT_EQ(creators[1].room_id, "!b:example.org");

  auto counts = store.RoomCountsPerRoom(conn);
  ASSERT_EQ(counts.size(), 2u);
  std::sort(counts.begin(), counts.end(),
            [](const auto& x, const auto& y) { return x.room_id < y.room_id; });
  EXPECT_FALSE(counts[0].is_public);
  EXPECT_TRUE(counts[1].is_public);
  EXPECT_EQ(counts[0].joined_in_current_state, 0);
  EXPECT_EQ(counts[0].messages, 0);

  const auto stats = store.RoomStatsCurrent(conn);
  ASSERT_TRUE(stats.has_value());
  ASSERT_EQ(stats->size(), 1u);
  EXPECT_EQ((*stats)[0].room_id, "!a:example.org");
  EXPECT_EQ((*stats)[0].cells,
            (std::vector<std::optional<std::string>>{"5", "2", "1", "0", "0", "2", "17"}));
  const auto state = store.RoomStatsState(conn);
  ASSERT_TRUE(state.has_value());
  EXPECT_TRUE(state->empty());

  const auto totals = store.UserStats(conn);
  ASSERT_TRUE(totals.has_value());
  EXPECT_EQ(totals->rows, 2);
  EXPECT_EQ(totals->joined_rooms_total, 5);

  const auto deltas = store.AppliedDeltaFiles(conn);
  EXPECT_FALSE(deltas.empty());
  EXPECT_NE(std::find(deltas.begin(), deltas.end(), "56/stats_separated.sql"), deltas.end());
  EXPECT_TRUE(store.RoomNameEvents(conn).empty());
}

TEST_P(InspectionStoreTest, ThePre14SchemaHasNoCurrentStats) {
  strata::testing::ScratchDatabase db(engine());
  Prepare(db, "1.2.1");
  if (HasFatalFailure()) return;
  Connection& conn = db.conn();
  AddUsersAndRooms(conn);
  const InspectionStore store(conn);
  EXPECT_FALSE(store.RoomStatsCurrent(conn).has_value());
  EXPECT_FALSE(store.RoomStatsState(conn).has_value());
  EXPECT_FALSE(store.UserStats(conn).has_value());
  EXPECT_EQ(store.UsersWhoCanLogIn(conn).size(), 4u);
  const auto deltas = store.AppliedDeltaFiles(conn);
  EXPECT_EQ(std::find(deltas.begin(), deltas.end(), "56/stats_separated.sql"), deltas.end());
}

TEST_P(InspectionStoreTest, AnEmptyDatabaseHasNoUsers) {
  strata::testing::ScratchDatabase db(engine());
  Prepare(db, "");
  if (HasFatalFailure()) return;
  const InspectionStore store(db.conn());
  EXPECT_EQ(store.FirstUserName(db.conn()), std::nullopt);
  EXPECT_TRUE(store.UsersWhoCanLogIn(db.conn()).empty());
  EXPECT_TRUE(store.RoomCountsPerRoom(db.conn()).empty());
}

STRATA_INSTANTIATE_ENGINES(InspectionStoreTest);

}  // namespace
}  // namespace strata::storage
