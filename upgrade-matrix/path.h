// An upgrade path: the catalogued releases a database is run as, in order, and what the matrix
// expects of the outcome. Paths are data (fixtures/matrix/paths.yaml) or a command-line list.
#pragma once

#include <optional>
#include <string>
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

struct UpgradePath {
  std::string name;                              // fixture folder: fixtures/matrix/<name>/
  std::vector<const schema::Release*> releases;  // the first is the seed's own release
  std::optional<std::string> repair_after;       // run the notes' repair after this step
  std::string dataset;                           // seed: real-synapse/datasets/<dataset>
  std::optional<KnownBug> known_bug;             // at the last step
  bool downgrade = false;  // the last release is older than the database and must refuse it

  // "1.2.1 -> 1.4.0 -> 1.12.4"
  std::string Describe() const;
};

// Parses "1.2.1,1.4.0,1.12.4"; every name must be a catalogued release.
Result<std::vector<const schema::Release*>> ParseReleaseList(const std::string& text,
                                                             const schema::Catalogue& catalogue);

// Reads paths.yaml (see fixtures/matrix/paths.yaml for the format).
Result<std::vector<UpgradePath>> LoadPathsFile(const std::string& file,
                                               const schema::Catalogue& catalogue);

}  // namespace strata::matrix
