#include "stats/room_stats.h"

#include <map>
#include <nlohmann/json.hpp>

namespace strata::stats {
namespace {

using nlohmann::json;
using storage::Connection;

// The content of a state event, or an empty object if it is missing or unreadable.
json EventContent(Connection& conn, const std::string& event_id) {
  auto text = conn.QueryValue("SELECT json FROM event_json WHERE event_id = ?", {event_id});
  if (!text) return json::object();
  json event = json::parse(*text, nullptr, false);
  if (event.is_discarded() || !event.is_object()) return json::object();
  auto it = event.find("content");
  return (it != event.end() && it->is_object()) ? *it : json::object();
}

std::optional<std::string> StringField(const json& content, const char* key) {
  auto it = content.find(key);
  if (it == content.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

struct RoomState {
  std::optional<std::string> name, canonical_alias, join_rules, history_visibility, encryption,
      avatar, guest_access, topic;
  bool is_federatable = true;
};

RoomState ReadRoomState(Connection& conn, const std::string& room_id) {
  RoomState state;
  auto rows = conn.Query(
      "SELECT type, event_id FROM current_state_events WHERE room_id = ? AND state_key = '' AND "
      "type IN ('m.room.create', 'm.room.join_rules', 'm.room.history_visibility', "
      "'m.room.encryption', 'm.room.name', 'm.room.topic', 'm.room.avatar', "
      "'m.room.canonical_alias', 'm.room.guest_access')",
      {room_id});
  for (const auto& row : rows) {
    const std::string type = row.Text(0);
    json content = EventContent(conn, row.Text(1));
    if (type == "m.room.create") {
      auto it = content.find("m.federate");
      state.is_federatable = !(it != content.end() && it->is_boolean() && !it->get<bool>());
    } else if (type == "m.room.join_rules") {
      state.join_rules = StringField(content, "join_rule");
    } else if (type == "m.room.history_visibility") {
      state.history_visibility = StringField(content, "history_visibility");
    } else if (type == "m.room.encryption") {
      state.encryption = StringField(content, "algorithm");
    } else if (type == "m.room.name") {
      state.name = StringField(content, "name");
    } else if (type == "m.room.topic") {
      state.topic = StringField(content, "topic");
    } else if (type == "m.room.avatar") {
      state.avatar = StringField(content, "url");
    } else if (type == "m.room.canonical_alias") {
      state.canonical_alias = StringField(content, "alias");
    } else if (type == "m.room.guest_access") {
      state.guest_access = StringField(content, "guest_access");
    }
  }
  return state;
}

}  // namespace

int64_t CurrentDeltaStreamPosition(Connection& conn) {
  return conn.QueryInt("SELECT COALESCE(MAX(stream_id), 0) FROM current_state_delta_stream", {})
      .value_or(0);
}

int64_t BucketEnd(int64_t now_ms, int64_t bucket_size_ms) {
  if (bucket_size_ms <= 0) return now_ms;
  return (now_ms / bucket_size_ms + 1) * bucket_size_ms;
}

void RecomputeRoomStats(Connection& conn, const std::string& room_id,
                        const RecomputeOptions& options) {
  const RoomState state = ReadRoomState(conn, room_id);
  conn.Execute(
      "INSERT INTO room_stats_state (room_id, name, canonical_alias, join_rules, "
      "history_visibility, encryption, avatar, guest_access, is_federatable, topic) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (room_id) DO UPDATE SET "
      "name = excluded.name, canonical_alias = excluded.canonical_alias, "
      "join_rules = excluded.join_rules, history_visibility = excluded.history_visibility, "
      "encryption = excluded.encryption, avatar = excluded.avatar, "
      "guest_access = excluded.guest_access, is_federatable = excluded.is_federatable, "
      "topic = excluded.topic",
      {room_id, state.name, state.canonical_alias, state.join_rules, state.history_visibility,
       state.encryption, state.avatar, state.guest_access, state.is_federatable, state.topic});

  std::map<std::string, int64_t> counts;
  for (const auto& row : conn.Query("SELECT membership, COUNT(*) FROM current_state_events "
                                    "WHERE room_id = ? AND type = 'm.room.member' "
                                    "GROUP BY membership",
                                    {room_id})) {
    if (!row.IsNull(0)) counts[row.Text(0)] = row.Int(1);
  }
  const int64_t state_events =
      conn.QueryInt("SELECT COUNT(*) FROM current_state_events WHERE room_id = ?", {room_id})
          .value_or(0);
  const int64_t local_users =
      conn.QueryInt(
              "SELECT COUNT(*) FROM current_state_events WHERE room_id = ? AND "
              "type = 'm.room.member' AND membership = 'join' AND state_key LIKE ?",
              {room_id, "%:" + options.server_name})
          .value_or(0);
  const int64_t position = CurrentDeltaStreamPosition(conn);

  conn.Execute(
      "INSERT INTO room_stats_current (room_id, current_state_events, joined_members, "
      "invited_members, left_members, banned_members, local_users_in_room, "
      "completed_delta_stream_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (room_id) DO UPDATE SET current_state_events = excluded.current_state_events, "
      "joined_members = excluded.joined_members, invited_members = excluded.invited_members, "
      "left_members = excluded.left_members, banned_members = excluded.banned_members, "
      "local_users_in_room = excluded.local_users_in_room, "
      "completed_delta_stream_id = excluded.completed_delta_stream_id",
      {room_id, state_events, counts["join"], counts["invite"], counts["leave"], counts["ban"],
       local_users, position});

  // The bucket row carries the absolute values too; its per-bucket totals start at zero.
  conn.Execute(
      "INSERT INTO room_stats_historical (room_id, end_ts, bucket_size, current_state_events, "
      "joined_members, invited_members, left_members, banned_members, local_users_in_room, "
      "total_events, total_event_bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0) "
      "ON CONFLICT (room_id, end_ts) DO UPDATE SET "
      "current_state_events = excluded.current_state_events, "
      "joined_members = excluded.joined_members, invited_members = excluded.invited_members, "
      "left_members = excluded.left_members, banned_members = excluded.banned_members, "
      "local_users_in_room = excluded.local_users_in_room",
      {room_id, BucketEnd(options.now_ms, options.bucket_size_ms), options.bucket_size_ms,
       state_events, counts["join"], counts["invite"], counts["leave"], counts["ban"],
       local_users});
}

void RecomputeUserStats(Connection& conn, const std::string& user_id,
                        const RecomputeOptions& options) {
  const int64_t joined =
      conn.QueryInt(
              "SELECT COUNT(*) FROM current_state_events WHERE type = 'm.room.member' AND "
              "state_key = ? AND membership = 'join'",
              {user_id})
          .value_or(0);
  const int64_t position = CurrentDeltaStreamPosition(conn);
  conn.Execute(
      "INSERT INTO user_stats_current (user_id, joined_rooms, completed_delta_stream_id) "
      "VALUES (?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET joined_rooms = excluded.joined_rooms, "
      "completed_delta_stream_id = excluded.completed_delta_stream_id",
      {user_id, joined, position});
  conn.Execute(
      "INSERT INTO user_stats_historical (user_id, end_ts, bucket_size, joined_rooms, "
      "invites_sent, rooms_created, total_events, total_event_bytes) "
      "VALUES (?, ?, ?, ?, 0, 0, 0, 0) ON CONFLICT (user_id, end_ts) DO UPDATE SET "
      "joined_rooms = excluded.joined_rooms",
      {user_id, BucketEnd(options.now_ms, options.bucket_size_ms), options.bucket_size_ms, joined});
}

}  // namespace strata::stats
