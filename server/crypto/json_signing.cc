#include "crypto/json_signing.h"

#include "util/base64.h"

namespace strata::crypto {

using nlohmann::json;

Result<std::string> ComputeJsonSignature(const json& object, const SigningKey& key,
                                         CanonicalMode mode) {
  Result<std::string> signed_bytes =
      EncodeCanonicalJsonWithout(object, {"signatures", "unsigned"}, mode);
  if (!signed_bytes.ok()) return signed_bytes.status();
  return key.SignBase64(*signed_bytes);
}

Status SignJson(json& object, std::string_view server_name, const SigningKey& key,
                CanonicalMode mode) {
  Result<std::string> signature = ComputeJsonSignature(object, key, mode);
  if (!signature.ok()) return signature.status();
  AddSignature(object, server_name, key.key_id(), std::move(signature).value());
  return Status::Ok();
}

void AddSignature(json& object, std::string_view server_name, std::string_view key_id,
                  std::string signature_base64) {
  json& signatures = object["signatures"];
  if (!signatures.is_object()) signatures = json::object();
  json& by_server = signatures[std::string(server_name)];
  if (!by_server.is_object()) by_server = json::object();
  by_server[std::string(key_id)] = std::move(signature_base64);
}

Status VerifyJsonSignature(const json& object, std::string_view server_name,
                           std::string_view key_id, std::string_view public_key,
                           CanonicalMode mode) {
  if (!object.is_object()) return Status::InvalidArgument("signed JSON must be an object");
  const std::string where = std::string(server_name) + " " + std::string(key_id);
  auto signatures = object.find("signatures");
  if (signatures == object.end() || !signatures->is_object()) {
    return Status::NotFound("no signatures on the object");
  }
  auto by_server = signatures->find(server_name);
  if (by_server == signatures->end() || !by_server->is_object()) {
    return Status::NotFound("no signature by " + std::string(server_name));
  }
  auto encoded = by_server->find(key_id);
  if (encoded == by_server->end()) return Status::NotFound("no signature by " + where);
  if (!encoded->is_string())
    return Status::InvalidArgument("signature by " + where + " is not a string");
  std::optional<std::string> signature = Base64Decode(encoded->get_ref<const std::string&>());
  if (!signature || signature->size() != SigningKey::kSignatureBytes) {
    return Status::InvalidArgument("signature by " + where + " is not base64 of 64 bytes");
  }
  Result<std::string> signed_bytes =
      EncodeCanonicalJsonWithout(object, {"signatures", "unsigned"}, mode);
  if (!signed_bytes.ok()) return signed_bytes.status();
  if (!VerifySignature(public_key, *signed_bytes, *signature)) {
    return Status::InvalidArgument("signature by " + where + " does not verify");
  }
  return Status::Ok();
}

}  // namespace strata::crypto
