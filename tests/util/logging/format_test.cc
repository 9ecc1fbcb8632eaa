#include "util/logging/format.h"

#include <gtest/gtest.h>

#include <chrono>

namespace strata::logging::internal {
namespace {

Record MakeRecord(std::string_view message) {
  return Record{Level::kWarning,  "strata.test",
                "format_test.cc", 7,
                message,          std::chrono::system_clock::now(),
                "GET-1"};
}

TEST(LogFormatTest, PadsFieldsToTheirWidthOnEitherSide) {
  auto format = ParseFormat("[%(levelname)-8s|%(lineno)4d] %(message)s");
  EXPECT_EQ(Render(format, MakeRecord("hi")), "[WARNING |   7] hi\n");
}

TEST(LogFormatTest, DoublePercentAndUnclosedFieldsAreLiteral) {
  auto format = ParseFormat("100%% %(request)s %(unclosed");
  EXPECT_EQ(Render(format, MakeRecord("x")), "100% GET-1 %(unclosed\n");
}

TEST(LogFormatTest, FieldsWithoutAnEquivalentRenderEmpty) {
  auto format = ParseFormat("%(funcName)s|%(levelno)d|%(module)s|%(filename)s|%(.2f)s");
  EXPECT_EQ(Render(format, MakeRecord("x")), "|30|format_test|format_test.cc|\n");
}

TEST(LogFormatTest, PrecisionIsAcceptedButNotApplied) {
  auto format = ParseFormat("%(message).2s");
  EXPECT_EQ(Render(format, MakeRecord("abcdef")), "abcdef\n");
}

TEST(LogFormatTest, MessageBytesAreCopiedAsGiven) {
  auto format = ParseFormat("%(message)s");
  std::string message = "caf\xc3\xa9 %(name)s \x01";
  EXPECT_EQ(Render(format, MakeRecord(message)), message + "\n");
}

TEST(LogFormatTest, SameFormatComparesTheParsedPieces) {
  EXPECT_TRUE(SameFormat(ParseFormat("%(message)s"), ParseFormat("%(message)s")));
  EXPECT_FALSE(SameFormat(ParseFormat("%(message)s"), ParseFormat("%(message)5s")));
  EXPECT_FALSE(SameFormat(ParseFormat("%(message)5s"), ParseFormat("%(message)-5s")));
  EXPECT_FALSE(SameFormat(ParseFormat("a %(message)s"), ParseFormat("b %(message)s")));
}

}  // namespace
}  // namespace strata::logging::internal
