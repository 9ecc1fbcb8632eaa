// Canonical JSON against the spec's examples (appendices, "Canonical JSON"), Python's
// json.dumps output for the compat mode, and the strictness rules.
#include "crypto/canonical_json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace strata::crypto {
namespace {

using nlohmann::json;

std::string Canonical(std::string_view text, CanonicalMode mode = CanonicalMode::kStrict) {
  Result<std::string> out = EncodeCanonicalJson(json::parse(text), mode);
  EXPECT_TRUE(out.ok()) << out.status().message();
  return out.ok() ? *out : "";
}

Status StrictStatus(const json& value) {
  Result<std::string> out = EncodeCanonicalJson(value);
  return out.ok() ? Status::Ok() : out.status();
}

// Each pair is an input and the canonical output the spec's appendix gives for it.
TEST(CanonicalJson, SpecExamples) {
  EXPECT_EQ(Canonical("{}"), "{}");
  EXPECT_EQ(Canonical(R"({
    "one": 1,
    "two": "Two"
  })"),
            R"({"one":1,"two":"Two"})");
  EXPECT_EQ(Canonical(R"({
    "b": "2",
    "a": "1"
  })"),
            R"({"a":"1","b":"2"})");
  EXPECT_EQ(Canonical(R"({"b":"2","a":"1"})"), R"({"a":"1","b":"2"})");
  EXPECT_EQ(Canonical(R"({
    "auth": {
      "success": true,
      "mxid": "@john.doe:example.com",
      "profile": {
        "display_name": "John Doe",
        "three_pids": [
          {"medium": "email", "address": "john.doe@example.org"},
          {"medium": "msisdn", "address": "123456789"}
        ]
      }
    }
  })"),
            R"({"auth":{"mxid":"@john.doe:example.com","profile":{"display_name":"John Doe",)"
            R"("three_pids":[{"address":"john.doe@example.org","medium":"email"},)"
            R"({"address":"123456789","medium":"msisdn"}]},"success":true}})");
  EXPECT_EQ(Canonical(R"({"a": "日本語"})"), R"({"a":"日本語"})");
  EXPECT_EQ(Canonical(R"({"本": 2, "日": 1})"), R"({"日":1,"本":2})");
  EXPECT_EQ(Canonical(R"({"a": "\u65E5"})"), R"({"a":"日"})");
  EXPECT_EQ(Canonical(R"({"a": null})"), R"({"a":null})");
}

TEST(CanonicalJson, KeysSortByUtf8BytesNotByCharSignedness) {
  // 'é' is 0xC3 0xA9: above every ASCII byte, so it sorts after "z" (a signed-char compare
  // would put it first).
  json object = {{"z", 1}, {"é", 2}, {"A", 3}, {"a", 4}, {"", 5}};
  EXPECT_EQ(*EncodeCanonicalJson(object), R"({"":5,"A":3,"a":4,"z":1,"é":2})");
}

TEST(CanonicalJson, EscapesOnlyWhatTheGrammarRequires) {
  // As Python's json.dumps(ensure_ascii=False) writes them: short escapes where they exist,
  // \u00xx (lower-case hex) for the other control characters, DEL and U+2028 left raw.
  json value = std::string("q\" b\\ \b\f\n\r\t \x01\x1f\x7f / \xe2\x80\xa8") + '\0';
  EXPECT_EQ(*EncodeCanonicalJson(value),
            "\"q\\\" b\\\\ \\b\\f\\n\\r\\t \\u0001\\u001f\x7f / \xe2\x80\xa8\\u0000\"");
}

TEST(CanonicalJson, NoWhitespaceInArraysAndNesting) {
  EXPECT_EQ(Canonical(R"([ 1 , [ ] , { } , true , false , null , "x" ])"),
            R"([1,[],{},true,false,null,"x"])");
}

