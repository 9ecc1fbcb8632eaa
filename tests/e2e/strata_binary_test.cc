// Black-box tests of the `strata` binary: the command line, every start-up refusal from a real
// YAML file (exit status, message naming key and file, database untouched), the generated
// config starting a server on a loopback port, the 503 answers while the schema is upgraded,
// --upgrade-only on a real Synapse database, and recovery from kill -9 mid-migration.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "config/startup_checks.h"
#include "schema/prepare_database.h"
#include "support/process.h"
#include "support/test_support.h"

namespace strata::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

std::string Strata() {
  return StrataBinary();
}

// A minimal valid config on a free port with its database under `dir`.
std::string BaseConfig(const TempDir& dir, int port, const std::string& db_yaml = "") {
  std::string database = db_yaml.empty() ? "database:\n  name: sqlite3\n  args:\n    database: \"" +
                                               dir.File("homeserver.db") + "\"\n"
                                         : db_yaml;
  return "server_name: localhost\nreport_stats: false\n"
         "listeners:\n  - port: " +
         std::to_string(port) +
         "\n    type: http\n    bind_addresses: ['127.0.0.1']\n"
         "    resources:\n      - names: [client, federation]\n" +
         database;
}

CommandResult RunStrata(const std::string& args, const std::string& env = "") {
  return RunCommand(env + " '" + Strata() + "' " + args);
}

TEST(StrataBinary, HelpDocumentsEveryFlag) {
  auto r = RunStrata("--help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* flag : {"--config-path", "--generate-config", "--server-name", "--report-stats",
                           "--data-directory", "--help", "--as-release", "--upgrade-only",
                           "--run-background-updates", "--list-releases"}) {
    EXPECT_NE(r.output.find(flag), std::string::npos) << flag;
  }
}

TEST(StrataBinary, BadArgumentsAreUsageErrors) {
  auto r = RunStrata("--no-such-flag");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("--no-such-flag"), std::string::npos) << r.output;
  TempDir dir;
  WriteFile(dir.File("h.yaml"), BaseConfig(dir, FreePort()));
  r = RunStrata("--config-path " + dir.File("h.yaml") + " --as-release 9.9.9");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("9.9.9"), std::string::npos) << r.output;
}

TEST(StrataBinary, ListsTheCatalogue) {
  auto r = RunStrata("--list-releases");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("1.2.1\tschema 55"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("1.13.0\tschema 58"), std::string::npos);
}

TEST(StrataBinary, GenerateConfigNeedsReportStats) {
  TempDir dir;
  auto r =
      RunStrata("--generate-config --server-name localhost --config-path " + dir.File("h.yaml"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("Please specify either --report-stats=yes or --report-stats=no"),
            std::string::npos)
      << r.output;
  EXPECT_FALSE(fs::exists(dir.File("h.yaml")));
}

struct Refusal {
  const char* name;
  std::string extra_yaml;  // appended to a valid config (or replacing parts of it)
  std::string expected;    // text the message must contain
  std::string key;         // the key it must name
  bool drop_report_stats = false;
};

class RefusalTest : public ::testing::TestWithParam<Refusal> {};

TEST_P(RefusalTest, IsRefusedNamingKeyAndFileWithNothingWritten) {
  const Refusal& refusal = GetParam();
  TempDir dir;
  std::string yaml = BaseConfig(dir, FreePort()) + refusal.extra_yaml;
  if (refusal.drop_report_stats)
    yaml = std::regex_replace(yaml, std::regex("report_stats: false\n"), "");
  fs::create_directories(dir.File("templates"));
  WriteFile(dir.File("h.yaml"), yaml);
  auto r = RunStrata("--config-path " + dir.File("h.yaml"));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find(refusal.expected), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(refusal.key), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(dir.File("h.yaml")), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir.File("homeserver.db"))) << "a refused start created the database";
}

