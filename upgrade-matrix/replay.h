// Replays a path on a database copy. Each step gets the database to the release (in-process:
// prepare the schema as the release and run the background updates to completion with its
// runner; or, for crash steps, the real binary's --upgrade-only killed with -9 mid-way and run
// again), then, on scenario paths, starts the real server as the release, lists the directory as
// a logged-in client and adds the step's users and messages, and finally takes a snapshot with
// its diff against a fresh database of the same release. A release older than the database is
// refused; the step then records the refusal and whether the database stayed unchanged (SQLite:
// byte for byte; PostgreSQL: the snapshot), and the path ends.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "database_copy.h"
#include "fresh_schema.h"
#include "path.h"
#include "scenario.h"
#include "snapshot.h"

namespace strata::matrix {

struct StepResult {
  std::string label;  // "1.12.4", or "1.12.4+repair"
  const schema::Release* release = nullptr;
  StepSnapshot snapshot;  // state also carries "step", "refused" and, when refused, "unchanged"
  std::vector<std::string> problems;  // a failed server visit, crash or scenario check
  double seconds = 0;
};

struct ReplayResult {
  std::vector<StepResult> steps;
  Status status;  // not ok if the replay could not run (not a refusal: that is a step result)
};

struct ReplayContext {
  std::string binary;                  // the strata executable (server visits, crash steps)
  std::string scratch;                 // a directory for configs and server logs
  const Scenario* scenario = nullptr;  // scenario paths: visit the real server at every step
  FreshSchemas* fresh = nullptr;       // when set: the fresh-vs-upgraded schema diff per step
};

ReplayResult Replay(const DatabaseCopy& db, const UpgradePath& path, const ReplayContext& context,
                    const std::function<void(const StepResult&)>& on_step = {});

// The SQL of the catalogue's schema::kStatsRepairNote note (the two INSERTs, verbatim), for
// `engine`.
Result<std::string> RepairSql(storage::Engine engine);

}  // namespace strata::matrix
