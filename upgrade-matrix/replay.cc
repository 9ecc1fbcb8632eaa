#include "replay.h"

#include <signal.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "background/updater.h"
#include "schema/prepare_database.h"
#include "server_process.h"
#include "text_diff.h"

namespace strata::matrix {

using json = nlohmann::json;

namespace {

std::string FileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

// The parts of a snapshot that say what is stored (not how the step went).
json Persistent(json state) {
  for (const char* key : {"step", "release", "refused", "unchanged", "unchanged_by", "publicRooms",
                          "crash", "idempotent", "scenario_checks", "fresh_schema_diff"}) {
    state.erase(key);
  }
  return state;
}

// A pool over one new connection to the copy, for the in-process parts of a step; closed before
// the real binary touches the database.
Result<std::unique_ptr<storage::ConnectionPool>> OpenPool(const DatabaseCopy& db) {
  auto conn = db.Connect();
  if (!conn.ok()) return conn.status();
  std::vector<std::unique_ptr<storage::Connection>> connections;
  connections.push_back(std::move(*conn));
  return std::make_unique<storage::ConnectionPool>(std::move(connections));
}

// Prepares the schema as `release` and runs every background update with its runner; the
// refusal message when the release refuses the database.
std::optional<std::string> UpgradeInProcess(storage::ConnectionPool& pool,
                                            const schema::Release& release,
                                            const std::string& server_name, bool stats_enabled) {
  auto lease = pool.Acquire();
  auto report = schema::PrepareDatabase(*lease, schema::Catalogue::Builtin(), release, {});
  if (!report.ok()) return report.status().message();
  background::UpdateSettings settings;
  settings.server_name = server_name;
  settings.stats_enabled = stats_enabled;
  background::BackgroundUpdater updater(*lease, background::HandlerRegistry::Builtin(),
                                        release.runner, settings);
  updater.RunToCompletion();
  return std::nullopt;
}

class StepRunner {
 public:
  StepRunner(const DatabaseCopy& db, const ReplayContext& context, std::string server_name)
      : db_(db), context_(context), server_name_(std::move(server_name)) {}

  StepResult Run(const Step& spec, const std::string& label, int index, bool last) {
    const auto start = std::chrono::steady_clock::now();
    StepResult step;
    step.label = label;
    step.release = spec.release;
    const bool sqlite = db_.engine() == storage::Engine::kSqlite;
    const std::string before = sqlite ? FileBytes(db_.location()) : "";
    ServerSettings settings{context_.binary, context_.scratch, db_.engine(), db_.location(),
                            spec.stats_enabled};
    std::optional<std::string> refused;
    json crash;
    {
      auto pool = OpenPool(db_);
      if (!pool.ok()) throw std::runtime_error(pool.status().message());
      if (!spec.sql_before.empty()) (*pool)->Acquire()->ExecuteScript(spec.sql_before);
      if (!spec.crashes()) {
        refused = UpgradeInProcess(**pool, *spec.release, server_name_, spec.stats_enabled);
      }
    }
    if (spec.crashes()) crash = CrashAndRestart(spec, settings, step.problems);
    json served;
    if (!refused && context_.scenario) {
      visited_.push_back(index);
      served = VisitServer(spec, settings, index, last, step);
    }
    const bool same_bytes = sqlite && refused && FileBytes(db_.location()) == before;
    {
      auto pool = OpenPool(db_);
      if (!pool.ok()) throw std::runtime_error(pool.status().message());
      step.snapshot = TakeStepSnapshot(**pool, *spec.release, server_name_, !refused,
                                       served.is_object() ? &served : nullptr);
    }
    json& state = step.snapshot.state;
    state["step"] = label;
    state["release"] = spec.release->name;
    state["refused"] = refused ? json(*refused) : json();
    if (refused) {
      state["unchanged"] = sqlite ? same_bytes : Persistent(state) == Persistent(previous_);
      state["unchanged_by"] = sqlite ? "file bytes" : "snapshot";
    }
    if (!crash.is_null()) state["crash"] = crash;
    if (last && !checks_.is_null()) state["scenario_checks"] = checks_;
    if (!refused && context_.fresh) {
      auto fresh = context_.fresh->Listing(db_.engine(), *spec.release);
      state["fresh_schema_diff"] =
          fresh.ok()
              ? json(UnifiedDiff(SplitLines(*fresh), SplitLines(step.snapshot.schema_listing), 1))
              : json("cannot make a fresh database: " + fresh.status().message());
    }
    if (!refused && spec.twice) Again(spec, state, step);
    previous_ = state;
    step.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return step;
  }

