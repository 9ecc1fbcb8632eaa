// Replays a path on a database copy: each step prepares the schema as the release, runs the
// background updates to completion with that release's runner, and takes a snapshot. A release
// older than the database is refused; the step then records the refusal and whether the
// database stayed unchanged (SQLite: byte for byte; PostgreSQL: the snapshot), and the path ends.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "database_copy.h"
#include "path.h"
#include "snapshot.h"

namespace strata::matrix {

struct StepResult {
  std::string label;  // "1.12.4", or "1.12.4+repair"
  const schema::Release* release = nullptr;
  StepSnapshot snapshot;  // state also carries "step", "refused" and, when refused, "unchanged"
  double seconds = 0;
};

struct ReplayResult {
  std::vector<StepResult> steps;
  Status status;  // not ok if the replay could not run (not a refusal: that is a step result)
};

ReplayResult Replay(const DatabaseCopy& db, const UpgradePath& path,
                    const std::function<void(const StepResult&)>& on_step = {});

// The repair SQL the upgrade notes give (the two INSERTs, verbatim), for `engine`.
Result<std::string> RepairSql(storage::Engine engine);

}  // namespace strata::matrix
