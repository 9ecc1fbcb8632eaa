#include "util/logging/routing.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <set>

namespace strata::logging {
namespace internal {
namespace {

// Synapse's logger names configure Strata's: "synapse.storage" -> "strata.storage".
std::string StrataLoggerName(const std::string& name) {
  if (name == "synapse") return "strata";
  if (name.rfind("synapse.", 0) == 0) return "strata" + name.substr(7);
  return name;
}

}  // namespace

Result<std::shared_ptr<const State>> Build(const Settings& settings) {
  auto state = std::make_shared<State>();
  state->root_level = settings.root_level;
  std::map<std::string, size_t> index;
  for (const auto& h : settings.handlers) {
    Handler handler;
    handler.level = h.level;
    handler.format = ParseFormat(h.format);
    if (h.kind == HandlerSettings::Kind::kFile) {
      auto sink = OpenFileSink(h);
      if (!sink.ok()) return sink.status();
      handler.sink = std::move(sink).value();
    } else {
      handler.sink = OpenStreamSink(h.kind == HandlerSettings::Kind::kStdout ? stdout : stderr);
    }
    index[h.name] = state->handlers.size();
    state->handlers.push_back(std::move(handler));
  }
  auto resolve = [&](const std::vector<std::string>& names,
                     const std::string& owner) -> Result<std::vector<size_t>> {
    std::vector<size_t> out;
    for (const auto& n : names) {
      auto it = index.find(n);
      if (it == index.end()) {
        return Status::InvalidArgument(owner + " names an unknown handler '" + n + "'");
      }
      out.push_back(it->second);
    }
    return out;
  };
  auto root = resolve(settings.root_handlers, "root");
  if (!root.ok()) return root.status();
  state->root_handlers = std::move(root).value();
  // Explicit strata names win over names translated from synapse: pass 0 takes the names as
  // written, pass 1 the translated ones, skipping a strata name pass 0 already set.
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& [name, logger] : settings.loggers) {
      std::string target = StrataLoggerName(name);
      bool translated = target != name;
      if ((pass == 1) != translated) continue;
      if (pass == 1 && state->loggers.count(target)) continue;
      auto handlers = resolve(logger.handlers, "logger '" + name + "'");
      if (!handlers.ok()) return handlers.status();
      state->loggers[target] =
          State::Logger{logger.level, std::move(handlers).value(), logger.propagate};
    }
  }
  return std::shared_ptr<const State>(std::move(state));
}

int MinLevel(const State& state) {
  if (state.handlers.empty()) return static_cast<int>(Level::kCritical) + 1;
  int min_logger = static_cast<int>(state.root_level);
  for (const auto& [name, logger] : state.loggers) {
    if (logger.level) min_logger = std::min(min_logger, static_cast<int>(*logger.level));
  }
  int min_handler = static_cast<int>(Level::kCritical);
  for (const auto& h : state.handlers)
    min_handler = std::min(min_handler, static_cast<int>(h.level));
  return std::max(min_logger, min_handler);
}

std::vector<const Handler*> Route(const State& state, std::string_view logger, Level level) {
  std::vector<const Handler*> out;
  // Effective level: the nearest configured ancestor's, else the root's.
  Level effective = state.root_level;
  std::string_view name = logger;
  while (!name.empty()) {
    auto it = state.loggers.find(name);
    if (it != state.loggers.end() && it->second.level) {
      effective = *it->second.level;
      break;
    }
    size_t dot = name.rfind('.');
    name = dot == std::string_view::npos ? std::string_view() : name.substr(0, dot);
  }
  if (level < effective) return out;

  std::set<size_t> seen;
  auto add = [&](const std::vector<size_t>& handlers) {
    for (size_t i : handlers) {
      if (seen.insert(i).second && level >= state.handlers[i].level) {
        out.push_back(&state.handlers[i]);
      }
    }
  };
  name = logger;
  bool propagate = true;
  while (!name.empty() && propagate) {
    auto it = state.loggers.find(name);
    if (it != state.loggers.end()) {
      add(it->second.handlers);
      propagate = it->second.propagate;
    }
    size_t dot = name.rfind('.');
    name = dot == std::string_view::npos ? std::string_view() : name.substr(0, dot);
  }
  if (propagate) add(state.root_handlers);
  return out;
}

}  // namespace internal

namespace {

using internal::Build;
using internal::Handler;
using internal::MinLevel;
using internal::Record;
using internal::Route;
using internal::Segment;
using internal::State;

std::mutex g_state_mu;
std::shared_ptr<const State> g_state;
// The lowest level any record could be written at: a cheap first test for Enabled.
std::atomic<int> g_min_level{static_cast<int>(Level::kInfo)};

thread_local std::string t_request = "sentinel";

std::shared_ptr<const State> CurrentState() {
  std::lock_guard<std::mutex> lock(g_state_mu);
  return g_state;
}

struct Initialiser {
  Initialiser() {
    auto state = Build(DefaultSettings());
    g_state = state.ok() ? state.value() : std::make_shared<const State>();
    g_min_level = MinLevel(*g_state);
  }
};
const Initialiser g_initialiser;

}  // namespace

Status Configure(const Settings& settings) {
  auto state = Build(settings);
  if (!state.ok()) return state.status();
  std::shared_ptr<const State> old;
  {
    std::lock_guard<std::mutex> lock(g_state_mu);
    old = std::move(g_state);
    g_state = state.value();
    g_min_level = MinLevel(*g_state);
  }
  return Status::Ok();  // `old` (and its files) go away here unless a writer still holds it
}

bool Enabled(std::string_view logger, Level level) {
  if (static_cast<int>(level) < g_min_level.load(std::memory_order_relaxed)) return false;
  auto state = CurrentState();
  return state && !Route(*state, logger, level).empty();
}

void Write(Level level, std::string_view logger, const char* file, int line,
           std::string_view message) {
  if (static_cast<int>(level) < g_min_level.load(std::memory_order_relaxed)) return;
  auto state = CurrentState();
  if (!state) return;
  auto handlers = Route(*state, logger, level);
  if (handlers.empty()) return;
  std::string_view base = file ? std::string_view(file) : std::string_view();
  if (auto slash = base.rfind('/'); slash != std::string_view::npos) base = base.substr(slash + 1);
  Record record{level, logger, base, line, message, std::chrono::system_clock::now(), t_request};
  // Handlers sharing a format share the rendered text.
  const std::vector<Segment>* last_format = nullptr;
  std::string text;
  for (const Handler* h : handlers) {
    if (last_format == nullptr || !SameFormat(h->format, *last_format)) {
      text = Render(h->format, record);
      last_format = &h->format;
    }
    h->sink->Write(text, record.time);
  }
}

ScopedRequest::ScopedRequest(std::string name) : previous_(std::move(t_request)) {
  t_request = std::move(name);
}

ScopedRequest::~ScopedRequest() {
  t_request = std::move(previous_);
}

const std::string& CurrentRequest() {
  return t_request;
}

}  // namespace strata::logging
