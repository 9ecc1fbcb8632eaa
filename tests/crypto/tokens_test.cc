#include "crypto/tokens.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "util/base64.h"

namespace strata::crypto {
namespace {

TEST(Tokens, AccessTokensHaveTheirShapeAndAreDistinct) {
  const std::regex shape("syt_[A-Za-z0-9_-]+_[A-Za-z]{20}_[0-9A-Za-z]{6}");
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string token = NewAccessToken("alice");
    EXPECT_TRUE(std::regex_match(token, shape)) << token;
    EXPECT_TRUE(token.starts_with("syt_" + Base64UrlEncode("alice") + "_")) << token;
    EXPECT_TRUE(HasValidAccessTokenChecksum(token)) << token;
    seen.insert(token);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(Tokens, LocalpartsNeedingUrlSafeBase64StillCheck) {
  // "\xff\xff" encodes to "__8": the separator character appears inside the localpart part.
  std::string token = NewAccessToken("\xff\xff");
  EXPECT_TRUE(token.starts_with("syt___8_")) << token;
  EXPECT_TRUE(HasValidAccessTokenChecksum(token));
}

TEST(Tokens, ChecksumCatchesTyposAndForeignTokens) {
  std::string token = NewAccessToken("bob");
  for (size_t i = 0; i < token.size(); ++i) {
    std::string typo = token;
    typo[i] = typo[i] == 'x' ? 'y' : 'x';
    EXPECT_FALSE(HasValidAccessTokenChecksum(typo)) << typo;
  }
  EXPECT_FALSE(HasValidAccessTokenChecksum(""));
  EXPECT_FALSE(HasValidAccessTokenChecksum("syt_"));
  EXPECT_FALSE(HasValidAccessTokenChecksum(token.substr(0, token.size() - 1)));
  // A Synapse 1.x macaroon: valid for lookup, but not one of ours.
  EXPECT_FALSE(
      HasValidAccessTokenChecksum("MDAxN2xvY2F0aW9uIGxvY2FsaG9zdAowMDEzaWRlbnRpZmllciBrZXkK"));
}

TEST(Tokens, DeviceIdsAreTenUppercaseLetters) {
  const std::regex shape("[A-Z]{10}");
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    std::string id = NewDeviceId();
    EXPECT_TRUE(std::regex_match(id, shape)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 200u);
}

TEST(Tokens, RoomIdsAndOpaqueIds) {
  EXPECT_TRUE(
      std::regex_match(NewRoomId("example.org"), std::regex("![A-Za-z]{18}:example\\.org")));
  EXPECT_NE(NewRoomId("x"), NewRoomId("x"));
  std::string token = RandomUrlSafeToken(32);
  EXPECT_EQ(token.size(), 43u);
  EXPECT_TRUE(std::regex_match(token, std::regex("[A-Za-z0-9_-]{43}")));
  EXPECT_EQ(Base64Decode(token)->size(), 32u);
  EXPECT_NE(RandomUrlSafeToken(16), RandomUrlSafeToken(16));
  EXPECT_EQ(RandomLetters(0), "");
}

TEST(Tokens, RandomLettersUseTheWholeAlphabet) {
  std::string letters = RandomLetters(20000);
  ASSERT_EQ(letters.size(), 20000u);
  std::set<char> distinct(letters.begin(), letters.end());
  EXPECT_EQ(distinct.size(), 52u);
  // Each letter is expected ~385 times; a biased or stuck generator lands far outside this.
  for (char c : distinct) {
    auto n = std::count(letters.begin(), letters.end(), c);
    EXPECT_GT(n, 250) << c;
    EXPECT_LT(n, 520) << c;
  }
}

TEST(Tokens, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("syt_abc", "syt_abc"));
  EXPECT_FALSE(ConstantTimeEquals("syt_abc", "syt_abd"));
  EXPECT_FALSE(ConstantTimeEquals("syt_abc", "syt_ab"));
  EXPECT_FALSE(ConstantTimeEquals("a", ""));
  EXPECT_TRUE(ConstantTimeEquals(std::string_view("a\0b", 3), std::string_view("a\0b", 3)));
  EXPECT_FALSE(ConstantTimeEquals(std::string_view("a\0b", 3), std::string_view("a\0c", 3)));
}

}  // namespace
}  // namespace strata::crypto
