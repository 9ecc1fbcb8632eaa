// An upgrade path: the catalogued releases a database is run as, in order, and what the matrix
// expects of the outcome. Paths are data (fixtures/matrix/paths.yaml) or a command-line list.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "schema/catalogue.h"
#include "util/status.h"

namespace strata::matrix {

// A bug the path is known to reproduce: the fixture records the broken outcome, so a match means
// "bug reproduced" and a vanished bug shows up as a failure.
struct KnownBug {
  std::string name;  // a detector in known_bugs.h, e.g. "room-directory-stats"
  std::string description;
};

// One step: the release the database is run as next, and how the admin gets there.
struct Step {
  const schema::Release* release = nullptr;
  std::string sql_before;     // run on the stopped database first (a rollback's UPDATE)
  bool stats_enabled = true;  // homeserver.yaml `stats: enabled` (false for the 1.3.1 rollback)
  // The real binary's upgrade is killed (kill -9) at this point, then run again:
  std::string crash_before_delta;  // STRATA_CRASH_BEFORE_DELTA=<schema file>
  std::string crash_in_batch;      // STRATA_CRASH_IN_BATCH=<update>:<n>
  bool twice = false;              // idempotence: the step runs again and must change nothing

  bool crashes() const { return !crash_before_delta.empty() || !crash_in_batch.empty(); }
};

struct UpgradePath {
  std::string name;  // fixture folder: fixtures/matrix/<name>/
  std::string description;
  std::vector<Step> steps;                  // the first is the seed's own release
  std::optional<std::string> repair_after;  // run the notes' repair after this step
  std::string dataset;                      // seed: real-synapse/datasets/<dataset>, or
  std::string scenario;                     // seed: fixtures/matrix/scenarios/<scenario>.yaml
  std::optional<KnownBug> known_bug;        // at the last step
  bool downgrade = false;  // the last release is older than the database and must refuse it
  std::string same_as;     // the last step's database must equal that path's last step

  // "1.2.1 -> 1.4.0 -> 1.12.4"
  std::string Describe() const;
};

// `releases: every_catalogued_release` in paths.yaml: every catalogued release, oldest first,
// one step each (the every-release path), taken from the catalogue rather than typed again.
inline constexpr std::string_view kEveryCatalogued = "every_catalogued_release";

// Parses "1.2.1,1.4.0,1.12.4"; every name must be a catalogued release.
Result<std::vector<const schema::Release*>> ParseReleaseList(const std::string& text,
                                                             const schema::Catalogue& catalogue);

// Reads paths.yaml (see fixtures/matrix/paths.yaml for the format).
Result<std::vector<UpgradePath>> LoadPathsFile(const std::string& file,
                                               const schema::Catalogue& catalogue);

}  // namespace strata::matrix
