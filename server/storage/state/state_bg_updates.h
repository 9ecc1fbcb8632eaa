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

 private:
  StoreOptions options_;
};

}  // namespace strata::storage
