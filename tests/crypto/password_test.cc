// Synapse-compatible password hashing, checked against hashes a real Synapse wrote.
#include "crypto/password.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace strata::crypto {
namespace {

// Test vectors: users.password_hash of shared/reference/real-synapse/datasets/
// v1.2.1-small.sqlite.gz, written by real Synapse v1.2.1 (bcrypt_rounds 12, no pepper) for
// @alice:localhost (password "alicepass1") and @bob:localhost (password "bobpass1").
constexpr const char* kAliceHash = "$2b$12$.zJNap6orHyGpGXXhMPwAOi3Q2o/bUeLBmZKXMwK2AUwsYhydXxt2";
constexpr const char* kBobHash = "$2b$12$Fn9ixzsU6RPjoKZzHzHSveeo4Ep5BrTI32HJAfk/lYNOkOEnOAP0.";

// Hashing at the minimum cost keeps the suite fast; rounds only change the work factor.
PasswordHashing Fast(std::string pepper = "") {
  return {kMinBcryptRounds, std::move(pepper)};
}

bool Verify(std::string_view password, std::string_view hash, std::string_view pepper = "") {
  Result<bool> result = VerifyPassword(password, hash, pepper);
  EXPECT_TRUE(result.ok()) << result.status().message();
  return result.ok() && *result;
}

TEST(Password, RealSynapseHashesVerify) {
  EXPECT_TRUE(Verify("alicepass1", kAliceHash));
  EXPECT_TRUE(Verify("bobpass1", kBobHash));
}

TEST(Password, RealSynapseHashesRejectWrongPasswords) {
  EXPECT_FALSE(Verify("alicepass2", kAliceHash));
  EXPECT_FALSE(Verify("bobpass1", kAliceHash));
  EXPECT_FALSE(Verify("", kAliceHash));
  EXPECT_FALSE(Verify("Alicepass1", kAliceHash));
  EXPECT_FALSE(Verify("alicepass1", kAliceHash, "pepper"));  // a pepper changes the input
}

TEST(Password, HashUsesSynapsesFormatAndVerifies) {
  Result<std::string> hash = HashPassword("correct horse", Fast());
  ASSERT_TRUE(hash.ok()) << hash.status().message();
  EXPECT_TRUE(hash->starts_with("$2b$04$"));
  EXPECT_EQ(hash->size(), 60u);  // "$2b$NN$" + 22 salt + 31 hash characters
  EXPECT_TRUE(Verify("correct horse", *hash));
  EXPECT_FALSE(Verify("correct horse ", *hash));
}

TEST(Password, DefaultRoundsAreSynapses) {
  EXPECT_EQ(PasswordHashing{}.bcrypt_rounds, 12);
  Result<std::string> hash = HashPassword("pw", PasswordHashing{});
  ASSERT_TRUE(hash.ok());
  EXPECT_TRUE(hash->starts_with("$2b$12$"));
  EXPECT_TRUE(Verify("pw", *hash));
}

TEST(Password, SaltsDiffer) {
  EXPECT_NE(*HashPassword("same", Fast()), *HashPassword("same", Fast()));
}

TEST(Password, PepperIsAppendedToThePassword) {
  Result<std::string> hash = HashPassword("secret", Fast("spice"));
  ASSERT_TRUE(hash.ok());
  EXPECT_TRUE(Verify("secret", *hash, "spice"));
  EXPECT_FALSE(Verify("secret", *hash));
  EXPECT_FALSE(Verify("secret", *hash, "other"));
  // Synapse hashes password + pepper as one byte string.
  EXPECT_TRUE(Verify("secretspice", *hash));
}

TEST(Password, UnicodeIsNfkcNormalisedAsSynapseDoes) {
  // U+FF21 FULLWIDTH LATIN CAPITAL LETTER A and U+FB01 LATIN SMALL LIGATURE FI normalise to
  // "A" and "fi"; "é" as e + U+0301 COMBINING ACUTE composes to U+00E9.
  Result<std::string> hash = HashPassword("\xef\xbc\xa1\xef\xac\x81 e\xcc\x81", Fast());
  ASSERT_TRUE(hash.ok());
  EXPECT_TRUE(Verify("Afi \xc3\xa9", *hash));
  EXPECT_FALSE(Verify("Afi e", *hash));
  EXPECT_EQ(*NormalizePassword("\xef\xbc\xa1\xef\xac\x81 e\xcc\x81"), "Afi \xc3\xa9");
  EXPECT_EQ(*NormalizePassword("plain ascii"), "plain ascii");
}

// bcrypt reads at most 72 bytes of input; Synapse's bcrypt library (pyca/bcrypt 3.x in the
// 1.18 era) ignored the rest, so hashes it wrote for long passwords only verify if we do too.
TEST(Password, OnlyTheFirst72BytesCountAsInSynapsesBcrypt) {
  std::string long_password(72, 'p');
  Result<std::string> hash = HashPassword(long_password + "tail", Fast());
  ASSERT_TRUE(hash.ok());
  EXPECT_TRUE(Verify(long_password, *hash));
  EXPECT_TRUE(Verify(long_password + "other tail", *hash));
  EXPECT_FALSE(Verify(std::string(71, 'p'), *hash));
}

TEST(Password, RejectsBadInput) {
  EXPECT_EQ(HashPassword("pw", {3, ""}).status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(HashPassword("pw", {32, ""}).status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(HashPassword(std::string_view("a\0b", 3), Fast()).status().code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(HashPassword("\xff", Fast()).status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(VerifyPassword("\xff", kAliceHash, "").status().code(), Status::Code::kInvalidArgument);
}

TEST(Password, UnusableStoredHashes) {
  Result<bool> empty = VerifyPassword("anything", "", "");
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(*empty);  // no password set: nothing matches
  EXPECT_EQ(VerifyPassword("pw", "$6$salt$abcdef", "").status().code(),
            Status::Code::kFailedPrecondition);
  EXPECT_EQ(VerifyPassword("pw", "plaintext", "").status().code(),
            Status::Code::kFailedPrecondition);
  EXPECT_EQ(VerifyPassword("pw", "$2b$12$tooshort", "").status().code(),
            Status::Code::kFailedPrecondition);
}

TEST(Password, SafeToCallFromManyThreads) {
  std::string hash = *HashPassword("threads", Fast());
  std::atomic<int> right{0}, wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        if (*VerifyPassword("threads", hash, "")) ++right;
        if (*VerifyPassword("threads" + std::to_string(t), hash, "")) ++wrong;
        EXPECT_TRUE(HashPassword("x", Fast()).ok());
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(right, 20);
  EXPECT_EQ(wrong, 0);
}

}  // namespace
}  // namespace strata::crypto
