// StatsStore's calls on the pre-1.4 statistics tables (room_stats, user_stats, room_state,
// room_stats_earliest_token; schema 54), which 1.4.0 replaced with the separated tables.
#include "storage/stats/stats_store.h"

namespace strata::storage {
namespace {

constexpr std::string_view kSelectEarliestToken =
    "SELECT token FROM room_stats_earliest_token WHERE room_id = ?";
constexpr std::string_view kInsertEarliestToken =
    "INSERT INTO room_stats_earliest_token (room_id, token) VALUES (?, ?)";
constexpr std::string_view kSelectRoomsWithoutEarliestToken =
    "SELECT DISTINCT c.room_id FROM current_state_events c "
    "LEFT JOIN room_stats_earliest_token t ON t.room_id = c.room_id "
    "WHERE t.room_id IS NULL ORDER BY c.room_id";
constexpr std::string_view kCountQueuedPopulation =
    "SELECT COUNT(*) FROM background_updates WHERE update_name IN "
    "('populate_stats_createtables', 'populate_stats_process_rooms', "
    "'populate_stats_cleanup')";
constexpr std::string_view kSelectReceivedTsFrom =
    "SELECT received_ts FROM events WHERE stream_ordering >= ? "
    "ORDER BY stream_ordering LIMIT 1";
constexpr std::string_view kSelectCurrentStateEventId =
    "SELECT event_id FROM current_state_events WHERE room_id = ? AND type = ? AND "
    "state_key = ''";
constexpr std::string_view kSelectJoinedMembers =
    "SELECT m.user_id FROM room_memberships m JOIN current_state_events c "
    "ON c.event_id = m.event_id WHERE c.room_id = ? AND c.type = 'm.room.member' "
    "AND m.membership = 'join'";
constexpr std::string_view kCountMembers =
    "SELECT COUNT(*) FROM room_memberships m JOIN current_state_events c "
    "ON c.event_id = m.event_id WHERE c.room_id = ? AND c.type = 'm.room.member' "
    "AND m.membership = ?";
constexpr std::string_view kCountStateEvents =
    "SELECT COUNT(*) FROM state_events WHERE room_id = ?";
constexpr std::string_view kUpsertRoomBucket =
    "INSERT INTO room_stats (room_id, ts, bucket_size, current_state_events, joined_members, "
    "invited_members, left_members, banned_members, state_events) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (room_id, ts) DO UPDATE SET "
    "bucket_size = excluded.bucket_size, current_state_events = excluded.current_state_events, "
    "joined_members = excluded.joined_members, invited_members = excluded.invited_members, "
    "left_members = excluded.left_members, banned_members = excluded.banned_members, "
    "state_events = excluded.state_events";

// A bucket's subject: its newest bucket, and a new bucket copying the absolute fields
// (1.1-1.3 ABSOLUTE_STATS_FIELDS) from that one.
struct BucketSql {
  std::string_view select_newest;
  std::string_view open_bucket;  // (ts, bucket_size, id, newest ts)
};
constexpr BucketSql kRoomBuckets{
    "SELECT MAX(ts) FROM room_stats WHERE room_id = ?",
    "INSERT INTO room_stats (room_id, ts, bucket_size, current_state_events, joined_members, "
    "invited_members, left_members, banned_members, state_events) SELECT room_id, ?, ?, "
    "current_state_events, joined_members, invited_members, left_members, banned_members, "
    "state_events FROM room_stats WHERE room_id = ? AND ts = ?"};
constexpr BucketSql kUserBuckets{
    "SELECT MAX(ts) FROM user_stats WHERE user_id = ?",
    "INSERT INTO user_stats (user_id, ts, bucket_size, public_rooms, private_rooms) SELECT "
    "user_id, ?, ?, public_rooms, private_rooms FROM user_stats WHERE user_id = ? AND ts = ?"};
// (change, id, ts)
constexpr std::string_view kAddRoomJoined =
    "UPDATE room_stats SET joined_members = joined_members + ? WHERE room_id = ? AND ts = ?";
constexpr std::string_view kAddRoomInvited =
    "UPDATE room_stats SET invited_members = invited_members + ? WHERE room_id = ? AND ts = ?";
constexpr std::string_view kAddRoomLeft =
    "UPDATE room_stats SET left_members = left_members + ? WHERE room_id = ? AND ts = ?";
constexpr std::string_view kAddRoomBanned =
    "UPDATE room_stats SET banned_members = banned_members + ? WHERE room_id = ? AND ts = ?";
constexpr std::string_view kAddUserPublicRooms =
    "UPDATE user_stats SET public_rooms = public_rooms + ? WHERE user_id = ? AND ts = ?";
constexpr std::string_view kAddUserPrivateRooms =
    "UPDATE user_stats SET private_rooms = private_rooms + ? WHERE user_id = ? AND ts = ?";

void AddToBucket(Connection& conn, const BucketSql& subject, std::string_view add, int64_t ts,
                 int64_t bucket_size, const std::string& id, int change) {
  auto latest = conn.QueryInt(subject.select_newest, {id});
  if (!latest) return;
  int64_t target = ts;
  if (ts < *latest) {
    target = *latest;
  } else if (ts != *latest) {
    conn.Execute(subject.open_bucket, {ts, bucket_size, id, *latest});
  }
  conn.Execute(add, {change, id, target});
}

}  // namespace

std::optional<int64_t> StatsStore::EarliestToken(Connection& conn,
                                                 const std::string& room_id) const {
  return conn.QueryInt(kSelectEarliestToken, {room_id});
}

void StatsStore::InsertEarliestToken(Connection& conn, const std::string& room_id,
                                     int64_t token) const {
  conn.Execute(kInsertEarliestToken, {room_id, token});
}

std::vector<std::string> StatsStore::RoomsWithoutEarliestToken(Connection& conn) const {
  std::vector<std::string> rooms;
  for (const auto& row : conn.Query(kSelectRoomsWithoutEarliestToken)) rooms.push_back(row.Text(0));
  return rooms;
}

bool StatsStore::PopulationQueued(Connection& conn) const {
  return conn.QueryInt(kCountQueuedPopulation).value_or(0) > 0;
}

std::optional<int64_t> StatsStore::ReceivedTsFrom(Connection& conn, int64_t stream_ordering) const {
  return conn.QueryInt(kSelectReceivedTsFrom, {stream_ordering});
}

std::optional<std::string> StatsStore::CurrentStateEventId(Connection& conn,
                                                           const std::string& room_id,
                                                           const std::string& type) const {
  return conn.QueryValue(kSelectCurrentStateEventId, {room_id, type});
}

std::vector<std::string> StatsStore::JoinedMembers(Connection& conn,
                                                   const std::string& room_id) const {
  std::vector<std::string> users;
  for (const auto& row : conn.Query(kSelectJoinedMembers, {room_id})) users.push_back(row.Text(0));
  return users;
}

int64_t StatsStore::CountMembers(Connection& conn, const std::string& room_id,
                                 const std::string& membership) const {
  return conn.QueryInt(kCountMembers, {room_id, membership}).value_or(0);
}

int64_t StatsStore::CountStateEvents(Connection& conn, const std::string& room_id) const {
  return conn.QueryInt(kCountStateEvents, {room_id}).value_or(0);
}

void StatsStore::UpsertRoomBucket(Connection& conn, const std::string& room_id,
                                  const RoomBucket& b) const {
  conn.Execute(kUpsertRoomBucket, {room_id, b.ts, b.bucket_size, b.current_state_events, b.joined,
                                   b.invited, b.left, b.banned, b.state_events});
}

void StatsStore::AddToRoomBucket(Connection& conn, const std::string& room_id, int64_t ts,
                                 int64_t bucket_size, const std::string& membership,
                                 int change) const {
  std::string_view add;
  if (membership == "join") add = kAddRoomJoined;
  if (membership == "invite") add = kAddRoomInvited;
  if (membership == "leave") add = kAddRoomLeft;
  if (membership == "ban") add = kAddRoomBanned;
  if (add.empty()) return;
  AddToBucket(conn, kRoomBuckets, add, ts, bucket_size, room_id, change);
}

void StatsStore::AddToUserBucket(Connection& conn, const std::string& user_id, int64_t ts,
                                 int64_t bucket_size, bool public_rooms, int change) const {
  AddToBucket(conn, kUserBuckets, public_rooms ? kAddUserPublicRooms : kAddUserPrivateRooms, ts,
              bucket_size, user_id, change);
}

}  // namespace strata::storage
