// The room versions Strata knows, and what each one changes about events. The set is the one
// Synapse 1.18 shipped (versions 1 to 6, all stable), so rooms created by a real Synapse of that
// era keep working, and new rooms default to "5" as Synapse 1.18 did.
#pragma once

#include <span>
#include <string_view>

namespace strata::crypto {

// How an event's id is made.
enum class EventIdFormat {
  kServerScoped,   // v1, v2: "$" + random + ":" + origin server, carried in the event itself
  kHashStdBase64,  // v3: "$" + standard unpadded base64 of the reference hash
  kHashUrlBase64,  // v4+: "$" + URL-safe unpadded base64 of the reference hash
};

enum class StateResolution { kV1, kV2 };

// One room version's rules. Instances are static; pointers to them stay valid forever.
struct RoomVersion {
  std::string_view id;
  EventIdFormat event_id_format;
  StateResolution state_resolution;
  // v5+: a signing key's valid_until_ts must cover the event's origin_server_ts.
  bool enforce_key_validity;
  // v1-5: m.room.aliases has its own auth rule and keeps "aliases" through redaction.
  bool special_case_aliases;
  // v6: events must be canonical JSON exactly (no floats, integers within +-(2^53-1)).
  bool strict_canonical_json;
  // v6: "notifications" in m.room.power_levels is subject to the power-level auth rules.
  bool limit_notifications_power_levels;
};

// The version new rooms get unless the config or the request names another.
inline constexpr std::string_view kDefaultRoomVersionId = "5";

// Every known version, oldest first.
std::span<const RoomVersion> KnownRoomVersions();

// The version named `id`, or nullptr if Strata does not know it (the client-server API then
// answers M_UNSUPPORTED_ROOM_VERSION).
const RoomVersion* FindRoomVersion(std::string_view id);

inline bool IsKnownRoomVersion(std::string_view id) {
  return FindRoomVersion(id) != nullptr;
}

// The version named by kDefaultRoomVersionId.
const RoomVersion& DefaultRoomVersion();

}  // namespace strata::crypto
