// The room and user statistics of the 1.4+ ("separated") stats engine (facts §4.1, §6):
// absolute counts in room_stats_current / user_stats_current, the room's directory-facing state
// in room_stats_state, and time buckets in *_stats_historical.
//
// Recomputation reads memberships from current_state_events.membership, as Synapse's
// populate_stats_process_* did. A row whose membership is still NULL (the column added in 1.3.0
// and filled by a background update) counts as no membership at all: that is how a database
// upgraded straight from <= 1.2.1 ends up with joined_members = 0 (the 1.4-1.12 directory bug).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "storage/database.h"

namespace strata::storage {
class StatsStore;
}

namespace strata::stats {

// The position of the incremental processor: the newest current_state_delta_stream id, 0 for
// an empty stream.
int64_t CurrentDeltaStreamPosition(const storage::StatsStore& store, storage::Connection& conn);

// The end of the bucket that `now_ms` falls in, for historical rows.
int64_t BucketEnd(int64_t now_ms, int64_t bucket_size_ms);

struct RecomputeOptions {
  std::string server_name;  // for local_users_in_room
  int64_t now_ms = 0;
  int64_t bucket_size_ms = 24 * 3600 * 1000;
};

// Rewrites the room's room_stats_current (absolute values), room_stats_state and the current
// room_stats_historical bucket from its current state.
// REQUIRES: inside the caller's transaction on a writer connection; `store` made without
// legacy_stats.
void RecomputeRoomStats(const storage::StatsStore& store, storage::Connection& conn,
                        const std::string& room_id, const RecomputeOptions& options);

// Rewrites the user's user_stats_current.joined_rooms (and its historical bucket).
// REQUIRES: as RecomputeRoomStats.
void RecomputeUserStats(const storage::StatsStore& store, storage::Connection& conn,
                        const std::string& user_id, const RecomputeOptions& options);

}  // namespace strata::stats
