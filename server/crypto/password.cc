#include "crypto/password.h"

#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "crypto/canonical_json.h"
#include "crypto/tokens.h"

namespace strata::crypto {
namespace {

// The bytes bcrypt is given: NFKC(password) + pepper, as Synapse builds them.
Result<std::string> BcryptInput(std::string_view password, std::string_view pepper) {
  Result<std::string> normalized = NormalizePassword(password);
  if (!normalized.ok()) return normalized.status();
  std::string input = std::move(normalized).value();
  input.append(pepper);
  // crypt() takes a C string, so a NUL would silently cut the password short.
  if (input.find('\0') != std::string::npos) {
    OPENSSL_cleanse(input.data(), input.size());
    return Status::InvalidArgument("passwords may not contain NUL characters");
  }
  return input;
}

// libxcrypt's scratch space is ~32 KiB: too big for small worker stacks, so it lives on the
// heap, and it holds key-derived state, so it is wiped before being freed.
struct CryptScratch {
  CryptScratch() : data(std::make_unique<crypt_data>()) {}
  ~CryptScratch() { OPENSSL_cleanse(data.get(), sizeof(crypt_data)); }
  std::unique_ptr<crypt_data> data;
};

// crypt_rn's output, or an empty string if it refused (libxcrypt writes a string starting
// with '*' for a setting it cannot use).
std::string Crypt(const std::string& input, const std::string& setting) {
  CryptScratch scratch;
  const char* out =
      crypt_rn(input.c_str(), setting.c_str(), scratch.data.get(), int(sizeof(crypt_data)));
  if (out == nullptr || out[0] == '*') return {};
  return std::string(out);
}

bool IsBcryptHash(std::string_view hash) {
  return hash.starts_with("$2a$") || hash.starts_with("$2b$") || hash.starts_with("$2y$");
}

}  // namespace

Result<std::string> NormalizePassword(std::string_view password) {
  if (!IsValidUtf8(password)) return Status::InvalidArgument("password is not valid UTF-8");
  // NFKC leaves ASCII alone: skip ICU for the common case.
  if (std::all_of(password.begin(), password.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
    return std::string(password);
  }
  UErrorCode error = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(error);
  if (U_FAILURE(error)) {
    return Status::Internal(std::string("ICU NFKC normalizer unavailable: ") + u_errorName(error));
  }
  icu::UnicodeString text =
      icu::UnicodeString::fromUTF8(icu::StringPiece(password.data(), int32_t(password.size())));
  icu::UnicodeString normalized = nfkc->normalize(text, error);
  if (U_FAILURE(error)) {
    return Status::Internal(std::string("ICU NFKC normalization failed: ") + u_errorName(error));
  }
  std::string out;
  normalized.toUTF8String(out);
  return out;
}

Result<std::string> HashPassword(std::string_view password, const PasswordHashing& config) {
  if (config.bcrypt_rounds < kMinBcryptRounds || config.bcrypt_rounds > kMaxBcryptRounds) {
    return Status::InvalidArgument("bcrypt_rounds must be between 4 and 31, not " +
                                   std::to_string(config.bcrypt_rounds));
  }
  Result<std::string> input = BcryptInput(password, config.pepper);
  if (!input.ok()) return input.status();

  unsigned char salt_bytes[16];  // bcrypt's salt is 128 bits
  if (RAND_bytes(salt_bytes, sizeof salt_bytes) != 1) {
    OPENSSL_cleanse(input->data(), input->size());
    return Status::Internal("OpenSSL RAND_bytes failed");
  }
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  const char* made = crypt_gensalt_rn("$2b$", static_cast<unsigned long>(config.bcrypt_rounds),
                                      reinterpret_cast<const char*>(salt_bytes),
                                      int(sizeof salt_bytes), setting, int(sizeof setting));
  if (made == nullptr) {
    OPENSSL_cleanse(input->data(), input->size());
    return Status::Internal("crypt_gensalt_rn could not make a bcrypt setting");
  }
  std::string hash = Crypt(*input, setting);
  OPENSSL_cleanse(input->data(), input->size());
  if (hash.empty()) return Status::Internal("crypt_rn refused to hash with bcrypt");
  return hash;
}

Result<bool> VerifyPassword(std::string_view password, std::string_view stored_hash,
                            std::string_view pepper) {
  if (stored_hash.empty()) return false;
  if (!IsBcryptHash(stored_hash)) {
    return Status::FailedPrecondition("stored password hash is not a bcrypt hash");
  }
  Result<std::string> input = BcryptInput(password, pepper);
  if (!input.ok()) return input.status();
  // crypt_rn reads the algorithm, cost and salt from the stored hash itself.
  std::string computed = Crypt(*input, std::string(stored_hash));
  OPENSSL_cleanse(input->data(), input->size());
  if (computed.empty()) {
    return Status::FailedPrecondition("stored password hash is a malformed bcrypt hash");
  }
  return ConstantTimeEquals(computed, stored_hash);
}

}  // namespace strata::crypto
