#include "handlers/legacy_stats_engine.h"

#include <array>
#include <nlohmann/json.hpp>
#include <optional>

#include "events/event_store.h"

namespace strata::handlers {
namespace {

using nlohmann::json;
using storage::Connection;

// The columns a new bucket copies from the previous one (1.1-1.3 ABSOLUTE_STATS_FIELDS).
struct Subject {
  const char* table;
  const char* id_column;
  std::array<const char*, 6> absolute;
  size_t absolute_count;
};
const Subject kRoom{"room_stats",
                    "room_id",
                    {"current_state_events", "joined_members", "invited_members", "left_members",
                     "banned_members", "state_events"},
                    6};
const Subject kUser{"user_stats", "user_id", {"public_rooms", "private_rooms"}, 2};

// room_state column and content key per state type.
struct StateField {
  const char* type;
  const char* column;
  const char* key;
};
constexpr std::array<StateField, 7> kStateFields = {{
    {"m.room.join_rules", "join_rules", "join_rule"},
    {"m.room.history_visibility", "history_visibility", "history_visibility"},
    {"m.room.encryption", "encryption", "algorithm"},
    {"m.room.name", "name", "name"},
    {"m.room.topic", "topic", "topic"},
    {"m.room.avatar", "avatar", "url"},
    {"m.room.canonical_alias", "canonical_alias", "alias"},
}};

json ContentOf(Connection& conn, const std::optional<std::string>& event_id) {
  if (!event_id) return json::object();
  // From event_json: Synapse left events.content NULL, so older events have only that.
  json j = events::EventContent(conn, *event_id);
  return j.is_object() ? j : json::object();
}

// A string content value for room_state; PostgreSQL rejects NUL bytes, so 1.1-1.3 stored NULL.
std::optional<std::string> StringField(const json& content, const char* key) {
  auto it = content.find(key);
  if (it == content.end() || !it->is_string()) return std::nullopt;
  std::string value = it->get<std::string>();
  if (value.find('\0') != std::string::npos) return std::nullopt;
  return value;
}

bool IsLocal(const std::string& user_id, const std::string& server_name) {
  const std::string suffix = ":" + server_name;
  return user_id.size() > suffix.size() &&
         user_id.compare(user_id.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::optional<std::string> CurrentStateId(Connection& conn, const std::string& room_id,
                                          const char* type) {
  return conn.QueryValue(
      "SELECT event_id FROM current_state_events WHERE room_id = ? AND type = ? AND "
      "state_key = ''",
      {room_id, type});
}

void EnsureRoomState(Connection& conn, const std::string& room_id) {
  conn.Execute("INSERT INTO room_state (room_id) VALUES (?) ON CONFLICT (room_id) DO NOTHING",
               {room_id});
}

void SetRoomStateField(Connection& conn, const std::string& room_id, const char* column,
                       const std::optional<std::string>& value) {
  EnsureRoomState(conn, room_id);
  conn.Execute(std::string("UPDATE room_state SET ") + column + " = ? WHERE room_id = ?",
               {value, room_id});
}

// update_stats_delta of 1.1-1.3: adds `change` to `field` in the subject's newest bucket,
// opening the bucket `ts` first (absolute fields copied) if it is newer. A subject without any
// bucket is left alone.
void ApplyDelta(Connection& conn, const Subject& s, int64_t ts, int64_t bucket_size,
                const std::string& id, const char* field, int change) {
  auto latest = conn.QueryInt(
      std::string("SELECT MAX(ts) FROM ") + s.table + " WHERE " + s.id_column + " = ?", {id});
  if (!latest) return;
  int64_t target = ts;
  if (ts < *latest) {
    target = *latest;
  } else if (ts != *latest) {
    std::string columns;
    for (size_t i = 0; i < s.absolute_count; ++i) columns += std::string(", ") + s.absolute[i];
    conn.Execute(std::string("INSERT INTO ") + s.table + " (" + s.id_column + ", ts, bucket_size" +
                     columns + ") SELECT " + s.id_column + ", ?, ?" + columns + " FROM " + s.table +
                     " WHERE " + s.id_column + " = ? AND ts = ?",
                 {ts, bucket_size, id, *latest});
  }
  conn.Execute(std::string("UPDATE ") + s.table + " SET " + field + " = " + field + " + ? WHERE " +
                   s.id_column + " = ? AND ts = ?",
               {change, id, target});
}

bool IsPublicRoom(Connection& conn, const std::string& room_id) {
  const json rules = ContentOf(conn, CurrentStateId(conn, room_id, "m.room.join_rules"));
  const json visibility =
      ContentOf(conn, CurrentStateId(conn, room_id, "m.room.history_visibility"));
  return StringField(rules, "join_rule") == "public" ||
         StringField(visibility, "history_visibility") == "world_readable";
}

// _get_key_change: true if `key` became `wanted`, false if it stopped being it, else nullopt.
std::optional<bool> KeyChange(const json& before, const json& after, const char* key,
                              const char* wanted) {
  const bool was = StringField(before, key) == wanted;
  const bool is = StringField(after, key) == wanted;
  if (was == is) return std::nullopt;
  return is;
}

// Every local joined member moves the room between their public and private counts.
void MoveLocalMembers(Connection& conn, const LegacyStatsSettings& settings,
                      const std::string& room_id, int64_t ts, bool now_public) {
  auto members = conn.Query(
      "SELECT m.user_id FROM room_memberships m JOIN current_state_events c "
      "ON c.event_id = m.event_id WHERE c.room_id = ? AND c.type = 'm.room.member' "
      "AND m.membership = 'join'",
      {room_id});
  for (const auto& row : members) {
    const std::string user = row.Text(0);
    if (!IsLocal(user, settings.server_name)) continue;
    ApplyDelta(conn, kUser, ts, settings.bucket_size_s, user, "public_rooms", now_public ? 1 : -1);
    ApplyDelta(conn, kUser, ts, settings.bucket_size_s, user, "private_rooms", now_public ? -1 : 1);
  }
}

const char* CounterFor(const std::string& membership) {
  if (membership == "join") return "joined_members";
  if (membership == "invite") return "invited_members";
  if (membership == "leave") return "left_members";
  if (membership == "ban") return "banned_members";
  return nullptr;
}

struct Delta {
  int64_t stream_id;
  std::string room_id, type, state_key;
  std::optional<std::string> event_id, prev_event_id;
};

void HandleMember(Connection& conn, const LegacyStatsSettings& settings, const Delta& d, int64_t ts,
                  const json& content, const json& prev_content) {
  const std::string after = StringField(content, "membership").value_or("leave");
  const std::string before = StringField(prev_content, "membership").value_or("leave");
  if (before == after) return;
  if (const char* column = CounterFor(before))
    ApplyDelta(conn, kRoom, ts, settings.bucket_size_s, d.room_id, column, -1);
  if (const char* column = CounterFor(after))
    ApplyDelta(conn, kRoom, ts, settings.bucket_size_s, d.room_id, column, 1);
  if (!IsLocal(d.state_key, settings.server_name)) return;
  if (after != "join" && after != "leave") return;
  const char* field = IsPublicRoom(conn, d.room_id) ? "public_rooms" : "private_rooms";
  ApplyDelta(conn, kUser, ts, settings.bucket_size_s, d.state_key, field, after == "join" ? 1 : -1);
}

void HandleDelta(Connection& conn, const LegacyStatsSettings& settings, const Delta& d) {
  auto token =
      conn.QueryInt("SELECT token FROM room_stats_earliest_token WHERE room_id = ?", {d.room_id});
  if (token && *token >= d.stream_id) return;
  if (!d.event_id && !d.prev_event_id) return;
  const json content = ContentOf(conn, d.event_id);
  const int64_t received_ms = conn.QueryInt(
                                      "SELECT received_ts FROM events WHERE stream_ordering >= ? "
                                      "ORDER BY stream_ordering LIMIT 1",
                                      {d.stream_id})
                                  .value_or(0);
  const int64_t ts = received_ms / 1000 / settings.bucket_size_s * settings.bucket_size_s;

  if (d.type == "m.room.member") {
    HandleMember(conn, settings, d, ts, content, ContentOf(conn, d.prev_event_id));
    return;
  }
  if (d.type == "m.room.create") {
    EnsureRoomState(conn, d.room_id);
    for (const auto& f : kStateFields) SetRoomStateField(conn, d.room_id, f.column, std::nullopt);
    return;
  }
  for (const auto& f : kStateFields) {
    if (d.type != f.type) continue;
    SetRoomStateField(conn, d.room_id, f.column, StringField(content, f.key));
    const char* wanted = d.type == "m.room.join_rules"           ? "public"
                         : d.type == "m.room.history_visibility" ? "world_readable"
                                                                 : nullptr;
    if (!wanted) return;
    auto change = KeyChange(ContentOf(conn, d.prev_event_id), content, f.key, wanted);
    if (change) MoveLocalMembers(conn, settings, d.room_id, ts, *change);
    return;
  }
}

int64_t NewestDelta(Connection& conn) {
  return conn.QueryInt("SELECT COALESCE(MAX(stream_id), -1) FROM current_state_delta_stream")
      .value_or(-1);
}

// populate_stats_process_rooms of 1.1-1.3 for one room.
void PopulateRoom(Connection& conn, const LegacyStatsSettings& settings, const std::string& room_id,
                  int64_t token) {
  for (const auto& f : kStateFields) {
    SetRoomStateField(conn, room_id, f.column,
                      StringField(ContentOf(conn, CurrentStateId(conn, room_id, f.type)), f.key));
  }
  const int64_t ts = settings.now_ms / 1000 / settings.bucket_size_s * settings.bucket_size_s;
  auto count = [&](const char* membership) {
    return conn
        .QueryInt(
            "SELECT COUNT(*) FROM room_memberships m JOIN current_state_events c "
            "ON c.event_id = m.event_id WHERE c.room_id = ? AND c.type = 'm.room.member' "
            "AND m.membership = ?",
            {room_id, membership})
        .value_or(0);
  };
  const int64_t current =
      conn.QueryInt("SELECT COUNT(*) FROM current_state_events WHERE room_id = ?", {room_id})
          .value_or(0);
  const int64_t total =
      conn.QueryInt("SELECT COUNT(*) FROM state_events WHERE room_id = ?", {room_id}).value_or(0);
  conn.Execute(
      "INSERT INTO room_stats (room_id, ts, bucket_size, current_state_events, joined_members, "
      "invited_members, left_members, banned_members, state_events) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (room_id, ts) DO UPDATE SET "
      "bucket_size = excluded.bucket_size, current_state_events = excluded.current_state_events, "
      "joined_members = excluded.joined_members, invited_members = excluded.invited_members, "
      "left_members = excluded.left_members, banned_members = excluded.banned_members, "
      "state_events = excluded.state_events",
      {room_id, ts, settings.bucket_size_s, current, count("join"), count("invite"), count("leave"),
       count("ban"), total});
  conn.Execute("INSERT INTO room_stats_earliest_token (room_id, token) VALUES (?, ?)",
               {room_id, token});
}

// The net effect of populate_stats_createtables -> _process_rooms -> _cleanup.
int64_t Populate(Connection& conn, const LegacyStatsSettings& settings) {
  const int64_t position = NewestDelta(conn);
  auto rooms = conn.Query(
      "SELECT DISTINCT c.room_id FROM current_state_events c "
      "LEFT JOIN room_stats_earliest_token t ON t.room_id = c.room_id "
      "WHERE t.room_id IS NULL ORDER BY c.room_id");
  for (const auto& row : rooms) PopulateRoom(conn, settings, row.Text(0), position);
  conn.Execute("UPDATE stats_stream_pos SET stream_id = ?", {position});
  return position;
}

}  // namespace

int64_t ProcessLegacyStatsDeltas(Connection& conn, const LegacyStatsSettings& settings) {
  if (!conn.TableExists("stats_stream_pos") || settings.bucket_size_s <= 0) return -1;
  storage::Transaction txn(conn);
  auto position = conn.QueryInt("SELECT stream_id FROM stats_stream_pos");
  if (!position) {
    const bool chain_queued =
        conn.QueryInt(
                "SELECT COUNT(*) FROM background_updates WHERE update_name IN "
                "('populate_stats_createtables', 'populate_stats_process_rooms', "
                "'populate_stats_cleanup')")
            .value_or(0) > 0;
    if (chain_queued) return -1;
    position = Populate(conn, settings);
  }
  auto rows = conn.Query(
      "SELECT stream_id, room_id, type, state_key, event_id, prev_event_id "
      "FROM current_state_delta_stream WHERE stream_id > ? ORDER BY stream_id",
      {*position});
  int64_t last = *position;
  for (const auto& row : rows) {
    Delta d{row.Int(0), row.Text(1), row.Text(2), row.Text(3), row.OptText(4), row.OptText(5)};
    HandleDelta(conn, settings, d);
    last = d.stream_id;
  }
  if (last != *position) conn.Execute("UPDATE stats_stream_pos SET stream_id = ?", {last});
  txn.Commit();
  return last;
}

}  // namespace strata::handlers
