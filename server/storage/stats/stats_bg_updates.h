// StatsBgUpdates: the pre-1.4 statistics chain's staging (populate_stats_createtables,
// populate_stats_cleanup; 54/stats.sql).
// Tables: _temp_populate_stats_rooms, _temp_populate_stats_position (created, filled, dropped),
// current_state_events, current_state_delta_stream, room_stats_earliest_token (read),
// stats_stream_pos (written).
//
// Promises: every call runs on the Connection it is given, inside the batch's transaction the
// runner holds there; SQL errors throw storage::DatabaseError. The tables are looked up per
// call: the handlers run on every schema an upgrade passes through.
#pragma once

#include "storage/store_options.h"

namespace strata::storage {

class StatsBgUpdates {
 public:
  explicit StatsBgUpdates(const StoreOptions& options);

  // The old stats tables are there (room_stats_earliest_token).
  bool HasLegacyStatsTables(Connection& conn) const;
  // Stages every room that has current state and no earliest-token row, and records the
  // state-delta position the old stats processor resumes from afterwards.
  void BuildLegacyStatsStaging(Connection& conn) const;
  // The staging tables are there.
  bool HasLegacyStatsStaging(Connection& conn) const;
  // Moves stats_stream_pos (if it exists) to the staged position and drops the staging tables.
  void FinishLegacyStatsStaging(Connection& conn) const;

 private:
  StoreOptions options_;
};

}  // namespace strata::storage
