// Prepare-database semantics (facts §2.2) on both engines, through the built-in catalogue and
// through small catalogues made for one rule at a time.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "support/test_support.h"
#include "upgrade_support.h"

namespace strata::schema {
namespace {

using testing::ActAs;
using testing::ReleaseNamed;
using testing::ScratchDatabase;

std::set<std::string> AppliedFiles(storage::Connection& conn) {
  std::set<std::string> files;
  for (const auto& row : conn.Query("SELECT file FROM applied_schema_deltas", {})) {
    files.insert(row.Text(0));
  }
  return files;
}

class PrepareTest : public testing::EngineTest {};

TEST_P(PrepareTest, FreshDatabaseAtEveryRelease) {
  for (const auto& release : Catalogue::Builtin().releases()) {
    SCOPED_TRACE(release.name);
    ScratchDatabase db(engine());
    auto report = ActAs(db.conn(), release.name, /*run_updates=*/false);
    EXPECT_TRUE(report.new_database);
    auto state = ReadSchemaState(db.conn());
    ASSERT_TRUE(state);
    EXPECT_EQ(state->version, release.schema_version);
    EXPECT_TRUE(state->upgraded);
    EXPECT_FALSE(report.applied.empty());
    // Every applied file is recorded once, under its folder.
    auto applied = AppliedFiles(db.conn());
    EXPECT_EQ(applied.size(), report.applied.size());
  }
}

TEST_P(PrepareTest, EveryAdjacentUpgradeRecordsWhatAFreshDatabaseWouldHave) {
  const auto& releases = Catalogue::Builtin().releases();
  ScratchDatabase upgraded(engine());
  ActAs(upgraded.conn(), releases.front().name, false);
  for (size_t i = 1; i < releases.size(); ++i) {
    SCOPED_TRACE(releases[i - 1].name + " -> " + releases[i].name);
    ActAs(upgraded.conn(), releases[i].name, false);
    ScratchDatabase fresh(engine());
    ActAs(fresh.conn(), releases[i].name, false);
    EXPECT_EQ(AppliedFiles(upgraded.conn()), AppliedFiles(fresh.conn()));
    EXPECT_EQ(ReadSchemaState(upgraded.conn())->version, releases[i].schema_version);
  }
}

TEST_P(PrepareTest, LongJumpsMatchTheStepwisePath) {
  for (auto [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"1.0.0", "1.18.0"}, {"1.2.1", "1.13.0"}, {"1.2.1", "1.12.4"}, {"1.3.1", "1.18.0"}}) {
    SCOPED_TRACE(from + " -> " + to);
    ScratchDatabase jumped(engine());
    ActAs(jumped.conn(), from, false);
    auto report = ActAs(jumped.conn(), to, false);
    EXPECT_FALSE(report.new_database);
    ScratchDatabase fresh(engine());
    ActAs(fresh.conn(), to, false);
    EXPECT_EQ(AppliedFiles(jumped.conn()), AppliedFiles(fresh.conn()));
  }
}

TEST_P(PrepareTest, RunningTheSameReleaseTwiceChangesNothing) {
  ScratchDatabase db(engine());
  ActAs(db.conn(), "1.18.0", false);
  auto again = ActAs(db.conn(), "1.18.0", false);
  EXPECT_TRUE(again.applied.empty());
}

TEST_P(PrepareTest, RescansTheCurrentFolderWhenUpgraded) {
  // 1.3.1 leaves the database at 56 (upgraded); 1.4.0 keeps 56 but ships more 56/ files.
  ScratchDatabase db(engine());
  ActAs(db.conn(), "1.3.1", false);
  auto report = ActAs(db.conn(), "1.4.0", false);
  EXPECT_EQ(ReadSchemaState(db.conn())->version, 56);
  std::set<std::string> applied(report.applied.begin(), report.applied.end());
  EXPECT_TRUE(applied.count("56/stats_separated.sql"));
  EXPECT_FALSE(applied.count("56/current_state_events_membership.sql"));  // already there
}

TEST_P(PrepareTest, TooNewDatabaseIsRefusedAndUntouched) {
  ScratchDatabase db(engine());
  ActAs(db.conn(), "1.13.0", false);
  auto before = AppliedFiles(db.conn());
  std::string bytes_before;
  if (engine() == storage::Engine::kSqlite) {
    std::ifstream in(db.location(), std::ios::binary);
    bytes_before.assign(std::istreambuf_iterator<char>(in), {});
  }
  auto report = PrepareDatabase(db.conn(), Catalogue::Builtin(), ReleaseNamed("1.12.4"), {});
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.status().message().find(kTooNewMessage), std::string::npos)
      << report.status().message();
  EXPECT_EQ(AppliedFiles(db.conn()), before);
  EXPECT_EQ(ReadSchemaState(db.conn())->version, 58);
  if (engine() == storage::Engine::kSqlite) {
    std::ifstream in(db.location(), std::ios::binary);
    std::string bytes_after(std::istreambuf_iterator<char>(in), {});
    EXPECT_TRUE(bytes_after == bytes_before) << "the refused database file changed";
  }
}

