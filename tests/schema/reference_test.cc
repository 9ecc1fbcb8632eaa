// Strata's schema data against databases made by the real Synapse releases
// (real-synapse/fresh, real-synapse/migrated-only and the PostgreSQL dataset): a database Strata
// builds or upgrades as release R must have the tables, columns, indexes, recorded deltas and
// queued background updates that real R produced.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "schema/catalogue.h"
#include "schema/prepare_database.h"
#include "schema/schema_snapshot.h"
#include "support/test_support.h"

namespace strata::schema {
namespace {

using storage::Engine;
using testing::ScratchDatabase;

using testing::ReadTextFile;

std::filesystem::path RealDir(const std::string& kind, const std::string& release) {
  return testing::ReferenceDir() / "real-synapse" / kind / ("v" + release);
}

// The data lines of one of the "a|b|c" table dumps next to a real database.
std::vector<std::string> RealRows(const std::string& kind, const std::string& release,
                                  const std::string& file) {
  std::istringstream lines(ReadTextFile(RealDir(kind, release) / file));
  std::vector<std::string> rows;
  std::string line;
  std::getline(lines, line);  // header
  while (std::getline(lines, line)) {
    if (!line.empty()) rows.push_back(line);
  }
  return rows;
}

const Release& Get(const std::string& name) {
  const Release* release = Catalogue::Builtin().Find(name);
  if (!release) throw std::runtime_error("release " + name + " is not catalogued");
  return *release;
}

void Prepare(storage::Connection& conn, const std::string& release) {
  PrepareOptions options;
  options.server_name = "localhost";
  auto report = PrepareDatabase(conn, Catalogue::Builtin(), Get(release), options);
  ASSERT_TRUE(report.ok()) << report.status().message();
}

std::vector<std::string> AppliedFiles(storage::Connection& conn) {
  std::vector<std::string> files;
  for (const auto& row : conn.Query("SELECT version, file FROM applied_schema_deltas")) {
    files.push_back(row.Text(0) + "|" + row.Text(1));
  }
  return files;
}

// background_updates as the reference files print them: NULL and '' both appear empty.
std::vector<std::string> BackgroundRows(storage::Connection& conn) {
  const bool ordering = conn.ColumnExists("background_updates", "ordering");
  std::vector<std::string> rows;
  const std::string order_by = conn.engine() == Engine::kSqlite ? "rowid" : "ctid";
  for (const auto& row : conn.Query("SELECT update_name, progress_json, depends_on" +
                                    std::string(ordering ? ", ordering" : "") +
                                    " FROM background_updates ORDER BY " + order_by)) {
    std::string line = row.Text(0) + "|" + row.Text(1) + "|" + row.Text(2);
    if (ordering) line += "|" + row.Text(3);
    rows.push_back(line);
  }
  return rows;
}

// Names of queued updates whose depends_on is the empty string rather than NULL (1.4.0's
// stats_separated.sql wrote '', which the pre-1.13 runner treats as "no dependency").
std::vector<std::string> EmptyStringDependencies(storage::Connection& conn) {
  std::vector<std::string> names;
  for (const auto& row :
       conn.Query("SELECT update_name FROM background_updates WHERE depends_on = ''")) {
    names.push_back(row.Text(0));
  }
  return names;
}

std::vector<std::string> SchemaVersionRows(storage::Connection& conn) {
  std::vector<std::string> rows;
  for (const auto& row : conn.Query("SELECT Lock, version, upgraded FROM schema_version")) {
    rows.push_back(row.Text(0) + "|" + row.Text(1) + "|" + row.Text(2));
  }
  return rows;
}

SchemaSnapshot SnapshotOfDump(const std::filesystem::path& path) {
  auto snapshot = ParseSqliteSchemaDump(ReadTextFile(path));
  if (!snapshot.ok()) throw std::runtime_error(snapshot.status().message());
  return *snapshot;
}

// Differences Strata accepts, each with its reason. A difference not listed fails the test; a
// listed one that no longer occurs fails too, so the list cannot rot.
using Accepted = std::map<std::string, std::string>;  // diff line -> reason

void ExpectOnlyAccepted(const std::vector<std::string>& diff, const Accepted& accepted,
                        const std::string& context) {
  std::set<std::string> seen;
  for (const std::string& line : diff) {
    if (accepted.count(line)) {
      seen.insert(line);
    } else {
      ADD_FAILURE() << context << ": " << line;
    }
  }
  for (const auto& [line, reason] : accepted) {
    EXPECT_TRUE(seen.count(line)) << context << ": accepted difference no longer occurs: " << line;
  }
}

std::string ParamName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = "v" + info.param;
  std::replace(name.begin(), name.end(), '.', '_');
  return name;
}

// ---- New databases, SQLite: the releases real Synapse created databases with.

class FreshSqliteTest : public ::testing::TestWithParam<std::string> {};

TEST_P(FreshSqliteTest, MatchesTheDatabaseRealSynapseCreated) {
  const std::string release = GetParam();
  ScratchDatabase db(Engine::kSqlite);
  Prepare(db.conn(), release);

  // Tables, columns (declared types included), constraints and indexes. Real Synapse and
  // Strata produce the same schema for every release here: no accepted differences.
  ExpectOnlyAccepted(DiffSnapshots(SnapshotOfDump(RealDir("fresh", release) / "schema.sql"),
                                   TakeSnapshot(db.conn()), {.declared_types = true}),
                     Accepted{}, release);

  EXPECT_EQ(AppliedFiles(db.conn()), RealRows("fresh", release, "applied_schema_deltas.txt"));
  EXPECT_EQ(SchemaVersionRows(db.conn()), RealRows("fresh", release, "schema_version.txt"));

  // Real Synapse had already run some background updates when its database was dumped; every
  // update it still had queued must be queued here the same way.
  const auto queued = BackgroundRows(db.conn());
  for (const std::string& pending : RealRows("fresh", release, "background_updates.txt")) {
    EXPECT_NE(std::find(queued.begin(), queued.end(), pending), queued.end())
        << release << ": real Synapse had queued " << pending;
  }
}

INSTANTIATE_TEST_SUITE_P(Releases, FreshSqliteTest,
                         ::testing::Values("1.2.1", "1.3.1", "1.4.0", "1.12.4", "1.13.0", "1.18.0"),
                         ParamName);

// ---- Existing databases, SQLite: the big 1.2.1 dataset after each release's migration.

class MigratedSqliteTest : public ::testing::TestWithParam<std::string> {};

TEST_P(MigratedSqliteTest, MatchesWhatRealSynapseMigratedItTo) {
  const std::string release = GetParam();
  testing::TempDir dir;
  auto opened = storage::OpenSqlite(testing::CopyDataset("v1.2.1-big.sqlite", dir));
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  storage::Connection& conn = **opened;
  Prepare(conn, release);

  ExpectOnlyAccepted(DiffSnapshots(SnapshotOfDump(RealDir("migrated-only", release) / "schema.sql"),
                                   TakeSnapshot(conn), {.declared_types = true}),
                     Accepted{}, release);
  EXPECT_EQ(AppliedFiles(conn), RealRows("migrated-only", release, "applied_schema_deltas.txt"));
  // Exactly the rows, in the order, real Synapse queued.
  EXPECT_EQ(BackgroundRows(conn), RealRows("migrated-only", release, "background_updates.txt"));
  // ... and '' versus NULL, which the text files cannot show.
  const auto version = Get(release).version;
  const bool old_stats_delta =
      version < *ReleaseVersion::Parse("1.13.0") && !(version < *ReleaseVersion::Parse("1.4.0"));
  EXPECT_EQ(EmptyStringDependencies(conn),
            old_stats_delta ? std::vector<std::string>{"populate_stats_process_rooms"}
                            : std::vector<std::string>{});
}

INSTANTIATE_TEST_SUITE_P(Releases, MigratedSqliteTest,
                         ::testing::Values("1.3.1", "1.4.0", "1.12.4", "1.13.0"), ParamName);

// ---- PostgreSQL.

class PostgresReferenceTest : public ::testing::Test {
 protected:
  void SetUp() override { STRATA_SKIP_WITHOUT_POSTGRES(); }
  // Loads the big dataset real Synapse 1.2.1 made on PostgreSQL into `db`.
  static void RestoreDataset(const ScratchDatabase& db) {
    const auto dump = testing::ReferenceDir() / "real-synapse/datasets/v1.2.1-big.postgres.sql.gz";
    auto result = testing::RunCommand("gzip -dc '" + dump.string() +
                                      "' | psql -q -v ON_ERROR_STOP=1 '" + db.location() + "'");
    ASSERT_EQ(result.exit_code, 0) << result.output;
  }
};

TEST_F(PostgresReferenceTest, FreshOneTwoOneMatchesTheDatabaseRealSynapseCreated) {
  ScratchDatabase real(Engine::kPostgres);
  RestoreDataset(real);
  ScratchDatabase ours(Engine::kPostgres);
  Prepare(ours.conn(), "1.2.1");
  ExpectOnlyAccepted(
      DiffSnapshots(TakeSnapshot(real.conn()), TakeSnapshot(ours.conn()), {.declared_types = true}),
      Accepted{}, "1.2.1 on PostgreSQL");
}

TEST_F(PostgresReferenceTest, MigratingTheRealDatasetQueuesWhatSqliteQueues) {
  for (const std::string release : {"1.4.0", "1.13.0", "1.18.0"}) {
    ScratchDatabase db(Engine::kPostgres);
    RestoreDataset(db);
    Prepare(db.conn(), release);
    // The SQLite migration of the same dataset, plus the two updates of the PostgreSQL-only
    // 56/redaction_censor3_fix_update.sql.postgres (1.4.1).
    std::vector<std::string> expected = RealRows(
        "migrated-only", release == "1.18.0" ? "1.13.0" : release, "background_updates.txt");
    if (release != "1.4.0") {
      auto at = std::find_if(expected.begin(), expected.end(), [](const std::string& row) {
        return row.rfind("redactions_have_censored_ts_idx|", 0) == 0;
      });
      expected.insert(at + 1,
                      {"event_fix_redactions_bytes_create_index|{}||0",
                       "event_fix_redactions_bytes|{}|event_fix_redactions_bytes_create_index|0"});
    }
    EXPECT_EQ(BackgroundRows(db.conn()), expected) << release;
    // The deltas that create tables ran on data without trouble; spot-check their results.
    if (release == "1.18.0") {
      EXPECT_GT(db.conn().QueryInt("SELECT COUNT(*) FROM local_current_membership").value_or(0), 0);
      EXPECT_EQ(db.conn().QueryInt("SELECT COUNT(*) FROM rooms WHERE room_version IS NULL"), 0);
      EXPECT_TRUE(db.conn().IndexExists("user_filters_unique"));
    }
  }
}

// SQLite and PostgreSQL builds of the newest release agree, apart from engine differences
// that Synapse itself has.
TEST_F(PostgresReferenceTest, BothEnginesBuildTheSameNewestSchema) {
  ScratchDatabase lite(Engine::kSqlite);
  ScratchDatabase pg(Engine::kPostgres);
  Prepare(lite.conn(), "1.18.0");
  Prepare(pg.conn(), "1.18.0");
  const std::string fts =
      "full-text search is an FTS4 table on SQLite, tsvector + GIN on PostgreSQL";
  const std::string partial =
      "a background index update skips the WHERE on SQLite (partial on PostgreSQL)";
  const std::string pg_only = "PostgreSQL-only table (workers' cache invalidation)";
  ExpectOnlyAccepted(
      DiffSnapshots(TakeSnapshot(lite.conn()), TakeSnapshot(pg.conn()), {.sequences = false}),
      Accepted{
          {"changed table event_search: expected 'virtual fts4', got ''", fts},
          {"changed table user_directory_search: expected 'virtual fts4', got ''", fts},
          {"changed column event_search.event_id: expected 'none', got 'text'", fts},
          {"changed column event_search.room_id: expected 'none', got 'text'", fts},
          {"changed column event_search.sender: expected 'none', got 'text'", fts},
          {"changed column event_search.key: expected 'none', got 'text'", fts},
          {"missing column event_search.value: none", fts},
          {"unexpected column event_search.vector: tsvector", fts},
          {"unexpected column event_search.origin_server_ts: integer", fts},
          {"unexpected column event_search.stream_ordering: integer", fts},
          {"changed column user_directory_search.user_id: expected 'none', got 'text not null'",
           fts},
          {"missing column user_directory_search.value: none", fts},
          {"unexpected column user_directory_search.vector: tsvector", fts},
          {"unexpected index event_search_ev_ridx: on event_search (room_id)", fts},
          {"unexpected index event_search_event_id_idx: unique on event_search (event_id)", fts},
          {"unexpected index event_search_fts_idx: on event_search using gin (vector)", fts},
          {"unexpected index user_directory_search_fts_idx: on user_directory_search using gin "
           "(vector)",
           fts},
          {"unexpected index user_directory_search_user_idx: unique on user_directory_search "
           "(user_id)",
           fts},
          {"changed index current_state_events_member_index: expected 'on current_state_events "
           "(state_key)', got 'on current_state_events (state_key) where type='m.room.member''",
           partial},
          {"changed index event_contains_url_index: expected 'on events (room_id, "
           "topological_ordering, stream_ordering)', got 'on events (room_id, "
           "topological_ordering, stream_ordering) where contains_url=true and outlier=false'",
           partial},
          {"changed index event_push_actions_highlights_index: expected 'on event_push_actions "
           "(user_id, room_id, topological_ordering, stream_ordering)', got 'on "
           "event_push_actions (user_id, room_id, topological_ordering, stream_ordering) where "
           "highlight=1'",
           partial},
          {"changed index local_media_repository_url_idx: expected 'on local_media_repository "
           "(created_ts)', got 'on local_media_repository (created_ts) where url_cache is not "
           "null'",
           partial},
          {"unexpected table cache_invalidation_stream", pg_only},
          {"unexpected column cache_invalidation_stream.stream_id: integer", pg_only},
          {"unexpected column cache_invalidation_stream.cache_func: text", pg_only},
          {"unexpected column cache_invalidation_stream.keys: text[]", pg_only},
          {"unexpected column cache_invalidation_stream.invalidation_ts: integer", pg_only},
          {"unexpected index cache_invalidation_stream_id: on cache_invalidation_stream "
           "(stream_id)",
           pg_only},
          {"unexpected table cache_invalidation_stream_by_instance", pg_only},
          {"unexpected column cache_invalidation_stream_by_instance.stream_id: integer not null",
           pg_only},
          {"unexpected column cache_invalidation_stream_by_instance.instance_name: text not null",
           pg_only},
          {"unexpected column cache_invalidation_stream_by_instance.cache_func: text not null",
           pg_only},
          {"unexpected column cache_invalidation_stream_by_instance.keys: text[]", pg_only},
          {"unexpected column cache_invalidation_stream_by_instance.invalidation_ts: integer",
           pg_only},
          {"unexpected index cache_invalidation_stream_by_instance_id: unique on "
           "cache_invalidation_stream_by_instance (stream_id)",
           pg_only},
      },
      "1.18.0, SQLite vs PostgreSQL");
  EXPECT_EQ(TakeSnapshot(pg.conn()).sequences,
            (std::set<std::string>{"cache_invalidation_stream_seq", "state_group_id_seq",
                                   "user_id_seq"}));
}

// ---- The SQL the upgrade notes give administrators does what the notes say.

class UpgradeNotesSqlTest : public testing::EngineTest {
 protected:
  const UpgradeNote& Note(const std::string& release, const std::string& sql_part) {
    for (const UpgradeNote& note : Get(release).notes) {
      if (note.sql_sqlite.find(sql_part) != std::string::npos) return note;
    }
    throw std::runtime_error("no note with " + sql_part);
  }
  std::string Sql(const UpgradeNote& note) {
    return engine() == Engine::kPostgres ? note.sql_postgres : note.sql_sqlite;
  }
};

TEST_P(UpgradeNotesSqlTest, PreCheckRunsFromSchemaFiftySevenAndFailsBefore) {
  const std::string check = Sql(Note("1.12.0", "SELECT MAX(q.v)"));
  {
    ScratchDatabase db(engine());
    Prepare(db.conn(), "1.12.4");
    auto& c = db.conn();
    c.Execute(
        "INSERT INTO rooms (room_id, is_public, creator, room_version) VALUES"
        " ('!r:localhost', FALSE, '@a:localhost', NULL)");
    c.Execute(
        "INSERT INTO state_events (event_id, room_id, type, state_key) VALUES"
        " ('$create', '!r:localhost', 'm.room.create', '')");
    c.Execute(
        "INSERT INTO event_json (event_id, room_id, internal_metadata, json) VALUES"
        " ('$create', '!r:localhost', '{}', '{\"content\":{\"room_version\":\"5\"}}')");
    auto rows = c.Query(check);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].Text(0), "{\"content\":{\"room_version\":\"5\"}}");
  }
  {
    ScratchDatabase db(engine());
    Prepare(db.conn(), "1.2.1");
    try {
      db.conn().Query(check);
      FAIL() << "the check needs rooms.room_version";
    } catch (const storage::DatabaseError& e) {
      EXPECT_NE(std::string(e.what()).find("room_version"), std::string::npos) << e.what();
    }
  }
}

