// The admin API's background updates (status, start_job) and the read-only schema report.
#include "background/update_handler.h"
#include "background/updater.h"
#include "handlers/admin.h"
#include "handlers/api_error.h"
#include "schema/prepare_database.h"
#include "storage/background_updates/background_update_store.h"

namespace strata::handlers {

using nlohmann::json;

json BackgroundUpdateStatus(Services& s) {
  const auto failures = s.background_failures.Failures();
  auto conn = s.db.Acquire();
  json updates = json::object();
  for (const auto& u :
       background::ListPendingUpdates(*conn, background::HandlerRegistry::Builtin())) {
    const auto failed = failures.find(u.name);
    std::string state = u.state == background::PendingUpdate::State::kRunnable  ? "runnable"
                        : u.state == background::PendingUpdate::State::kWaiting ? "waiting"
                                                                                : "unknown";
    std::string why = u.why;
    if (failed != failures.end()) {
      state = "failed";
      why = "failed: " + failed->second + " (start_job retries it)";
    }
    updates[u.name] = {{"name", u.name},
                       {"progress_json", u.progress_json},
                       {"depends_on", u.depends_on ? json(*u.depends_on) : json()},
                       {"ordering", u.ordering},
                       {"state", state},
                       {"why", why},
                       {"error", failed != failures.end() ? json(failed->second) : json()}};
  }
  json failed = json::object();
  for (const auto& [name, error] : failures) failed[name] = error;
  return {{"enabled", s.background_updates_enabled.load()},
          {"current_updates", {{"master", updates}}},
          {"failed", failed}};
}

void StartBackgroundJob(Services& s, const std::string& job_name) {
  std::vector<std::pair<std::string, std::optional<std::string>>> rows;
  if (job_name == "populate_stats_process_rooms") {
    rows = {{"populate_stats_process_rooms", std::nullopt},
            {"populate_stats_process_users", std::string("populate_stats_process_rooms")}};
  } else {
    throw ApiError(400, "M_UNKNOWN", "Invalid job_name");
  }
  const auto failures = s.background_failures.Failures();
  const auto& store = *s.stores.background_updates;
  auto conn = s.db.AcquireWriter();
  storage::Transaction txn(*conn);
  // A queued update that failed is retried rather than refused: its row is still there, so
  // queueing it again could never succeed, and the runner would pass over it for good.
  std::vector<std::string> retry;
  std::vector<std::pair<std::string, std::optional<std::string>>> missing;
  bool queued_and_running = false;
  for (const auto& row : rows) {
    if (!store.IsQueued(*conn, row.first)) {
      missing.push_back(row);
    } else if (failures.count(row.first)) {
      retry.push_back(row.first);
    } else {
      queued_and_running = true;
    }
  }
  if (retry.empty() && queued_and_running) {
    throw ApiError(400, "M_UNKNOWN",
                   "Job " + rows.front().first + " is already in queue of background updates.");
  }
  for (const auto& [name, depends_on] : missing) store.Queue(*conn, name, depends_on);
  txn.Commit();
  for (const auto& name : retry) s.background_failures.RequestRetry(name);
}

json SchemaInfo(Services& s) {
  auto conn = s.db.Acquire();
  auto state = schema::ReadSchemaState(*conn);
  const json applied = s.stores.background_updates->AppliedDeltaFiles(*conn);
  const json pending = s.stores.background_updates->Names(*conn);
  return {{"schema_version", state ? json(state->version) : json()},
          {"upgraded", state ? json(state->upgraded) : json()},
          {"applied_deltas", applied},
          {"behaves_as", s.release.name},
          {"database_engine", std::string(storage::EngineConfigName(conn->engine()))},
          {"database", s.config.database.database},
          {"release_schema_version", s.release.schema_version},
          {"pending_background_updates", pending}};
}

}  // namespace strata::handlers