INSTANTIATE_TEST_SUITE_P(
    Configs, RefusalTest,
    ::testing::Values(
        Refusal{"MissingReportStats", "", "report_stats", "report_stats", true},
        Refusal{"LogFile", "log_file: /tmp/x.log\n", "log_config", "log_file"},
        Refusal{"TrustIdentityServerTopLevel",
                "trust_identity_server_for_password_resets: true\n"
                "trusted_third_party_id_servers: []\n",
                "trusted_third_party_id_servers", "trust_identity_server_for_password_resets"},
        Refusal{"TrustIdentityServerUnderEmail",
                "email:\n  trust_identity_server_for_password_resets: true\n"
                "trusted_third_party_id_servers: []\n",
                "trusted_third_party_id_servers", "trust_identity_server_for_password_resets"},
        Refusal{"PartialEmailBlock", "email:\n  smtp_host: mail.example.org\n", "notif_from",
                "email"},
        Refusal{"PublicRoomsConflict",
                "restrict_public_rooms_to_local_users: true\n"
                "allow_public_rooms_without_auth: true\n",
                "restrict_public_rooms_to_local_users", "allow_public_rooms_without_auth"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(StrataBinary, CustomTemplateDirMissingAFileIsRefused) {
  TempDir dir;
  fs::create_directories(dir.File("templates"));
  WriteFile(dir.File("templates/password_reset.html"), "x");
  WriteFile(dir.File("h.yaml"), BaseConfig(dir, FreePort()) +
                                    "public_baseurl: https://example.org/\n"
                                    "email:\n  smtp_host: mail\n  smtp_port: 25\n"
                                    "  notif_from: \"x <x@example.org>\"\n  template_dir: \"" +
                                    dir.File("templates") + "\"\n");
  auto r = RunStrata("--config-path " + dir.File("h.yaml"));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("password_reset.txt"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("template_dir"), std::string::npos) << r.output;
}

TEST(StrataBinary, ZeroPointTwoKeysNameTheirReplacements) {
  TempDir dir;
  WriteFile(dir.File("h.yaml"),
            "host: example.org\nport: 8448\ndatabase: /tmp/old.db\n"
            "report_stats: false\n");
  auto r = RunStrata("--config-path " + dir.File("h.yaml"));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("server_name"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("database"), std::string::npos) << r.output;
}

TEST(StrataBinary, GeneratedConfigStartsAServerThatAnswersAndStops) {
  TempDir dir;
  auto gen = RunStrata(
      "--generate-config --server-name localhost --report-stats=no "
      "--config-path " +
      dir.File("homeserver.yaml") + " --data-directory " + dir.path().string());
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  // Move the generated listener to a free port so tests can run side by side.
  std::ifstream in(dir.File("homeserver.yaml"));
  std::string yaml((std::istreambuf_iterator<char>(in)), {});
  int port = FreePort();
  yaml = std::regex_replace(yaml, std::regex("port: 8008"), "port: " + std::to_string(port));
  WriteFile(dir.File("homeserver.yaml"), yaml);

  ChildProcess server({Strata(), "--config-path", dir.File("homeserver.yaml")}, {},
                      dir.File("server.out"));
  // The first answers may be 503 while the new database's schema is built.
  std::optional<std::pair<int, std::string>> answer;
  for (auto deadline = std::chrono::steady_clock::now() + 30s;
       std::chrono::steady_clock::now() < deadline;) {
    answer = WaitForHttp(port, "/_synapse/admin/v1/server_version", 1s);
    if (answer && answer->first == 200) break;
  }
  ASSERT_TRUE(answer) << server.Log();
  EXPECT_EQ(answer->first, 200);
  auto body = nlohmann::json::parse(answer->second);
  EXPECT_NE(body["server_version"].get<std::string>().find("Synapse " + NewestRelease()),
            std::string::npos);
  EXPECT_TRUE(body.contains("compiler"));
  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(20s), 0) << server.Log();
  // It made a real database at schema 58.
  auto db = storage::OpenSqlite(dir.File("homeserver.db"));
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(schema::ReadSchemaState(**db)->version, 58);
}

TEST(StrataBinary, AnswersServiceUnavailableWithProgressWhileUpgrading) {
  TempDir dir;
  int port = FreePort();
  WriteFile(dir.File("h.yaml"), BaseConfig(dir, port));
  ChildProcess server({Strata(), "--config-path", dir.File("h.yaml")},
                      {{"STRATA_SLOW_DELTA", "57/rooms_version_column_3.sql.sqlite:3000"}},
                      dir.File("server.out"));
  std::optional<std::pair<int, std::string>> answer;
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (std::chrono::steady_clock::now() < deadline) {
    answer = WaitForHttp(port, "/_matrix/client/versions", 1s);
    if (answer && answer->first == 503 &&
        answer->second.find("rooms_version_column_3") != std::string::npos) {
      break;
    }
  }
  ASSERT_TRUE(answer) << server.Log();
  EXPECT_EQ(answer->first, 503) << answer->second;
  auto body = nlohmann::json::parse(answer->second);
  EXPECT_EQ(body["delta"], "57/rooms_version_column_3.sql.sqlite");
  EXPECT_TRUE(body.contains("step"));
  // Then normal service.
  deadline = std::chrono::steady_clock::now() + 20s;
  while (std::chrono::steady_clock::now() < deadline) {
    answer = WaitForHttp(port, "/_matrix/client/versions", 1s);
    if (answer && answer->first == 200) break;
  }
  EXPECT_EQ(answer->first, 200);
  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(20s), 0);
}

// Waits until the server is past its schema upgrade and answers `path` with something else
// than 503; returns that answer.
std::optional<std::pair<int, std::string>> WaitPastMaintenance(int port, const std::string& path) {
  std::optional<std::pair<int, std::string>> answer;
  for (auto deadline = std::chrono::steady_clock::now() + 30s;
       std::chrono::steady_clock::now() < deadline;) {
    answer = WaitForHttp(port, path, 1s);
    if (answer && answer->first != 503) break;
  }
  return answer;
}

TEST(StrataBinary, DirectoryAuthDefaultFollowsTheBehavedAsRelease) {
  // 1.7.0 flipped allow_public_rooms_without_auth to false; before it, anyone could list rooms.
  for (auto [release, status] :
       std::vector<std::pair<std::string, int>>{{"1.4.0", 200}, {NewestRelease(), 401}}) {
    SCOPED_TRACE(release);
    TempDir dir;
    int port = FreePort();
    WriteFile(dir.File("h.yaml"), BaseConfig(dir, port));
    ChildProcess server({Strata(), "--config-path", dir.File("h.yaml"), "--as-release", release},
                        {}, dir.File("server.out"));
    auto answer = WaitPastMaintenance(port, "/_matrix/client/r0/publicRooms");
    ASSERT_TRUE(answer) << server.Log();
    EXPECT_EQ(answer->first, status) << answer->second;
    server.Signal(SIGTERM);
    EXPECT_EQ(server.Wait(20s), 0) << server.Log();
  }
}

TEST(StrataBinary, StratactlStartsReportsAndStopsTheServer) {
  TempDir dir;
  int port = FreePort();
  WriteFile(dir.File("h.yaml"), BaseConfig(dir, port));
  const std::string ctl = "STRATA_BIN='" + Strata() + "' '" + SourceDir() +
                          "/scripts/stratactl' -c '" + dir.File("h.yaml") + "' ";
  auto start = RunCommand(ctl + "start");
  ASSERT_EQ(start.exit_code, 0) << start.output;
  auto answer = WaitForHttp(port, "/_matrix/client/versions", 5s);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->first, 200);
  EXPECT_EQ(RunCommand(ctl + "status").exit_code, 0);
  auto stop = RunCommand(ctl + "stop");
  EXPECT_EQ(stop.exit_code, 0) << stop.output;
  EXPECT_EQ(RunCommand(ctl + "status").exit_code, 3);
  EXPECT_FALSE(WaitForHttp(port, "/_matrix/client/versions", 300ms));
}

