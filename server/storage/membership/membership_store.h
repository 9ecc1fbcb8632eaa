// MembershipStore: who is in which room.
// Tables: room_memberships (joined with current_state_events for current memberships).
//
// Promises: every call runs on the Connection it is given, inside whatever transaction the
// caller holds there; a missing row is an empty optional or an empty list, never an exception;
// SQL errors throw storage::DatabaseError. Writes REQUIRE: inside the caller's transaction on a
// writer connection.
//
// Cached (bounded, per user): the user's current memberships, which CurrentMembership,
// JoinedRooms and UnforgottenMemberships all answer from. InsertMembership and Forget forget
// the user (read_through_cache.h says how a racing reader is kept from caching the old rows);
// ForgetCached forgets every user, for writes made elsewhere.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "storage/cache/read_through_cache.h"
#include "storage/store_options.h"

namespace strata::storage {

// One room_memberships row as a local m.room.member event writes it (forgotten = 0).
struct MembershipRow {
  std::string event_id;
  std::string user_id;
  std::string sender;
  std::string room_id;
  std::string membership;
  std::optional<std::string> display_name;
  std::optional<std::string> avatar_url;
};

// A room a user is joined to and their current member event there.
struct JoinedRoom {
  std::string room_id;
  std::string event_id;
};

// A current membership of a user with the stream ordering of its event.
struct CurrentMembershipRow {
  std::string room_id;
  std::string membership;
  std::string event_id;
  int64_t stream_ordering = 0;
};

class MembershipStore {
 public:
  explicit MembershipStore(const StoreOptions& options);

  // The user's current membership in the room ("join", "invite", "leave", "ban") or nullopt.
  // Read from room_memberships rather than current_state_events.membership: the latter is
  // NULL until the 1.3 background update has filled it.
  std::optional<std::string> CurrentMembership(Connection& conn, const std::string& room_id,
                                               const std::string& user_id) const;
  // The rooms the user is currently joined to, ordered by room id.
  std::vector<JoinedRoom> JoinedRooms(Connection& conn, const std::string& user_id) const;
  // The rooms the user is currently joined to or invited to, ordered by room id.
  std::vector<std::string> JoinedOrInvitedRooms(Connection& conn, const std::string& user_id) const;

  // The user's current memberships of every kind in rooms they have not forgotten, ordered by
  // room id.
  std::vector<CurrentMembershipRow> UnforgottenMemberships(Connection& conn,
                                                           const std::string& user_id) const;

  // room_memberships. REQUIRES: the caller's transaction on a writer connection.
  void InsertMembership(Connection& conn, const MembershipRow& row) const;
  // Sets forgotten = 1 on every room_memberships row of the user in the room.
  void Forget(Connection& conn, const std::string& user_id, const std::string& room_id) const;

  // Forgets every cached user now and when `conn`'s transaction ends (a purge), or now only
  // (after a background update's batch committed on its own connection).
  void ForgetCached(Connection& conn) const { cache_->ForgetAll(conn); }
  void ForgetCachedNow() const { cache_->ForgetAllNow(); }
  static constexpr size_t kCachedUsers = 10000;

 private:
  // One current m.room.member state row of the user, as read.
  struct Current {
    std::string room_id;
    std::string membership;
    std::string event_id;
    std::optional<int64_t> stream_ordering;  // nullopt: no events row
    bool forgotten = false;
  };
  using UserMemberships = std::shared_ptr<const std::vector<Current>>;
  UserMemberships Cached(Connection& conn, const std::string& user_id) const;

  StoreOptions options_;
  std::unique_ptr<ReadThroughCache<std::string, UserMemberships>> cache_;
};

}  // namespace strata::storage
