// Shared test fixtures: scratch folders, fresh databases on both engines, the reference data.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "storage/database.h"
#include "storage/open_database.h"
#include "util/test_postgres.h"

namespace strata::testing {

// A folder under /tmp removed when the object goes away.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// The engines a storage test runs on: both. A PostgreSQL case is skipped when STRATA_TEST_PG
// names no server, and fails instead when STRATA_REQUIRE_PG is set (as scripts/test does): the
// rule of util/test_postgres.h, applied by STRATA_SKIP_WITHOUT_POSTGRES().
std::vector<storage::Engine> TestEngines();

// In a SetUp or a test that needs PostgreSQL: with no server named, skips it (or fails it when
// STRATA_REQUIRE_PG is set) and returns.
#define STRATA_SKIP_WITHOUT_POSTGRES()                             \
  do {                                                             \
    if (::strata::util::TestPostgresServer().empty()) {            \
      if (::strata::util::PostgresRequired()) {                    \
        FAIL() << ::strata::util::kPostgresRequiredMessage;        \
      }                                                            \
      GTEST_SKIP() << "no PostgreSQL server (set STRATA_TEST_PG)"; \
    }                                                              \
  } while (0)

// Base fixture for tests parameterised by engine; SetUp applies the rule above.
class EngineTest : public ::testing::TestWithParam<storage::Engine> {
 protected:
  void SetUp() override;
  storage::Engine engine() const { return GetParam(); }
};

#define STRATA_INSTANTIATE_ENGINES(Fixture)                                    \
  INSTANTIATE_TEST_SUITE_P(                                                    \
      Engines, Fixture, ::testing::ValuesIn(::strata::testing::TestEngines()), \
      [](const auto& info) { return ::strata::testing::EngineTestName(info.param); })
std::string EngineTestName(storage::Engine engine);

// A new empty database on `engine`, dropped (PostgreSQL) or deleted (SQLite) on destruction.
// PostgreSQL databases are created from template0 with UTF8 and the C locale unless `collate`
// says otherwise.
class ScratchDatabase {
 public:
  explicit ScratchDatabase(storage::Engine engine, const std::string& collate = "C");
  ~ScratchDatabase();
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  storage::Engine engine() const { return engine_; }
  // An open connection to the database (opened on first use).
  storage::Connection& conn();
  // A fresh extra connection (another "process").
  std::unique_ptr<storage::Connection> Connect() const;
  // A fresh connection as the server opens its pool's (storage::OpenServingDatabase: SQLite
  // in write-ahead-log mode).
  std::unique_ptr<storage::Connection> ConnectServing() const;
  // SQLite: the file path. PostgreSQL: a libpq conninfo for the database.
  const std::string& location() const { return location_; }
  // The `database:` block of a homeserver.yaml that points at this database.
  std::string ConfigYaml() const;
  // PostgreSQL only: the database name.
  const std::string& pg_name() const { return pg_name_; }

 private:
  storage::Engine engine_;
  std::unique_ptr<TempDir> dir_;
  std::string location_;
  std::string pg_name_;
  std::unique_ptr<storage::Connection> conn_;
};

// conninfo of the PostgreSQL server under test ("" if none), from STRATA_TEST_PG.
std::string PostgresServer();
// Replaces or adds dbname= in a conninfo (storage/open_database.h).
using storage::WithDbName;

// ../shared/reference (or $STRATA_REFERENCE): the upgrade notes, facts and real databases.
std::filesystem::path ReferenceDir();
// Decompresses real-synapse/datasets/<name>.gz into `dir` and returns the copy's path.
std::string CopyDataset(const std::string& name, const TempDir& dir);

// The whole file as text; throws std::runtime_error naming the file when it cannot be read.
std::string ReadTextFile(const std::filesystem::path& path);

// The built binaries.
std::string StrataBinary();
std::string SourceDir();

// The newest catalogued release's name: what a test means by "the current release" (so adding
// a release to the catalogue needs no test edits).
std::string NewestRelease();

// Runs a command through /bin/sh; returns exit status and combined output.
struct CommandResult {
  int exit_code = -1;
  std::string output;
};
CommandResult RunCommand(const std::string& command);

}  // namespace strata::testing

namespace strata::storage {
// Lets GoogleTest name engine-parameterised cases "Sqlite"/"Postgres" instead of raw bytes.
inline void PrintTo(Engine engine, std::ostream* os) {
  *os << (engine == Engine::kSqlite ? "Sqlite" : "Postgres");
}
}  // namespace strata::storage
