#include "stats/legacy_stats_engine.h"

#include <array>
#include <nlohmann/json.hpp>
#include <optional>

#include "stats/local_users.h"
#include "storage/stats/stats_store.h"

namespace strata::stats {
namespace {

using nlohmann::json;
using storage::Connection;
using storage::StatsStore;
using Column = StatsStore::StateColumn;

// room_state column and content key per state type.
struct StateField {
  const char* type;
  Column column;
  const char* key;
};
constexpr std::array<StateField, 7> kStateFields = {{
    {"m.room.join_rules", Column::kJoinRules, "join_rule"},
    {"m.room.history_visibility", Column::kHistoryVisibility, "history_visibility"},
    {"m.room.encryption", Column::kEncryption, "algorithm"},
    {"m.room.name", Column::kName, "name"},
    {"m.room.topic", Column::kTopic, "topic"},
    {"m.room.avatar", Column::kAvatar, "url"},
    {"m.room.canonical_alias", Column::kCanonicalAlias, "alias"},
}};

// What one pass needs at hand.
struct Pass {
  const StatsStore& store;
  Connection& conn;
  const LegacyStatsSettings& settings;
};

json ContentOf(const Pass& p, const std::optional<std::string>& event_id) {
  // From event_json: Synapse left events.content NULL, so older events have only that.
  return event_id ? p.store.EventContent(p.conn, *event_id) : json::object();
}

// A string content value for room_state; PostgreSQL rejects NUL bytes, so 1.1-1.3 stored NULL.
std::optional<std::string> StringField(const json& content, const char* key) {
  auto it = content.find(key);
  if (it == content.end() || !it->is_string()) return std::nullopt;
  std::string value = it->get<std::string>();
  if (value.find('\0') != std::string::npos) return std::nullopt;
  return value;
}

void SetRoomStateField(const Pass& p, const std::string& room_id, Column column,
                       const std::optional<std::string>& value) {
  p.store.EnsureRoomStateRow(p.conn, room_id);
  p.store.SetRoomStateColumn(p.conn, room_id, column, value);
}

bool IsPublicRoom(const Pass& p, const std::string& room_id) {
  const json rules =
      ContentOf(p, p.store.CurrentStateEventId(p.conn, room_id, "m.room.join_rules"));
  const json visibility =
      ContentOf(p, p.store.CurrentStateEventId(p.conn, room_id, "m.room.history_visibility"));
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
void MoveLocalMembers(const Pass& p, const std::string& room_id, int64_t ts, bool now_public) {
  const int64_t bucket = p.settings.bucket_size_s;
  for (const auto& user : p.store.JoinedMembers(p.conn, room_id)) {
    if (!IsLocalUser(user, p.settings.server_name)) continue;
    p.store.AddToUserBucket(p.conn, user, ts, bucket, /*public_rooms=*/true, now_public ? 1 : -1);
    p.store.AddToUserBucket(p.conn, user, ts, bucket, /*public_rooms=*/false, now_public ? -1 : 1);
  }
}

void HandleMember(const Pass& p, const StatsStore::StateDelta& d, int64_t ts, const json& content,
                  const json& prev_content) {
  const std::string after = StringField(content, "membership").value_or("leave");
  const std::string before = StringField(prev_content, "membership").value_or("leave");
  if (before == after) return;
  const int64_t bucket = p.settings.bucket_size_s;
  p.store.AddToRoomBucket(p.conn, d.room_id, ts, bucket, before, -1);
  p.store.AddToRoomBucket(p.conn, d.room_id, ts, bucket, after, 1);
  if (!IsLocalUser(d.state_key, p.settings.server_name)) return;
  if (after != "join" && after != "leave") return;
  p.store.AddToUserBucket(p.conn, d.state_key, ts, bucket, IsPublicRoom(p, d.room_id),
                          after == "join" ? 1 : -1);
}

void HandleDelta(const Pass& p, const StatsStore::StateDelta& d) {
  auto token = p.store.EarliestToken(p.conn, d.room_id);
  if (token && *token >= d.stream_id) return;
  if (!d.event_id && !d.prev_event_id) return;
  const json content = ContentOf(p, d.event_id);
  const int64_t received_ms = p.store.ReceivedTsFrom(p.conn, d.stream_id).value_or(0);
  const int64_t ts = received_ms / 1000 / p.settings.bucket_size_s * p.settings.bucket_size_s;

  if (d.type == "m.room.member") {
    HandleMember(p, d, ts, content, ContentOf(p, d.prev_event_id));
    return;
  }
  if (d.type == "m.room.create") {
    p.store.EnsureRoomStateRow(p.conn, d.room_id);
    for (const auto& f : kStateFields) SetRoomStateField(p, d.room_id, f.column, std::nullopt);
    return;
  }
  for (const auto& f : kStateFields) {
    if (d.type != f.type) continue;
    SetRoomStateField(p, d.room_id, f.column, StringField(content, f.key));
    const char* wanted = d.type == "m.room.join_rules"           ? "public"
                         : d.type == "m.room.history_visibility" ? "world_readable"
                                                                 : nullptr;
    if (!wanted) return;
    auto change = KeyChange(ContentOf(p, d.prev_event_id), content, f.key, wanted);
    if (change) MoveLocalMembers(p, d.room_id, ts, *change);
    return;
  }
}

// populate_stats_process_rooms of 1.1-1.3 for one room.
void PopulateRoom(const Pass& p, const std::string& room_id, int64_t token) {
  for (const auto& f : kStateFields) {
    SetRoomStateField(
        p, room_id, f.column,
        StringField(ContentOf(p, p.store.CurrentStateEventId(p.conn, room_id, f.type)), f.key));
  }
  const int64_t bucket = p.settings.bucket_size_s;
  StatsStore::RoomBucket b;
  b.ts = p.settings.now_ms / 1000 / bucket * bucket;
  b.bucket_size = bucket;
  b.current_state_events = p.store.CountCurrentState(p.conn, room_id);
  b.state_events = p.store.CountStateEvents(p.conn, room_id);
  b.joined = p.store.CountMembers(p.conn, room_id, "join");
  b.invited = p.store.CountMembers(p.conn, room_id, "invite");
  b.left = p.store.CountMembers(p.conn, room_id, "leave");
  b.banned = p.store.CountMembers(p.conn, room_id, "ban");
  p.store.UpsertRoomBucket(p.conn, room_id, b);
  p.store.InsertEarliestToken(p.conn, room_id, token);
}

// The net effect of populate_stats_createtables -> _process_rooms -> _cleanup.
int64_t Populate(const Pass& p) {
  const int64_t position = p.store.NewestStateDelta(p.conn).value_or(-1);
  for (const auto& room_id : p.store.RoomsWithoutEarliestToken(p.conn)) {
    PopulateRoom(p, room_id, position);
  }
  p.store.SetPosition(p.conn, position);
  return position;
}

}  // namespace

int64_t ProcessLegacyStatsDeltas(const StatsStore& store, Connection& conn,
                                 const LegacyStatsSettings& settings) {
  if (!store.HasPositionTable(conn) || settings.bucket_size_s <= 0) return -1;
  const Pass p{store, conn, settings};
  storage::Transaction txn(conn);
  auto position = store.Position(conn);
  if (!position) {
    if (store.PopulationQueued(conn)) return -1;
    position = Populate(p);
  }
  int64_t last = *position;
  for (const auto& delta : store.StateDeltasAfter(conn, *position)) {
    HandleDelta(p, delta);
    last = delta.stream_id;
  }
  if (last != *position) store.SetPosition(conn, last);
  txn.Commit();
  return last;
}

}  // namespace strata::stats
