// The statistics engine of Synapse 1.0-1.3 (schema 54 tables; facts §6, "1.4.0 stats rework"):
// applies current_state_delta_stream rows past stats_stream_pos to room_state, and to the time
// buckets of room_stats and user_stats, then moves stats_stream_pos.
//
// It keeps the old engine's rules, including its flaws, because a database it writes must read
// as one that release wrote:
//  - a delta only changes a subject that already has a bucket row; rows are made by the
//    population pass alone, so rooms created after it get room_state but no room_stats row;
//  - deltas at or before a room's room_stats_earliest_token are skipped;
//  - a missing membership counts as "leave" (a first join also takes one off left_members);
//  - only the membership counters move; current_state_events and state_events are absolute
//    values from the population pass;
//  - user_stats counts the local user's public or private rooms (public: join_rules "public"
//    or history_visibility "world_readable"), and all local members move between the two when
//    either state changes the answer.
// Buckets are in seconds: ts = received_ts / 1000 quantised to stats.bucket_size (seconds).
#pragma once

#include <cstdint>
#include <string>

#include "storage/database.h"

namespace strata::storage {
class StatsStore;
}

namespace strata::stats {

struct LegacyStatsSettings {
  std::string server_name;        // whose users get user_stats
  int64_t bucket_size_s = 86400;  // stats.bucket_size, in seconds as 1.1-1.3 kept it
  int64_t now_ms = 0;             // the population pass's bucket
};

// Processes every pending delta in one transaction and returns the new position, or -1 when
// there is nothing to do: no stats_stream_pos table (1.4+ schema) or no position yet while
// the populate_stats_* background chain is still queued. With no position and no chain queued
// (a database Strata created fresh), it first does what that chain does: one room_stats bucket
// with absolute counts, room_state and room_stats_earliest_token per room with current state,
// and the position set to the newest state delta.
// REQUIRES: a writer connection with no transaction open; `store` made with legacy_stats.
int64_t ProcessLegacyStatsDeltas(const storage::StatsStore& store, storage::Connection& conn,
                                 const LegacyStatsSettings& settings);

}  // namespace strata::stats
