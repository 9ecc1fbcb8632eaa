#include "support/test_support.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include "schema/catalogue.h"
#include "storage/open_database.h"

namespace strata::testing {
namespace fs = std::filesystem;

TempDir::TempDir() {
  std::string pattern = (fs::temp_directory_path() / "strata-test.XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string PostgresServer() {
  return util::TestPostgresServer();
}

std::vector<storage::Engine> TestEngines() {
  return {storage::Engine::kSqlite, storage::Engine::kPostgres};
}

void EngineTest::SetUp() {
  if (GetParam() == storage::Engine::kPostgres) STRATA_SKIP_WITHOUT_POSTGRES();
}

std::string EngineTestName(storage::Engine engine) {
  return engine == storage::Engine::kSqlite ? "Sqlite" : "Postgres";
}

namespace {

std::string UniqueName() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  return "strata_t" + std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" +
         std::to_string(rd() % 100000);
}

std::unique_ptr<storage::Connection> Must(Result<std::unique_ptr<storage::Connection>> r) {
  if (!r.ok()) throw std::runtime_error(r.status().message());
  return std::move(r).value();
}

}  // namespace

ScratchDatabase::ScratchDatabase(storage::Engine engine, const std::string& collate)
    : engine_(engine) {
  if (engine == storage::Engine::kSqlite) {
    dir_ = std::make_unique<TempDir>();
    location_ = dir_->File("homeserver.db");
    return;
  }
  if (PostgresServer().empty()) throw std::runtime_error("STRATA_TEST_PG is not set");
  pg_name_ = UniqueName();
  auto admin = Must(storage::OpenPostgres(PostgresServer()));
  admin->Execute("CREATE DATABASE " + pg_name_ +
                 " ENCODING 'UTF8' TEMPLATE template0 LC_COLLATE '" + collate + "' LC_CTYPE '" +
                 collate + "'");
  location_ = WithDbName(PostgresServer(), pg_name_);
}

ScratchDatabase::~ScratchDatabase() {
  conn_.reset();
  if (engine_ == storage::Engine::kPostgres && !pg_name_.empty()) {
    try {
      auto admin = Must(storage::OpenPostgres(PostgresServer()));
      admin->Execute("DROP DATABASE IF EXISTS " + pg_name_ + " WITH (FORCE)");
    } catch (...) {
    }
  }
}

storage::Connection& ScratchDatabase::conn() {
  if (!conn_) conn_ = Connect();
  return *conn_;
}

std::unique_ptr<storage::Connection> ScratchDatabase::Connect() const {
  return Must(engine_ == storage::Engine::kSqlite ? storage::OpenSqlite(location_)
                                                  : storage::OpenPostgres(location_));
}

std::unique_ptr<storage::Connection> ScratchDatabase::ConnectServing() const {
  if (engine_ != storage::Engine::kSqlite) return Connect();
  storage::DatabaseSettings settings;
  settings.args["database"] = location_;
  return Must(storage::OpenServingDatabase(settings));
}

std::string ScratchDatabase::ConfigYaml() const {
  if (engine_ == storage::Engine::kSqlite) {
    return "database:\n  name: sqlite3\n  args:\n    database: \"" + location_ + "\"\n";
  }
  // Split "host=... port=... user=... dbname=..." into psycopg2-style args.
  std::string yaml = "database:\n  name: psycopg2\n  args:\n";
  size_t pos = 0;
  while (pos < location_.size()) {
    size_t end = location_.find(' ', pos);
    if (end == std::string::npos) end = location_.size();
    std::string part = location_.substr(pos, end - pos);
    size_t eq = part.find('=');
    if (eq != std::string::npos) {
      std::string key = part.substr(0, eq);
      if (key == "dbname") key = "database";
      yaml += "    " + key + ": \"" + part.substr(eq + 1) + "\"\n";
    }
    pos = end + 1;
  }
  return yaml;
}

fs::path ReferenceDir() {
  if (const char* env = std::getenv("STRATA_REFERENCE")) return env;
  return fs::path(STRATA_SOURCE_DIR) / ".." / "shared" / "reference";
}

std::string CopyDataset(const std::string& name, const TempDir& dir) {
  fs::path src = ReferenceDir() / "real-synapse" / "datasets" / (name + ".gz");
  std::string out = dir.File(name);
  auto r = RunCommand("gzip -dc '" + src.string() + "' > '" + out + "'");
  if (r.exit_code != 0)
    throw std::runtime_error("cannot decompress " + src.string() + ": " + r.output);
  return out;
}

std::string StrataBinary() {
  return std::string(STRATA_BINARY_DIR) + "/server/strata";
}
std::string ReadTextFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string SourceDir() {
  return STRATA_SOURCE_DIR;
}

std::string NewestRelease() {
  return schema::Catalogue::Builtin().newest().name;
}

CommandResult RunCommand(const std::string& command) {
  CommandResult result;
  std::string full = command + " 2>&1";
  FILE* pipe = popen(full.c_str(), "r");
  if (!pipe) return result;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) result.output.append(buf.data(), n);
  int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

}  // namespace strata::testing
