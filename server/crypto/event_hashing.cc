#include "crypto/event_hashing.h"

#include <openssl/evp.h>

#include "crypto/json_signing.h"
#include "crypto/redaction.h"
#include "crypto/tokens.h"
#include "util/base64.h"

namespace strata::crypto {
namespace {

using nlohmann::json;

std::string Sha256(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  // EVP_Digest fails only on allocation failure inside OpenSSL; an empty hash would then be
  // caught by every comparison, so there is no partial result to misuse.
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    return {};
  }
  return std::string(reinterpret_cast<const char*>(digest), length);
}

bool IdIsReferenceHash(const RoomVersion& version) {
  return version.event_id_format != EventIdFormat::kServerScoped;
}

// The redacted event as signatures and the reference hash see it. For hash-id versions an
// "event_id" key cannot be part of what the id is the hash of, so it is dropped.
Result<json> RedactedForHashing(const json& event, const RoomVersion& version) {
  Result<json> redacted = RedactEvent(event, version);
  if (redacted.ok() && IdIsReferenceHash(version)) redacted->erase("event_id");
  return redacted;
}

}  // namespace

CanonicalMode CanonicalModeFor(const RoomVersion& version) {
  return version.strict_canonical_json ? CanonicalMode::kStrict : CanonicalMode::kCompat;
}

Result<std::string> ComputeContentHash(const json& event, const RoomVersion& version) {
  Result<std::string> bytes = EncodeCanonicalJsonWithout(
      event, {"unsigned", "signatures", "hashes"}, CanonicalModeFor(version));
  if (!bytes.ok()) return bytes.status();
  return Sha256(*bytes);
}

Status AddContentHash(json& event, const RoomVersion& version) {
  Result<std::string> hash = ComputeContentHash(event, version);
  if (!hash.ok()) return hash.status();
  json& hashes = event["hashes"];
  if (!hashes.is_object()) hashes = json::object();
  hashes["sha256"] = Base64Encode(*hash);
  return Status::Ok();
}

Status CheckContentHash(const json& event, const RoomVersion& version) {
  Result<std::string> hash = ComputeContentHash(event, version);
  if (!hash.ok()) return hash.status();
  auto hashes = event.find("hashes");
  if (hashes == event.end() || !hashes->is_object()) {
    return Status::InvalidArgument("event has no hashes");
  }
  auto claimed = hashes->find("sha256");
  if (claimed == hashes->end() || !claimed->is_string()) {
    return Status::InvalidArgument("event has no sha256 content hash");
  }
  std::optional<std::string> decoded = Base64Decode(claimed->get_ref<const std::string&>());
  if (!decoded) return Status::InvalidArgument("event's sha256 content hash is not base64");
  if (*decoded != *hash) return Status::InvalidArgument("event's content hash does not match");
  return Status::Ok();
}

Result<std::string> ComputeReferenceHash(const json& event, const RoomVersion& version) {
  Result<json> redacted = RedactedForHashing(event, version);
  if (!redacted.ok()) return redacted.status();
  Result<std::string> bytes =
      EncodeCanonicalJsonWithout(*redacted, {"signatures", "unsigned"}, CanonicalModeFor(version));
  if (!bytes.ok()) return bytes.status();
  return Sha256(*bytes);
}

Result<std::string> ComputeEventId(const json& event, const RoomVersion& version) {
  switch (version.event_id_format) {
    case EventIdFormat::kServerScoped: {
      if (!event.is_object()) return Status::InvalidArgument("an event must be a JSON object");
      auto id = event.find("event_id");
      if (id == event.end() || !id->is_string()) {
        return Status::InvalidArgument("room version " + std::string(version.id) +
                                       " events carry their event_id, and this one has none");
      }
      return id->get<std::string>();
    }
    case EventIdFormat::kHashStdBase64:
    case EventIdFormat::kHashUrlBase64: {
      Result<std::string> hash = ComputeReferenceHash(event, version);
      if (!hash.ok()) return hash.status();
      // Appending, not `"$" + temporary`: GCC 12 at -O3 warns falsely (-Wrestrict) on the latter.
      std::string id = "$";
      id += version.event_id_format == EventIdFormat::kHashStdBase64 ? Base64Encode(*hash)
                                                                     : Base64UrlEncode(*hash);
      return id;
    }
  }
  return Status::Internal("unknown event id format");
}

std::string NewServerScopedEventId(std::string_view server_name) {
  std::string id = "$";
  id += RandomLetters(18);
  id += ':';
  id += server_name;
  return id;
}

Status SignEvent(json& event, const RoomVersion& version, std::string_view server_name,
                 const SigningKey& key) {
  Result<json> redacted = RedactedForHashing(event, version);
  if (!redacted.ok()) return redacted.status();
  Result<std::string> signature = ComputeJsonSignature(*redacted, key, CanonicalModeFor(version));
  if (!signature.ok()) return signature.status();
  AddSignature(event, server_name, key.key_id(), std::move(signature).value());
  return Status::Ok();
}

Status HashAndSignEvent(json& event, const RoomVersion& version, std::string_view server_name,
                        const SigningKey& key) {
  // Everything is computed before `event` changes, so a failure leaves it untouched; the
  // signature covers the new hash, so it goes into the (small) redacted copy first.
  Result<std::string> hash = ComputeContentHash(event, version);
  if (!hash.ok()) return hash.status();
  std::string hash_base64 = Base64Encode(*hash);
  Result<json> redacted = RedactedForHashing(event, version);
  if (!redacted.ok()) return redacted.status();
  json& redacted_hashes = (*redacted)["hashes"];
  if (!redacted_hashes.is_object()) redacted_hashes = json::object();
  redacted_hashes["sha256"] = hash_base64;
  Result<std::string> signature = ComputeJsonSignature(*redacted, key, CanonicalModeFor(version));
  if (!signature.ok()) return signature.status();

  json& hashes = event["hashes"];
  if (!hashes.is_object()) hashes = json::object();
  hashes["sha256"] = std::move(hash_base64);
  AddSignature(event, server_name, key.key_id(), std::move(signature).value());
  return Status::Ok();
}

Status VerifyEventSignature(const json& event, const RoomVersion& version,
                            std::string_view server_name, std::string_view key_id,
                            std::string_view public_key) {
  Result<json> redacted = RedactedForHashing(event, version);
  if (!redacted.ok()) return redacted.status();
  return VerifyJsonSignature(*redacted, server_name, key_id, public_key, CanonicalModeFor(version));
}

}  // namespace strata::crypto
