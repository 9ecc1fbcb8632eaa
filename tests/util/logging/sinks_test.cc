#include "util/logging/sinks.h"

#include <gtest/gtest.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/test_support.h"

namespace strata::logging::internal {
namespace {

using strata::testing::TempDir;

using strata::testing::ReadTextFile;

// Local noon of a day in 2030, far from the test's real day and from DST changes.
std::chrono::system_clock::time_point Noon(int day) {
  std::tm tm{};
  tm.tm_year = 2030 - 1900;
  tm.tm_mon = 0;
  tm.tm_mday = day;
  tm.tm_hour = 12;
  tm.tm_isdst = -1;
  return std::chrono::system_clock::from_time_t(std::mktime(&tm));
}

HandlerSettings DailyFile(const std::string& path, int backup_count) {
  HandlerSettings h;
  h.name = "daily";
  h.kind = HandlerSettings::Kind::kFile;
  h.filename = path;
  h.rotate_daily = true;
  h.backup_count = backup_count;
  return h;
}

TEST(LogSinkTest, DailyRotationRenamesTheFileToItsDay) {
  TempDir dir;
  std::string path = dir.File("homeserver.log");
  auto sink = OpenFileSink(DailyFile(path, 0));
  ASSERT_TRUE(sink.ok()) << sink.status().message();
  sink.value()->Write("one\n", Noon(10));
  sink.value()->Write("two\n", Noon(10));
  sink.value()->Write("three\n", Noon(11));
  EXPECT_EQ(ReadTextFile(path + ".2030-01-10"), "one\ntwo\n");
  EXPECT_EQ(ReadTextFile(path), "three\n");
}

TEST(LogSinkTest, DailyRotationKeepsTheNewestBackupCountFiles) {
  TempDir dir;
  std::string path = dir.File("homeserver.log");
  auto sink = OpenFileSink(DailyFile(path, 1));
  ASSERT_TRUE(sink.ok()) << sink.status().message();
  sink.value()->Write("10\n", Noon(10));
  sink.value()->Write("11\n", Noon(11));
  sink.value()->Write("12\n", Noon(12));
  EXPECT_FALSE(std::filesystem::exists(path + ".2030-01-10"));
  EXPECT_EQ(ReadTextFile(path + ".2030-01-11"), "11\n");
  EXPECT_EQ(ReadTextFile(path), "12\n");
}

TEST(LogSinkTest, AnUnopenableFileNamesTheFileAndTheHandler) {
  TempDir dir;
  std::string path = dir.File("missing-dir/homeserver.log");
  auto sink = OpenFileSink(DailyFile(path, 0));
  ASSERT_FALSE(sink.ok());
  EXPECT_EQ(sink.status().code(), Status::Code::kIoError);
  EXPECT_EQ(sink.status().message(),
            "cannot open log file " + path + " (handler 'daily'): No such file or directory");
}

}  // namespace
}  // namespace strata::logging::internal
