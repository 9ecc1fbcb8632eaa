#include "seed.h"

#include <cstdlib>
#include <filesystem>

#include "server_process.h"
#include "storage/admin/database_admin.h"

namespace strata::matrix {

namespace fs = std::filesystem;

std::string DefaultReferenceDir() {
  if (const char* env = std::getenv("STRATA_REFERENCE")) return env;
  return (fs::path(STRATA_MATRIX_SOURCE_DIR) / ".." / "shared" / "reference").string();
}

Seeds::~Seeds() {
  if (seed_databases_.empty()) return;
  auto admin = storage::OpenPostgres(postgres_);
  if (!admin.ok()) return;
  for (const auto& name : seed_databases_) {
    try {
      storage::DropDatabase(**admin, name);
    } catch (const storage::DatabaseError&) {
    }
  }
}

Result<std::string> Seeds::Source(const std::string& name, storage::Engine engine) {
  auto key = std::make_pair(name, engine);
  if (auto it = sources_.find(key); it != sources_.end()) return it->second;
  const fs::path datasets = fs::path(reference_) / "real-synapse" / "datasets";
  std::string output;
  if (engine == storage::Engine::kSqlite) {
    const fs::path gz = datasets / (name + ".sqlite.gz");
    const std::string file = (fs::path(scratch_) / (name + ".sqlite")).string();
    if (RunShell("gzip -dc '" + gz.string() + "' > '" + file + "'", &output) != 0) {
      return Status::IoError("cannot decompress " + gz.string() + ": " + output);
    }
    return sources_[key] = file;
  }
  if (postgres_.empty()) return Status::FailedPrecondition("no PostgreSQL server given");
  const fs::path gz = datasets / (name + ".postgres.sql.gz");
  if (!fs::exists(gz)) return Status::NotFound(gz.string() + ": no such file");
  auto conninfo = NewPostgresDatabase();
  if (!conninfo.ok()) return conninfo.status();
  if (RunShell("gzip -dc '" + gz.string() + "' | psql -q -v ON_ERROR_STOP=1 '" + *conninfo +
                   "' >/dev/null",
               &output) != 0) {
    return Status::IoError("cannot restore " + gz.string() + ": " + output);
  }
  return sources_[key] = *conninfo;
}

Result<std::string> Seeds::NewPostgresDatabase() {
  if (postgres_.empty()) return Status::FailedPrecondition("no PostgreSQL server given");
  auto admin = storage::OpenPostgres(postgres_);
  if (!admin.ok()) return admin.status();
  const std::string db = UniqueDbName("strata_matrix_seed");
  try {
    storage::CreateEmptyUtf8Database(**admin, db);
  } catch (const storage::DatabaseError& e) {
    return Status::FailedPrecondition(std::string("cannot create the seed database: ") + e.what());
  }
  seed_databases_.push_back(db);
  return WithDbName(postgres_, db);
}

Result<std::string> Seeds::ScenarioSource(const Scenario& scenario, const std::string& release,
                                          storage::Engine engine) {
  const std::string name = "scenario-" + scenario.name + "-" + release;
  auto key = std::make_pair(name, engine);
  if (auto it = sources_.find(key); it != sources_.end()) return it->second;
  std::string location;
  if (engine == storage::Engine::kSqlite) {
    location = (fs::path(scratch_) / (name + ".db")).string();
  } else {
    auto conninfo = NewPostgresDatabase();
    if (!conninfo.ok()) return conninfo.status();
    location = *conninfo;
  }
  const fs::path dir = fs::path(scratch_) /
                       (name + "-" + (engine == storage::Engine::kSqlite ? "sqlite" : "postgres"));
  std::error_code ec;
  fs::create_directories(dir, ec);
  ServerSettings settings{binary_, dir.string(), engine, location, true};
  auto server = StrataServer::Start(settings, release);
  if (!server.ok()) return server.status();
  Status played = PlayScenario(scenario, (*server)->port());
  Status stopped = (*server)->Stop();
  if (!played.ok()) {
    return Status::Internal("scenario " + scenario.name + " as " + release + ": " +
                            played.message());
  }
  if (!stopped.ok()) return stopped;
  return sources_[key] = location;
}

Result<std::unique_ptr<DatabaseCopy>> Seeds::Copy(const Scenario& scenario,
                                                  const std::string& release,
                                                  storage::Engine engine) {
  auto source = ScenarioSource(scenario, release, engine);
  if (!source.ok()) return source.status();
  return CopyOf(*source, engine);
}

Result<std::unique_ptr<DatabaseCopy>> Seeds::CopyOf(const std::string& source,
                                                    storage::Engine engine) {
  return engine == storage::Engine::kSqlite ? DatabaseCopy::OfSqliteFile(source, scratch_)
                                            : DatabaseCopy::OfPostgres(source);
}

Result<std::unique_ptr<DatabaseCopy>> Seeds::Copy(const std::string& name, storage::Engine engine) {
  auto source = Source(name, engine);
  if (!source.ok()) return source.status();
  return CopyOf(*source, engine);
}

}  // namespace strata::matrix
