// strata-matrix: replays Synapse upgrade paths with Strata behaving as each release, and
// compares every step with the reviewed fixtures (or, with --database, shows what a path does to
// a copy of an admin's own database).
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "fixture.h"
#include "known_bugs.h"
#include "path.h"
#include "replay.h"
#include "report.h"
#include "schema/prepare_database.h"
#include "seed.h"
#include "server_process.h"
#include "storage/open_database.h"
#include "text_diff.h"
#include "util/test_postgres.h"

namespace strata::matrix {
namespace {

namespace fs = std::filesystem;

// Writes a report file, creating its folder (CI collects them from build/artifacts/matrix/); a
// report that cannot be written is said, not silently lost.
void WriteReportFile(const std::string& path, const std::string& text) {
  std::error_code ec;
  if (fs::path parent = fs::path(path).parent_path(); !parent.empty()) {
    fs::create_directories(parent, ec);
  }
  std::ofstream out(path);
  out << text;
  if (!out) std::cerr << "strata-matrix: cannot write " << path << "\n";
}
using json = nlohmann::json;

constexpr const char* kHelp = R"(Usage:
  strata-matrix [--fixtures DIR] [--postgres CONNINFO] [--engine sqlite|postgres]
                [--only NAME[,NAME...]] [--update-fixtures] [--junit OUT] [--report OUT.md]
                [--strata BINARY]
  strata-matrix --database FILE|postgresql://... --path R1,R2,... [--repair-after R]
                [--json OUT]

Replays Synapse upgrade paths with Strata behaving as each release in turn, the way an admin
would start the real releases one after the other on the same database.

Paths
  A path is a list of catalogued releases (strata --list-releases), e.g. 1.2.1,1.4.0,1.12.4.
  Each step gets the database to that release: prepare the schema as the release (its deltas,
  its edits of old delta files) and run every background update to completion with that
  release's runner (round robin up to 1.12.x, one at a time from 1.13.0). Then it snapshots the
  database: schema_version, applied deltas, background updates left and why, the normalised
  schema (digest, and a readable diff against a fresh database of the same release), per-room
  stats rows (rooms keyed by name), user stats totals, users who can log in, per-room message
  counts, and /publicRooms as a logged-in client gets it from that release.
  --repair-after R: after the step at R, run the upgrade notes' two repair INSERTs (1.13.0's
  "populate_stats_process_rooms" repair) and run R again (step "R+repair").
  A release older than the database refuses it with Synapse's message; the step records that and
  whether the database stayed byte-identical (SQLite) or unchanged (PostgreSQL).

The matrix (no --database)
  Runs every path in DIR/paths.yaml (default: the source tree's fixtures/matrix; the file
  documents its format): every adjacent pair of releases, direct jumps, the room-directory bug
  paths (straight 1.2.1 -> 1.4.0 -> 1.12.4, straight to 1.13.0, via 1.3.1, already broken then
  1.13.0, the repair), the notes' rollbacks, downgrades, kill -9 crash rows and idempotence.
  Seeds: a real Synapse database (seed: {dataset: v1.2.1-big}, from $STRATA_REFERENCE or
  <repo>/../shared/reference), or a scenario (seed: {scenario: NAME}, DIR/scenarios/NAME.yaml):
  users, rooms, memberships, messages and directory entries played through the client API of
  the real strata binary behaving as the path's first release. On scenario paths every step
  starts the real server as its release on a loopback port, lists the directory as a logged-in
  client, adds that step's users and messages, and the last step checks that every account logs
  in and every room holds exactly the messages sent.
  --strata BINARY: the strata executable (default: the one built beside strata-matrix, or
  $STRATA_BINARY).

Fixtures
  Each path's steps are compared with DIR/<path>/<engine>.json, or DIR/<path>/expected.json
  when both engines agree; a difference is printed as a unified diff of the step's JSON.
  A path with known_bug {name, description} records the broken outcome: "bug reproduced" is a
  pass (BUG-REPRODUCED), "bug vanished" a failure. --update-fixtures writes the fixtures from
  this run instead of comparing; review them (git diff) before committing.
  Exit status 0 only if every row matches its fixture.

Engines
  SQLite always; PostgreSQL as well when --postgres CONNINFO or $STRATA_TEST_PG names a server
  (keyword form, host=... port=... user=...; seeds are made once per run and copied per path
  as template databases). --engine restricts the run to one engine; --engine
  postgres with no server exits 77 (skipped), or 1 when $STRATA_REQUIRE_PG is set.

Reports
  On a terminal a live table shows each row's progress (plain lines otherwise, or with
  STRATA_MATRIX_PLAIN=1); at the end the matrix (paths x steps, per engine) and the time per
  engine. --junit OUT writes JUnit XML; --report OUT.md a self-contained Markdown report with
  every step's summary, the fixture diffs and the fresh-vs-upgraded schema diffs.

