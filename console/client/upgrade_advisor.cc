#include "client/upgrade_advisor.h"

#include <sstream>

namespace strata::console {
namespace {

// rooms.room_version arrived with release 1.10.0 (a schema-57 delta; 1.9.x is schema 57 too
// but lacks it): queries reading it fail on databases older than that.
const schema::ReleaseVersion kRoomVersionRelease{{1, 10, 0}};

AdvisedNote Advise(const schema::UpgradeNote& note, storage::Engine engine,
                   const schema::Release& now) {
  AdvisedNote a{note.title, note.text,
                engine == storage::Engine::kSqlite ? note.sql_sqlite : note.sql_postgres,
                note.manual_step, ""};
  if (a.sql.find("room_version") != std::string::npos && now.version < kRoomVersionRelease) {
    a.warning =
        "This query reads rooms.room_version, which exists from release 1.10.0; before "
        "this upgrade the database is as " +
        now.name + " left it (schema " + std::to_string(now.schema_version) +
        "), so it fails there: upgrade to 1.10.x or 1.11.x first, or skip the check.";
  }
  return a;
}

std::string Quote(const std::string& s) {
  if (s.find_first_of(" '\"$\\") == std::string::npos) return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

Result<UpgradePlan> PlanUpgrade(const schema::Catalogue& catalogue, const std::string& from,
                                const std::string& to, storage::Engine engine,
                                const std::string& database) {
  const schema::Release* a = catalogue.Find(from);
  const schema::Release* b = catalogue.Find(to);
  if (!a) return Status::InvalidArgument("not a catalogued release: " + from);
  if (!b) return Status::InvalidArgument("not a catalogued release: " + to);
  if (!(a->version < b->version)) {
    return Status::InvalidArgument("the target " + to + " is not newer than " + from);
  }
  UpgradePlan plan;
  plan.from = from;
  plan.to = to;
  plan.engine = engine;
  // The plan is one jump, as an admin upgrades: every manual step runs against the database
  // as `from` left it, before `to` starts.
  const int schema_now = a->schema_version;
  for (const auto& r : catalogue.releases()) {
    if (!(a->version < r.version) || b->version < r.version) continue;
    AdvisedStep step{r.name, schema_now, r.schema_version, {}, {}};
    for (const auto& n : r.notes) {
      step.notes.push_back(Advise(n, engine, *a));
      if (n.manual_step) ++plan.manual_steps;
    }
    for (const auto& n : r.rollback) step.rollback.push_back(Advise(n, engine, r));
    plan.steps.push_back(std::move(step));
  }
  std::string location = database.empty() ? "homeserver.db" : database;
  if (engine == storage::Engine::kPostgres && location.find("://") == std::string::npos &&
      location.find('=') == std::string::npos) {
    location = "postgresql:///" + location;
  }
  plan.matrix_command =
      "strata-matrix --database " + Quote(location) + " --path " + from + "," + to;
  return plan;
}

std::string FormatPlan(const UpgradePlan& plan) {
  std::ostringstream out;
  out << "Upgrade " << plan.from << " -> " << plan.to << " on "
      << (plan.engine == storage::Engine::kSqlite ? "SQLite" : "PostgreSQL") << ": "
      << plan.steps.size() << " releases, " << plan.manual_steps << " manual steps.\n\n";
  auto note = [&](const AdvisedNote& n, const char* indent) {
    out << indent << (n.manual_step ? "[manual step] " : "") << n.title << "\n";
    std::istringstream text(n.text);
    for (std::string line; std::getline(text, line);) out << indent << "  " << line << "\n";
    if (!n.sql.empty()) {
      out << indent << "  SQL:\n";
      std::istringstream sql(n.sql);
      for (std::string line; std::getline(sql, line);) out << indent << "    " << line << "\n";
    }
    if (!n.warning.empty()) out << indent << "  WARNING: " << n.warning << "\n";
  };
  for (const auto& s : plan.steps) {
    out << "== " << s.release << " (schema " << s.schema_from << " -> " << s.schema_to << ")\n";
    for (const auto& n : s.notes) note(n, "  ");
    for (const auto& n : s.rollback) {
      out << "  Rollback: ";
      note(n, "");
    }
  }
  out << "\nReplay this path on a copy of the database first:\n  " << plan.matrix_command << "\n";
  return out.str();
}

}  // namespace strata::console
