#include "known_bugs.h"

namespace strata::matrix {

namespace {

// Facts §4: rooms whose stats were computed before their membership column was filled have
// joined_members 0 (or too low) and drop out of /publicRooms from 1.5.0.
std::vector<std::string> RoomDirectoryStats(const nlohmann::json& state) {
  std::vector<std::string> out;
  const nlohmann::json rooms = state.value("rooms", nlohmann::json::object());
  for (const auto& [room, r] : rooms.items()) {
    if (!r.value("published", false) || !r.contains("room_stats_current")) continue;
    const nlohmann::json joined = r["room_stats_current"].value("joined_members", nlohmann::json());
    const int64_t in_stats = joined.is_number() ? joined.get<int64_t>() : -1;
    const int64_t in_state = r.value("joined_in_current_state", int64_t{0});
    if (in_stats != in_state) {
      out.push_back(room + ": room_stats_current.joined_members=" + std::to_string(in_stats) +
                    ", " + std::to_string(in_state) + " joined in current state");
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> KnownBugNames() {
  return {"room-directory-stats"};
}

std::vector<std::string> DetectBug(const std::string& name, const nlohmann::json& state) {
  if (name == "room-directory-stats") return RoomDirectoryStats(state);
  return {"no detector named '" + name + "'"};
}

}  // namespace strata::matrix
