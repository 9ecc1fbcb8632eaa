#include "crypto/tokens.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "util/base64.h"

namespace strata::crypto {
namespace {

constexpr std::string_view kLetters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr std::string_view kUppercase = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
constexpr std::string_view kBase62 =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr std::string_view kAccessTokenPrefix = "syt_";
constexpr size_t kAccessTokenRandomLetters = 20;
constexpr size_t kChecksumLength = 6;  // 62^6 > 2^32, so any CRC-32 fits

void FillRandom(unsigned char* out, size_t size) {
  if (RAND_bytes(out, int(size)) != 1) {
    std::fputs("strata: OpenSSL RAND_bytes failed; refusing to make predictable secrets\n", stderr);
    std::abort();
  }
}

// `count` characters drawn uniformly from `alphabet` (at most 256 long). Bytes at or above the
// largest multiple of the alphabet's size are rejected so that no character is favoured.
std::string RandomFrom(std::string_view alphabet, size_t count) {
  const unsigned limit = 256 - 256 % unsigned(alphabet.size());
  std::string out;
  out.reserve(count);
  std::array<unsigned char, 64> pool;
  while (out.size() < count) {
    FillRandom(pool.data(), pool.size());
    for (unsigned char byte : pool) {
      if (byte >= limit) continue;
      out += alphabet[byte % alphabet.size()];
      if (out.size() == count) break;
    }
  }
  OPENSSL_cleanse(pool.data(), pool.size());
  return out;
}

// CRC-32 (IEEE 802.3, as zlib computes it).
uint32_t Crc32(std::string_view bytes) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  uint32_t crc = 0xFFFFFFFFu;
  for (char ch : bytes) crc = table[(crc ^ uint8_t(ch)) & 0xFF] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

std::string Checksum(std::string_view body) {
  uint32_t crc = Crc32(body);
  std::string out(kChecksumLength, '0');
  for (size_t i = kChecksumLength; i-- > 0;) {
    out[i] = kBase62[crc % 62];
    crc /= 62;
  }
  return out;
}

}  // namespace

std::string RandomLetters(size_t count) {
  return RandomFrom(kLetters, count);
}

std::string RandomUrlSafeToken(size_t bytes) {
  std::string raw(bytes, '\0');
  FillRandom(reinterpret_cast<unsigned char*>(raw.data()), raw.size());
  std::string token = Base64UrlEncode(raw);
  OPENSSL_cleanse(raw.data(), raw.size());
  return token;
}

std::string NewAccessToken(std::string_view localpart) {
  std::string body(kAccessTokenPrefix);
  body += Base64UrlEncode(localpart);
  body += '_';
  body += RandomLetters(kAccessTokenRandomLetters);
  std::string checksum = Checksum(body);
  body += '_';
  body += checksum;
  return body;
}

bool HasValidAccessTokenChecksum(std::string_view token) {
  if (!token.starts_with(kAccessTokenPrefix)) return false;
  const size_t last = token.rfind('_');
  if (last == std::string_view::npos || token.size() - last - 1 != kChecksumLength) return false;
  const std::string_view body = token.substr(0, last);
  // body = prefix + localpart + '_' + random letters
  const size_t middle = body.rfind('_');
  if (middle < kAccessTokenPrefix.size() || body.size() - middle - 1 != kAccessTokenRandomLetters) {
    return false;
  }
  return ConstantTimeEquals(Checksum(body), token.substr(last + 1));
}

std::string NewDeviceId() {
  return RandomFrom(kUppercase, 10);
}

std::string NewRoomId(std::string_view server_name) {
  return "!" + RandomLetters(18) + ":" + std::string(server_name);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace strata::crypto
