#include "storage/membership/membership_store.h"

#include <string_view>

namespace strata::storage {
namespace {

constexpr std::string_view kSelectCurrentMembership =
    "SELECT m.membership FROM current_state_events c JOIN room_memberships m "
    "ON m.event_id = c.event_id WHERE c.room_id = ? AND c.type = 'm.room.member' "
    "AND c.state_key = ?";
constexpr std::string_view kSelectJoinedRooms =
    "SELECT c.room_id, c.event_id FROM current_state_events c JOIN "
    "room_memberships m ON m.event_id = c.event_id WHERE c.type = "
    "'m.room.member' AND c.state_key = ? AND m.membership = 'join' "
    "ORDER BY c.room_id";
constexpr std::string_view kSelectUnforgottenMemberships =
    "SELECT c.room_id, m.membership, c.event_id, e.stream_ordering FROM "
    "current_state_events c JOIN room_memberships m ON m.event_id = c.event_id "
    "JOIN events e ON e.event_id = c.event_id WHERE c.type = 'm.room.member' "
    "AND c.state_key = ? AND m.forgotten = 0 ORDER BY c.room_id";
constexpr std::string_view kInsertMembership =
    "INSERT INTO room_memberships (event_id, user_id, sender, room_id, "
    "membership, forgotten, display_name, avatar_url) "
    "VALUES (?, ?, ?, ?, ?, 0, ?, ?)";
constexpr std::string_view kForget =
    "UPDATE room_memberships SET forgotten = 1 WHERE user_id = ? AND room_id = ?";

}  // namespace

MembershipStore::MembershipStore(const StoreOptions& options) : options_(options) {}

std::optional<std::string> MembershipStore::CurrentMembership(Connection& conn,
                                                              const std::string& room_id,
                                                              const std::string& user_id) const {
  return conn.QueryValue(kSelectCurrentMembership, {room_id, user_id});
}

std::vector<JoinedRoom> MembershipStore::JoinedRooms(Connection& conn,
                                                     const std::string& user_id) const {
  std::vector<JoinedRoom> out;
  for (const auto& row : conn.Query(kSelectJoinedRooms, {user_id})) {
    out.push_back({row.Text(0), row.Text(1)});
  }
  return out;
}

std::vector<CurrentMembershipRow> MembershipStore::UnforgottenMemberships(
    Connection& conn, const std::string& user_id) const {
  std::vector<CurrentMembershipRow> out;
  for (const auto& row : conn.Query(kSelectUnforgottenMemberships, {user_id})) {
    out.push_back({row.Text(0), row.Text(1), row.Text(2), row.Int(3)});
  }
  return out;
}

void MembershipStore::InsertMembership(Connection& conn, const MembershipRow& r) const {
  conn.Execute(kInsertMembership, {r.event_id, r.user_id, r.sender, r.room_id, r.membership,
                                   r.display_name, r.avatar_url});
}

void MembershipStore::Forget(Connection& conn, const std::string& user_id,
                             const std::string& room_id) const {
  conn.Execute(kForget, {user_id, room_id});
}

}  // namespace strata::storage
