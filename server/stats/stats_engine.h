// The incremental room and user statistics of the 1.4+ stats engine (facts §4.1): applies
// current_state_delta_stream rows past stats_incremental_position to room_stats_current,
// room_stats_state and user_stats_current, then moves the position.
//
// Counts move by +1/-1 per membership change, as Synapse's handlers/stats.py did; they are
// never recomputed here, so absolute values a faulty population wrote (the 1.4-1.12 directory
// bug) persist until repopulated, exactly as on Synapse.
#pragma once

#include <cstdint>
#include <string>

#include "storage/database.h"

namespace strata::storage {
class StatsStore;
}

namespace strata::stats {

struct StatsSettings {
  std::string server_name;  // local_users_in_room counts users on this server
  int64_t now_ms = 0;
};

// Applies every pending delta in one transaction. Returns the new position. Does nothing (and
// returns 0) if the database has no stats_incremental_position table (releases before 1.4).
// REQUIRES: a writer connection with no transaction open; `store` made without legacy_stats.
int64_t ProcessStatsDeltas(const storage::StatsStore& store, storage::Connection& conn,
                           const StatsSettings& settings);

}  // namespace strata::stats
