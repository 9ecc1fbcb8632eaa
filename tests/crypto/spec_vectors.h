// The signing key of the spec's "Cryptographic Test Vectors" (appendices): every expected
// signature in these tests was published in the spec for this seed, server name and key id.
#pragma once

#include <gtest/gtest.h>

#include "crypto/signing_key.h"
#include "util/base64.h"

namespace strata::crypto::testing {

inline constexpr const char* kSpecSeedBase64 = "YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1";
inline constexpr const char* kSpecServerName = "domain";
inline constexpr const char* kSpecKeyId = "ed25519:1";

inline SigningKey SpecSigningKey() {
  std::optional<std::string> seed = Base64Decode(kSpecSeedBase64);
  EXPECT_TRUE(seed.has_value());
  Result<SigningKey> key = SigningKey::FromSeed("1", seed.value_or(""));
  EXPECT_TRUE(key.ok()) << key.status().message();
  return std::move(key).value();
}

}  // namespace strata::crypto::testing
