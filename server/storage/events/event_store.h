// EventStore: stored events and the stream.
// Tables: events, event_json, event_edges, event_forward_extremities, event_auth, room_depth.
//
// Promises: every call runs on the Connection it is given, inside whatever transaction the
// caller holds there; a missing row is an empty optional or an empty list, never an exception;
// SQL errors throw storage::DatabaseError.
#pragma once

#include "storage/store_options.h"

namespace strata::storage {

class EventStore {
 public:
  explicit EventStore(const StoreOptions& options);

 private:
  StoreOptions options_;
};

}  // namespace strata::storage
