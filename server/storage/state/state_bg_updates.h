// StateBgUpdates: what background updates do to current state.
// Tables: current_state_events (read and written), room_memberships (read),
// event_forward_extremities, device_lists_remote_extremeties (rows deleted).
//
// Promises: every call runs on the Connection it is given, inside the batch's transaction the
// runner holds there; SQL errors throw storage::DatabaseError. The store needs only the engine.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "storage/store_options.h"

namespace strata::storage {

class StateBgUpdates {
 public:
  explicit StateBgUpdates(const StoreOptions& options);

  // current_state_events_membership: the smallest room with current state after `after`.
  std::optional<std::string> NextRoomAfter(Connection& conn, const std::string& after) const;
  // Copies room_memberships.membership into every current-state row of the room; returns the
  // rows touched (member events or not).
  int64_t FillMembershipColumn(Connection& conn, const std::string& room_id) const;

  // delete_old_current_state_events:
  // Up to `limit` rooms with current state after `after`, by room_id.
  std::vector<std::string> RoomsAfter(Connection& conn, const std::string& after,
                                      int64_t limit) const;
  // The rooms in (after, last] where a user whose id ends in ":<server_name>" is joined
  // (by the membership column).
  std::set<std::string> RoomsWithLocalMembers(Connection& conn, const std::string& after,
                                              const std::string& last,
                                              const std::string& server_name) const;
  // The users joined to any of `rooms`.
  std::set<std::string> JoinedMembersOf(Connection& conn,
                                        const std::vector<std::string>& rooms) const;
  // Deletes the rooms' current_state_events and event_forward_extremities.
  void DeleteRoomsState(Connection& conn, const std::vector<std::string>& rooms) const;
  // Deletes the device_lists_remote_extremeties row of each of `users` joined to no room.
  void UnsubscribeDeviceLists(Connection& conn, const std::set<std::string>& users) const;

 private:
  StoreOptions options_;
};

}  // namespace strata::storage
