#include "storage/background_updates/background_update_store.h"

#include "storage/background_updates/postgres/background_update_sql.h"
#include "storage/background_updates/sqlite/background_update_sql.h"

namespace strata::storage {
namespace {

constexpr std::string_view kSelectHead = "SELECT update_name, progress_json, depends_on, ";
constexpr std::string_view kOrderingColumn = "ordering";
constexpr std::string_view kNoOrderingColumn = "0";
constexpr std::string_view kFromOrderBy = " FROM background_updates ORDER BY ";
constexpr std::string_view kByOrdering = "ordering, update_name";
constexpr std::string_view kSelectDependencies =
    "SELECT update_name, depends_on FROM background_updates ORDER BY ";
constexpr std::string_view kSelectNames =
    "SELECT update_name FROM background_updates ORDER BY update_name";
constexpr std::string_view kSelectQueued = "SELECT 1 FROM background_updates WHERE update_name = ?";
constexpr std::string_view kSelectProgress =
    "SELECT progress_json FROM background_updates WHERE update_name = ?";
constexpr std::string_view kInsertUpdate =
    "INSERT INTO background_updates (update_name, progress_json, depends_on) "
    "VALUES (?, '{}', ?)";
constexpr std::string_view kUpdateProgress =
    "UPDATE background_updates SET progress_json = ? WHERE update_name = ?";
constexpr std::string_view kDeleteUpdate = "DELETE FROM background_updates WHERE update_name = ?";
constexpr std::string_view kSelectAppliedDeltas =
    "SELECT version, file FROM applied_schema_deltas ORDER BY version, file";

std::vector<UpdateDependency> ReadDependencies(Connection& conn, const std::string& sql) {
  std::vector<UpdateDependency> out;
  for (const auto& row : conn.Query(sql, {})) out.push_back({row.Text(0), row.OptText(1)});
  return out;
}

}  // namespace

BackgroundUpdateStore::BackgroundUpdateStore(const StoreOptions& options)
    : natural_order_(options.engine == Engine::kSqlite ? sqlite::kNaturalOrder
                                                       : postgres::kNaturalOrder),
      build_index_(options.engine == Engine::kSqlite ? sqlite::BuildIndex : postgres::BuildIndex) {}

std::vector<QueuedUpdate> BackgroundUpdateStore::List(Connection& conn) const {
  std::vector<QueuedUpdate> out;
  if (!conn.TableExists("background_updates")) return out;
  const bool has_ordering = conn.ColumnExists("background_updates", "ordering");
  const std::string sql =
      std::string(kSelectHead) + std::string(has_ordering ? kOrderingColumn : kNoOrderingColumn) +
      std::string(kFromOrderBy) + (has_ordering ? std::string(kByOrdering) : natural_order_);
  for (const auto& row : conn.Query(sql, {})) {
    out.push_back({row.Text(0), row.Text(1), row.OptText(2), static_cast<int>(row.Int(3))});
  }
  return out;
}

std::vector<UpdateDependency> BackgroundUpdateStore::InNaturalOrder(Connection& conn) const {
  return ReadDependencies(conn, std::string(kSelectDependencies) + natural_order_);
}

std::vector<UpdateDependency> BackgroundUpdateStore::InOrdering(Connection& conn) const {
  return ReadDependencies(conn, std::string(kSelectDependencies) + std::string(kByOrdering));
}

std::vector<std::string> BackgroundUpdateStore::Names(Connection& conn) const {
  std::vector<std::string> out;
  for (const auto& row : conn.Query(kSelectNames)) out.push_back(row.Text(0));
  return out;
}

bool BackgroundUpdateStore::IsQueued(Connection& conn, const std::string& name) const {
  return !conn.Query(kSelectQueued, {name}).empty();
}

std::optional<std::string> BackgroundUpdateStore::Progress(Connection& conn,
                                                           const std::string& name) const {
  return conn.QueryValue(kSelectProgress, {name});
}

void BackgroundUpdateStore::Queue(Connection& conn, const std::string& name,
                                  const std::optional<std::string>& depends_on) const {
  conn.Execute(kInsertUpdate, {name, depends_on});
}

void BackgroundUpdateStore::SaveProgress(Connection& conn, const std::string& name,
                                         const std::string& progress_json) const {
  conn.Execute(kUpdateProgress, {progress_json, name});
}

void BackgroundUpdateStore::Remove(Connection& conn, const std::string& name) const {
  conn.Execute(kDeleteUpdate, {name});
}

void BackgroundUpdateStore::BuildIndex(Connection& conn, const IndexDefinition& index) const {
  build_index_(conn, index);
}

std::vector<std::string> BackgroundUpdateStore::AppliedDeltaFiles(Connection& conn) const {
  std::vector<std::string> out;
  for (const auto& row : conn.Query(kSelectAppliedDeltas)) out.push_back(row.Text(1));
  return out;
}

}  // namespace strata::storage
