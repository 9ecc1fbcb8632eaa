// A problem found in a configuration: what the loader and the start-up checks report.
#pragma once

#include <string>
#include <vector>

namespace strata::config {

struct Problem {
  enum class Severity { kError, kWarning };
  Severity severity = Severity::kError;
  std::string check;  // the start-up check that found it ("report_stats", ...; "config" for the
                      // loader's own type errors)
  std::string key;    // dotted config key ("email.smtp_host"); "" if none applies
  std::string file;   // the file holding the key (or the file that lacks it)
  int line = 0;       // 1-based; 0 when unknown (e.g. a missing key)
  std::string message;

  bool is_error() const { return severity == Severity::kError; }
  // "homeserver.yaml:12: error: email.smtp_host: <message>" (parts left out when unknown).
  std::string ToString() const;
};

bool HasErrors(const std::vector<Problem>& problems);

}  // namespace strata::config