TEST_P(UpgradeNotesSqlTest, TemporaryIndexCanBeBuiltOnOneTwoOneAndDropped) {
  ScratchDatabase db(engine());
  Prepare(db.conn(), "1.2.1");
  // Outside any transaction, as an administrator's console runs it (CONCURRENTLY needs that).
  db.conn().ExecuteScript(Sql(Note("1.12.0", "CREATE INDEX")));
  EXPECT_TRUE(db.conn().IndexExists("tmp_upgrade_1_12_0_index"));
  EXPECT_EQ(TakeSnapshot(db.conn()).indexes.at("tmp_upgrade_1_12_0_index").where,
            "type='m.room.create'");
  db.conn().ExecuteScript(Sql(Note("1.12.0", "DROP INDEX")));
  EXPECT_FALSE(db.conn().IndexExists("tmp_upgrade_1_12_0_index"));
}

TEST_P(UpgradeNotesSqlTest, RepairRequeuesTheStatisticsBehindTheMembershipFill) {
  ScratchDatabase db(engine());
  Prepare(db.conn(), "1.13.0");
  auto& c = db.conn();
  // An affected server: its stats passes ran (wrongly) long ago and are no longer queued.
  c.Execute("DELETE FROM background_updates WHERE update_name LIKE 'populate_stats_%'");
  c.ExecuteScript(Sql(Note("1.13.0", "populate_stats_process_users")));
  auto rows = c.Query(
      "SELECT update_name, depends_on FROM background_updates"
      " WHERE update_name LIKE 'populate_stats_%' ORDER BY update_name");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].Text(0), "populate_stats_process_rooms");
  EXPECT_EQ(rows[0].Text(1), "current_state_events_membership");
  EXPECT_EQ(rows[1].Text(0), "populate_stats_process_users");
  EXPECT_EQ(rows[1].Text(1), "populate_stats_process_rooms");
}

TEST_P(UpgradeNotesSqlTest, RollbackStatementLetsOneTwelveFourStartAgain) {
  ScratchDatabase db(engine());
  Prepare(db.conn(), "1.13.0");
  auto refused = PrepareDatabase(db.conn(), Catalogue::Builtin(), Get("1.12.4"));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find(kTooNewMessage), std::string::npos);

  db.conn().ExecuteScript(Sql(Get("1.13.0").rollback.at(0)));
  auto report = PrepareDatabase(db.conn(), Catalogue::Builtin(), Get("1.12.4"));
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_TRUE(report->applied.empty());
}

STRATA_INSTANTIATE_ENGINES(UpgradeNotesSqlTest);

}  // namespace
}  // namespace strata::schema