Your own database (--database)
  Replays --path on a COPY of FILE (a file copy) or of a PostgreSQL database (a new database
  with the original as its template, which needs no other sessions on it); the original is never
  written. Prints each step's summary and what changed, e.g. public rooms that dropped out of the
  directory with their stats rows. --json OUT writes {"steps": [{"release", "schema_version",
  "background_updates", "publicRooms": {"chunk", "total_room_count_estimate"}, ...}, ...]}.
)";

struct Options {
  std::string fixtures = (fs::path(STRATA_MATRIX_SOURCE_DIR) / "fixtures" / "matrix").string();
  std::string postgres;
  std::optional<std::string> engine;
  std::optional<std::string> only;
  bool update = false;
  std::string junit;
  std::string database;
  std::string path;
  std::optional<std::string> repair_after;
  std::string json_out;
  std::string report;
  std::string binary = DefaultStrataBinary();
};

std::string Fmt(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1fs", s);
  return buf;
}

// One line per step: what the release left.
std::string StepSummary(const StepResult& step) {
  const json& s = step.snapshot.state;
  if (!s["refused"].is_null()) {
    return step.label + ": refused: " + s["refused"].get<std::string>() +
           (s.value("unchanged", false)
                ? " (database unchanged, by " + s.value("unchanged_by", std::string()) + ")"
                : " (DATABASE CHANGED)");
  }
  std::string out = step.label + ": schema " + std::to_string(s.value("schema_version", 0)) + ", " +
                    std::to_string(s["applied_schema_deltas"].size()) + " deltas, " +
                    std::to_string(s["background_updates"].size()) + " updates left";
  const json& pr = s["publicRooms"];
  if (pr.is_object()) {
    out += ", publicRooms " + std::to_string(pr["chunk"].size()) + " (estimate " +
           pr.value("total_room_count_estimate", json(0)).dump() + ")";
  }
  return out + " [" + Fmt(step.seconds) + "]";
}

std::set<std::string> ListedRooms(const json& state) {
  std::set<std::string> out;
  if (!state["publicRooms"].is_object()) return out;
  for (const auto& e : state["publicRooms"]["chunk"]) out.insert(e.value("room_id", ""));
  return out;
}

// What changed from one step to the next, for a reader.
std::vector<std::string> Changes(const json& before, const json& after) {
  std::vector<std::string> out;
  std::set<std::string> old_deltas(before["applied_schema_deltas"].begin(),
                                   before["applied_schema_deltas"].end());
  for (const auto& d : after["applied_schema_deltas"]) {
    if (!old_deltas.count(d)) out.push_back("applied " + d.get<std::string>());
  }
  for (const auto& u : after["background_updates"]) {
    out.push_back("left: background update " + u.value("name", "") + " (" + u.value("state", "") +
                  (u.contains("why") ? ": " + u.value("why", "") : "") + ")");
  }
  const auto was = ListedRooms(before), now = ListedRooms(after);
  for (const auto& id : was) {
    if (now.count(id)) continue;
    const std::string room = id.substr(1);
    const json& r = after["rooms"].value(room, json::object());
    out.push_back("dropped out of the directory: " + room + ": room_stats_current " +
                  r.value("room_stats_current", json()).dump() + ", joined in current state " +
                  r.value("joined_in_current_state", json(0)).dump());
  }
  for (const auto& id : now) {
    if (!was.count(id) && !before["publicRooms"].is_null()) {
      out.push_back("appeared in the directory: " + id.substr(1));
    }
  }
  for (const auto& line : DetectBug("room-directory-stats", after)) {
    out.push_back("stats disagree with current state: " + line);
  }
  return out;
}