 private:
  // kill -9 of the real binary's offline upgrade at the step's hook, then the same run again.
  json CrashAndRestart(const Step& spec, const ServerSettings& settings,
                       std::vector<std::string>& problems) {
    const std::vector<std::string> args = {"--upgrade-only", "--run-background-updates",
                                           "--as-release", spec.release->name};
    std::map<std::string, std::string> env;
    if (!spec.crash_before_delta.empty()) {
      env["STRATA_CRASH_BEFORE_DELTA"] = spec.crash_before_delta;
    }
    if (!spec.crash_in_batch.empty()) env["STRATA_CRASH_IN_BATCH"] = spec.crash_in_batch;
    const StrataRun crashed = RunStrata(settings, args, env);
    const StrataRun again = RunStrata(settings, args);
    const bool killed = crashed.exit_status == 128 + SIGKILL;
    if (!killed) {
      problems.push_back("the crash hook did not fire (exit " +
                         std::to_string(crashed.exit_status) + "): " + crashed.output);
    }
    if (again.exit_status != 0) {
      problems.push_back("the restarted upgrade failed (exit " + std::to_string(again.exit_status) +
                         "): " + again.output);
    }
    return {
        {"killed_at", spec.crash_before_delta.empty() ? "background batch " + spec.crash_in_batch
                                                      : "before delta " + spec.crash_before_delta},
        {"killed_by_sigkill", killed},
        {"restart_exit_status", again.exit_status}};
  }

  // The real server as the release: the directory as a client sees it, the step's additions,
  // and on the last step the logins and message counts.
  json VisitServer(const Step& spec, const ServerSettings& settings, int index, bool last,
                   StepResult& step) {
    auto server = StrataServer::Start(settings, spec.release->name);
    if (!server.ok()) {
      step.problems.push_back(server.status().message());
      return json();
    }
    Visit visit =
        VisitStep(*context_.scenario, (*server)->port(), index, last ? &visited_ : nullptr);
    for (auto& p : visit.problems) step.problems.push_back(std::move(p));
    if (Status st = (*server)->Stop(); !st.ok()) step.problems.push_back(st.message());
    if (last) checks_ = visit.checks;
    return visit.public_rooms;
  }

  // Idempotence: the same step once more must leave the database as it was.
  void Again(const Step& spec, json& state, StepResult& step) {
    auto pool = OpenPool(db_);
    if (!pool.ok()) throw std::runtime_error(pool.status().message());
    auto refused = UpgradeInProcess(**pool, *spec.release, server_name_, spec.stats_enabled);
    StepSnapshot again = TakeStepSnapshot(**pool, *spec.release, server_name_, false);
    const bool same = !refused && Persistent(again.state) == Persistent(state);
    state["idempotent"] = same;
    if (!same) {
      step.problems.push_back("running " + spec.release->name + " again changed the database");
    }
  }

  const DatabaseCopy& db_;
  const ReplayContext& context_;
  std::string server_name_;
  json previous_ = json::object();
  std::vector<int> visited_;
  json checks_;  // the last visit's logins and message counts
};

}  // namespace

Result<std::string> RepairSql(storage::Engine engine) {
  const schema::UpgradeNote* note = schema::Catalogue::Builtin().FindNote(schema::kStatsRepairNote);
  if (!note) return Status::NotFound("the catalogue has no note with id stats_repair");
  const std::string& sql =
      engine == storage::Engine::kSqlite ? note->sql_sqlite : note->sql_postgres;
  if (sql.empty()) return Status::NotFound("the stats_repair note carries no SQL for this engine");
  return sql;
}

ReplayResult Replay(const DatabaseCopy& db, const UpgradePath& path, const ReplayContext& context,
                    const std::function<void(const StepResult&)>& on_step) {
  ReplayResult result;
  try {
    std::string server_name;
    {
      auto conn = db.Connect();
      if (!conn.ok()) {
        result.status = conn.status();
        return result;
      }
      server_name = ServerNameOf(**conn);
    }
    StepRunner runner(db, context, server_name);
    auto record = [&](StepResult step) {
      if (on_step) on_step(step);
      result.steps.push_back(std::move(step));
    };
    int index = 0;
    for (size_t i = 0; i < path.steps.size(); ++i) {
      const Step& spec = path.steps[i];
      const bool repair_here = path.repair_after && *path.repair_after == spec.release->name;
      const bool last = i + 1 == path.steps.size() && !repair_here;
      record(runner.Run(spec, spec.release->name, index++, last));
      if (!result.steps.back().snapshot.state["refused"].is_null()) break;
      if (repair_here) {
        auto sql = RepairSql(db.engine());
        if (!sql.ok()) {
          result.status = sql.status();
          return result;
        }
        Step repair = spec;
        repair.sql_before = *sql;
        repair.crash_before_delta.clear();
        repair.crash_in_batch.clear();
        record(runner.Run(repair, spec.release->name + "+repair", index++,
                          i + 1 == path.steps.size()));
      }
    }
  } catch (const std::exception& e) {
    result.status = Status::Internal(std::string("replay failed: ") + e.what());
  }
  return result;
}

}  // namespace strata::matrix
