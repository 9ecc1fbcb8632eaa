// Hashes, ids and signatures of events (the spec's "Calculating the reference hash", "Calculating
// the content hash" and "Signing events"). Everything here is a pure function of the event JSON
// and its room version, so any thread may call it.
//
// Events are given in their federation (PDU) form: for room versions 3 and later that form has
// no "event_id" key (the id is derived from the event), and one present is ignored when hashing.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "crypto/canonical_json.h"
#include "crypto/room_versions.h"
#include "crypto/signing_key.h"
#include "util/status.h"

namespace strata::crypto {

// kStrict for versions that demand exact canonical JSON (v6), else kCompat: events of older
// versions may carry floats or large integers that Synapse hashed and signed as they were.
CanonicalMode CanonicalModeFor(const RoomVersion& version);

// SHA-256 (32 raw bytes) of the canonical JSON of `event` without "unsigned", "signatures" and
// "hashes": what hashes.sha256 holds (base64).
// Errors: InvalidArgument if `event` is not an object or not canonical JSON for the version.
Result<std::string> ComputeContentHash(const nlohmann::json& event, const RoomVersion& version);

// Sets event.hashes.sha256 to the unpadded base64 content hash; on error `event` is unchanged.
Status AddContentHash(nlohmann::json& event, const RoomVersion& version);

// OK if event.hashes.sha256 matches the content hash. InvalidArgument if it is missing,
// malformed or differs (a server then stores the event redacted, as the spec says).
Status CheckContentHash(const nlohmann::json& event, const RoomVersion& version);

// SHA-256 (32 raw bytes) of the canonical JSON of the redacted event without "signatures" and
// "unsigned": the reference hash that v3+ event ids and v1-2 prev_events/auth_events carry.
Result<std::string> ComputeReferenceHash(const nlohmann::json& event, const RoomVersion& version);

// The event's id. v1-2: its "event_id" (InvalidArgument if absent or not a string); v3: "$" +
// standard base64 of the reference hash; v4+: "$" + URL-safe base64 of it.
Result<std::string> ComputeEventId(const nlohmann::json& event, const RoomVersion& version);

// A fresh id for a v1-2 event sent by `server_name`: "$" + 18 random letters + ":" + server.
std::string NewServerScopedEventId(std::string_view server_name);

// Signs the redacted form of `event` (so the signature survives redaction) and adds it as
// signatures[server_name][key.key_id()]. REQUIRES: hashes already added (AddContentHash), since
// the signature covers them. On error `event` is unchanged.
Status SignEvent(nlohmann::json& event, const RoomVersion& version, std::string_view server_name,
                 const SigningKey& key);

// AddContentHash then SignEvent: what a server does to an event it creates.
Status HashAndSignEvent(nlohmann::json& event, const RoomVersion& version,
                        std::string_view server_name, const SigningKey& key);

// Checks signatures[server_name][key_id] over the redacted event against `public_key` (32 raw
// bytes). Errors as VerifyJsonSignature (json_signing.h).
Status VerifyEventSignature(const nlohmann::json& event, const RoomVersion& version,
                            std::string_view server_name, std::string_view key_id,
                            std::string_view public_key);

}  // namespace strata::crypto