Result<std::unique_ptr<DatabaseCopy>> CopyOf(const std::string& location,
                                             const std::string& scratch) {
  if (storage::IsPostgresLocation(location)) return DatabaseCopy::OfPostgres(location);
  return DatabaseCopy::OfSqliteFile(location, scratch);
}

int RunOnDatabase(const Options& o, const std::string& scratch) {
  UpgradePath path;
  path.name = "database";
  auto releases = ParseReleaseList(o.path, schema::Catalogue::Builtin());
  if (!releases.ok()) {
    std::cerr << "strata-matrix: --path: " << releases.status().message() << "\n";
    return 2;
  }
  for (const auto* release : *releases) {
    Step step;
    step.release = release;
    path.steps.push_back(step);
  }
  path.repair_after = o.repair_after;
  auto copy = CopyOf(o.database, scratch);
  if (!copy.ok()) {
    std::cerr << "strata-matrix: " << copy.status().message() << "\n";
    return 1;
  }
  std::cout << "Replaying " << path.Describe() << " on a copy of " << o.database << "\n";
  json previous;
  FreshSchemas fresh(scratch, storage::IsPostgresLocation(o.database) ? o.database : "");
  ReplayContext context{o.binary, scratch, nullptr, &fresh};
  auto result = Replay(**copy, path, context, [&](const StepResult& step) {
    std::cout << StepSummary(step) << "\n";
    for (const auto& p : step.problems) std::cout << "    problem: " << p << "\n";
    const json& diff = step.snapshot.state.value("fresh_schema_diff", json());
    if (diff.is_array() && !diff.empty()) {
      std::cout << "    schema differs from a fresh " << step.release->name << " database in "
                << diff.size() << " diff lines (see --json)\n";
    }
    if (!previous.is_null()) {
      for (const auto& line : Changes(previous, step.snapshot.state)) {
        std::cout << "    " << line << "\n";
      }
    }
    previous = step.snapshot.state;
  });
  if (!o.json_out.empty()) {
    json steps = json::array();
    for (const auto& step : result.steps) {
      const json& s = step.snapshot.state;
      steps.push_back({{"release", step.release->name},
                       {"step", step.label},
                       {"refused", s["refused"]},
                       {"schema_version", s["schema_version"]},
                       {"applied_schema_deltas", s["applied_schema_deltas"]},
                       {"background_updates", s["background_updates"]},
                       {"rooms", s["rooms"]},
                       {"fresh_schema_diff", s.value("fresh_schema_diff", json())},
                       {"publicRooms", step.snapshot.public_rooms_raw}});
    }
    std::ofstream(o.json_out) << json{{"steps", steps}}.dump(2) << "\n";
  }
  if (!result.status.ok()) {
    std::cerr << "strata-matrix: " << result.status.message() << "\n";
    return 1;
  }
  return 0;
}

