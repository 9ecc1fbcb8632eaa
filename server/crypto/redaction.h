// The redaction algorithm: what survives of an event once it is redacted. The same stripped form
// is what an event's reference hash (its id, v3+) and its signatures cover, so every server must
// compute it identically for a given room version.
#pragma once

#include <nlohmann/json.hpp>

#include "crypto/room_versions.h"
#include "util/status.h"

namespace strata::crypto {

// A new event holding only the top-level keys the spec keeps (event_id, type, room_id, sender,
// state_key, content, hashes, signatures, depth, prev_events, prev_state, auth_events, origin,
// origin_server_ts, membership) and, inside "content", only the keys kept for the event's type:
//   m.room.member: membership          m.room.create: creator
//   m.room.join_rules: join_rule       m.room.history_visibility: history_visibility
//   m.room.power_levels: ban, events, events_default, kick, redact, state_default, users,
//                        users_default
//   m.room.aliases: aliases            (room versions 1-5 only; v6 keeps nothing)
// "content" is always present in the result ({} when the event had none or it was not an
// object). "unsigned" is dropped: callers that show redacted events to clients add back what
// they keep there (age_ts, redacted_because).
// Errors: InvalidArgument if `event` is not a JSON object.
Result<nlohmann::json> RedactEvent(const nlohmann::json& event, const RoomVersion& version);

}  // namespace strata::crypto
