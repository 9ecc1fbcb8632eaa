// Logging with Synapse's levels, line format and log-config file.
//
//   STRATA_LOG(Info, "strata.storage") << "Applying schema " << file;
//
// writes, with the default format,
//   2020-01-01 12:00:00,123 - strata.storage - 42 - INFO - main - Applying schema 56/x.sql
// (asctime - logger - line - level - request - message), as Synapse's "precise" formatter does.
//
// Where records go is read from the `log_config` file homeserver.yaml names, which is a Python
// logging dictConfig in YAML (the file `--generate-config` writes). The parts that decide where
// and what is written are honoured: formatters' `format`, handlers (file handlers with
// `filename`, `maxBytes`/`backupCount` or `when: midnight` rotation; stream handlers to stderr or
// `ext://sys.stdout`; memory/buffer handlers as their `target`), handler and logger `level`,
// logger `handlers` and `propagate`, and `root`. Logger names under `synapse` also configure the
// matching `strata` loggers, so an admin's existing log config keeps its meaning.
//
// Promises:
//  - Thread-safe: any thread may log while another calls Configure. Each record is written
//    whole (lines from different threads never interleave).
//  - Message bytes are written as given (UTF-8 in, UTF-8 out); nothing is escaped or dropped.
//  - A disabled level costs one atomic load; the message expression is not evaluated.
//  - Before Configure is called, records at INFO and above go to stderr in the default format.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace strata::logging {

// Python's numeric levels, so a log config's numbers mean the same here.
enum class Level : int { kDebug = 10, kInfo = 20, kWarning = 30, kError = 40, kCritical = 50 };

std::string_view LevelName(Level level);  // "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"
// Accepts the names above (any case), WARN, FATAL, NOTSET (as DEBUG) and Python's numbers.
std::optional<Level> ParseLevel(std::string_view text);

inline constexpr std::string_view kDefaultFormat =
    "%(asctime)s - %(name)s - %(lineno)d - %(levelname)s - %(request)s - %(message)s";

struct HandlerSettings {
  enum class Kind { kStderr, kStdout, kFile };
  std::string name;  // the handler's key in the config, for messages
  Kind kind = Kind::kStderr;
  std::string filename;  // kFile only
  Level level = Level::kDebug;
  std::string format{kDefaultFormat};
  // Size rotation (RotatingFileHandler): rotate before a write would pass max_bytes, keeping
  // backup_count old files as filename.1 .. filename.N. 0 disables.
  int64_t max_bytes = 0;
  int backup_count = 0;
  // Time rotation (TimedRotatingFileHandler, when: midnight / D): at the first write of a new
  // local day the file is renamed filename.YYYY-MM-DD; backup_count of those are kept (0: all).
  bool rotate_daily = false;
};

struct LoggerSettings {
  std::optional<Level> level;         // unset: inherit from the parent logger
  std::vector<std::string> handlers;  // names from Settings::handlers
  bool propagate = true;
};

struct Settings {
  Level root_level = Level::kInfo;
  std::vector<std::string> root_handlers;
  std::vector<HandlerSettings> handlers;
  std::map<std::string, LoggerSettings> loggers;  // by dotted logger name
};

// INFO and above to stderr in the default format.
Settings DefaultSettings();

// Reads a Synapse log config (YAML dictConfig). Errors name the file, the key and the line.
// Parts of a valid dictConfig that Strata does not act on (filters, unknown handler classes)
// are reported through `warnings` (if given) rather than refused.
Result<Settings> LoadLogConfig(const std::string& path,
                               std::vector<std::string>* warnings = nullptr);

// Makes `settings` current, opening (creating, appending to) every file handler's file.
// On error nothing changes. Files of the previous settings are closed once unused.
Status Configure(const Settings& settings);

// LoadLogConfig(path) then Configure: what a server does with its config's `log_config`.
Status ConfigureFromFile(const std::string& path, std::vector<std::string>* warnings = nullptr);

// True if a record at `level` from `logger` would be written somewhere.
bool Enabled(std::string_view logger, Level level);
// Writes one record (if Enabled). `file` may be a full path; only its base name is used.
void Write(Level level, std::string_view logger, const char* file, int line,
           std::string_view message);

// Names the request (or task) the current thread works for, as %(request)s shows it, for the
// life of the object. Synapse shows e.g. "GET-42"; outside any scope it shows "sentinel".
class ScopedRequest {
 public:
  explicit ScopedRequest(std::string name);
  ~ScopedRequest();
  ScopedRequest(const ScopedRequest&) = delete;
  ScopedRequest& operator=(const ScopedRequest&) = delete;

 private:
  std::string previous_;
};
// The current thread's request name.
const std::string& CurrentRequest();

// Collects one record's text and writes it when destroyed. Use through STRATA_LOG.
class LogMessage {
 public:
  LogMessage(Level level, std::string_view logger, const char* file, int line)
      : level_(level), logger_(logger), file_(file), line_(line) {}
  ~LogMessage() { Write(level_, logger_, file_, line_, stream_.str()); }
  LogMessage(const LogMessage&) = delete;
  LogMessage& operator=(const LogMessage&) = delete;
  std::ostream& stream() { return stream_; }

 private:
  Level level_;
  std::string_view logger_;
  const char* file_;
  int line_;
  std::ostringstream stream_;
};

}  // namespace strata::logging

// STRATA_LOG(Debug|Info|Warning|Error|Critical, "logger.name") << ...;
// The for-statement makes the macro a single statement that is safe inside if/else and skips
// building the message when the level is disabled.
#define STRATA_LOG(severity, logger)                                                               \
  for (bool strata_log_enabled_ =                                                                  \
           ::strata::logging::Enabled(logger, ::strata::logging::Level::k##severity);              \
       strata_log_enabled_; strata_log_enabled_ = false)                                           \
  ::strata::logging::LogMessage(::strata::logging::Level::k##severity, logger, __FILE__, __LINE__) \
      .stream()
