// A server's ed25519 signing key, in Synapse's key-file format.
//
// A Synapse signing key file holds one key per line:
//     ed25519 a_AbCd <unpadded standard base64 of the 32-byte seed>
// The first key in the file is the one the server signs with; later lines are older keys that a
// server may still publish. The key id other servers see is "ed25519:" + version ("a_AbCd").
//
// Promises:
//  - A SigningKey is a value: copies share the (immutable) OpenSSL key, and Sign may be called
//    from several threads at once.
//  - Signatures are raw 64-byte ed25519 signatures; callers base64-encode them (unpadded) for
//    Matrix JSON. Nothing here knows about canonical JSON or events.
//  - Secret material never appears in Status messages.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace strata::crypto {

class SigningKey {
 public:
  static constexpr size_t kSeedBytes = 32;
  static constexpr size_t kPublicKeyBytes = 32;
  static constexpr size_t kSignatureBytes = 64;

  // A new random key with version "a_" + 4 random letters and digits (Synapse's form).
  static SigningKey Generate();
  // A key from its 32-byte seed. `version` is the part after "ed25519:", e.g. "a_AbCd".
  static Result<SigningKey> FromSeed(std::string version, std::string_view seed);
  // Parses one key-file line ("ed25519 <version> <base64 seed>"), whitespace-tolerant.
  static Result<SigningKey> ParseLine(std::string_view line);
  // Every key in a key file, in file order (blank lines and lines starting '#' skipped).
  // NotFound if the file is absent, InvalidArgument (naming the file and line) if malformed.
  static Result<std::vector<SigningKey>> LoadAll(const std::string& path);
  // The first key of a key file: the one the server signs with.
  static Result<SigningKey> Load(const std::string& path);

  // Writes this key as a one-line key file, readable only by its owner (mode 0600). Refuses
  // to replace an existing file: a server's key is its identity and must not be lost by accident.
  Status Save(const std::string& path) const;
  // The key-file line for this key, with a trailing newline.
  std::string ToLine() const;

  const std::string& version() const { return version_; }        // "a_AbCd"
  std::string key_id() const { return "ed25519:" + version_; }   // "ed25519:a_AbCd"
  const std::string& seed() const { return seed_; }              // 32 raw bytes; secret
  const std::string& public_key() const { return public_key_; }  // 32 raw bytes
  std::string public_key_base64() const;                         // unpadded standard base64

  // The raw 64-byte signature of `message`.
  std::string Sign(std::string_view message) const;
  // Unpadded standard base64 of Sign(message), as Matrix JSON carries signatures.
  std::string SignBase64(std::string_view message) const;

 private:
  struct KeyHandle;
  SigningKey() = default;

  std::string version_;
  std::string seed_;
  std::string public_key_;
  std::shared_ptr<const KeyHandle> key_;
};

// True if `signature` (64 raw bytes) is a valid ed25519 signature of `message` by `public_key`
// (32 raw bytes). Malformed inputs are simply not valid.
bool VerifySignature(std::string_view public_key, std::string_view message,
                     std::string_view signature);

// `count` characters drawn uniformly from [A-Za-z0-9] using OpenSSL's CSPRNG.
std::string RandomAlphanumeric(size_t count);

}  // namespace strata::crypto
