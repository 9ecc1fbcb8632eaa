// The SQL the upgrade notes tell admins to run, verbatim, against Strata's databases on both
// engines (facts §4.3, §5, §12), and the SQLite form of the 1.12.0 pre-check that works.
#include <gtest/gtest.h>

#include "support/test_support.h"
#include "upgrade_support.h"

namespace strata::schema {
namespace {

using testing::ActAs;
using testing::ScratchDatabase;

// UPGRADE.rst "Upgrading to v1.12.0", step 2, as printed.
constexpr const char* kPreCheckAsPrinted = R"sql(SELECT MAX(q.v) FROM (
  SELECT (
    SELECT ej.json AS v
    FROM state_events se INNER JOIN event_json ej USING (event_id)
    WHERE se.room_id=rooms.room_id AND se.type='m.room.create' AND se.state_key=''
    LIMIT 1
  ) FROM rooms WHERE rooms.room_version IS NULL
) q;)sql";

// The alias moved to the outer select: accepted by SQLite 3.40 and PostgreSQL alike.
constexpr const char* kPreCheckPortable = R"sql(SELECT MAX(q.v) FROM (
  SELECT (
    SELECT ej.json
    FROM state_events se INNER JOIN event_json ej USING (event_id)
    WHERE se.room_id=rooms.room_id AND se.type='m.room.create' AND se.state_key=''
    LIMIT 1
  ) AS v FROM rooms WHERE rooms.room_version IS NULL
) q;)sql";

class NotesSqlTest : public testing::EngineTest {};

TEST_P(NotesSqlTest, PreCheckNeedsSchema57) {
  ScratchDatabase db(engine());
  ActAs(db.conn(), "1.2.1", false);
  EXPECT_THROW(db.conn().Query(kPreCheckPortable), storage::DatabaseError);  // no room_version
  ActAs(db.conn(), "1.12.4", false);
  EXPECT_NO_THROW(db.conn().Query(kPreCheckPortable));
}

TEST_P(NotesSqlTest, PreCheckAsPrintedWorksOnPostgresOnly) {
  ScratchDatabase db(engine());
  ActAs(db.conn(), "1.12.4", false);
  if (engine() == storage::Engine::kPostgres) {
    EXPECT_NO_THROW(db.conn().Query(kPreCheckAsPrinted));
  } else {
    try {
      db.conn().Query(kPreCheckAsPrinted);
      FAIL() << "SQLite accepted the pre-check as printed";
    } catch (const storage::DatabaseError& e) {
      EXPECT_NE(std::string(e.what()).find("no such column: q.v"), std::string::npos) << e.what();
    }
  }
}

TEST_P(NotesSqlTest, TemporaryIndexForTheRoomVersionFill) {
  ScratchDatabase db(engine());
  ActAs(db.conn(), "1.2.1", false);
  if (engine() == storage::Engine::kPostgres) {
    db.conn().Execute(
        "CREATE INDEX CONCURRENTLY tmp_upgrade_1_12_0_index\n"
        "ON state_events(room_id) WHERE type = 'm.room.create';");
  } else {
    db.conn().Execute(
        "CREATE INDEX tmp_upgrade_1_12_0_index\n"
        "ON state_events(room_id) WHERE type = 'm.room.create';");
  }
  EXPECT_TRUE(db.conn().IndexExists("tmp_upgrade_1_12_0_index"));
  ActAs(db.conn(), "1.12.4", false);  // the fill runs with the index in place
  db.conn().Execute("DROP INDEX tmp_upgrade_1_12_0_index;");
  EXPECT_FALSE(db.conn().IndexExists("tmp_upgrade_1_12_0_index"));
}

// The 1.12 fill (57/rooms_version_column_3) must be able to use the admin's temporary index:
// the planner is asked for the plan of the very statement the release ships.
TEST_P(NotesSqlTest, RoomVersionFillUsesTheTemporaryIndex) {
  ScratchDatabase db(engine());
  ActAs(db.conn(), "1.10.0", false);
  db.conn().Execute(
      "CREATE INDEX tmp_upgrade_1_12_0_index ON state_events(room_id) WHERE type = "
      "'m.room.create'");
  const auto& catalogue = Catalogue::Builtin();
  std::string fill;
  for (const auto& delta : catalogue.DeltasFor(testing::ReleaseNamed("1.12.0"), 57, engine())) {
    if (delta.file.rfind("57/rooms_version_column_3", 0) == 0) fill = delta.sql;
  }
  ASSERT_FALSE(fill.empty());
  std::string plan;
  if (engine() == storage::Engine::kSqlite) {
    for (const auto& row : db.conn().Query("EXPLAIN QUERY PLAN " + fill)) {
      plan += row.Text(row.size() - 1) + "\n";
    }
  } else {
    // Tiny tables make a sequential scan cheapest; forbid it to see whether the index can serve.
    storage::Transaction txn(db.conn());
    db.conn().Execute("SET LOCAL enable_seqscan = off");
    for (const auto& row : db.conn().Query("EXPLAIN " + fill)) plan += row.Text(0) + "\n";
  }
  EXPECT_NE(plan.find("tmp_upgrade_1_12_0_index"), std::string::npos) << plan;
}

TEST_P(NotesSqlTest, RepairInsertsAndRollbackUpdateRunVerbatim) {
  ScratchDatabase db(engine());
  ActAs(db.conn(), "1.13.0", true);
  db.conn().ExecuteScript(
      "INSERT INTO background_updates (update_name, progress_json, depends_on) VALUES\n"
      "   ('populate_stats_process_rooms', '{}', 'current_state_events_membership');\n\n"
      "INSERT INTO background_updates (update_name, progress_json, depends_on) VALUES\n"
      "   ('populate_stats_process_users', '{}', 'populate_stats_process_rooms');\n");
  EXPECT_EQ(db.conn().QueryInt("SELECT COUNT(*) FROM background_updates", {}), 2);
  db.conn().Execute("UPDATE schema_version SET version = 57;");
  EXPECT_EQ(ReadSchemaState(db.conn())->version, 57);
}

TEST_P(NotesSqlTest, CatalogueGivesAFormThatWorksOnThisEngine) {
  // Every note's SQL for this engine must at least parse and plan on a database of the release
  // it belongs to; statements that change data run inside a transaction rolled back after.
  for (const auto& release : Catalogue::Builtin().releases()) {
    for (const auto& note : release.notes) {
      const std::string& sql =
          engine() == storage::Engine::kSqlite ? note.sql_sqlite : note.sql_postgres;
      if (sql.empty() || sql.find("CONCURRENTLY") != std::string::npos) continue;
      SCOPED_TRACE(release.name + ": " + note.title);
      ScratchDatabase db(engine());
      // The notes of release R are run before R starts: on a database of the release before.
      const auto& releases = Catalogue::Builtin().releases();
      std::string previous = releases.front().name;
      for (const auto& r : releases) {
        if (r.version >= release.version) break;
        previous = r.name;
      }
      // Background updates run first: the repair is for servers whose updates have finished.
      ActAs(db.conn(), release.name == releases.front().name ? release.name : previous, true);
      if (sql.find("room_version") != std::string::npos &&
          !db.conn().ColumnExists("rooms", "room_version")) {
        continue;  // the pre-check does not apply before schema 57, and the note says so
      }
      storage::Transaction txn(db.conn());
      EXPECT_NO_THROW(db.conn().ExecuteScript(sql)) << sql;
    }
  }
}

STRATA_INSTANTIATE_ENGINES(NotesSqlTest);

}  // namespace
}  // namespace strata::schema
