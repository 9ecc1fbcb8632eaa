#include "handlers/stats_engine.h"

#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "events/event_store.h"

namespace strata::handlers {
namespace {

using nlohmann::json;
using storage::Connection;

std::optional<std::string> MembershipOfEvent(Connection& conn,
                                             const std::optional<std::string>& event_id) {
  if (!event_id) return std::nullopt;
  return conn.QueryValue("SELECT membership FROM room_memberships WHERE event_id = ?", {*event_id});
}

const char* CounterFor(const std::string& membership) {
  if (membership == "join") return "joined_members";
  if (membership == "invite") return "invited_members";
  if (membership == "leave") return "left_members";
  if (membership == "ban") return "banned_members";
  return nullptr;
}

// room_stats_state column and content key for the state types the stats track.
struct StateField {
  const char* column;
  const char* key;
};
const std::map<std::string, StateField>& StateFields() {
  static const std::map<std::string, StateField> fields = {
      {"m.room.join_rules", {"join_rules", "join_rule"}},
      {"m.room.history_visibility", {"history_visibility", "history_visibility"}},
      {"m.room.encryption", {"encryption", "algorithm"}},
      {"m.room.name", {"name", "name"}},
      {"m.room.topic", {"topic", "topic"}},
      {"m.room.avatar", {"avatar", "url"}},
      {"m.room.canonical_alias", {"canonical_alias", "alias"}},
      {"m.room.guest_access", {"guest_access", "guest_access"}},
  };
  return fields;
}

json ContentOf(Connection& conn, const std::optional<std::string>& event_id) {
  if (!event_id) return json();
  // From event_json: Synapse left events.content NULL, so older events have only that.
  return events::EventContent(conn, *event_id);
}

bool IsLocal(const std::string& user_id, const std::string& server_name) {
  const std::string suffix = ":" + server_name;
  return user_id.size() > suffix.size() &&
         user_id.compare(user_id.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

int64_t ProcessStatsDeltas(Connection& conn, const StatsSettings& settings) {
  if (!conn.TableExists("stats_incremental_position")) return 0;
  storage::Transaction txn(conn);
  const int64_t position =
      conn.QueryInt("SELECT stream_id FROM stats_incremental_position").value_or(0);
  auto rows = conn.Query(
      "SELECT stream_id, room_id, type, state_key, event_id, prev_event_id "
      "FROM current_state_delta_stream WHERE stream_id > ? ORDER BY stream_id",
      {position});
  int64_t last = position;
  for (const auto& row : rows) {
    const int64_t stream_id = row.Int(0);
    const std::string room_id = row.Text(1), type = row.Text(2), state_key = row.Text(3);
    const auto event_id = row.OptText(4), prev_id = row.OptText(5);
    last = std::max(last, stream_id);

    conn.Execute(
        "INSERT INTO room_stats_current (room_id, current_state_events, "
        "joined_members, invited_members, left_members, banned_members, "
        "local_users_in_room, completed_delta_stream_id) "
        "VALUES (?, 0, 0, 0, 0, 0, 0, ?) ON CONFLICT (room_id) DO NOTHING",
        {room_id, stream_id});
    conn.Execute(
        "INSERT INTO room_stats_state (room_id) VALUES (?) ON CONFLICT (room_id) "
        "DO NOTHING",
        {room_id});
    int delta_state = 0;
    if (!prev_id && event_id) delta_state = 1;
    if (prev_id && !event_id) delta_state = -1;
    conn.Execute(
        "UPDATE room_stats_current SET current_state_events = current_state_events + ?, "
        "completed_delta_stream_id = ? WHERE room_id = ?",
        {delta_state, stream_id, room_id});

    if (type == "m.room.member") {
      const std::string before = MembershipOfEvent(conn, prev_id).value_or("");
      const std::string after = MembershipOfEvent(conn, event_id).value_or("");
      if (before == after) continue;
      for (const auto& [membership, sign] : {std::pair{before, -1}, std::pair{after, 1}}) {
        if (const char* column = CounterFor(membership)) {
          conn.Execute(std::string("UPDATE room_stats_current SET ") + column + " = " + column +
                           " + ? WHERE room_id = ?",
                       {sign, room_id});
        }
      }
      const int joined_change = (after == "join") - (before == "join");
      if (joined_change != 0 && IsLocal(state_key, settings.server_name)) {
        conn.Execute(
            "UPDATE room_stats_current SET local_users_in_room = "
            "local_users_in_room + ? WHERE room_id = ?",
            {joined_change, room_id});
        conn.Execute(
            "INSERT INTO user_stats_current (user_id, joined_rooms, "
            "completed_delta_stream_id) VALUES (?, 0, ?) ON CONFLICT (user_id) "
            "DO NOTHING",
            {state_key, stream_id});
        conn.Execute(
            "UPDATE user_stats_current SET joined_rooms = joined_rooms + ?, "
            "completed_delta_stream_id = ? WHERE user_id = ?",
            {joined_change, stream_id, state_key});
      }
      continue;
    }
    if (!state_key.empty()) continue;
    if (type == "m.room.create") {
      const json content = ContentOf(conn, event_id);
      const bool federatable =
          !(content.is_object() && content.contains("m.federate") &&
            content["m.federate"].is_boolean() && !content["m.federate"].get<bool>());
      conn.Execute("UPDATE room_stats_state SET is_federatable = ? WHERE room_id = ?",
                   {federatable, room_id});
      continue;
    }
    auto field = StateFields().find(type);
    if (field == StateFields().end()) continue;
    const json content = ContentOf(conn, event_id);
    std::optional<std::string> value;
    if (content.is_object() && content.contains(field->second.key) &&
        content[field->second.key].is_string()) {
      value = content[field->second.key].get<std::string>();
    }
    conn.Execute(std::string("UPDATE room_stats_state SET ") + field->second.column +
                     " = ? WHERE room_id = ?",
                 {value, room_id});
  }
  if (last != position) {
    conn.Execute("UPDATE stats_incremental_position SET stream_id = ?", {last});
  }
  txn.Commit();
  return last;
}

}  // namespace strata::handlers
