#include "schema/prepare_database.h"

#include "schema/native_deltas.h"

namespace strata::schema {
namespace {

using storage::Connection;

// The three bookkeeping tables Synapse creates on every start if they are missing.
constexpr const char* kSchemaVersionTables = R"sql(
CREATE TABLE IF NOT EXISTS schema_version (
  Lock CHAR(1) NOT NULL DEFAULT 'X' UNIQUE,
  version INTEGER NOT NULL,
  upgraded BOOL NOT NULL,
  CHECK (Lock='X')
);
CREATE TABLE IF NOT EXISTS applied_schema_deltas (
  version INTEGER NOT NULL,
  file TEXT NOT NULL,
  UNIQUE(version, file)
);
CREATE TABLE IF NOT EXISTS applied_module_schemas (
  module_name TEXT NOT NULL,
  file TEXT NOT NULL,
  UNIQUE(module_name, file)
);
)sql";

// The oldest schema an existing database may have: the catalogue starts at Synapse 1.0.0.
constexpr int kOldestUpgradableVersion = 55;

struct PendingFile {
  int version;
  Delta delta;
};

void ApplyDelta(Connection& conn, const Delta& delta, bool new_database) {
  if (delta.native) {
    const NativeDelta* native = FindNativeDelta(delta.file);
    if (!native) throw storage::DatabaseError("no implementation for native delta " + delta.file);
    native->run(conn, new_database);
  } else {
    conn.ExecuteScript(delta.sql);
  }
}

void RecordDelta(Connection& conn, int version, const std::string& file) {
  conn.Execute("INSERT INTO applied_schema_deltas (version, file) VALUES (?, ?)", {version, file});
  conn.Execute("DELETE FROM schema_version");
  conn.Execute("INSERT INTO schema_version (version, upgraded) VALUES (?, ?)", {version, true});
}

// Everything a release would apply from `start` to its schema version, skipping files the
// database has recorded.
std::vector<PendingFile> FilesToApply(const Catalogue& catalogue, const Release& release,
                                      storage::Engine engine, int start,
                                      const std::set<std::string>& applied) {
  std::vector<PendingFile> files;
  for (int v = start; v <= release.schema_version; ++v) {
    for (auto& delta : catalogue.DeltasFor(release, v, engine)) {
      if (applied.count(delta.file)) continue;
      files.push_back({v, std::move(delta)});
    }
  }
  return files;
}

Status CheckServerName(Connection& conn, const std::string& server_name) {
  if (server_name.empty() || !conn.TableExists("users")) return Status::Ok();
  auto foreign =
      conn.QueryInt("SELECT COUNT(*) FROM users WHERE name NOT LIKE ?", {"%:" + server_name});
  if (foreign.value_or(0) == 0) return Status::Ok();
  return Status::FailedPrecondition(
      "Found users in database not native to " + server_name +
      "!\nYou cannot changed a synapse server_name after it's been configured");
}

}  // namespace

std::optional<SchemaState> ReadSchemaState(Connection& conn) {
  if (!conn.TableExists("schema_version")) return std::nullopt;
  auto rows = conn.Query("SELECT version, upgraded FROM schema_version", {});
  if (rows.empty()) return std::nullopt;
  SchemaState state;
  state.version = static_cast<int>(rows[0].Int(0));
  state.upgraded = rows[0].Bool(1);
  if (conn.TableExists("applied_schema_deltas")) {
    for (const auto& row :
         conn.Query("SELECT file FROM applied_schema_deltas WHERE version >= ?", {state.version})) {
      state.applied_files.insert(row.Text(0));
    }
  }
  return state;
}

Result<PrepareReport> PrepareDatabase(Connection& conn, const Catalogue& catalogue,
                                      const Release& release, const PrepareOptions& options) {
  PrepareReport report;
  report.to_version = release.schema_version;

  // Decide before writing anything: a refused database must stay byte-identical.
  std::optional<SchemaState> state;
  try {
    state = ReadSchemaState(conn);
  } catch (const storage::DatabaseError& e) {
    return Status::InvalidArgument("cannot read the schema version of " + conn.Describe() + ": " +
                                   e.what());
  }
  if (state) {
    if (state->version > release.schema_version) {
      return Status::FailedPrecondition(std::string(kTooNewMessage) + " (database schema " +
                                        std::to_string(state->version) + ", release " +
                                        release.name + " understands up to " +
                                        std::to_string(release.schema_version) + ")");
    }
    if (state->version < kOldestUpgradableVersion) {
      return Status::FailedPrecondition(
          "database schema version " + std::to_string(state->version) +
          " predates Synapse 1.0.0 (schema 55), where Strata's release catalogue starts; upgrade "
          "it with a Synapse 1.x release first");
    }
    if (Status s = CheckServerName(conn, options.server_name); !s.ok()) return s;
  }

  try {
    storage::Transaction txn(conn);
    conn.ExecuteScript(kSchemaVersionTables);
    std::vector<PendingFile> files;
    bool new_database = !state.has_value();
    if (new_database) {
      report.new_database = true;
      int base = release.full_schema;
      auto full = catalogue.FullSchema(base, conn.engine());
      if (full.empty()) {
        return Status::Internal("the catalogue has no full schema " + std::to_string(base) +
                                " for " + std::string(storage::EngineSuffix(conn.engine())));
      }
      for (const auto& [name, sql] : full) conn.ExecuteScript(sql);
      conn.Execute("DELETE FROM schema_version");
      conn.Execute("INSERT INTO schema_version (version, upgraded) VALUES (?, ?)", {base, false});
      files = FilesToApply(catalogue, release, conn.engine(), base + 1, {});
    } else {
      report.from_version = state->version;
      int start = state->upgraded ? state->version : state->version + 1;
      files = FilesToApply(catalogue, release, conn.engine(), start, state->applied_files);
    }
    for (size_t i = 0; i < files.size(); ++i) {
      const auto& [version, delta] = files[i];
      if (options.on_progress) options.on_progress(delta.file, i, files.size());
      try {
        ApplyDelta(conn, delta, new_database);
      } catch (const storage::DatabaseError& e) {
        throw storage::DatabaseError("applying " + delta.file + ": " + e.what(), e.sqlstate());
      }
      RecordDelta(conn, version, delta.file);
      report.applied.push_back(delta.file);
    }
    txn.Commit();
  } catch (const storage::DatabaseError& e) {
    return Status::Internal("Failed to upgrade database: " + std::string(e.what()) +
                            " (nothing was changed: the upgrade rolled back)");
  }
  return report;
}

}  // namespace strata::schema
