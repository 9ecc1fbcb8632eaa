// The upgrade advisor: from the release a server behaves as to a chosen target, what the
// release catalogue (the same one the server runs on) says to do, in order, in the form that
// works on this server's database engine. Plain C++: no Qt, no network.
#pragma once

#include <string>
#include <vector>

#include "schema/catalogue.h"
#include "storage/database.h"
#include "util/status.h"

namespace strata::console {

struct AdvisedNote {
  std::string title;
  std::string text;
  std::string sql;           // for the server's engine; empty if the note has none
  bool manual_step = false;  // do this before starting the release
  std::string warning;       // why the SQL may not work on this server yet; empty if none
};

struct AdvisedStep {
  std::string release;
  int schema_from = 0;  // the schema the database has when the step's manual SQL runs
  int schema_to = 0;
  std::vector<AdvisedNote> notes;
  std::vector<AdvisedNote> rollback;  // how to go back from this release to the one before
};

struct UpgradePlan {
  std::string from;
  std::string to;
  storage::Engine engine = storage::Engine::kSqlite;
  std::vector<AdvisedStep> steps;  // every release after `from` up to `to`, oldest first
  std::string matrix_command;      // replays the path on a copy of the server's database
  int manual_steps = 0;
};

// `database` is where the server's database lives (SQLite path or PostgreSQL database name),
// for the strata-matrix command. InvalidArgument for unknown releases or a target not newer.
Result<UpgradePlan> PlanUpgrade(const schema::Catalogue& catalogue, const std::string& from,
                                const std::string& to, storage::Engine engine,
                                const std::string& database);

// The plan as plain text (what the advisor shows and copies to the clipboard).
std::string FormatPlan(const UpgradePlan& plan);

}  // namespace strata::console
