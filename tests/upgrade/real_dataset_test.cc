// Databases made by real Synapse v1.2.1 (../shared/reference/real-synapse/datasets/) upgraded
// by Strata, on both engines: the schema reaches 58, every background update Strata models runs
// to completion, nothing the users had is lost, and the 1.4-1.12 directory bug appears exactly
// on the paths where real Synapse showed it.
#include <gtest/gtest.h>

#include <map>

#include "support/test_support.h"
#include "upgrade_support.h"

namespace strata::schema {
namespace {

using testing::ActAs;
using testing::ScratchDatabase;
using testing::TempDir;

// Loads the "big" v1.2.1 dataset: 122 users, three public rooms of ~130 current-state rows.
void LoadBigDataset(ScratchDatabase& db, const TempDir& tmp) {
  if (db.engine() == storage::Engine::kSqlite) {
    std::string copy = testing::CopyDataset("v1.2.1-big.sqlite", tmp);
    auto r = testing::RunCommand("cp '" + copy + "' '" + db.location() + "'");
    ASSERT_EQ(r.exit_code, 0) << r.output;
  } else {
    auto dump = testing::ReferenceDir() / "real-synapse/datasets/v1.2.1-big.postgres.sql.gz";
    auto r = testing::RunCommand("gzip -dc '" + dump.string() + "' | psql -q -v ON_ERROR_STOP=1 '" +
                                 db.location() + "' >/dev/null");
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
}

struct Counts {
  int64_t users, rooms, events, memberships;
  bool operator==(const Counts&) const = default;
};

Counts CountRows(storage::Connection& conn) {
  return {*conn.QueryInt("SELECT COUNT(*) FROM users", {}),
          *conn.QueryInt("SELECT COUNT(*) FROM rooms", {}),
          *conn.QueryInt("SELECT COUNT(*) FROM events", {}),
          *conn.QueryInt("SELECT COUNT(*) FROM room_memberships", {})};
}

// joined_members as the stats tables say, and as the current state says, per public room.
std::map<std::string, std::pair<int64_t, int64_t>> PublicRoomJoins(storage::Connection& conn) {
  std::map<std::string, std::pair<int64_t, int64_t>> out;
  for (const auto& row : conn.Query(
           "SELECT r.room_id, COALESCE(s.joined_members, -1), "
           "(SELECT COUNT(*) FROM current_state_events c JOIN room_memberships m USING (event_id)"
           "  WHERE c.room_id = r.room_id AND c.type = 'm.room.member' AND m.membership = 'join')"
           " FROM rooms r LEFT JOIN room_stats_current s USING (room_id) WHERE r.is_public = ?"
           " ORDER BY r.room_id",
           {true})) {
    out[row.Text(0)] = {row.Int(1), row.Int(2)};
  }
  return out;
}

int BrokenRooms(storage::Connection& conn) {
  int broken = 0;
  for (const auto& [room, joins] : PublicRoomJoins(conn)) {
    if (joins.first != joins.second) ++broken;
  }
  return broken;
}

class RealDatasetTest : public testing::EngineTest {};

TEST_P(RealDatasetTest, BigV1_2_1UpgradesStraightTo1_18_0WithNothingLost) {
  TempDir tmp;
  ScratchDatabase db(engine());
  LoadBigDataset(db, tmp);
  auto& conn = db.conn();
  Counts before = CountRows(conn);
  EXPECT_EQ(before.users, 122);
  ActAs(conn, "1.18.0");
  EXPECT_EQ(ReadSchemaState(conn)->version, 58);
  EXPECT_EQ(CountRows(conn), before);
  // Every update the deltas queued is one Strata models, so none is left.
  EXPECT_EQ(conn.QueryInt("SELECT COUNT(*) FROM background_updates", {}), 0);
  EXPECT_EQ(conn.QueryInt("SELECT COUNT(*) FROM current_state_events WHERE type = "
                          "'m.room.member' AND membership IS NULL",
                          {}),
            0);
  auto joins = PublicRoomJoins(conn);
  ASSERT_EQ(joins.size(), 3u);
  for (const auto& [room, j] : joins) EXPECT_EQ(j.first, j.second) << room;
  EXPECT_EQ(conn.QueryInt("SELECT COUNT(*) FROM rooms WHERE room_version IS NULL", {}), 0);
}

TEST_P(RealDatasetTest, StraightTo1_4ThenTo1_12_4BreaksTheStatsAs1_4_Did) {
  TempDir tmp;
  ScratchDatabase db(engine());
  LoadBigDataset(db, tmp);
  ActAs(db.conn(), "1.4.0");
  ActAs(db.conn(), "1.12.4");
  // Only the rooms the membership update's first batch reached were counted right.
  EXPECT_GE(BrokenRooms(db.conn()), 1);
  // Already broken stays broken through 1.13.0 ...
  ActAs(db.conn(), "1.13.0");
  EXPECT_GE(BrokenRooms(db.conn()), 1);
  // ... until the notes' repair, verbatim, and a restart.
  db.conn().ExecuteScript(
      "INSERT INTO background_updates (update_name, progress_json, depends_on) VALUES\n"
      "   ('populate_stats_process_rooms', '{}', 'current_state_events_membership');\n\n"
      "INSERT INTO background_updates (update_name, progress_json, depends_on) VALUES\n"
      "   ('populate_stats_process_users', '{}', 'populate_stats_process_rooms');\n");
  ActAs(db.conn(), "1.13.0");
  EXPECT_EQ(BrokenRooms(db.conn()), 0);
}

TEST_P(RealDatasetTest, ViaOneThreeOrStraightToOneThirteenStaysRight) {
  {
    TempDir tmp;
    ScratchDatabase db(engine());
    LoadBigDataset(db, tmp);
    ActAs(db.conn(), "1.3.1");
    ActAs(db.conn(), "1.4.0");
    ActAs(db.conn(), "1.12.4");
    EXPECT_EQ(BrokenRooms(db.conn()), 0);
  }
  {
    TempDir tmp;
    ScratchDatabase db(engine());
    LoadBigDataset(db, tmp);
    ActAs(db.conn(), "1.13.0");
    EXPECT_EQ(BrokenRooms(db.conn()), 0);
  }
}

STRATA_INSTANTIATE_ENGINES(RealDatasetTest);

}  // namespace
}  // namespace strata::schema
