#include "fresh_schema.h"

#include <filesystem>

#include "background/updater.h"
#include "database_copy.h"
#include "schema/prepare_database.h"
#include "schema/schema_snapshot.h"
#include "storage/admin/database_admin.h"
#include "storage/open_database.h"

namespace strata::matrix {

namespace fs = std::filesystem;

std::string SchemaListing(storage::Connection& conn) {
  const auto s = schema::TakeSnapshot(conn);
  std::string out;
  for (const auto& [name, t] : s.tables) {
    out += "table " + name + (t.virtual_module.empty() ? "" : " virtual") + "\n";
    for (const auto& c : t.columns) {
      out += "  " + c.name + " " + c.family + (c.not_null ? " not null" : "") +
             (c.default_value ? " default " + *c.default_value : "") + "\n";
    }
    std::string pk;
    for (const auto& c : t.primary_key) pk += " " + c;
    if (!pk.empty()) out += "  primary key" + pk + "\n";
    for (const auto& u : t.unique_constraints) {
      out += "  unique";
      for (const auto& c : u) out += " " + c;
      out += "\n";
    }
  }
  for (const auto& [name, i] : s.indexes) {
    out += "index " + name + " on " + i.table + (i.unique ? " unique" : "") + " (";
    for (const auto& c : i.columns) out += c + ",";
    out += ")" + (i.where.empty() ? "" : " where " + i.where) + "\n";
  }
  return out;
}

Result<std::string> FreshSchemas::Listing(storage::Engine engine, const schema::Release& release) {
  const auto key = std::make_pair(engine, release.name);
  if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  std::string listing;
  auto prepare = [&](storage::Connection& conn) -> Status {
    auto report = schema::PrepareDatabase(conn, schema::Catalogue::Builtin(), release, {});
    if (!report.ok()) return report.status();
    // A fresh install runs its queued background updates too (some of them create indexes).
    background::UpdateSettings settings;
    settings.server_name = "localhost";
    background::BackgroundUpdater updater(conn, background::HandlerRegistry::Builtin(),
                                          release.runner, settings);
    updater.RunToCompletion();
    listing = SchemaListing(conn);
    return Status::Ok();
  };
  if (engine == storage::Engine::kSqlite) {
    const std::string file = (fs::path(scratch_) / ("fresh-" + release.name + ".db")).string();
    std::error_code ec;
    fs::remove(file, ec);
    auto conn = storage::OpenSqlite(file);
    if (!conn.ok()) return conn.status();
    Status st = prepare(**conn);
    conn->reset();
    fs::remove(file, ec);
    if (!st.ok()) return st;
  } else {
    if (postgres_.empty()) return Status::FailedPrecondition("no PostgreSQL server");
    auto admin = storage::OpenPostgres(WithDbName(postgres_, "postgres"));
    if (!admin.ok()) return admin.status();
    const std::string db = UniqueDbName("strata_matrix_fresh");
    storage::CreateEmptyUtf8Database(**admin, db);
    Status st;
    {
      auto conn = storage::OpenPostgres(WithDbName(postgres_, db));
      st = conn.ok() ? prepare(**conn) : conn.status();
    }
    storage::DropDatabase(**admin, db);
    if (!st.ok()) return st;
  }
  return cache_[key] = listing;
}

}  // namespace strata::matrix
