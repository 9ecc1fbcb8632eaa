// JSON signing against the spec's "Cryptographic Test Vectors" / "JSON Signing".
#include "crypto/json_signing.h"

#include <gtest/gtest.h>

#include "crypto/spec_vectors.h"

namespace strata::crypto {
namespace {

using nlohmann::json;
using testing::kSpecKeyId;
using testing::kSpecServerName;
using testing::SpecSigningKey;

TEST(JsonSigning, SpecVectorEmptyObject) {
  SigningKey key = SpecSigningKey();
  ASSERT_EQ(key.key_id(), kSpecKeyId);
  json object = json::object();
  ASSERT_TRUE(SignJson(object, kSpecServerName, key).ok());
  EXPECT_EQ(object, json::parse(R"({"signatures":{"domain":{"ed25519:1":
      "K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ"}}})"));
}

TEST(JsonSigning, SpecVectorObjectWithData) {
  json object = json::parse(R"({"one": 1, "two": "Two"})");
  ASSERT_TRUE(SignJson(object, kSpecServerName, SpecSigningKey()).ok());
  EXPECT_EQ(object, json::parse(R"({"one":1,"two":"Two","signatures":{"domain":{"ed25519:1":
      "KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw"}}})"));
}

TEST(JsonSigning, UnsignedAndExistingSignaturesAreNotCoveredAndAreKept) {
  json object = json::parse(R"({"one":1,"two":"Two","unsigned":{"age_ts":5},
      "signatures":{"other.server":{"ed25519:x":"abc"}}})");
  ASSERT_TRUE(SignJson(object, kSpecServerName, SpecSigningKey()).ok());
  // Same signature as without "unsigned" and the other server's signature.
  EXPECT_EQ(
      object["signatures"]["domain"]["ed25519:1"],
      "KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw");
  EXPECT_EQ(object["signatures"]["other.server"]["ed25519:x"], "abc");
  EXPECT_EQ(object["unsigned"]["age_ts"], 5);
}

TEST(JsonSigning, VerifyAcceptsGoodAndRejectsTamperedOrMissing) {
  SigningKey key = SpecSigningKey();
  json object = json::parse(R"({"one": 1, "two": "Two"})");
  ASSERT_TRUE(SignJson(object, kSpecServerName, key).ok());
  EXPECT_TRUE(VerifyJsonSignature(object, kSpecServerName, kSpecKeyId, key.public_key()).ok());

  object["unsigned"] = {{"added", "later"}};  // not covered
  EXPECT_TRUE(VerifyJsonSignature(object, kSpecServerName, kSpecKeyId, key.public_key()).ok());

  json tampered = object;
  tampered["two"] = "Three";
  Status bad = VerifyJsonSignature(tampered, kSpecServerName, kSpecKeyId, key.public_key());
  EXPECT_EQ(bad.code(), Status::Code::kInvalidArgument);

  EXPECT_EQ(VerifyJsonSignature(object, "elsewhere", kSpecKeyId, key.public_key()).code(),
            Status::Code::kNotFound);
  EXPECT_EQ(VerifyJsonSignature(object, kSpecServerName, "ed25519:2", key.public_key()).code(),
            Status::Code::kNotFound);

  SigningKey other = SigningKey::Generate();
  EXPECT_FALSE(VerifyJsonSignature(object, kSpecServerName, kSpecKeyId, other.public_key()).ok());

  json garbled = object;
  garbled["signatures"]["domain"]["ed25519:1"] = "not base64!";
  EXPECT_EQ(VerifyJsonSignature(garbled, kSpecServerName, kSpecKeyId, key.public_key()).code(),
            Status::Code::kInvalidArgument);
}

TEST(JsonSigning, RefusesNonCanonicalObjects) {
  json object = json::parse(R"({"a": 1.5})");
  EXPECT_FALSE(SignJson(object, kSpecServerName, SpecSigningKey()).ok());
  EXPECT_FALSE(object.contains("signatures"));  // unchanged on error
}

}  // namespace
}  // namespace strata::crypto