// Judges one path's run against its fixture and its known bug.
RowResult Judge(const UpgradePath& path, storage::Engine engine, const ReplayResult& run,
                const json& document, const std::optional<Fixture>& fixture, bool update) {
  RowResult row;
  row.path = path.name;
  row.engine = EngineName(engine);
  row.releases = path.Describe();
  row.description = path.known_bug ? path.known_bug->description : path.description;
  if (!run.status.ok()) row.problems.push_back(run.status.message());
  for (const auto& step : run.steps) {
    for (const auto& p : step.problems) row.problems.push_back("[" + step.label + "] " + p);
    row.summaries.push_back(StepSummary(step));
    const json& diff = step.snapshot.state.value("fresh_schema_diff", json());
    std::string text;
    if (diff.is_array()) {
      for (const auto& line : diff) text += line.get<std::string>() + "\n";
    }
    row.schema_diffs.push_back(text.empty() ? "" : "# " + step.label + "\n" + text);
  }
  std::vector<std::string> diff;
  if (update) {
    // Written, not compared.
  } else if (!fixture) {
    row.problems.push_back("no fixture for " + path.name + " (run with --update-fixtures)");
  } else {
    diff = DiffSteps(fixture->document["steps"], document["steps"]);
  }
  for (const auto& step : run.steps) {
    const std::string prefix = "[" + step.label + "]";
    const bool differs = std::any_of(diff.begin(), diff.end(),
                                     [&](const std::string& d) { return d.rfind(prefix, 0) == 0; });
    row.steps.push_back({step.label, step.problems.empty() && (update || (fixture && !differs))});
  }
  for (const auto& d : diff) row.problems.push_back(d);
  json last = run.steps.empty() ? json::object() : run.steps.back().snapshot.state;
  // The bug detectors: the named bug must be there, the others must not.
  for (const auto& name : KnownBugNames()) {
    const auto damage = DetectBug(name, last);
    const bool expected = path.known_bug && path.known_bug->name == name;
    if (expected && damage.empty()) {
      row.problems.push_back("bug vanished: " + name + " is no longer reproduced");
    } else if (!expected && !damage.empty()) {
      for (const auto& d : damage) row.problems.push_back("unexpected " + name + ": " + d);
    } else if (expected) {
      row.note = "bug " + name + " reproduced: " + damage.front() +
                 (damage.size() > 1 ? " (+" + std::to_string(damage.size() - 1) + " more)" : "");
    }
  }
  if (path.known_bug && std::find(KnownBugNames().begin(), KnownBugNames().end(),
                                  path.known_bug->name) == KnownBugNames().end()) {
    row.problems.push_back("no detector for known bug " + path.known_bug->name);
  }
  if (path.downgrade) {
    const json refused = last.value("refused", json());
    if (!refused.is_string() || refused.get<std::string>().rfind(schema::kTooNewMessage, 0) != 0) {
      row.problems.push_back("downgrade: expected refusal '" + std::string(schema::kTooNewMessage) +
                             "', got " + refused.dump());
    } else if (!last.value("unchanged", false)) {
      row.problems.push_back("downgrade: the refused start changed the database");
    }
  } else if (!last.is_null() && last.contains("refused") && !last["refused"].is_null()) {
    row.problems.push_back("refused: " + last["refused"].dump());
  }
  if (!row.problems.empty()) {
    row.outcome = Outcome::kFail;
  } else {
    row.outcome = path.known_bug ? Outcome::kBugReproduced : Outcome::kPass;
  }
  return row;
}

// The parts of a last step that say what the database holds, for same_as rows.
json Stored(const json& state) {
  json out = json::object();
  for (const char* key : {"schema_version", "schema", "background_updates", "rooms",
                          "user_stats_current", "users_who_can_log_in", "publicRooms"}) {
    out[key] = state.value(key, json());
  }
  return out;
}

