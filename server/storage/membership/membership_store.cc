#include "storage/membership/membership_store.h"

#include <string_view>

namespace strata::storage {
namespace {

// Every current membership of one user; the reads below pick from these rows.
constexpr std::string_view kSelectCurrentMemberships =
    "SELECT c.room_id, m.membership, c.event_id, e.stream_ordering, m.forgotten FROM "
    "current_state_events c JOIN room_memberships m ON m.event_id = c.event_id "
    "LEFT JOIN events e ON e.event_id = c.event_id WHERE c.type = 'm.room.member' "
    "AND c.state_key = ? ORDER BY c.room_id";
constexpr std::string_view kInsertMembership =
    "INSERT INTO room_memberships (event_id, user_id, sender, room_id, "
    "membership, forgotten, display_name, avatar_url) "
    "VALUES (?, ?, ?, ?, ?, 0, ?, ?)";
constexpr std::string_view kForget =
    "UPDATE room_memberships SET forgotten = 1 WHERE user_id = ? AND room_id = ?";

}  // namespace

MembershipStore::MembershipStore(const StoreOptions& options)
    : options_(options),
      cache_(std::make_unique<ReadThroughCache<std::string, UserMemberships>>(kCachedUsers)) {}

MembershipStore::UserMemberships MembershipStore::Cached(Connection& conn,
                                                         const std::string& user_id) const {
  return cache_->Get(conn, user_id, [&] {
    auto rows = std::make_shared<std::vector<Current>>();
    for (const auto& row : conn.Query(kSelectCurrentMemberships, {user_id})) {
      rows->push_back({row.Text(0), row.Text(1), row.Text(2), row.OptInt(3), row.Bool(4)});
    }
    return UserMemberships(std::move(rows));
  });
}

std::optional<std::string> MembershipStore::CurrentMembership(Connection& conn,
                                                              const std::string& room_id,
                                                              const std::string& user_id) const {
  const UserMemberships rows = Cached(conn, user_id);  // holds them for the loop
  for (const auto& m : *rows) {
    if (m.room_id == room_id) return m.membership;
  }
  return std::nullopt;
}

std::vector<JoinedRoom> MembershipStore::JoinedRooms(Connection& conn,
                                                     const std::string& user_id) const {
  std::vector<JoinedRoom> out;
  const UserMemberships rows = Cached(conn, user_id);  // holds them for the loop
  for (const auto& m : *rows) {
    if (m.membership == "join") out.push_back({m.room_id, m.event_id});
  }
  return out;
}

std::vector<std::string> MembershipStore::JoinedOrInvitedRooms(Connection& conn,
                                                               const std::string& user_id) const {
  std::vector<std::string> out;
  const UserMemberships rows = Cached(conn, user_id);  // holds them for the loop
  for (const auto& m : *rows) {
    if (m.membership == "join" || m.membership == "invite") out.push_back(m.room_id);
  }
  return out;
}

std::vector<CurrentMembershipRow> MembershipStore::UnforgottenMemberships(
    Connection& conn, const std::string& user_id) const {
  std::vector<CurrentMembershipRow> out;
  const UserMemberships rows = Cached(conn, user_id);  // holds them for the loop
  for (const auto& m : *rows) {
    if (!m.forgotten && m.stream_ordering) {
      out.push_back({m.room_id, m.membership, m.event_id, *m.stream_ordering});
    }
  }
  return out;
}

void MembershipStore::InsertMembership(Connection& conn, const MembershipRow& r) const {
  conn.Execute(kInsertMembership, {r.event_id, r.user_id, r.sender, r.room_id, r.membership,
                                   r.display_name, r.avatar_url});
  cache_->Forget(conn, r.user_id);
}

void MembershipStore::Forget(Connection& conn, const std::string& user_id,
                             const std::string& room_id) const {
  conn.Execute(kForget, {user_id, room_id});
  cache_->Forget(conn, user_id);
}

}  // namespace strata::storage
