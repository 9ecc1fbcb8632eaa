#include "stats/stats_engine.h"

#include <algorithm>
#include <map>
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

// room_stats_state column and content key for the state types the stats track.
struct StateField {
  Column column;
  const char* key;
};
const std::map<std::string, StateField>& StateFields() {
  static const std::map<std::string, StateField> fields = {
      {"m.room.join_rules", {Column::kJoinRules, "join_rule"}},
      {"m.room.history_visibility", {Column::kHistoryVisibility, "history_visibility"}},
      {"m.room.encryption", {Column::kEncryption, "algorithm"}},
      {"m.room.name", {Column::kName, "name"}},
      {"m.room.topic", {Column::kTopic, "topic"}},
      {"m.room.avatar", {Column::kAvatar, "url"}},
      {"m.room.canonical_alias", {Column::kCanonicalAlias, "alias"}},
      {"m.room.guest_access", {Column::kGuestAccess, "guest_access"}},
  };
  return fields;
}

std::optional<std::string> MembershipOfEvent(const StatsStore& store, Connection& conn,
                                             const std::optional<std::string>& event_id) {
  if (!event_id) return std::nullopt;
  return store.MembershipOfEvent(conn, *event_id);
}

json ContentOf(const StatsStore& store, Connection& conn,
               const std::optional<std::string>& event_id) {
  // From event_json: Synapse left events.content NULL, so older events have only that.
  return event_id ? store.EventContent(conn, *event_id) : json::object();
}

void ApplyMembership(const StatsStore& store, Connection& conn, const StatsSettings& settings,
                     const StatsStore::StateDelta& d) {
  const std::string before = MembershipOfEvent(store, conn, d.prev_event_id).value_or("");
  const std::string after = MembershipOfEvent(store, conn, d.event_id).value_or("");
  if (before == after) return;
  store.AddMembershipCount(conn, d.room_id, before, -1);
  store.AddMembershipCount(conn, d.room_id, after, 1);
  const int joined_change = (after == "join") - (before == "join");
  if (joined_change != 0 && IsLocalUser(d.state_key, settings.server_name)) {
    store.AddLocalUsersInRoom(conn, d.room_id, joined_change);
    store.AddJoinedRooms(conn, d.state_key, joined_change, d.stream_id);
  }
}

void ApplyDelta(const StatsStore& store, Connection& conn, const StatsSettings& settings,
                const StatsStore::StateDelta& d) {
  int delta_state = 0;
  if (!d.prev_event_id && d.event_id) delta_state = 1;
  if (d.prev_event_id && !d.event_id) delta_state = -1;
  store.ApplyRoomStateDelta(conn, d.room_id, d.stream_id, delta_state);

  if (d.type == "m.room.member") {
    ApplyMembership(store, conn, settings, d);
    return;
  }
  if (!d.state_key.empty()) return;
  if (d.type == "m.room.create") {
    const json content = ContentOf(store, conn, d.event_id);
    auto it = content.find("m.federate");
    store.SetFederatable(conn, d.room_id,
                         !(it != content.end() && it->is_boolean() && !it->get<bool>()));
    return;
  }
  auto field = StateFields().find(d.type);
  if (field == StateFields().end()) return;
  const json content = ContentOf(store, conn, d.event_id);
  std::optional<std::string> value;
  auto it = content.find(field->second.key);
  if (it != content.end() && it->is_string()) value = it->get<std::string>();
  store.SetRoomStateColumn(conn, d.room_id, field->second.column, value);
}

}  // namespace

int64_t ProcessStatsDeltas(const StatsStore& store, Connection& conn,
                           const StatsSettings& settings) {
  if (!store.HasPositionTable(conn)) return 0;
  storage::Transaction txn(conn);
  const int64_t position = store.Position(conn).value_or(0);
  int64_t last = position;
  for (const auto& delta : store.StateDeltasAfter(conn, position)) {
    last = std::max(last, delta.stream_id);
    ApplyDelta(store, conn, settings, delta);
  }
  if (last != position) store.SetPosition(conn, last);
  txn.Commit();
  return last;
}

}  // namespace strata::stats
