#include "util/logging/routing.h"

#include <gtest/gtest.h>

namespace strata::logging::internal {
namespace {

// Console handlers named a, b, c at the given levels (stderr; nothing is written here).
Settings ThreeHandlers(Level b_level = Level::kDebug) {
  Settings s;
  for (const char* name : {"a", "b", "c"}) {
    HandlerSettings h;
    h.name = name;
    h.level = std::string_view(name) == "b" ? b_level : Level::kDebug;
    s.handlers.push_back(h);
  }
  return s;
}

// The names of the handlers a record goes to, by their position in `settings`.
std::string Routed(const Settings& settings, std::string_view logger, Level level) {
  auto state = Build(settings);
  EXPECT_TRUE(state.ok()) << state.status().message();
  std::string out;
  for (const Handler* h : Route(*state.value(), logger, level)) {
    out += settings.handlers[h - state.value()->handlers.data()].name;
  }
  return out;
}

TEST(LogRoutingTest, RecordsGoUpTheDottedNamesToTheRootEachHandlerOnce) {
  Settings s = ThreeHandlers();
  s.root_level = Level::kDebug;
  s.root_handlers = {"c", "a"};
  s.loggers["strata"] = LoggerSettings{std::nullopt, {"b", "a"}, true};
  s.loggers["strata.storage"] = LoggerSettings{std::nullopt, {"a"}, true};
  EXPECT_EQ(Routed(s, "strata.storage.pool", Level::kInfo), "abc");
  EXPECT_EQ(Routed(s, "other", Level::kInfo), "ca");
}

TEST(LogRoutingTest, PropagateFalseStopsAtThatLogger) {
  Settings s = ThreeHandlers();
  s.root_level = Level::kDebug;
  s.root_handlers = {"c"};
  s.loggers["strata"] = LoggerSettings{std::nullopt, {"b"}, true};
  s.loggers["strata.storage"] = LoggerSettings{std::nullopt, {"a"}, false};
  EXPECT_EQ(Routed(s, "strata.storage", Level::kInfo), "a");
  EXPECT_EQ(Routed(s, "strata.http", Level::kInfo), "bc");
}

TEST(LogRoutingTest, TheNearestConfiguredLevelAndTheHandlerLevelBothApply) {
  Settings s = ThreeHandlers(Level::kError);
  s.root_level = Level::kError;
  s.root_handlers = {"a", "b"};
  s.loggers["strata"] = LoggerSettings{Level::kDebug, {}, true};
  EXPECT_EQ(Routed(s, "strata.x", Level::kDebug), "a");
  EXPECT_EQ(Routed(s, "strata.x", Level::kError), "ab");
  EXPECT_EQ(Routed(s, "other", Level::kWarning), "");
  auto state = Build(s);
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(MinLevel(*state.value()), static_cast<int>(Level::kDebug));
}

TEST(LogRoutingTest, SynapseNamesConfigureStrataNames) {
  Settings s = ThreeHandlers();
  s.root_level = Level::kDebug;
  s.loggers["synapse.storage"] = LoggerSettings{std::nullopt, {"a"}, true};
  s.loggers["synapse"] = LoggerSettings{Level::kError, {"b"}, true};
  EXPECT_EQ(Routed(s, "strata.storage", Level::kError), "ab");
  EXPECT_EQ(Routed(s, "strata.storage", Level::kInfo), "");
}

TEST(LogRoutingTest, ExplicitStrataNamesWinOverTranslatedOnes) {
  Settings s = ThreeHandlers();
  s.root_level = Level::kDebug;
  s.loggers["synapse.http"] = LoggerSettings{std::nullopt, {"b"}, true};
  s.loggers["strata.http"] = LoggerSettings{std::nullopt, {"c"}, true};
  EXPECT_EQ(Routed(s, "strata.http", Level::kInfo), "c");
}

TEST(LogRoutingTest, UnknownHandlerNamesAndNoHandlersAtAll) {
  Settings s = ThreeHandlers();
  s.loggers["strata"] = LoggerSettings{std::nullopt, {"missing"}, true};
  auto state = Build(s);
  ASSERT_FALSE(state.ok());
  EXPECT_EQ(state.status().message(), "logger 'strata' names an unknown handler 'missing'");
  auto empty = Build(Settings{});
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(MinLevel(*empty.value()), static_cast<int>(Level::kCritical) + 1);
}

}  // namespace
}  // namespace strata::logging::internal
