// Routing: which handlers a record from a dotted logger name at a level goes to, as Python's
// logging decides it. Configure, Enabled and Write (util/logging.h) run on the State built here.
//
// Promises:
//  - A logger's effective level is its nearest configured ancestor's (by dotted name), else the
//    root's. A record below it goes nowhere.
//  - A record goes to the handlers of its logger and of each ancestor, stopping after a logger
//    with propagate false, then to the root's; each handler once, in that order, and only if
//    the record's level reaches the handler's level.
//  - Logger names under `synapse` configure the matching `strata` loggers ("synapse.storage"
//    -> "strata.storage"). When both "synapse.x" and "strata.x" are configured, the translated
//    "synapse.x" settings are the ones used (the code's comment meant the opposite).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/logging.h"
#include "util/logging/format.h"
#include "util/logging/sinks.h"
#include "util/status.h"

namespace strata::logging::internal {

struct Handler {
  Level level;
  std::vector<Segment> format;
  std::shared_ptr<Sink> sink;
};

struct State {
  Level root_level = Level::kInfo;
  std::vector<size_t> root_handlers;
  std::vector<Handler> handlers;
  struct Logger {
    std::optional<Level> level;
    std::vector<size_t> handlers;
    bool propagate = true;
  };
  std::map<std::string, Logger, std::less<>> loggers;
};

// Builds the State for `settings`, opening every file handler's file. Fails if a file cannot be
// opened or a logger (or the root) names a handler `settings` does not define.
Result<std::shared_ptr<const State>> Build(const Settings& settings);

// The lowest level any record could be written at under `state` (above kCritical if `state`
// has no handlers): a record below it is written nowhere.
int MinLevel(const State& state);

// The handlers a record from `logger` at `level` goes to, in order, without duplicates.
std::vector<const Handler*> Route(const State& state, std::string_view logger, Level level);

}  // namespace strata::logging::internal
