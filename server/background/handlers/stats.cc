// The 1.4+ stats population (56/stats_separated.sql): populate_stats_process_rooms recomputes
// every room with current state, populate_stats_process_users every local user. Both end at
// once when `stats.enabled` is false, as Synapse's did (so the tables stay empty).
#include "background/update_handler.h"
#include "stats/room_stats.h"
#include "storage/stats/stats_store.h"

namespace strata::background {
namespace {

stats::RecomputeOptions Options(const BatchContext& ctx) {
  return {ctx.settings().server_name, ctx.NowMs(), ctx.settings().stats_bucket_size_ms};
}

// The 1.4+ tables' store for the batch's connection (the population runs on 1.4+ schemas only).
storage::StatsStore StoreFor(BatchContext& ctx) {
  return storage::StatsStore(
      storage::StoreOptions{ctx.conn().engine(), {}, /*legacy_stats=*/false});
}

// One batch of a stats pass: the next `batch_size` keys after the saved one, each recomputed.
// `next_keys` is the store's (after, limit) listing of keys in order.
int64_t RecomputeNextKeys(BatchContext& ctx, const nlohmann::json& progress, int64_t batch_size,
                          const char* progress_key,
                          std::vector<std::string> (storage::StatsStore::*next_keys)(
                              storage::Connection&, const std::string&, int64_t) const,
                          void (*recompute)(const storage::StatsStore&, storage::Connection&,
                                            const std::string&, const stats::RecomputeOptions&)) {
  if (!ctx.settings().stats_enabled) {
    ctx.Finish();
    return 1;
  }
  auto& conn = ctx.conn();
  const storage::StatsStore store = StoreFor(ctx);
  std::string last = progress.value(progress_key, std::string());
  const auto keys = (store.*next_keys)(conn, last, batch_size);
  if (keys.empty()) {
    ctx.Finish();
    return 1;
  }
  const auto options = Options(ctx);
  for (const auto& key : keys) {
    last = key;
    recompute(store, conn, last, options);
  }
  ctx.SaveProgress({{progress_key, last}});
  return static_cast<int64_t>(keys.size());
}

int64_t ProcessRooms(BatchContext& ctx, const nlohmann::json& progress, int64_t batch_size) {
  return RecomputeNextKeys(ctx, progress, batch_size, "last_room_id",
                           &storage::StatsStore::RoomsWithStateAfter, stats::RecomputeRoomStats);
}

int64_t ProcessUsers(BatchContext& ctx, const nlohmann::json& progress, int64_t batch_size) {
  return RecomputeNextKeys(ctx, progress, batch_size, "last_user_id",
                           &storage::StatsStore::UsersAfter, stats::RecomputeUserStats);
}

}  // namespace

void RegisterStatsUpdates(HandlerRegistry& registry) {
  registry.Register("populate_stats_process_rooms", ProcessRooms);
  registry.Register("populate_stats_process_users", ProcessUsers);
}

}  // namespace strata::background
