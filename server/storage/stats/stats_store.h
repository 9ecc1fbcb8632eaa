// StatsStore: room and user statistics.
// Tables: room_stats_current, room_stats_state, room_stats_historical, user_stats_current,
// user_stats_historical, stats_incremental_position; before 1.4 room_stats, room_state,
// room_stats_earliest_token, user_stats.
//
// Promises: every call runs on the Connection it is given, inside whatever transaction the
// caller holds there; a missing row is an empty optional or an empty list, never an exception;
// SQL errors throw storage::DatabaseError.
#pragma once

#include "storage/store_options.h"

namespace strata::storage {

class StatsStore {
 public:
  explicit StatsStore(const StoreOptions& options);

 private:
  StoreOptions options_;
};

}  // namespace strata::storage
