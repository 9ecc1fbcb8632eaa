#include "replay.h"

#include <chrono>
#include <fstream>
#include <sstream>

#include "background/updater.h"
#include "schema/prepare_database.h"

namespace strata::matrix {

using json = nlohmann::json;

namespace {

std::string FileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

// The parts of a snapshot a refused start must not change.
json Persistent(json state) {
  for (const char* key : {"step", "release", "refused", "unchanged", "publicRooms"}) {
    state.erase(key);
  }
  return state;
}

StepResult RunStep(storage::ConnectionPool& pool, const DatabaseCopy& db,
                   const schema::Release& release, const std::string& label,
                   const std::string& server_name, const json& previous) {
  const auto start = std::chrono::steady_clock::now();
  const bool sqlite = db.engine() == storage::Engine::kSqlite;
  const std::string before = sqlite ? FileBytes(db.location()) : "";
  std::optional<std::string> refused;
  {
    auto lease = pool.Acquire();
    auto report = schema::PrepareDatabase(*lease, schema::Catalogue::Builtin(), release, {});
    if (!report.ok()) {
      refused = report.status().message();
    } else {
      background::UpdateSettings settings;
      settings.server_name = server_name;
      background::BackgroundUpdater updater(*lease, background::HandlerRegistry::Builtin(),
                                            release.runner, settings);
      updater.RunToCompletion();
    }
  }
  const bool same_bytes = sqlite && refused && FileBytes(db.location()) == before;
  StepResult step;
  step.label = label;
  step.release = &release;
  step.snapshot = TakeStepSnapshot(pool, release, server_name, !refused);
  json& state = step.snapshot.state;
  state["step"] = label;
  state["release"] = release.name;
  state["refused"] = refused ? json(*refused) : json();
  if (refused) {
    state["unchanged"] = sqlite ? same_bytes : Persistent(state) == Persistent(previous);
    state["unchanged_by"] = sqlite ? "file bytes" : "snapshot";
  }
  step.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return step;
}

}  // namespace

Result<std::string> RepairSql(storage::Engine engine) {
  for (const auto& release : schema::Catalogue::Builtin().releases()) {
    for (const auto& note : release.notes) {
      const std::string& sql =
          engine == storage::Engine::kSqlite ? note.sql_sqlite : note.sql_postgres;
      if (note.manual_step && sql.find("populate_stats_process_rooms") != std::string::npos) {
        return sql;
      }
    }
  }
  return Status::NotFound("the catalogue's upgrade notes carry no stats repair");
}

ReplayResult Replay(const DatabaseCopy& db, const UpgradePath& path,
                    const std::function<void(const StepResult&)>& on_step) {
  ReplayResult result;
  auto conn = db.Connect();
  if (!conn.ok()) {
    result.status = conn.status();
    return result;
  }
  std::vector<std::unique_ptr<storage::Connection>> connections;
  connections.push_back(std::move(*conn));
  storage::ConnectionPool pool(std::move(connections));
  try {
    std::string server_name;
    {
      auto lease = pool.Acquire();
      server_name = ServerNameOf(*lease);
    }
    json previous = json::object();
    auto record = [&](StepResult step) {
      previous = step.snapshot.state;
      if (on_step) on_step(step);
      result.steps.push_back(std::move(step));
    };
    for (const auto* release : path.releases) {
      record(RunStep(pool, db, *release, release->name, server_name, previous));
      if (!previous["refused"].is_null()) break;
      if (path.repair_after && *path.repair_after == release->name) {
        auto sql = RepairSql(db.engine());
        if (!sql.ok()) {
          result.status = sql.status();
          return result;
        }
        pool.Acquire()->ExecuteScript(*sql);
        record(RunStep(pool, db, *release, release->name + "+repair", server_name, previous));
      }
    }
  } catch (const std::exception& e) {
    result.status = Status::Internal(std::string("replay failed: ") + e.what());
  }
  return result;
}

}  // namespace strata::matrix
