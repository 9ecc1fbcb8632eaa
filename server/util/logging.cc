// Logging's shared vocabulary: level names and the default settings, and ConfigureFromFile,
// which joins the log-config reader (logging/log_config.cc) to routing (logging/routing.cc).
// The line format is in logging/format.cc, sinks and rotation in logging/sinks.cc.
#include "util/logging.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace strata::logging {

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "DEBUG";
    case Level::kInfo:
      return "INFO";
    case Level::kWarning:
      return "WARNING";
    case Level::kError:
      return "ERROR";
    case Level::kCritical:
      return "CRITICAL";
  }
  return "INFO";
}

std::optional<Level> ParseLevel(std::string_view text) {
  std::string upper(text);
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper == "DEBUG" || upper == "NOTSET") return Level::kDebug;
  if (upper == "INFO") return Level::kInfo;
  if (upper == "WARNING" || upper == "WARN") return Level::kWarning;
  if (upper == "ERROR") return Level::kError;
  if (upper == "CRITICAL" || upper == "FATAL") return Level::kCritical;
  if (!upper.empty() && std::all_of(upper.begin(), upper.end(), ::isdigit) && upper.size() < 4) {
    int n = std::stoi(upper);
    if (n <= 10) return Level::kDebug;
    if (n <= 20) return Level::kInfo;
    if (n <= 30) return Level::kWarning;
    if (n <= 40) return Level::kError;
    return Level::kCritical;
  }
  return std::nullopt;
}

Settings DefaultSettings() {
  Settings s;
  HandlerSettings console;
  console.name = "console";
  console.kind = HandlerSettings::Kind::kStderr;
  s.handlers.push_back(console);
  s.root_handlers = {"console"};
  s.root_level = Level::kInfo;
  return s;
}

Status ConfigureFromFile(const std::string& path, std::vector<std::string>* warnings) {
  auto settings = LoadLogConfig(path, warnings);
  if (!settings.ok()) return settings.status();
  return Configure(settings.value());
}

}  // namespace strata::logging