int RunMatrix(const Options& o, const std::string& scratch) {
  auto paths =
      LoadPathsFile((fs::path(o.fixtures) / "paths.yaml").string(), schema::Catalogue::Builtin());
  if (!paths.ok()) {
    std::cerr << "strata-matrix: " << paths.status().message() << "\n";
    return 2;
  }
  std::vector<storage::Engine> engines;
  if (!o.engine || *o.engine == "sqlite") engines.push_back(storage::Engine::kSqlite);
  if (!o.engine || *o.engine == "postgres") {
    if (!o.postgres.empty()) {
      engines.push_back(storage::Engine::kPostgres);
    } else if (o.engine) {
      if (util::PostgresRequired()) {
        std::cerr << "strata-matrix: " << util::kPostgresRequiredMessage << " (or --postgres)\n";
        return 1;
      }
      std::cout << "strata-matrix: no PostgreSQL server (--postgres or STRATA_TEST_PG): skipped\n";
      return 77;
    }
  }
  std::set<std::string> only;
  if (o.only) {
    std::stringstream in(*o.only);
    std::string name;
    while (std::getline(in, name, ',')) only.insert(name);
  }
  std::map<std::string, Scenario> scenarios;
  for (const auto& path : *paths) {
    if (path.scenario.empty() || scenarios.count(path.scenario)) continue;
    auto scenario =
        LoadScenario((fs::path(o.fixtures) / "scenarios" / (path.scenario + ".yaml")).string());
    if (!scenario.ok()) {
      std::cerr << "strata-matrix: " << scenario.status().message() << "\n";
      return 2;
    }
    scenarios[path.scenario] = *scenario;
  }
  std::vector<std::pair<const UpgradePath*, storage::Engine>> plan;
  for (auto engine : engines) {
    for (const auto& path : *paths) {
      if (only.empty() || only.count(path.name)) plan.push_back({&path, engine});
    }
  }
  std::vector<std::pair<std::string, std::string>> labels;
  for (const auto& [path, engine] : plan) labels.push_back({path->name, EngineName(engine)});
  Progress progress(labels, isatty(STDOUT_FILENO) && !std::getenv("STRATA_MATRIX_PLAIN"));

  Seeds seeds(DefaultReferenceDir(), scratch, o.postgres, o.binary);
  FreshSchemas fresh(scratch, o.postgres);
  std::vector<RowResult> rows;
  std::vector<std::pair<std::string, double>> engine_times;
  std::map<std::pair<std::string, storage::Engine>, json> last_states;
  for (size_t i = 0; i < plan.size(); ++i) {
    const UpgradePath& path = *plan[i].first;
    const storage::Engine engine = plan[i].second;
    if (engine_times.empty() || engine_times.back().first != EngineName(engine)) {
      engine_times.push_back({EngineName(engine), 0});
    }
    const auto start = std::chrono::steady_clock::now();
    progress.Start(i);
    ReplayResult run;
    const Scenario* scenario = path.scenario.empty() ? nullptr : &scenarios.at(path.scenario);
    auto copy = scenario ? seeds.Copy(*scenario, path.steps.front().release->name, engine)
                         : seeds.Copy(path.dataset, engine);
    if (copy.ok()) {
      ReplayContext context{o.binary, scratch, scenario, &fresh};
      run = Replay(**copy, path, context, [&](const StepResult& s) {
        progress.Step(i, s.label + (s.snapshot.state["refused"].is_null() ? "" : " refused") +
                             " (" + Fmt(s.seconds) + ")");
      });
    } else {
      run.status = copy.status();
    }
    json steps = json::array();
    json previous;
    for (const auto& s : run.steps) {
      steps.push_back(FixtureView(s.snapshot.state, previous));
      previous = s.snapshot.state;
    }
    json document = {
        {"path", path.name},
        {"releases", path.Describe()},
        {"seed", scenario ? "scenario " + path.scenario : "dataset " + path.dataset},
        {"known_bug", path.known_bug ? json{{"name", path.known_bug->name},
                                            {"description", path.known_bug->description}}
                                     : json()},
        {"steps", steps}};
    auto fixture = LoadFixture(o.fixtures, path.name, engine);
    RowResult row = Judge(path, engine, run, document, fixture, o.update);
    if (!run.steps.empty()) last_states[{path.name, engine}] = run.steps.back().snapshot.state;
    if (!path.same_as.empty()) {
      auto it = last_states.find({path.same_as, engine});
      if (it == last_states.end()) {
        row.problems.push_back("same_as: " + path.same_as + " has not run before this path");
      } else if (!run.steps.empty() &&
                 Stored(it->second) != Stored(run.steps.back().snapshot.state)) {
        row.problems.push_back("the final database differs from " + path.same_as + "'s:");
        for (const auto& line :
             UnifiedDiff(SplitLines(Stored(it->second).dump(1)),
                         SplitLines(Stored(run.steps.back().snapshot.state).dump(1)), 2)) {
          row.problems.push_back(line);
        }
      } else {
        row.note = "same final database as " + path.same_as;
      }
    }
    if (o.update && run.status.ok()) {
      Status written = WriteFixture(o.fixtures, path.name, engine, document);
      if (!written.ok()) row.problems.push_back(written.message());
    }
    if (!row.problems.empty()) row.outcome = Outcome::kFail;
    row.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    engine_times.back().second += row.seconds;
    progress.Done(i, row);
    if (row.outcome == Outcome::kFail) {
      progress.Print("[" + row.engine + "] " + row.path + ": FAIL");
      for (size_t k = 0; k < row.problems.size() && k < 60; ++k) {
        progress.Print("     " + row.problems[k]);
      }
      if (row.problems.size() > 60) {
        progress.Print("     ... " + std::to_string(row.problems.size() - 60) +
                       " more lines (see --report)");
      }
    }
    rows.push_back(std::move(row));
  }
  std::cout << "\n" << RenderTable(rows);
  for (const auto& [engine, seconds] : engine_times) {
    std::cout << "[" << engine << "] matrix took " << Fmt(seconds) << "\n";
  }
  if (!o.junit.empty()) WriteReportFile(o.junit, RenderJUnit(rows));
  if (!o.report.empty()) WriteReportFile(o.report, RenderMarkdown(rows, engine_times));
  const bool all_ok = std::all_of(rows.begin(), rows.end(),
                                  [](const RowResult& r) { return r.outcome != Outcome::kFail; });
  return all_ok && !rows.empty() ? 0 : 1;
}

