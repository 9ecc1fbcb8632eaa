#include "storage/inspection/inspection_store.h"

namespace strata::storage {
namespace {

constexpr std::string_view kSelectAppliedDeltas =
    "SELECT version, file FROM applied_schema_deltas ORDER BY version, file";
constexpr std::string_view kSelectRoomNameEvents =
    "SELECT s.room_id, j.json FROM state_events s JOIN events e ON e.event_id = s.event_id "
    "JOIN event_json j ON j.event_id = s.event_id WHERE s.type = 'm.room.name' AND "
    "s.state_key = '' ORDER BY e.stream_ordering";
constexpr std::string_view kSelectRoomCreators =
    "SELECT room_id, creator FROM rooms ORDER BY room_id";
constexpr std::string_view kSelectRoomCounts =
    "SELECT r.room_id, r.is_public, (SELECT COUNT(*) FROM current_state_events c JOIN "
    "room_memberships m ON m.event_id = c.event_id WHERE c.room_id = r.room_id AND "
    "c.type = 'm.room.member' AND m.membership = 'join'), (SELECT COUNT(*) FROM events e "
    "WHERE e.room_id = r.room_id AND e.type = 'm.room.message') FROM rooms r";
constexpr std::string_view kSelectRoomStatsCurrent =
    "SELECT room_id, current_state_events, joined_members, invited_members, "
    "left_members, banned_members, local_users_in_room, completed_delta_stream_id "
    "FROM room_stats_current";
constexpr std::string_view kSelectRoomStatsState =
    "SELECT room_id, name, canonical_alias, join_rules, history_visibility, "
    "encryption, avatar, guest_access, is_federatable, topic FROM room_stats_state";
constexpr std::string_view kCountUserStatsRows = "SELECT COUNT(*) FROM user_stats_current";
constexpr std::string_view kSumUserStatsJoinedRooms =
    "SELECT COALESCE(SUM(joined_rooms), 0) FROM user_stats_current";
constexpr std::string_view kSelectUsersWithPassword =
    "SELECT name FROM users WHERE password_hash IS NOT NULL AND password_hash <> ''";
constexpr std::string_view kAndNotDeactivated = " AND deactivated = 0";
constexpr std::string_view kOrderByName = " ORDER BY name";
constexpr std::string_view kSelectFirstUserName = "SELECT name FROM users ORDER BY name LIMIT 1";

std::vector<InspectionStore::StatsRow> StatsRows(Connection& conn, std::string_view sql) {
  std::vector<InspectionStore::StatsRow> out;
  for (const auto& row : conn.Query(sql)) {
    InspectionStore::StatsRow r;
    r.room_id = row.Text(0);
    for (size_t i = 1; i < row.size(); ++i) r.cells.push_back(row.OptText(i));
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

InspectionStore::InspectionStore(Connection& conn)
    : has_room_stats_current_(conn.TableExists("room_stats_current")),
      has_room_stats_state_(conn.ColumnExists("room_stats_state", "join_rules")),
      has_user_stats_current_(conn.TableExists("user_stats_current")),
      select_users_who_can_log_in_(
          std::string(kSelectUsersWithPassword) +
          (conn.ColumnExists("users", "deactivated") ? std::string(kAndNotDeactivated) : "") +
          std::string(kOrderByName)) {}

std::vector<std::string> InspectionStore::AppliedDeltaFiles(Connection& conn) const {
  std::vector<std::string> out;
  for (const auto& row : conn.Query(kSelectAppliedDeltas)) out.push_back(row.Text(1));
  return out;
}

std::vector<InspectionStore::RoomNameEvent> InspectionStore::RoomNameEvents(
    Connection& conn) const {
  std::vector<RoomNameEvent> out;
  for (const auto& row : conn.Query(kSelectRoomNameEvents)) {
    out.push_back({row.Text(0), row.Text(1)});
  }
  return out;
}

std::vector<InspectionStore::RoomCreator> InspectionStore::RoomCreators(Connection& conn) const {
  std::vector<RoomCreator> out;
  for (const auto& row : conn.Query(kSelectRoomCreators)) out.push_back({row.Text(0), row.Text(1)});
  return out;
}

std::vector<InspectionStore::RoomCounts> InspectionStore::RoomCountsPerRoom(
    Connection& conn) const {
  std::vector<RoomCounts> out;
  for (const auto& row : conn.Query(kSelectRoomCounts)) {
    out.push_back({row.Text(0), row.Bool(1), row.Int(2), row.Int(3)});
  }
  return out;
}

std::optional<std::vector<InspectionStore::StatsRow>> InspectionStore::RoomStatsCurrent(
    Connection& conn) const {
  if (!has_room_stats_current_) return std::nullopt;
  return StatsRows(conn, kSelectRoomStatsCurrent);
}

std::optional<std::vector<InspectionStore::StatsRow>> InspectionStore::RoomStatsState(
    Connection& conn) const {
  if (!has_room_stats_state_) return std::nullopt;
  return StatsRows(conn, kSelectRoomStatsState);
}

std::optional<InspectionStore::UserStatsTotals> InspectionStore::UserStats(Connection& conn) const {
  if (!has_user_stats_current_) return std::nullopt;
  UserStatsTotals totals;
  totals.rows = conn.QueryInt(kCountUserStatsRows).value_or(0);
  totals.joined_rooms_total = conn.QueryInt(kSumUserStatsJoinedRooms).value_or(0);
  return totals;
}

std::vector<std::string> InspectionStore::UsersWhoCanLogIn(Connection& conn) const {
  std::vector<std::string> out;
  for (const auto& row : conn.Query(select_users_who_can_log_in_)) out.push_back(row.Text(0));
  return out;
}

std::optional<std::string> InspectionStore::FirstUserName(Connection& conn) const {
  return conn.QueryValue(kSelectFirstUserName);
}

}  // namespace strata::storage
