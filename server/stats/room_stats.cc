#include "stats/room_stats.h"

#include <nlohmann/json.hpp>

#include "storage/stats/stats_store.h"

namespace strata::stats {
namespace {

using nlohmann::json;
using storage::Connection;
using storage::StatsStore;

std::optional<std::string> StringField(const json& content, const char* key) {
  auto it = content.find(key);
  if (it == content.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

StatsStore::RoomStateRow ReadRoomState(const StatsStore& store, Connection& conn,
                                       const std::string& room_id) {
  StatsStore::RoomStateRow state;
  for (const auto& [type, event_id] : store.DirectoryStateOf(conn, room_id)) {
    json content = store.EventContent(conn, event_id);
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

int64_t CurrentDeltaStreamPosition(const StatsStore& store, Connection& conn) {
  return store.NewestStateDelta(conn).value_or(0);
}

int64_t BucketEnd(int64_t now_ms, int64_t bucket_size_ms) {
  if (bucket_size_ms <= 0) return now_ms;
  return (now_ms / bucket_size_ms + 1) * bucket_size_ms;
}

void RecomputeRoomStats(const StatsStore& store, Connection& conn, const std::string& room_id,
                        const RecomputeOptions& options) {
  store.UpsertRoomStatsState(conn, room_id, ReadRoomState(store, conn, room_id));

  auto counts = store.MembershipCounts(conn, room_id);
  StatsStore::RoomCounts c;
  c.joined = counts["join"];
  c.invited = counts["invite"];
  c.left = counts["leave"];
  c.banned = counts["ban"];
  c.current_state_events = store.CountCurrentState(conn, room_id);
  c.local_users = store.CountLocalJoined(conn, room_id, options.server_name);
  const int64_t position = CurrentDeltaStreamPosition(store, conn);

  store.UpsertRoomStatsCurrent(conn, room_id, c, position);
  store.UpsertRoomStatsHistorical(conn, room_id, BucketEnd(options.now_ms, options.bucket_size_ms),
                                  options.bucket_size_ms, c);
}

void RecomputeUserStats(const StatsStore& store, Connection& conn, const std::string& user_id,
                        const RecomputeOptions& options) {
  const int64_t joined = store.CountJoinedRooms(conn, user_id);
  const int64_t position = CurrentDeltaStreamPosition(store, conn);
  store.UpsertUserStatsCurrent(conn, user_id, joined, position);
  store.UpsertUserStatsHistorical(conn, user_id, BucketEnd(options.now_ms, options.bucket_size_ms),
                                  options.bucket_size_ms, joined);
}

}  // namespace strata::stats
