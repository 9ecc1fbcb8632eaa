// Config lint: Strata's own loader and start-up checks run offline on a homeserver.yaml, as
// the chosen release would run them. No network, no database (startup_checks.h promises it).
#pragma once

#include <string>
#include <vector>

#include "config/problem.h"

namespace YAML {
class Node;
}

namespace strata::console {

struct LintResult {
  std::string release;                    // the release whose checks ran
  std::vector<config::Problem> problems;  // loader problems first, then the checks'
  int errors = 0;
  int warnings = 0;
};

// `release` empty: the newest catalogued release. Problems the checks report without a line
// get the line of their key in the file when the key is there.
// The 1-based line of a dotted key ("email.smtp_host", "listeners.0.port") in `root`, or the
// line of its deepest present parent; 0 if not even the first part is there. `root` is left
// as it was, so one tree answers any number of lookups.
int LineOf(const YAML::Node& root, const std::string& key);

LintResult LintConfigFile(const std::string& path, const std::string& release = "");

}  // namespace strata::console
