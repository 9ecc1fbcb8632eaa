#include "storage/rooms/room_bg_updates.h"

#include <algorithm>

namespace strata::storage {
namespace {

constexpr std::string_view kTombstonedPublicRooms =
    "SELECT r.room_id FROM rooms r "
    "INNER JOIN current_state_events cse ON cse.room_id = r.room_id "
    "WHERE r.room_id > ? AND r.is_public "
    "AND cse.type = 'm.room.tombstone' AND cse.state_key = '' "
    "ORDER BY r.room_id LIMIT ?";
constexpr std::string_view kMaxPublicRoomStreamId =
    "SELECT MAX(stream_id) FROM public_room_list_stream";
constexpr std::string_view kSetNotPublic = "UPDATE rooms SET is_public = ? WHERE room_id = ?";
constexpr std::string_view kInsertPublicRoomStream =
    "INSERT INTO public_room_list_stream (stream_id, room_id, visibility, appservice_id, "
    "network_id) VALUES (?, ?, ?, NULL, NULL)";
constexpr std::string_view kRetentionState =
    "SELECT cse.room_id, cse.event_id, ej.json FROM current_state_events cse "
    "LEFT JOIN event_json ej ON ej.event_id = cse.event_id "
    "WHERE cse.room_id > ? AND cse.type = 'm.room.retention' "
    "ORDER BY cse.room_id LIMIT ?";
constexpr std::string_view kRetentionExists =
    "SELECT 1 FROM room_retention WHERE room_id = ? AND event_id = ?";
constexpr std::string_view kInsertRetention =
    "INSERT INTO room_retention (room_id, event_id, min_lifetime, max_lifetime) "
    "VALUES (?, ?, ?, ?)";
constexpr std::string_view kCreateEvents =
    "SELECT cse.room_id, cse.event_id, ej.json FROM current_state_events cse "
    "INNER JOIN event_json ej ON ej.room_id = cse.room_id AND ej.event_id = cse.event_id "
    "WHERE cse.room_id > ? AND cse.type = 'm.room.create' AND cse.state_key = '' "
    "ORDER BY cse.room_id LIMIT ?";
constexpr std::string_view kUpdateRoomVersion =
    "UPDATE rooms SET room_version = ? WHERE room_id = ?";
constexpr std::string_view kInsertRoom =
    "INSERT INTO rooms (room_id, room_version, is_public, creator) VALUES (?, ?, ?, ?)";

std::vector<RoomStateJson> ReadStateJson(Connection& conn, std::string_view sql,
                                         const std::string& after, int64_t limit) {
  std::vector<RoomStateJson> out;
  for (const auto& row : conn.Query(sql, {after, static_cast<long long>(limit)})) {
    out.push_back({row.Text(0), row.Text(1), row.OptText(2)});
  }
  return out;
}

Value OptInt(std::optional<int64_t> v) {
  return v ? Value(static_cast<long long>(*v)) : Value();
}

}  // namespace

RoomBgUpdates::RoomBgUpdates(const StoreOptions& options) : options_(options) {}

std::vector<std::string> RoomBgUpdates::TombstonedPublicRooms(Connection& conn,
                                                              const std::string& after,
                                                              int64_t limit) const {
  std::vector<std::string> out;
  for (const auto& row :
       conn.Query(kTombstonedPublicRooms, {after, static_cast<long long>(limit)})) {
    out.push_back(row.Text(0));
  }
  return out;
}

void RoomBgUpdates::Unpublish(Connection& conn, const std::string& room_id) const {
  conn.Execute(kSetNotPublic, {false, room_id});
  const int64_t current = conn.QueryInt(kMaxPublicRoomStreamId).value_or(0);
  const int64_t next = std::max<int64_t>(current, 1) + 1;
  conn.Execute(kInsertPublicRoomStream, {static_cast<long long>(next), room_id, false});
}

std::vector<RoomStateJson> RoomBgUpdates::RetentionState(Connection& conn, const std::string& after,
                                                         int64_t limit) const {
  return ReadStateJson(conn, kRetentionState, after, limit);
}

void RoomBgUpdates::InsertRetentionIfAbsent(Connection& conn, const std::string& room_id,
                                            const std::string& event_id,
                                            std::optional<int64_t> min_lifetime,
                                            std::optional<int64_t> max_lifetime) const {
  if (conn.QueryValue(kRetentionExists, {room_id, event_id})) return;
  conn.Execute(kInsertRetention, {room_id, event_id, OptInt(min_lifetime), OptInt(max_lifetime)});
}

std::vector<RoomStateJson> RoomBgUpdates::CreateEvents(Connection& conn, const std::string& after,
                                                       int64_t limit) const {
  return ReadStateJson(conn, kCreateEvents, after, limit);
}

void RoomBgUpdates::SetRoomVersion(Connection& conn, const std::string& room_id,
                                   const std::string& version,
                                   const std::optional<std::string>& creator) const {
  if (conn.Execute(kUpdateRoomVersion, {version, room_id}) > 0) return;
  conn.Execute(kInsertRoom, {room_id, version, false, creator});
}

}  // namespace strata::storage
