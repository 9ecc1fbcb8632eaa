// Signing JSON objects as Matrix does ("Signing Details" in the spec appendices): the signature
// covers the canonical JSON of the object without its "signatures" and "unsigned" members, and
// is stored as signatures.<server name>.<key id> in unpadded standard base64. Server keys,
// federation requests and (via event_hashing.h, over the redacted form) events are signed so.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "crypto/canonical_json.h"
#include "crypto/signing_key.h"
#include "util/status.h"

namespace strata::crypto {

// The base64 signature of `object` by `key`, leaving `object` alone.
// Errors: InvalidArgument if `object` is not an object or not canonical JSON under `mode`.
Result<std::string> ComputeJsonSignature(const nlohmann::json& object, const SigningKey& key,
                                         CanonicalMode mode = CanonicalMode::kStrict);

// Adds signatures[server_name][key.key_id()] to `object`, keeping any other signatures (a
// replaced one is overwritten). On error `object` is unchanged.
Status SignJson(nlohmann::json& object, std::string_view server_name, const SigningKey& key,
                CanonicalMode mode = CanonicalMode::kStrict);

// Sets signatures[server_name][key_id] = signature_base64 in `object` (made an object first if
// needed), keeping the other signatures.
void AddSignature(nlohmann::json& object, std::string_view server_name, std::string_view key_id,
                  std::string signature_base64);

// Checks the signature signatures[server_name][key_id] of `object` against `public_key` (32 raw
// bytes), following the spec's "Checking for a Signature".
// Errors: NotFound if there is no such signature; InvalidArgument if it is not base64 of 64
// bytes, if `object` is not canonical JSON under `mode`, or if the signature does not verify.
Status VerifyJsonSignature(const nlohmann::json& object, std::string_view server_name,
                           std::string_view key_id, std::string_view public_key,
                           CanonicalMode mode = CanonicalMode::kStrict);

}  // namespace strata::crypto
