#include "storage/state/state_bg_updates.h"

#include <algorithm>

namespace strata::storage {
namespace {

constexpr std::string_view kNextRoomAfter =
    "SELECT MIN(room_id) FROM current_state_events WHERE room_id > ?";
constexpr std::string_view kFillMembership =
    "UPDATE current_state_events SET membership = (SELECT membership FROM room_memberships "
    "WHERE room_memberships.event_id = current_state_events.event_id) WHERE room_id = ?";

constexpr std::string_view kRoomsAfter =
    "SELECT DISTINCT room_id FROM current_state_events WHERE room_id > ? "
    "ORDER BY room_id LIMIT ?";
constexpr std::string_view kRoomsWithLocalMembers =
    "SELECT room_id FROM current_state_events "
    "WHERE room_id > ? AND room_id <= ? "
    "AND type = 'm.room.member' AND membership = 'join' "
    "AND state_key LIKE ? GROUP BY room_id";
// Each followed by an IN list.
constexpr std::string_view kJoinedMembersOfRoomsIn =
    "SELECT state_key FROM current_state_events WHERE room_id IN ";
constexpr std::string_view kAndJoinedMember = " AND type = 'm.room.member' AND membership = 'join'";
constexpr std::string_view kDeleteCurrentStateIn =
    "DELETE FROM current_state_events WHERE room_id IN ";
constexpr std::string_view kDeleteForwardExtremitiesIn =
    "DELETE FROM event_forward_extremities WHERE room_id IN ";
constexpr std::string_view kJoinedUsersIn =
    "SELECT state_key FROM current_state_events "
    "WHERE type = 'm.room.member' AND membership = 'join' "
    "AND state_key IN ";
constexpr std::string_view kGroupByStateKey = " GROUP BY state_key";
constexpr std::string_view kDeleteRemoteExtremities =
    "DELETE FROM device_lists_remote_extremeties WHERE user_id = ?";

// "(?, ?, ?)" for an IN list of `n` values.
std::string InList(size_t n) {
  std::string out = "(";
  for (size_t i = 0; i < n; ++i) out += i ? ", ?" : "?";
  return out + ")";
}

// Runs `fn(in_list, params)` over `keys` in slices small enough for either engine's limit on
// bound parameters (batch sizes grow with speed, and IN lists with them).
template <typename Fn>
void ForEachChunk(const std::vector<std::string>& keys, Fn&& fn) {
  constexpr size_t kChunk = 500;
  for (size_t start = 0; start < keys.size(); start += kChunk) {
    size_t end = std::min(keys.size(), start + kChunk);
    Params params(keys.begin() + static_cast<std::ptrdiff_t>(start),
                  keys.begin() + static_cast<std::ptrdiff_t>(end));
    fn(InList(end - start), params);
  }
}

}  // namespace

StateBgUpdates::StateBgUpdates(const StoreOptions& options) : options_(options) {}

std::optional<std::string> StateBgUpdates::NextRoomAfter(Connection& conn,
                                                         const std::string& after) const {
  return conn.QueryValue(kNextRoomAfter, {after});
}

int64_t StateBgUpdates::FillMembershipColumn(Connection& conn, const std::string& room_id) const {
  return conn.Execute(kFillMembership, {room_id});
}

std::vector<std::string> StateBgUpdates::RoomsAfter(Connection& conn, const std::string& after,
                                                    int64_t limit) const {
  std::vector<std::string> rooms;
  for (const auto& row : conn.Query(kRoomsAfter, {after, static_cast<long long>(limit)})) {
    rooms.push_back(row.Text(0));
  }
  return rooms;
}

std::set<std::string> StateBgUpdates::RoomsWithLocalMembers(Connection& conn,
                                                            const std::string& after,
                                                            const std::string& last,
                                                            const std::string& server_name) const {
  std::set<std::string> rooms;
  for (const auto& row : conn.Query(kRoomsWithLocalMembers, {after, last, "%:" + server_name})) {
    rooms.insert(row.Text(0));
  }
  return rooms;
}

std::set<std::string> StateBgUpdates::JoinedMembersOf(Connection& conn,
                                                      const std::vector<std::string>& rooms) const {
  std::set<std::string> users;
  ForEachChunk(rooms, [&](const std::string& in_list, const Params& params) {
    for (const auto& row :
         conn.Query(std::string(kJoinedMembersOfRoomsIn) + in_list + std::string(kAndJoinedMember),
                    params)) {
      users.insert(row.Text(0));
    }
  });
  return users;
}

void StateBgUpdates::DeleteRoomsState(Connection& conn,
                                      const std::vector<std::string>& rooms) const {
  ForEachChunk(rooms, [&](const std::string& in_list, const Params& params) {
    conn.Execute(std::string(kDeleteCurrentStateIn) + in_list, params);
    conn.Execute(std::string(kDeleteForwardExtremitiesIn) + in_list, params);
  });
}

void StateBgUpdates::UnsubscribeDeviceLists(Connection& conn,
                                            const std::set<std::string>& users) const {
  std::vector<std::string> candidates(users.begin(), users.end());
  std::set<std::string> still_shared;
  ForEachChunk(candidates, [&](const std::string& in_list, const Params& params) {
    for (const auto& row : conn.Query(
             std::string(kJoinedUsersIn) + in_list + std::string(kGroupByStateKey), params)) {
      still_shared.insert(row.Text(0));
    }
  });
  for (const std::string& user : candidates) {
    if (still_shared.count(user)) continue;
    conn.Execute(kDeleteRemoteExtremities, {user});
  }
}

}  // namespace strata::storage
