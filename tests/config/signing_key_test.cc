#include "crypto/signing_key.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <thread>

#include "support/test_support.h"
#include "util/base64.h"

namespace strata::crypto {
namespace {

using strata::testing::TempDir;

std::string FromHex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  return out;
}

TEST(SigningKeyTest, MatchesRfc8032TestVector) {
  // RFC 8032 section 7.1, TEST 1 (empty message).
  auto key = SigningKey::FromSeed(
      "a_test", FromHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
  ASSERT_TRUE(key.ok()) << key.status().message();
  EXPECT_EQ(key->public_key(),
            FromHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"));
  EXPECT_EQ(key->Sign(""),
            FromHex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
                    "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"));
  EXPECT_EQ(key->key_id(), "ed25519:a_test");
}

TEST(SigningKeyTest, GeneratedKeysSignAndVerify) {
  auto key = SigningKey::Generate();
  EXPECT_TRUE(std::regex_match(key.version(), std::regex("a_[A-Za-z0-9]{4}")));
  EXPECT_EQ(key.seed().size(), 32u);
  std::string sig = key.Sign("{\"a\":1}");
  EXPECT_TRUE(VerifySignature(key.public_key(), "{\"a\":1}", sig));
  EXPECT_FALSE(VerifySignature(key.public_key(), "{\"a\":2}", sig));
  EXPECT_FALSE(VerifySignature(SigningKey::Generate().public_key(), "{\"a\":1}", sig));
  EXPECT_FALSE(VerifySignature("short", "x", sig));
  auto decoded = Base64Decode(key.SignBase64("m"));
  ASSERT_TRUE(decoded);
  EXPECT_TRUE(VerifySignature(key.public_key(), "m", *decoded));
  EXPECT_EQ(key.SignBase64("m").find('='), std::string::npos) << "unpadded";
  EXPECT_NE(SigningKey::Generate().seed(), key.seed());
}

TEST(SigningKeyTest, SignsFromManyThreadsAtOnce) {
  auto key = SigningKey::Generate();
  SigningKey copy = key;  // copies share the OpenSSL key
  std::vector<std::thread> threads;
  std::atomic<int> good{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        std::string msg = std::to_string(t) + ":" + std::to_string(i);
        if (VerifySignature(key.public_key(), msg, copy.Sign(msg))) ++good;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(good.load(), 1600);
}

TEST(SigningKeyTest, SavesAndLoadsSynapseKeyFiles) {
  TempDir dir;
  auto key = SigningKey::Generate();
  std::string path = dir.File("example.org.signing.key");
  ASSERT_TRUE(key.Save(path).ok());
  auto loaded = SigningKey::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->version(), key.version());
  EXPECT_EQ(loaded->public_key(), key.public_key());

  Status again = SigningKey::Generate().Save(path);
  EXPECT_FALSE(again.ok());
  EXPECT_EQ(again.code(), Status::Code::kFailedPrecondition);
  EXPECT_EQ(SigningKey::Load(path)->public_key(), key.public_key());

  // A file as Synapse writes it, with an older key on a second line.
  std::string multi = dir.File("multi.key");
  std::ofstream(multi) << "ed25519 a_new " << Base64Encode(std::string(32, '\x01')) << "\n"
                       << "ed25519 a_old " << Base64Encode(std::string(32, '\x02')) << "\n";
  auto all = SigningKey::LoadAll(multi);
  ASSERT_TRUE(all.ok()) << all.status().message();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].version(), "a_new");
  EXPECT_EQ(SigningKey::Load(multi)->version(), "a_new");
}

TEST(SigningKeyTest, MalformedFilesAreRefusedWithTheLine) {
  TempDir dir;
  std::string path = dir.File("bad.key");
  std::ofstream(path) << "\ned25519 a_x not*base64\n";
  auto key = SigningKey::Load(path);
  ASSERT_FALSE(key.ok());
  EXPECT_NE(key.status().message().find(path + ":2"), std::string::npos) << key.status().message();
  EXPECT_FALSE(SigningKey::ParseLine("rsa a_x AAAA").ok());
  EXPECT_FALSE(SigningKey::ParseLine("ed25519 a_x " + Base64Encode("short")).ok());
  EXPECT_EQ(SigningKey::Load(dir.File("none.key")).status().code(), Status::Code::kNotFound);
}

}  // namespace
}  // namespace strata::crypto