std::optional<Options> ParseArgs(int argc, char** argv) {
  Options o;
  o.postgres = util::TestPostgresServer();
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::optional<std::string> {
      if (i + 1 >= argc) {
        std::cerr << "strata-matrix: " << arg << " needs a value\n";
        return std::nullopt;
      }
      return std::string(argv[++i]);
    };
    std::optional<std::string> v;
    if (arg == "--help" || arg == "-h") {
      std::cout << kHelp;
      std::exit(0);
    } else if (arg == "--update-fixtures") {
      o.update = true;
    } else if (arg == "--fixtures" || arg == "--postgres" || arg == "--engine" || arg == "--only" ||
               arg == "--junit" || arg == "--database" || arg == "--path" ||
               arg == "--repair-after" || arg == "--json" || arg == "--report" ||
               arg == "--strata") {
      if (!(v = value())) return std::nullopt;
      if (arg == "--fixtures") o.fixtures = *v;
      if (arg == "--postgres") o.postgres = *v;
      if (arg == "--engine") o.engine = *v;
      if (arg == "--only") o.only = *v;
      if (arg == "--junit") o.junit = *v;
      if (arg == "--database") o.database = *v;
      if (arg == "--path") o.path = *v;
      if (arg == "--repair-after") o.repair_after = *v;
      if (arg == "--json") o.json_out = *v;
      if (arg == "--report") o.report = *v;
      if (arg == "--strata") o.binary = *v;
    } else {
      std::cerr << "strata-matrix: unknown argument " << arg << " (see --help)\n";
      return std::nullopt;
    }
  }
  if (o.engine && *o.engine != "sqlite" && *o.engine != "postgres") {
    std::cerr << "strata-matrix: --engine is sqlite or postgres\n";
    return std::nullopt;
  }
  if (o.database.empty() != o.path.empty()) {
    std::cerr << "strata-matrix: --database and --path go together\n";
    return std::nullopt;
  }
  return o;
}

}  // namespace
}  // namespace strata::matrix

int main(int argc, char** argv) {
  using namespace strata::matrix;
  auto options = ParseArgs(argc, argv);
  if (!options) return 2;
  std::error_code ec;
  const fs::path scratch = fs::temp_directory_path() / UniqueDbName("strata-matrix");
  fs::create_directories(scratch, ec);
  int rc;
  try {
    rc = options->database.empty() ? RunMatrix(*options, scratch.string())
                                   : RunOnDatabase(*options, scratch.string());
  } catch (const std::exception& e) {
    std::cerr << "strata-matrix: " << e.what() << "\n";
    rc = 1;
  }
  fs::remove_all(scratch, ec);
  return rc;
}
