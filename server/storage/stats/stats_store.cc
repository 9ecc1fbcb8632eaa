#include "storage/stats/stats_store.h"

namespace strata::storage {
namespace {

using nlohmann::json;

// --- What the engines read of a room's state -------------------------------------------------
constexpr std::string_view kSelectStateDeltasAfter =
    "SELECT stream_id, room_id, type, state_key, event_id, prev_event_id "
    "FROM current_state_delta_stream WHERE stream_id > ? ORDER BY stream_id";
constexpr std::string_view kSelectNewestStateDelta =
    "SELECT MAX(stream_id) FROM current_state_delta_stream";
constexpr std::string_view kSelectEventJson = "SELECT json FROM event_json WHERE event_id = ?";
constexpr std::string_view kCountCurrentState =
    "SELECT COUNT(*) FROM current_state_events WHERE room_id = ?";

// --- Both schemas: the position and the room-state row ---------------------------------------
constexpr std::string_view kPositionTable = "stats_incremental_position";
constexpr std::string_view kLegacyPositionTable = "stats_stream_pos";
constexpr std::string_view kRoomStateTable = "room_stats_state";
constexpr std::string_view kLegacyRoomStateTable = "room_state";
constexpr std::string_view kSelectPosition = "SELECT stream_id FROM stats_incremental_position";
constexpr std::string_view kSelectLegacyPosition = "SELECT stream_id FROM stats_stream_pos";
constexpr std::string_view kUpdatePosition = "UPDATE stats_incremental_position SET stream_id = ?";
constexpr std::string_view kUpdateLegacyPosition = "UPDATE stats_stream_pos SET stream_id = ?";
constexpr std::string_view kInsertRoomStatsStateIfMissing =
    "INSERT INTO room_stats_state (room_id) VALUES (?) ON CONFLICT (room_id) "
    "DO NOTHING";
constexpr std::string_view kInsertLegacyRoomStateIfMissing =
    "INSERT INTO room_state (room_id) VALUES (?) ON CONFLICT (room_id) DO NOTHING";

std::string_view ColumnName(StatsStore::StateColumn column) {
  switch (column) {
    case StatsStore::StateColumn::kJoinRules:
      return "join_rules";
    case StatsStore::StateColumn::kHistoryVisibility:
      return "history_visibility";
    case StatsStore::StateColumn::kEncryption:
      return "encryption";
    case StatsStore::StateColumn::kName:
      return "name";
    case StatsStore::StateColumn::kTopic:
      return "topic";
    case StatsStore::StateColumn::kAvatar:
      return "avatar";
    case StatsStore::StateColumn::kCanonicalAlias:
      return "canonical_alias";
    case StatsStore::StateColumn::kGuestAccess:
      return "guest_access";
  }
  return "name";
}

// --- 1.4+, incremental -------------------------------------------------------------------------
constexpr std::string_view kInsertRoomStatsCurrentIfMissing =
    "INSERT INTO room_stats_current (room_id, current_state_events, "
    "joined_members, invited_members, left_members, banned_members, "
    "local_users_in_room, completed_delta_stream_id) "
    "VALUES (?, 0, 0, 0, 0, 0, 0, ?) ON CONFLICT (room_id) DO NOTHING";
constexpr std::string_view kAddCurrentStateEvents =
    "UPDATE room_stats_current SET current_state_events = current_state_events + ?, "
    "completed_delta_stream_id = ? WHERE room_id = ?";
constexpr std::string_view kSelectMembershipOfEvent =
    "SELECT membership FROM room_memberships WHERE event_id = ?";
constexpr std::string_view kAddJoinedMembers =
    "UPDATE room_stats_current SET joined_members = joined_members + ? WHERE room_id = ?";
constexpr std::string_view kAddInvitedMembers =
    "UPDATE room_stats_current SET invited_members = invited_members + ? WHERE room_id = ?";
constexpr std::string_view kAddLeftMembers =
    "UPDATE room_stats_current SET left_members = left_members + ? WHERE room_id = ?";
constexpr std::string_view kAddBannedMembers =
    "UPDATE room_stats_current SET banned_members = banned_members + ? WHERE room_id = ?";
constexpr std::string_view kAddLocalUsersInRoom =
    "UPDATE room_stats_current SET local_users_in_room = "
    "local_users_in_room + ? WHERE room_id = ?";
constexpr std::string_view kInsertUserStatsCurrentIfMissing =
    "INSERT INTO user_stats_current (user_id, joined_rooms, "
    "completed_delta_stream_id) VALUES (?, 0, ?) ON CONFLICT (user_id) "
    "DO NOTHING";
constexpr std::string_view kAddJoinedRooms =
    "UPDATE user_stats_current SET joined_rooms = joined_rooms + ?, "
    "completed_delta_stream_id = ? WHERE user_id = ?";
constexpr std::string_view kUpdateFederatable =
    "UPDATE room_stats_state SET is_federatable = ? WHERE room_id = ?";

// --- 1.4+, recomputed --------------------------------------------------------------------------
constexpr std::string_view kSelectDirectoryState =
    "SELECT type, event_id FROM current_state_events WHERE room_id = ? AND state_key = '' AND "
    "type IN ('m.room.create', 'm.room.join_rules', 'm.room.history_visibility', "
    "'m.room.encryption', 'm.room.name', 'm.room.topic', 'm.room.avatar', "
    "'m.room.canonical_alias', 'm.room.guest_access')";
constexpr std::string_view kUpsertRoomStatsState =
    "INSERT INTO room_stats_state (room_id, name, canonical_alias, join_rules, "
    "history_visibility, encryption, avatar, guest_access, is_federatable, topic) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (room_id) DO UPDATE SET "
    "name = excluded.name, canonical_alias = excluded.canonical_alias, "
    "join_rules = excluded.join_rules, history_visibility = excluded.history_visibility, "
    "encryption = excluded.encryption, avatar = excluded.avatar, "
    "guest_access = excluded.guest_access, is_federatable = excluded.is_federatable, "
    "topic = excluded.topic";
constexpr std::string_view kSelectMembershipCounts =
    "SELECT membership, COUNT(*) FROM current_state_events "
    "WHERE room_id = ? AND type = 'm.room.member' "
    "GROUP BY membership";
constexpr std::string_view kCountLocalJoined =
    "SELECT COUNT(*) FROM current_state_events WHERE room_id = ? AND "
    "type = 'm.room.member' AND membership = 'join' AND state_key LIKE ?";
constexpr std::string_view kUpsertRoomStatsCurrent =
    "INSERT INTO room_stats_current (room_id, current_state_events, joined_members, "
    "invited_members, left_members, banned_members, local_users_in_room, "
    "completed_delta_stream_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (room_id) DO UPDATE SET current_state_events = excluded.current_state_events, "
    "joined_members = excluded.joined_members, invited_members = excluded.invited_members, "
    "left_members = excluded.left_members, banned_members = excluded.banned_members, "
    "local_users_in_room = excluded.local_users_in_room, "
    "completed_delta_stream_id = excluded.completed_delta_stream_id";
// The bucket row carries the absolute values too; its per-bucket totals start at zero.
constexpr std::string_view kUpsertRoomStatsHistorical =
    "INSERT INTO room_stats_historical (room_id, end_ts, bucket_size, current_state_events, "
    "joined_members, invited_members, left_members, banned_members, local_users_in_room, "
    "total_events, total_event_bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0) "
    "ON CONFLICT (room_id, end_ts) DO UPDATE SET "
    "current_state_events = excluded.current_state_events, "
    "joined_members = excluded.joined_members, invited_members = excluded.invited_members, "
    "left_members = excluded.left_members, banned_members = excluded.banned_members, "
    "local_users_in_room = excluded.local_users_in_room";
constexpr std::string_view kCountJoinedRooms =
    "SELECT COUNT(*) FROM current_state_events WHERE type = 'm.room.member' AND "
    "state_key = ? AND membership = 'join'";
constexpr std::string_view kUpsertUserStatsCurrent =
    "INSERT INTO user_stats_current (user_id, joined_rooms, completed_delta_stream_id) "
    "VALUES (?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET joined_rooms = excluded.joined_rooms, "
    "completed_delta_stream_id = excluded.completed_delta_stream_id";
constexpr std::string_view kUpsertUserStatsHistorical =
    "INSERT INTO user_stats_historical (user_id, end_ts, bucket_size, joined_rooms, "
    "invites_sent, rooms_created, total_events, total_event_bytes) "
    "VALUES (?, ?, ?, ?, 0, 0, 0, 0) ON CONFLICT (user_id, end_ts) DO UPDATE SET "
    "joined_rooms = excluded.joined_rooms";
constexpr std::string_view kSelectRoomsWithStateAfter =
    "SELECT DISTINCT room_id FROM current_state_events WHERE room_id > ? "
    "ORDER BY room_id LIMIT ?";
constexpr std::string_view kSelectUsersAfter =
    "SELECT name FROM users WHERE name > ? ORDER BY name LIMIT ?";

std::vector<std::string> FirstColumn(const std::vector<Row>& rows) {
  std::vector<std::string> out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back(row.Text(0));
  return out;
}

}  // namespace

StatsStore::StatsStore(const StoreOptions& options)
    : options_(options),
      position_table_(options.legacy_stats ? kLegacyPositionTable : kPositionTable),
      select_position_(options.legacy_stats ? kSelectLegacyPosition : kSelectPosition),
      update_position_(options.legacy_stats ? kUpdateLegacyPosition : kUpdatePosition),
      insert_room_state_row_(options.legacy_stats ? kInsertLegacyRoomStateIfMissing
                                                  : kInsertRoomStatsStateIfMissing),
      room_state_table_(options.legacy_stats ? kLegacyRoomStateTable : kRoomStateTable) {}

std::vector<StatsStore::StateDelta> StatsStore::StateDeltasAfter(Connection& conn,
                                                                 int64_t after) const {
  std::vector<StateDelta> deltas;
  for (const auto& row : conn.Query(kSelectStateDeltasAfter, {after})) {
    deltas.push_back(
        {row.Int(0), row.Text(1), row.Text(2), row.Text(3), row.OptText(4), row.OptText(5)});
  }
  return deltas;
}

std::optional<int64_t> StatsStore::NewestStateDelta(Connection& conn) const {
  return conn.QueryInt(kSelectNewestStateDelta);
}

json StatsStore::EventContent(Connection& conn, const std::string& event_id) const {
  auto text = conn.QueryValue(kSelectEventJson, {event_id});
  if (!text) return json::object();
  json event = json::parse(*text, nullptr, false);
  if (event.is_discarded() || !event.is_object()) return json::object();
  auto it = event.find("content");
  return (it != event.end() && it->is_object()) ? *it : json::object();
}

int64_t StatsStore::CountCurrentState(Connection& conn, const std::string& room_id) const {
  return conn.QueryInt(kCountCurrentState, {room_id}).value_or(0);
}

bool StatsStore::HasPositionTable(Connection& conn) const {
  return conn.TableExists(position_table_);
}

std::optional<int64_t> StatsStore::Position(Connection& conn) const {
  return conn.QueryInt(select_position_);
}

void StatsStore::SetPosition(Connection& conn, int64_t stream_id) const {
  conn.Execute(update_position_, {stream_id});
}

void StatsStore::EnsureRoomStateRow(Connection& conn, const std::string& room_id) const {
  conn.Execute(insert_room_state_row_, {room_id});
}

void StatsStore::SetRoomStateColumn(Connection& conn, const std::string& room_id,
                                    StateColumn column,
                                    const std::optional<std::string>& value) const {
  const std::string sql = "UPDATE " + room_state_table_ + " SET " +
                          std::string(ColumnName(column)) + " = ? WHERE room_id = ?";
  conn.Execute(sql, {value, room_id});
}

void StatsStore::ApplyRoomStateDelta(Connection& conn, const std::string& room_id,
                                     int64_t stream_id, int state_change) const {
  conn.Execute(kInsertRoomStatsCurrentIfMissing, {room_id, stream_id});
  conn.Execute(kInsertRoomStatsStateIfMissing, {room_id});
  conn.Execute(kAddCurrentStateEvents, {state_change, stream_id, room_id});
}

std::optional<std::string> StatsStore::MembershipOfEvent(Connection& conn,
                                                         const std::string& event_id) const {
  return conn.QueryValue(kSelectMembershipOfEvent, {event_id});
}

void StatsStore::AddMembershipCount(Connection& conn, const std::string& room_id,
                                    const std::string& membership, int change) const {
  std::string_view sql;
  if (membership == "join") sql = kAddJoinedMembers;
  if (membership == "invite") sql = kAddInvitedMembers;
  if (membership == "leave") sql = kAddLeftMembers;
  if (membership == "ban") sql = kAddBannedMembers;
  if (!sql.empty()) conn.Execute(sql, {change, room_id});
}

void StatsStore::AddLocalUsersInRoom(Connection& conn, const std::string& room_id,
                                     int change) const {
  conn.Execute(kAddLocalUsersInRoom, {change, room_id});
}

void StatsStore::AddJoinedRooms(Connection& conn, const std::string& user_id, int change,
                                int64_t stream_id) const {
  conn.Execute(kInsertUserStatsCurrentIfMissing, {user_id, stream_id});
  conn.Execute(kAddJoinedRooms, {change, stream_id, user_id});
}

void StatsStore::SetFederatable(Connection& conn, const std::string& room_id,
                                bool federatable) const {
  conn.Execute(kUpdateFederatable, {federatable, room_id});
}

std::vector<std::pair<std::string, std::string>> StatsStore::DirectoryStateOf(
    Connection& conn, const std::string& room_id) const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& row : conn.Query(kSelectDirectoryState, {room_id})) {
    out.emplace_back(row.Text(0), row.Text(1));
  }
  return out;
}

