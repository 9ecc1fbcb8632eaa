// The `strata` command line: Synapse's flags (so admins' scripts keep working) plus Strata's.
//
// Values may be given as `--flag value` or `--flag=value`. Short forms follow Synapse's:
// -c (--config-path), -H (--server-name), -h (--help).
//
// A bad command line is a usage error: the caller prints the Status message (it names the
// flag) followed by UsageHint() and exits with kUsageExitStatus (2), as argparse does.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace strata::config {

inline constexpr int kUsageExitStatus = 2;

struct CommandLine {
  std::vector<std::string> config_paths;      // --config-path, repeatable; later files override
  bool generate_config = false;               // --generate-config
  std::optional<std::string> server_name;     // --server-name
  std::optional<bool> report_stats;           // --report-stats=yes|no
  std::optional<std::string> data_directory;  // --data-directory
  std::optional<std::string> log_file;        // --log-file: parsed only so it can be refused
  bool help = false;                          // --help
  bool version = false;                       // --version
  // Strata's own:
  std::optional<std::string> as_release;  // --as-release X.Y.Z
  bool upgrade_only = false;              // --upgrade-only
  bool run_background_updates = false;    // --run-background-updates
  bool list_releases = false;             // --list-releases
};

// Parses argv[1..]. Errors (InvalidArgument) name the offending argument.
Result<CommandLine> ParseCommandLine(const std::vector<std::string>& args);
Result<CommandLine> ParseCommandLine(int argc, const char* const* argv);

// The --help text: every flag, what it does and its default.
std::string HelpText(std::string_view program);
// "Try 'strata --help' for more information."
std::string UsageHint(std::string_view program);

}  // namespace strata::config
