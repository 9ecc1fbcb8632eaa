// current_state_events_membership (queued by 56/current_state_events_membership_mk2.sql, 1.3.0):
// fills the membership column that 56/current_state_events_membership.sql added as NULL.
//
// It walks rooms in room_id order and updates whole rooms until the batch has touched at least
// `batch_size` rows (every current-state row of a room counts, member event or not). With the
// first batch at 100 rows, a database with ~130 rows per room gets one room done per batch,
// which is what lets pre-1.13 round robin run populate_stats_process_rooms ahead of it.
#include "background/update_handler.h"
#include "storage/state/state_bg_updates.h"

namespace strata::background {
namespace {

int64_t FillMembershipColumn(BatchContext& ctx, const nlohmann::json& progress,
                             int64_t batch_size) {
  auto& conn = ctx.conn();
  const storage::StateBgUpdates store(ctx.store_options());
  std::string last_room = progress.value("last_processed_room", std::string());
  int64_t processed = 0;
  while (processed < batch_size) {
    auto next = store.NextRoomAfter(conn, last_room);
    if (!next) {
      ctx.Finish();
      return processed;
    }
    processed += store.FillMembershipColumn(conn, *next);
    last_room = *next;
  }
  ctx.SaveProgress({{"last_processed_room", last_room}});
  return processed;
}

}  // namespace

void RegisterMembershipUpdates(HandlerRegistry& registry) {
  registry.Register("current_state_events_membership", FillMembershipColumn);
}

}  // namespace strata::background