void StatsStore::UpsertRoomStatsState(Connection& conn, const std::string& room_id,
                                      const RoomStateRow& r) const {
  conn.Execute(kUpsertRoomStatsState,
               {room_id, r.name, r.canonical_alias, r.join_rules, r.history_visibility,
                r.encryption, r.avatar, r.guest_access, r.is_federatable, r.topic});
}

std::map<std::string, int64_t> StatsStore::MembershipCounts(Connection& conn,
                                                            const std::string& room_id) const {
  std::map<std::string, int64_t> counts;
  for (const auto& row : conn.Query(kSelectMembershipCounts, {room_id})) {
    if (!row.IsNull(0)) counts[row.Text(0)] = row.Int(1);
  }
  return counts;
}

int64_t StatsStore::CountLocalJoined(Connection& conn, const std::string& room_id,
                                     const std::string& server_name) const {
  return conn.QueryInt(kCountLocalJoined, {room_id, "%:" + server_name}).value_or(0);
}

void StatsStore::UpsertRoomStatsCurrent(Connection& conn, const std::string& room_id,
                                        const RoomCounts& c,
                                        int64_t completed_delta_stream_id) const {
  conn.Execute(kUpsertRoomStatsCurrent,
               {room_id, c.current_state_events, c.joined, c.invited, c.left, c.banned,
                c.local_users, completed_delta_stream_id});
}