TEST_P(PrepareTest, RollbackFrom1_13To1_12_4WithTheNotesUpdate) {
  ScratchDatabase db(engine());
  ActAs(db.conn(), "1.12.4", false);
  ActAs(db.conn(), "1.13.0", false);
  db.conn().Execute("UPDATE schema_version SET version = 57;");  // the notes, verbatim
  auto down = ActAs(db.conn(), "1.12.4", false);
  EXPECT_TRUE(down.applied.empty());
  // 1.12.4's inserts still work: the 1.13 `ordering` column has a default.
  db.conn().Execute(
      "INSERT INTO background_updates (update_name, progress_json) VALUES ('x_test', '{}')");
  auto up = ActAs(db.conn(), "1.13.0", false);
  EXPECT_TRUE(up.applied.empty());
}

TEST_P(PrepareTest, ServerNameChangeIsRefused) {
  ScratchDatabase db(engine());
  ActAs(db.conn(), "1.2.1", false);
  db.conn().Execute(
      "INSERT INTO users (name, password_hash, creation_ts) VALUES ('@a:old.example', '', 0)");
  PrepareOptions options;
  options.server_name = "new.example";
  auto report = PrepareDatabase(db.conn(), Catalogue::Builtin(), ReleaseNamed("1.3.1"), options);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.status().message().find("Found users in database not native to new.example!"),
            std::string::npos);
  EXPECT_EQ(ReadSchemaState(db.conn())->version, 55);
}

// A two-release catalogue whose second release adds a file to an old folder, as 1.13.0 added
// 57/remove_sent_outbound_pokes.sql.
Catalogue SmallCatalogue() {
  std::string yaml = R"(
releases:
  - release: "1.0.0"
    schema_version: 55
    full_schema: 54
    background_runner: round_robin
    room_directory: current_state
    stats_engine: legacy
  - release: "1.0.1"
    schema_version: 55
    full_schema: 54
    background_runner: round_robin
    room_directory: current_state
    stats_engine: legacy
deltas:
  - file: "55/a_first.sql"
    since: "1.0.0"
  - file: "55/b_added_later.sql"
    since: "1.0.1"
  - file: "55/c_pg_only.sql.postgres"
    since: "1.0.0"
)";
  std::map<std::string, std::string> files = {
      {"full_schemas/54/full.sql", "CREATE TABLE t (name TEXT);"},
      {"delta/55/a_first.sql", "INSERT INTO t VALUES ('a');"},
      {"delta/55/b_added_later.sql", "INSERT INTO t VALUES ('b');"},
      {"delta/55/c_pg_only.sql.postgres", "INSERT INTO t VALUES ('pg');"},
  };
  auto catalogue = Catalogue::Load(yaml, files);
  if (!catalogue.ok()) throw std::runtime_error(catalogue.status().message());
  return std::move(catalogue).value();
}

TEST_P(PrepareTest, AFileAddedToAnOldFolderIsAppliedOnce) {
  Catalogue catalogue = SmallCatalogue();
  ScratchDatabase db(engine());
  ASSERT_TRUE(PrepareDatabase(db.conn(), catalogue, *catalogue.Find("1.0.0")).ok());
  auto second = PrepareDatabase(db.conn(), catalogue, *catalogue.Find("1.0.1"));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->applied, (std::vector<std::string>{"55/b_added_later.sql"}));
  auto third = PrepareDatabase(db.conn(), catalogue, *catalogue.Find("1.0.1"));
  ASSERT_TRUE(third.ok());
  EXPECT_TRUE(third->applied.empty());
  std::string expected = engine() == storage::Engine::kPostgres ? "a,b,pg" : "a,b";
  std::string got;
  for (const auto& row : db.conn().Query("SELECT name FROM t ORDER BY name", {})) {
    got += (got.empty() ? "" : ",") + row.Text(0);
  }
  EXPECT_EQ(got, expected);
}

TEST_P(PrepareTest, AFailingDeltaLeavesTheDatabaseAsItWas) {
  std::string yaml = R"(
releases:
  - release: "1.0.0"
    schema_version: 55
    full_schema: 54
    background_runner: round_robin
    room_directory: current_state
    stats_engine: legacy
  - release: "1.1.0"
    schema_version: 56
    full_schema: 54
    background_runner: round_robin
    room_directory: current_state
    stats_engine: legacy
deltas:
  - file: "55/a.sql"
    since: "1.0.0"
  - file: "56/a_good.sql"
    since: "1.1.0"
  - file: "56/b_bad.sql"
    since: "1.1.0"
)";
  auto catalogue =
      Catalogue::Load(yaml, {{"full_schemas/54/full.sql", "CREATE TABLE t (x INT);"},
                             {"delta/55/a.sql", "INSERT INTO t VALUES (1);"},
                             {"delta/56/a_good.sql", "CREATE TABLE u (y INT);"},
                             {"delta/56/b_bad.sql", "INSERT INTO nowhere VALUES (1);"}});
  ASSERT_TRUE(catalogue.ok()) << catalogue.status().message();
  ScratchDatabase db(engine());
  ASSERT_TRUE(PrepareDatabase(db.conn(), *catalogue, *catalogue->Find("1.0.0")).ok());
  auto report = PrepareDatabase(db.conn(), *catalogue, *catalogue->Find("1.1.0"));
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.status().message().find("56/b_bad.sql"), std::string::npos);
  EXPECT_FALSE(db.conn().TableExists("u"));
  EXPECT_EQ(ReadSchemaState(db.conn())->version, 55);
  EXPECT_EQ(AppliedFiles(db.conn()), (std::set<std::string>{"55/a.sql"}));
}

STRATA_INSTANTIATE_ENGINES(PrepareTest);

}  // namespace
}  // namespace strata::schema
