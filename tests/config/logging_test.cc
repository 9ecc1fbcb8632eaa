#include "util/logging.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "config/generate_config.h"
#include "support/test_support.h"

namespace strata::logging {
namespace {

using strata::testing::TempDir;

using strata::testing::ReadTextFile;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream s(text);
  std::string line;
  while (std::getline(s, line)) out.push_back(line);
  return out;
}

// Restores the default (stderr) settings after each test, so tests do not leak files.
class LoggingTest : public ::testing::Test {
 protected:
  void TearDown() override { ASSERT_TRUE(Configure(DefaultSettings()).ok()); }

  Settings FileSettings(const std::string& path, Level level = Level::kDebug) {
    Settings s;
    HandlerSettings h;
    h.name = "file";
    h.kind = HandlerSettings::Kind::kFile;
    h.filename = path;
    s.handlers = {h};
    s.root_handlers = {"file"};
    s.root_level = level;
    return s;
  }

  TempDir dir_;
};

TEST_F(LoggingTest, WritesSynapsesPreciseFormat) {
  std::string path = dir_.File("hs.log");
  ASSERT_TRUE(Configure(FileSettings(path, Level::kInfo)).ok());
  {
    ScopedRequest request("GET-7");
    STRATA_LOG(Info, "strata.storage") << "Applying schema " << 56 << " — ünïcode ✓";
  }
  STRATA_LOG(Debug, "strata.storage") << "not written at INFO";
  STRATA_LOG(Warning, "strata.http") << "outside a request";
  auto lines = Lines(ReadTextFile(path));
  ASSERT_EQ(lines.size(), 2u) << ReadTextFile(path);
  std::regex precise(
      R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} - strata\.storage - \d+ - INFO - GET-7 - )"
      R"(Applying schema 56 — ünïcode ✓)");
  EXPECT_TRUE(std::regex_match(lines[0], precise)) << lines[0];
  EXPECT_NE(lines[1].find(" - strata.http - "), std::string::npos);
  EXPECT_NE(lines[1].find(" - WARNING - sentinel - outside a request"), std::string::npos)
      << lines[1];
}

TEST_F(LoggingTest, DisabledLevelsDoNotEvaluateTheMessage) {
  ASSERT_TRUE(Configure(FileSettings(dir_.File("x.log"), Level::kWarning)).ok());
  int evaluated = 0;
  auto expensive = [&] {
    ++evaluated;
    return "x";
  };
  STRATA_LOG(Info, "strata.x") << expensive();
  EXPECT_EQ(evaluated, 0);
  STRATA_LOG(Error, "strata.x") << expensive();
  EXPECT_EQ(evaluated, 1);
  EXPECT_FALSE(Enabled("strata.x", Level::kDebug));
  EXPECT_TRUE(Enabled("strata.x", Level::kCritical));
}

TEST_F(LoggingTest, ReadsSynapseLogConfigIncludingSynapseLoggerNames) {
  std::string log = dir_.File("out.log");
  std::string cfg = dir_.File("example.log.config");
  std::ofstream(cfg) << "version: 1\n"
                        "formatters:\n"
                        "  brief:\n"
                        "    format: '%(levelname)-8s %(name)s: %(message)s'\n"
                        "filters:\n"
                        "  context:\n"
                        "    (): synapse.logging.context.LoggingContextFilter\n"
                        "    request: \"\"\n"
                        "handlers:\n"
                        "  file:\n"
                        "    class: logging.handlers.TimedRotatingFileHandler\n"
                        "    formatter: brief\n"
                        "    filename: "
                     << log
                     << "\n"
                        "    when: midnight\n"
                        "    backupCount: 3\n"
                        "    filters: [context]\n"
                        "  buffer:\n"
                        "    class: logging.handlers.MemoryHandler\n"
                        "    target: file\n"
                        "    capacity: 10\n"
                        "loggers:\n"
                        "  synapse.storage.SQL:\n"
                        "    level: WARNING\n"
                        "root:\n"
                        "  level: DEBUG\n"
                        "  handlers: [buffer]\n";
  std::vector<std::string> warnings;
  auto settings = LoadLogConfig(cfg, &warnings);
  ASSERT_TRUE(settings.ok()) << settings.status().message();
  ASSERT_TRUE(Configure(*settings).ok());
  STRATA_LOG(Info, "strata.storage.SQL") << "hidden: synapse.storage.SQL is at WARNING";
  STRATA_LOG(Warning, "strata.storage.SQL") << "shown";
  STRATA_LOG(Debug, "strata.http") << "debug shown";
  auto lines = Lines(ReadTextFile(log));
  ASSERT_EQ(lines.size(), 2u) << ReadTextFile(log);
  EXPECT_EQ(lines[0], "WARNING  strata.storage.SQL: shown");
  EXPECT_EQ(lines[1], "DEBUG    strata.http: debug shown");
}