std::string UpgradeConfig(const TempDir& dir, const std::string& db_path) {
  std::string yaml =
      "server_name: localhost\nreport_stats: false\n"
      "database:\n  name: sqlite3\n  args:\n    database: \"" +
      db_path + "\"\n";
  WriteFile(dir.File("upgrade.yaml"), yaml);
  return dir.File("upgrade.yaml");
}

TEST(StrataBinary, UpgradeOnlyReportsWhatItDidOnARealV1_2_1Database) {
  TempDir dir;
  std::string db = CopyDataset("v1.2.1-big.sqlite", dir);
  auto r = RunStrata("--config-path " + UpgradeConfig(dir, db) +
                     " --upgrade-only --run-background-updates");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Upgraded from schema version 55"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Schema version: 58"), std::string::npos);
  EXPECT_NE(r.output.find("56/stats_separated.sql"), std::string::npos);
  EXPECT_NE(r.output.find("ran populate_stats_process_rooms"), std::string::npos);
  EXPECT_NE(r.output.find("Background updates left: 0"), std::string::npos);
}

TEST(StrataBinary, TooNewDatabaseIsRefusedByteForByte) {
  TempDir dir;
  std::string db = dir.File("new.db");
  std::string config = UpgradeConfig(dir, db);
  ASSERT_EQ(RunStrata("--config-path " + config + " --upgrade-only").exit_code, 0);
  std::ifstream a(db, std::ios::binary);
  std::string before((std::istreambuf_iterator<char>(a)), {});
  auto r = RunStrata("--config-path " + config + " --upgrade-only --as-release 1.12.4");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find(schema::kTooNewMessage), std::string::npos) << r.output;
  std::ifstream b(db, std::ios::binary);
  std::string after((std::istreambuf_iterator<char>(b)), {});
  EXPECT_TRUE(before == after);
}

