#include "crypto/signing_key.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include "util/base64.h"

namespace strata::crypto {

struct SigningKey::KeyHandle {
  explicit KeyHandle(EVP_PKEY* k) : pkey(k) {}
  ~KeyHandle() { EVP_PKEY_free(pkey); }
  KeyHandle(const KeyHandle&) = delete;
  KeyHandle& operator=(const KeyHandle&) = delete;
  EVP_PKEY* pkey;
};

namespace {

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

void RandomBytes(unsigned char* out, size_t n) {
  // RAND_bytes only fails if the CSPRNG cannot be seeded; signing with a guessable key would be
  // far worse than stopping, so this is treated as a fault.
  if (RAND_bytes(out, static_cast<int>(n)) != 1) {
    throw std::runtime_error("OpenSSL's random number generator failed");
  }
}

std::string_view Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::vector<std::string_view> SplitWhitespace(std::string_view s) {
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    size_t start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
    if (i > start) parts.push_back(s.substr(start, i - start));
  }
  return parts;
}

bool ValidVersion(std::string_view v) {
  if (v.empty()) return false;
  for (char c : v) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string RandomAlphanumeric(size_t count) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string out;
  out.reserve(count);
  while (out.size() < count) {
    unsigned char byte;
    RandomBytes(&byte, 1);
    // Rejection sampling keeps the choice uniform: 248 = 4 * 62.
    if (byte < 248) out += kAlphabet[byte % kAlphabet.size()];
  }
  return out;
}

SigningKey SigningKey::Generate() {
  std::string seed(kSeedBytes, '\0');
  RandomBytes(reinterpret_cast<unsigned char*>(seed.data()), seed.size());
  auto key = FromSeed("a_" + RandomAlphanumeric(4), seed);
  // FromSeed can only fail on a bad length or version, neither possible here.
  return std::move(key).value();
}

Result<SigningKey> SigningKey::FromSeed(std::string version, std::string_view seed) {
  if (!ValidVersion(version)) {
    return Status::InvalidArgument("signing key version '" + version +
                                   "' must be letters, digits and '_'");
  }
  if (seed.size() != kSeedBytes) {
    return Status::InvalidArgument("an ed25519 seed is 32 bytes, got " +
                                   std::to_string(seed.size()));
  }
  EVP_PKEY* pkey = EVP_PKEY_new_raw_private_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(seed.data()), seed.size());
  if (!pkey) return Status::Internal("OpenSSL could not load an ed25519 key");
  auto handle = std::make_shared<const KeyHandle>(pkey);

  std::string pub(kPublicKeyBytes, '\0');
  size_t pub_len = pub.size();
  if (EVP_PKEY_get_raw_public_key(pkey, reinterpret_cast<unsigned char*>(pub.data()), &pub_len) !=
          1 ||
      pub_len != kPublicKeyBytes) {
    return Status::Internal("OpenSSL could not derive the ed25519 public key");
  }

  SigningKey key;
  key.version_ = std::move(version);
  key.seed_ = std::string(seed);
  key.public_key_ = std::move(pub);
  key.key_ = std::move(handle);
  return key;
}

Result<SigningKey> SigningKey::ParseLine(std::string_view line) {
  auto parts = SplitWhitespace(Trim(line));
  if (parts.size() != 3) {
    return Status::InvalidArgument(
        "expected 'ed25519 <version> <base64 seed>' (three fields), got " +
        std::to_string(parts.size()) + " fields");
  }
  if (parts[0] != "ed25519") {
    return Status::InvalidArgument("unsupported key algorithm '" + std::string(parts[0]) +
                                   "' (only ed25519 is used by Matrix servers)");
  }
  auto seed = Base64Decode(parts[2]);
  if (!seed) return Status::InvalidArgument("the key seed is not valid base64");
  return FromSeed(std::string(parts[1]), *seed);
}

Result<std::vector<SigningKey>> SigningKey::LoadAll(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    if (errno == ENOENT) return Status::NotFound("signing key file " + path + " does not exist");
    return Status::IoError("cannot read signing key file " + path + ": " + std::strerror(errno));
  }
  std::vector<SigningKey> keys;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    auto trimmed = Trim(line);
    if (trimmed.empty() || trimmed[0] == '#') continue;
    auto key = ParseLine(trimmed);
    if (!key.ok()) {
      return Status::InvalidArgument(path + ":" + std::to_string(number) + ": " +
                                     key.status().message());
    }
    keys.push_back(std::move(key).value());
  }
  if (keys.empty()) return Status::InvalidArgument("signing key file " + path + " holds no key");
  return keys;
}

Result<SigningKey> SigningKey::Load(const std::string& path) {
  auto keys = LoadAll(path);
  if (!keys.ok()) return keys.status();
  return std::move(keys.value().front());
}

std::string SigningKey::ToLine() const {
  return "ed25519 " + version_ + " " + Base64Encode(seed_) + "\n";
}

Status SigningKey::Save(const std::string& path) const {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) {
      return Status::FailedPrecondition("signing key file " + path +
                                        " already exists; not replacing it");
    }
    return Status::IoError("cannot create signing key file " + path + ": " + std::strerror(errno));
  }
  std::string text = ToLine();
  size_t written = 0;
  while (written < text.size()) {
    ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      ::unlink(path.c_str());
      return Status::IoError("cannot write signing key file " + path + ": " + std::strerror(err));
    }
    written += static_cast<size_t>(n);
  }
  bool synced = ::fsync(fd) == 0;
  if (::close(fd) != 0 || !synced) {
    return Status::IoError("cannot write signing key file " + path + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

std::string SigningKey::public_key_base64() const {
  return Base64Encode(public_key_);
}

std::string SigningKey::Sign(std::string_view message) const {
  MdCtx ctx(EVP_MD_CTX_new());
  std::string sig(kSignatureBytes, '\0');
  size_t sig_len = sig.size();
  // ed25519 is a one-shot algorithm: no digest is named and the whole message goes in at once.
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_->pkey) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &sig_len,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1 ||
      sig_len != kSignatureBytes) {
    // Signing with a loaded ed25519 key cannot fail short of memory exhaustion.
    throw std::runtime_error("OpenSSL failed to produce an ed25519 signature");
  }
  return sig;
}

std::string SigningKey::SignBase64(std::string_view message) const {
  return Base64Encode(Sign(message));
}

bool VerifySignature(std::string_view public_key, std::string_view message,
                     std::string_view signature) {
  if (public_key.size() != SigningKey::kPublicKeyBytes ||
      signature.size() != SigningKey::kSignatureBytes) {
    return false;
  }
  EVP_PKEY* pkey = EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(public_key.data()),
      public_key.size());
  if (!pkey) return false;
  MdCtx ctx(EVP_MD_CTX_new());
  bool ok =
      ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey) == 1 &&
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
                       message.size()) == 1;
  EVP_PKEY_free(pkey);
  return ok;
}

}  // namespace strata::crypto
