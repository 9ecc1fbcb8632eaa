// The 1.4+ stats population (56/stats_separated.sql): populate_stats_process_rooms recomputes
// every room with current state, populate_stats_process_users every local user. Both end at
// once when `stats.enabled` is false, as Synapse's did (so the tables stay empty).
#include <chrono>

#include "background/update_handler.h"
#include "stats/room_stats.h"

namespace strata::background {
namespace {

int64_t NowMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

stats::RecomputeOptions Options(const BatchContext& ctx) {
  return {ctx.settings().server_name, NowMs(), ctx.settings().stats_bucket_size_ms};
}

// One batch of a stats pass: the next `batch_size` keys after the saved one, each recomputed.
// `select_keys` takes (after, limit) and returns keys in order.
int64_t RecomputeNextKeys(BatchContext& ctx, const nlohmann::json& progress, int64_t batch_size,
                          const char* progress_key, const char* select_keys,
                          void (*recompute)(storage::Connection&, const std::string&,
                                            const stats::RecomputeOptions&)) {
  if (!ctx.settings().stats_enabled) {
    ctx.Finish();
    return 1;
  }
  auto& conn = ctx.conn();
  std::string last = progress.value(progress_key, std::string());
  auto rows = conn.Query(select_keys, {last, batch_size});
  if (rows.empty()) {
    ctx.Finish();
    return 1;
  }
  const auto options = Options(ctx);
  for (const auto& row : rows) {
    last = row.Text(0);
    recompute(conn, last, options);
  }
  ctx.SaveProgress({{progress_key, last}});
  return static_cast<int64_t>(rows.size());
}

int64_t ProcessRooms(BatchContext& ctx, const nlohmann::json& progress, int64_t batch_size) {
  return RecomputeNextKeys(ctx, progress, batch_size, "last_room_id",
                           "SELECT DISTINCT room_id FROM current_state_events WHERE room_id > ? "
                           "ORDER BY room_id LIMIT ?",
                           stats::RecomputeRoomStats);
}

int64_t ProcessUsers(BatchContext& ctx, const nlohmann::json& progress, int64_t batch_size) {
  return RecomputeNextKeys(ctx, progress, batch_size, "last_user_id",
                           "SELECT name FROM users WHERE name > ? ORDER BY name LIMIT ?",
                           stats::RecomputeUserStats);
}

}  // namespace

void RegisterStatsUpdates(HandlerRegistry& registry) {
  registry.Register("populate_stats_process_rooms", ProcessRooms);
  registry.Register("populate_stats_process_users", ProcessUsers);
}

}  // namespace strata::background