TEST(StrataBinary, KilledInsideADeltaLeavesTheOldSchemaAndARestartCompletes) {
  TempDir dir;
  std::string db = CopyDataset("v1.2.1-big.sqlite", dir);
  std::string config = UpgradeConfig(dir, db);
  auto crashed = RunStrata("--config-path " + config + " --upgrade-only",
                           "STRATA_CRASH_BEFORE_DELTA=57/rooms_version_column.sql");
  EXPECT_EQ(crashed.exit_code, 128 + SIGKILL) << crashed.output;
  {
    auto conn = storage::OpenSqlite(db);
    ASSERT_TRUE(conn.ok());
    EXPECT_EQ(schema::ReadSchemaState(**conn)->version, 55);
    EXPECT_FALSE((*conn)->ColumnExists("current_state_events", "membership"));
  }
  auto r = RunStrata("--config-path " + config + " --upgrade-only");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  auto conn = storage::OpenSqlite(db);
  EXPECT_EQ(schema::ReadSchemaState(**conn)->version, 58);
}

TEST(StrataBinary, KilledInsideABackgroundBatchResumesFromSavedProgress) {
  TempDir dir;
  std::string db = CopyDataset("v1.2.1-big.sqlite", dir);
  std::string config = UpgradeConfig(dir, db);
  auto crashed = RunStrata("--config-path " + config + " --upgrade-only --run-background-updates",
                           "STRATA_CRASH_IN_BATCH=current_state_events_membership:2");
  EXPECT_EQ(crashed.exit_code, 128 + SIGKILL) << crashed.output;
  {
    auto conn = storage::OpenSqlite(db);
    // The first batch committed with its progress; the second is gone.
    auto progress = (*conn)->QueryValue(
        "SELECT progress_json FROM background_updates WHERE update_name = "
        "'current_state_events_membership'");
    ASSERT_TRUE(progress);
    EXPECT_NE(progress->find("last_processed_room"), std::string::npos) << *progress;
  }
  auto r = RunStrata("--config-path " + config + " --upgrade-only --run-background-updates");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  auto conn = storage::OpenSqlite(db);
  EXPECT_EQ((*conn)->QueryInt("SELECT COUNT(*) FROM background_updates"), 0);
  EXPECT_EQ((*conn)->QueryInt("SELECT COUNT(*) FROM current_state_events WHERE type = "
                              "'m.room.member' AND membership IS NULL"),
            0);
  // Stats computed after the membership fill finished (1.13+ ordering) are right.
  EXPECT_EQ((*conn)->QueryInt("SELECT COUNT(*) FROM room_stats_current WHERE joined_members = 0 "
                              "AND room_id IN (SELECT room_id FROM rooms WHERE is_public = 1)"),
            0);
}

class PostgresBinaryTest : public EngineTest {};

TEST_P(PostgresBinaryTest, NewDatabaseWithNonCLocaleIsRefusedAndLeftEmpty) {
  if (engine() != storage::Engine::kPostgres) GTEST_SKIP() << "PostgreSQL only";
  ScratchDatabase db(engine(), "C.UTF-8");
  TempDir dir;
  WriteFile(dir.File("h.yaml"), BaseConfig(dir, FreePort(), db.ConfigYaml()));
  auto r = RunStrata("--config-path " + dir.File("h.yaml") + " --upgrade-only");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("COLLATE"), std::string::npos) << r.output;
  EXPECT_FALSE(db.conn().TableExists("schema_version"));
}

TEST_P(PostgresBinaryTest, UpgradeOnlyWorksOnPostgres) {
  if (engine() != storage::Engine::kPostgres) GTEST_SKIP() << "PostgreSQL only";
  ScratchDatabase db(engine());
  TempDir dir;
  WriteFile(dir.File("h.yaml"), BaseConfig(dir, FreePort(), db.ConfigYaml()));
  auto r = RunStrata("--config-path " + dir.File("h.yaml") +
                     " --upgrade-only --run-background-updates --as-release 1.13.0");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(schema::ReadSchemaState(db.conn())->version, 58);
}

STRATA_INSTANTIATE_ENGINES(PostgresBinaryTest);

}  // namespace
}  // namespace strata::testing