TEST(CanonicalJson, IntegerRangeIsEnforcedInStrictMode) {
  EXPECT_EQ(*EncodeCanonicalJson(json(kCanonicalJsonMaxInt)), "9007199254740991");
  EXPECT_EQ(*EncodeCanonicalJson(json(-kCanonicalJsonMaxInt)), "-9007199254740991");
  EXPECT_EQ(*EncodeCanonicalJson(json(0)), "0");

  Status too_big = StrictStatus(json::parse(R"({"a":{"b":[0,9007199254740992]}})"));
  EXPECT_EQ(too_big.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(too_big.message().find("/a/b/1"), std::string::npos) << too_big.message();
  EXPECT_NE(too_big.message().find("9007199254740992"), std::string::npos);

  // nlohmann holds parsed non-negative integers as unsigned and built ones as signed: check both.
  EXPECT_FALSE(StrictStatus(json(int64_t{kCanonicalJsonMaxInt + 1})).ok());
  EXPECT_FALSE(StrictStatus(json(uint64_t{kCanonicalJsonMaxInt + 1})).ok());
  EXPECT_TRUE(StrictStatus(json(uint64_t{kCanonicalJsonMaxInt})).ok());
  EXPECT_FALSE(StrictStatus(json(-kCanonicalJsonMaxInt - 1)).ok());
  EXPECT_FALSE(StrictStatus(json(std::numeric_limits<uint64_t>::max())).ok());
  EXPECT_FALSE(StrictStatus(json(std::numeric_limits<int64_t>::min())).ok());
}

TEST(CanonicalJson, FloatsAreRejectedInStrictModeEvenWhenIntegral) {
  for (const char* text : {"1.0", "0.5", "1e3", "-0.0", "123456789012345678901234567890"}) {
    Status s = StrictStatus(json::parse(text));
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << text;
    EXPECT_NE(s.message().find("float"), std::string::npos) << s.message();
  }
  Status nested = StrictStatus(json::parse(R"({"content":{"x/y~z":[1.5]}})"));
  EXPECT_NE(nested.message().find("'/content/x~1y~0z/0'"), std::string::npos) << nested.message();
}

TEST(CanonicalJson, CompatModeWritesFloatsAsPythonDoes) {
  // Expected strings are what Python 3's json.dumps gives for the same doubles.
  const std::pair<double, const char*> cases[] = {
      {1.0, "1.0"},
      {2.5, "2.5"},
      {0.1, "0.1"},
      {-0.0, "-0.0"},
      {0.0, "0.0"},
      {0.0001, "0.0001"},
      {0.00001, "1e-05"},
      {1.5e-7, "1.5e-07"},
      {1e15, "1000000000000000.0"},
      {1e16, "1e+16"},
      {1e22, "1e+22"},
      {123456789012345680.0, "1.2345678901234568e+17"},
      {123.456, "123.456"},
      {-1.25e100, "-1.25e+100"},
  };
  for (const auto& [value, expected] : cases) {
    Result<std::string> out = EncodeCanonicalJson(json(value), CanonicalMode::kCompat);
    ASSERT_TRUE(out.ok()) << out.status().message();
    EXPECT_EQ(*out, expected) << value;
  }
}

TEST(CanonicalJson, CompatModeKeepsLargeIntegersAndRejectsNonFinite) {
  EXPECT_EQ(Canonical(R"({"big":18446744073709551615,"neg":-9223372036854775808})",
                      CanonicalMode::kCompat),
            R"({"big":18446744073709551615,"neg":-9223372036854775808})");
  EXPECT_FALSE(EncodeCanonicalJson(json(std::nan("")), CanonicalMode::kCompat).ok());
  EXPECT_FALSE(
      EncodeCanonicalJson(json(std::numeric_limits<double>::infinity()), CanonicalMode::kCompat)
          .ok());
}

TEST(CanonicalJson, RejectsInvalidUtf8InValuesAndKeys) {
  for (std::string bad : {"\xff", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "ok\xe6\x97"}) {
    EXPECT_FALSE(StrictStatus(json(bad)).ok()) << bad;
    EXPECT_FALSE(StrictStatus(json::object({{bad, 1}})).ok()) << bad;
    EXPECT_FALSE(IsValidUtf8(bad));
  }
  EXPECT_TRUE(IsValidUtf8("plain, é, 日本語, \xf0\x9f\x98\x80"));
}

TEST(CanonicalJson, RejectsBinaryValues) {
  EXPECT_FALSE(StrictStatus(json::binary({1, 2, 3})).ok());
}

TEST(CanonicalJson, WithoutOmitsOnlyTopLevelKeys) {
  json object = json::parse(
      R"({"b":1,"signatures":{"x":1},"unsigned":{"age":1},"c":{"signatures":2,"unsigned":3}})");
  Result<std::string> out = EncodeCanonicalJsonWithout(object, {"signatures", "unsigned"});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, R"({"b":1,"c":{"signatures":2,"unsigned":3}})");
  EXPECT_FALSE(EncodeCanonicalJsonWithout(json::array(), {"signatures"}).ok());
}

TEST(CanonicalJson, AppendAddsToExistingBuffer) {
  std::string out = "prefix:";
  ASSERT_TRUE(AppendCanonicalJson(json::parse(R"({"b":[1,2],"a":"x"})"), out).ok());
  EXPECT_EQ(out, R"(prefix:{"a":"x","b":[1,2]})");
}

TEST(CanonicalJson, OutputParsesBackToTheSameValue) {
  json value = json::parse(R"({"k":[{"z":"\u0000\n","y":-5,"x":[true,null]}],"é":"日本"})");
  std::string canonical = *EncodeCanonicalJson(value);
  EXPECT_EQ(json::parse(canonical), value);
  EXPECT_EQ(*EncodeCanonicalJson(json::parse(canonical)), canonical);  // idempotent
}

}  // namespace
}  // namespace strata::crypto
