#include "crypto/room_versions.h"

#include <array>

namespace strata::crypto {
namespace {

using enum EventIdFormat;
using enum StateResolution;

// Columns: id, event id format, state resolution, enforce key validity, special-case aliases,
// strict canonical JSON, limit notifications power levels.
constexpr std::array<RoomVersion, 6> kVersions = {{
    {"1", kServerScoped, kV1, false, true, false, false},
    {"2", kServerScoped, kV2, false, true, false, false},
    {"3", kHashStdBase64, kV2, false, true, false, false},
    {"4", kHashUrlBase64, kV2, false, true, false, false},
    {"5", kHashUrlBase64, kV2, true, true, false, false},
    {"6", kHashUrlBase64, kV2, true, false, true, true},
}};

}  // namespace

std::span<const RoomVersion> KnownRoomVersions() {
  return kVersions;
}

const RoomVersion* FindRoomVersion(std::string_view id) {
  for (const RoomVersion& version : kVersions) {
    if (version.id == id) return &version;
  }
  return nullptr;
}

const RoomVersion& DefaultRoomVersion() {
  // kDefaultRoomVersionId is one of the entries above; the test suite checks it.
  return *FindRoomVersion(kDefaultRoomVersionId);
}

}  // namespace strata::crypto
