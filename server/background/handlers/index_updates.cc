// Index updates: background updates whose whole job is to build one index (Synapse's
// register_background_index_update, facts §3.2).
//
//   PostgreSQL: DROP INDEX IF EXISTS, then CREATE [UNIQUE] INDEX ... [WHERE ...].
//   SQLite:     CREATE [UNIQUE] INDEX IF NOT EXISTS ..., never partial; nothing if psql_only.
//   Either way the update ends after its one batch. The SQL of each engine is in
//   storage/background_updates/{sqlite,postgres}/build_index.cc.
//
// Synapse builds the PostgreSQL index CONCURRENTLY on an autocommit connection, so writers are
// not blocked while it builds. Strata's runner wraps every batch in a transaction (the progress
// row and the work commit together), and PostgreSQL refuses CREATE INDEX CONCURRENTLY inside a
// transaction block, so the index is built with a plain CREATE INDEX. The index is the same;
// the cost is that writes to the table wait until the build commits.
//
// The table lists every pure index update Synapse 1.18 still registers. The first group is what
// the deltas of 1.0.0 .. 1.18.0 queue; the second was queued by pre-1.0 deltas and is kept so a
// database carried forward from 0.99 with one still pending does not stall on it.
#include <string>

#include "background/update_handler.h"
#include "storage/background_updates/background_update_store.h"

namespace strata::background {
namespace {

struct IndexSpec {
  const char* update;  // background_updates.update_name
  storage::IndexDefinition index;
};

constexpr IndexSpec kIndexUpdates[] = {
    // Queued by the 1.0.0 .. 1.18.0 deltas.
    {.update = "room_membership_forgotten_idx",  // 56/room_membership_idx.sql (1.3.0)
     .index = {.index = "room_memberships_user_room_forgotten",
               .table = "room_memberships",
               .columns = "user_id, room_id",
               .where = "forgotten = 1"}},
    {.update = "redactions_have_censored_ts_idx",  // 56/redaction_censor2.sql
     .index = {.index = "redactions_have_censored_ts",
               .table = "redactions",
               .columns = "received_ts",
               .where = "NOT have_censored"}},
    // 56/redaction_censor3_fix_update.sql.postgres (1.4.1); dropped by event_fix_redactions_bytes
    {.update = "event_fix_redactions_bytes_create_index",
     .index = {.index = "redactions_censored_redacts",
               .table = "redactions",
               .columns = "redacts",
               .where = "have_censored"}},
    {.update = "state_groups_room_id_idx",  // 56/state_group_room_idx.sql (1.8.0)
     .index = {.index = "state_groups_room_id_idx", .table = "state_groups", .columns = "room_id"}},

    // Queued before 1.0 and still handled by 1.18.
    {.update = "user_ips_device_index",
     .index = {.index = "user_ips_device_id",
               .table = "user_ips",
               .columns = "user_id, device_id, last_seen"}},
    {.update = "user_ips_last_seen_index",
     .index = {.index = "user_ips_last_seen",
               .table = "user_ips",
               .columns = "user_id, last_seen"}},
    {.update = "user_ips_last_seen_only_index",
     .index = {.index = "user_ips_last_seen_only", .table = "user_ips", .columns = "last_seen"}},
    {.update = "user_ips_device_unique_index",
     .index = {.index = "user_ips_user_token_ip_unique_index",
               .table = "user_ips",
               .columns = "user_id, access_token, ip",
               .unique = true}},
    {.update = "event_contains_url_index",
     .index = {.index = "event_contains_url_index",
               .table = "events",
               .columns = "room_id, topological_ordering, stream_ordering",
               .where = "contains_url = true AND outlier = false"}},
    {.update = "event_search_event_id_idx",  // SQLite's event_search is an FTS table
     .index = {.index = "event_search_event_id_idx",
               .table = "event_search",
               .columns = "event_id",
               .unique = true,
               .psql_only = true}},
    {.update = "access_tokens_device_index",
     .index = {.index = "access_tokens_device_id",
               .table = "access_tokens",
               .columns = "user_id, device_id"}},
    {.update = "users_creation_ts",
     .index = {.index = "users_creation_ts", .table = "users", .columns = "creation_ts"}},
    {.update = "current_state_members_idx",
     .index = {.index = "current_state_events_member_index",
               .table = "current_state_events",
               .columns = "state_key",
               .where = "type='m.room.member'"}},
    {.update = "event_to_state_groups_sg_index",
     .index = {.index = "event_to_state_groups_sg_index",
               .table = "event_to_state_groups",
               .columns = "state_group"}},
    {.update = "device_lists_stream_idx",
     .index = {.index = "device_lists_stream_user_id",
               .table = "device_lists_stream",
               .columns = "user_id, device_id"}},
    {.update = "device_lists_remote_cache_unique_idx",
     .index = {.index = "device_lists_remote_cache_unique_id",
               .table = "device_lists_remote_cache",
               .columns = "user_id, device_id",
               .unique = true}},
    {.update = "device_lists_remote_extremeties_unique_idx",
     .index = {.index = "device_lists_remote_extremeties_unique_idx",
               .table = "device_lists_remote_extremeties",
               .columns = "user_id",
               .unique = true}},
    {.update = "device_inbox_stream_index",
     .index = {.index = "device_inbox_stream_id_user_id",
               .table = "device_inbox",
               .columns = "stream_id, user_id"}},
    {.update = "local_media_repository_url_idx",
     .index = {.index = "local_media_repository_url_idx",
               .table = "local_media_repository",
               .columns = "created_ts",
               .where = "url_cache IS NOT NULL"}},
    {.update = "epa_highlight_index",
     .index = {.index = "event_push_actions_u_highlight",
               .table = "event_push_actions",
               .columns = "user_id, stream_ordering"}},
    {.update = "event_push_actions_highlights_index",
     .index = {.index = "event_push_actions_highlights_index",
               .table = "event_push_actions",
               .columns = "user_id, room_id, topological_ordering, stream_ordering",
               .where = "highlight=1"}},
};

int64_t BuildIndex(const IndexSpec& spec, BatchContext& ctx) {
  storage::BackgroundUpdateStore(ctx.store_options()).BuildIndex(ctx.conn(), spec.index);
  ctx.Finish();
  return 1;
}

}  // namespace

void RegisterIndexUpdates(HandlerRegistry& registry) {
  for (const IndexSpec& spec : kIndexUpdates) {
    registry.Register(spec.update, [&spec](BatchContext& ctx, const nlohmann::json&, int64_t) {
      return BuildIndex(spec, ctx);
    });
  }
}

}  // namespace strata::background