TEST_F(LoggingTest, LogConfigErrorsNameTheFileAndKey) {
  std::string cfg = dir_.File("bad.log.config");
  std::ofstream(cfg) << "version: 1\nhandlers:\n  file:\n    class: logging.FileHandler\n"
                        "root:\n  level: LOUD\n";
  auto settings = LoadLogConfig(cfg);
  ASSERT_FALSE(settings.ok());
  EXPECT_NE(settings.status().message().find(cfg), std::string::npos);
  EXPECT_NE(settings.status().message().find("handlers.file.filename"), std::string::npos)
      << settings.status().message();

  std::ofstream(cfg) << "version: 1\nroot:\n  level: LOUD\n";
  settings = LoadLogConfig(cfg);
  ASSERT_FALSE(settings.ok());
  EXPECT_NE(settings.status().message().find(cfg + ":3: root.level"), std::string::npos)
      << settings.status().message();
  EXPECT_EQ(LoadLogConfig(dir_.File("none")).status().code(), Status::Code::kNotFound);
}

TEST_F(LoggingTest, RotatesBySize) {
  std::string path = dir_.File("rot.log");
  Settings s = FileSettings(path);
  s.handlers[0].format = "%(message)s";
  s.handlers[0].max_bytes = 100;
  s.handlers[0].backup_count = 2;
  ASSERT_TRUE(Configure(s).ok());
  for (int i = 0; i < 12; ++i) STRATA_LOG(Info, "strata.t") << "line " << i << " .........";
  EXPECT_TRUE(std::filesystem::exists(path + ".1"));
  EXPECT_TRUE(std::filesystem::exists(path + ".2"));
  EXPECT_FALSE(std::filesystem::exists(path + ".3"));
  EXPECT_LE(std::filesystem::file_size(path), 100u);
  EXPECT_NE(ReadTextFile(path).find("line 11"), std::string::npos);
}

TEST_F(LoggingTest, ConcurrentWritersProduceWholeLines) {
  std::string path = dir_.File("mt.log");
  ASSERT_TRUE(Configure(FileSettings(path)).ok());
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < 250; ++i) STRATA_LOG(Info, "strata.mt") << "thread " << t << " msg " << i;
    });
  }
  // Reconfiguring while others log must be safe.
  ASSERT_TRUE(Configure(FileSettings(path)).ok());
  for (auto& th : threads) th.join();
  auto lines = Lines(ReadTextFile(path));
  EXPECT_EQ(lines.size(), 2000u);
  std::regex whole(R"(.* - strata\.mt - \d+ - INFO - sentinel - thread \d msg \d+)");
  for (const auto& line : lines) ASSERT_TRUE(std::regex_match(line, whole)) << line;
}

TEST_F(LoggingTest, UnusableFileIsRefusedAndKeepsThePreviousSettings) {
  std::string good = dir_.File("good.log");
  ASSERT_TRUE(Configure(FileSettings(good)).ok());
  Status st = Configure(FileSettings(dir_.File("no/such/dir/x.log")));
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("no/such/dir/x.log"), std::string::npos);
  STRATA_LOG(Info, "strata.x") << "still here";
  EXPECT_NE(ReadTextFile(good).find("still here"), std::string::npos);
}

TEST(LevelTest, ParsesPythonNames) {
  EXPECT_EQ(ParseLevel("warn"), Level::kWarning);
  EXPECT_EQ(ParseLevel("INFO"), Level::kInfo);
  EXPECT_EQ(ParseLevel("NOTSET"), Level::kDebug);
  EXPECT_EQ(ParseLevel("40"), Level::kError);
  EXPECT_FALSE(ParseLevel("LOUD"));
  EXPECT_EQ(LevelName(Level::kCritical), "CRITICAL");
}

}  // namespace
}  // namespace strata::logging
