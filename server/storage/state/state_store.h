// StateStore: room state, current and historical.
// Tables: current_state_events, state_events, state_groups, state_groups_state, state_group_edges,
// event_to_state_groups, current_state_delta_stream.
//
// Promises: every call runs on the Connection it is given, inside whatever transaction the
// caller holds there; a missing row is an empty optional or an empty list, never an exception;
// SQL errors throw storage::DatabaseError.
#pragma once

#include "storage/store_options.h"

namespace strata::storage {

class StateStore {
 public:
  explicit StateStore(const StoreOptions& options);

 private:
  StoreOptions options_;
};

}  // namespace strata::storage