void StatsStore::UpsertRoomStatsHistorical(Connection& conn, const std::string& room_id,
                                           int64_t end_ts, int64_t bucket_size,
                                           const RoomCounts& c) const {
  conn.Execute(kUpsertRoomStatsHistorical, {room_id, end_ts, bucket_size, c.current_state_events,
                                            c.joined, c.invited, c.left, c.banned, c.local_users});
}

int64_t StatsStore::CountJoinedRooms(Connection& conn, const std::string& user_id) const {
  return conn.QueryInt(kCountJoinedRooms, {user_id}).value_or(0);
}

void StatsStore::UpsertUserStatsCurrent(Connection& conn, const std::string& user_id,
                                        int64_t joined_rooms,
                                        int64_t completed_delta_stream_id) const {
  conn.Execute(kUpsertUserStatsCurrent, {user_id, joined_rooms, completed_delta_stream_id});
}

void StatsStore::UpsertUserStatsHistorical(Connection& conn, const std::string& user_id,
                                           int64_t end_ts, int64_t bucket_size,
                                           int64_t joined_rooms) const {
  conn.Execute(kUpsertUserStatsHistorical, {user_id, end_ts, bucket_size, joined_rooms});
}

std::vector<std::string> StatsStore::RoomsWithStateAfter(Connection& conn, const std::string& after,
                                                         int64_t limit) const {
  return FirstColumn(conn.Query(kSelectRoomsWithStateAfter, {after, limit}));
}

std::vector<std::string> StatsStore::UsersAfter(Connection& conn, const std::string& after,
                                                int64_t limit) const {
  return FirstColumn(conn.Query(kSelectUsersAfter, {after, limit}));
}

}  // namespace strata::storage
