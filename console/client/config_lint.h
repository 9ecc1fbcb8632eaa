// Config lint: Strata's own loader and start-up checks run offline on a homeserver.yaml, as
// the chosen release would run them. No network, no database (startup_checks.h promises it).
#pragma once

#include <string>
#include <vector>

#include "config/problem.h"

namespace strata::console {

struct LintResult {
  std::string release;                    // the release whose checks ran
  std::vector<config::Problem> problems;  // loader problems first, then the checks'
  int errors = 0;
  int warnings = 0;
};

// `release` empty: the newest catalogued release. Problems the checks report without a line
// get the line of their key in the file when the key is there.
LintResult LintConfigFile(const std::string& path, const std::string& release = "");

}  // namespace strata::console
