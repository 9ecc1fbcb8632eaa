// --generate-config: a commented homeserver.yaml with Synapse's keys, a log config in Synapse's
// logging format, and an ed25519 signing key in Synapse's key-file format.
//
// Layout, as Synapse's generator makes it (CONFDIR = the config file's directory, DATADIR =
// --data-directory or the working directory; all paths written absolute):
//   CONFDIR/homeserver.yaml            (the --config-path given)
//   CONFDIR/<server_name>.log.config   logging to DATADIR/homeserver.log and stderr
//   CONFDIR/<server_name>.signing.key  "ed25519 a_XXXX <seed>"
//   DATADIR/homeserver.db              SQLite database (created on first start)
//   DATADIR/media_store/, DATADIR/homeserver.pid
//
// An existing config file is never overwritten: as Synapse does, the generator says so and
// only writes the log config and signing key that file names, if they are missing.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "config/command_line.h"
#include "util/status.h"

namespace strata::config {

struct GenerateOptions {
  std::string config_path;
  std::string server_name;
  bool report_stats = false;
  std::string data_directory;  // "" : the working directory
};

struct GenerateOutcome {
  bool config_written = false;        // false: the config existed and was left alone
  std::vector<std::string> written;   // every file written, in order
  std::vector<std::string> messages;  // what to tell the admin, one line each
};

// Writes the files. Errors name the file that could not be written.
Result<GenerateOutcome> GenerateConfig(const GenerateOptions& options);

// The log config text, logging to `log_file` and stderr.
std::string LogConfigText(const std::string& log_file);

// --generate-config from a parsed command line: validates the flags with Synapse's messages,
// generates, prints the outcome to `out` and problems to `err`. Returns the exit status:
// 0 done, 1 a file could not be written, kUsageExitStatus (2) for missing or bad flags.
int RunGenerateConfig(const CommandLine& command_line, std::string_view program, std::ostream& out,
                      std::ostream& err);

}  // namespace strata::config
