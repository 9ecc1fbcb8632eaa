// Data updates: background updates that fill or clean rows, batch by batch, resuming from the
// key saved in progress_json. Each follows what Synapse 1.18's handler of the same name does to
// the database (tables, columns, batch order, progress keys, when it ends); the comment above
// each names the delta that queues it. Membership and stats updates live in membership.cc and
// stats.cc.
//
// Every handler runs inside the runner's transaction: work and progress commit together, so a
// batch interrupted half way is simply done again.
#include <algorithm>
#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "background/update_handler.h"
#include "storage/devices/device_bg_updates.h"
#include "storage/events/event_bg_updates.h"
#include "storage/rooms/room_bg_updates.h"
#include "storage/state/state_bg_updates.h"
#include "storage/stats/stats_bg_updates.h"
#include "storage/users/user_bg_updates.h"
#include "util/logging.h"

namespace strata::background {
namespace {

using nlohmann::json;
using storage::Connection;

constexpr const char* kLogger = "strata.background";

// ---------------------------------------------------------------------------------------------
// Shared helpers

// A text field of the progress record; "" when absent (a fresh update's `{}`) or not text.
std::string ProgressText(const json& progress, const char* key) {
  auto it = progress.find(key);
  return it != progress.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The text as a JSON object, or nullopt if it is not one.
std::optional<json> ParseObject(const std::string& text) {
  json value = json::parse(text, nullptr, false);
  if (value.is_discarded() || !value.is_object()) return std::nullopt;
  return value;
}

// The event's `content` object, or nullptr.
const json* ContentOf(const json& event) {
  auto it = event.find("content");
  return it != event.end() && it->is_object() ? &*it : nullptr;
}

template <typename T>
int64_t RowCount(const std::vector<T>& rows) {
  return static_cast<int64_t>(rows.size());
}

// Ends an update that is done (or that has nothing to do here); Synapse counts it one item.
int64_t FinishNow(BatchContext& ctx) {
  ctx.Finish();
  return 1;
}

// ---------------------------------------------------------------------------------------------
// users_set_deactivated_flag (55/users_alter_deactivated.sql, 1.1.0)
//
// users.deactivated arrived in 1.1; before it, a deactivated account was one with no password,
// no access token and no third-party id. Non-guest, non-appservice users are walked by name.

int64_t SetDeactivatedFlag(BatchContext& ctx, const json& progress, int64_t batch_size) {
  Connection& conn = ctx.conn();
  const storage::UserBgUpdates store(ctx.store_options());
  auto users = store.DeactivationCandidates(conn, ProgressText(progress, "user_id"), batch_size);
  if (users.empty()) {
    ctx.Finish();
    return 0;
  }
  for (const auto& user : users) {
    if (user.tokens == 0 && user.threepids == 0) store.MarkDeactivated(conn, user.name);
  }
  ctx.SaveProgress({{"user_id", users.back().name}});
  // A short page was the last one: Synapse ends here rather than spending a batch on nothing.
  if (RowCount(users) < batch_size) ctx.Finish();
  return RowCount(users);
}

// ---------------------------------------------------------------------------------------------
// devices_last_seen (56/devices_last_seen.sql, 1.4.0)
//
// Copies each device's newest user_ips row (last_seen, ip, user_agent) into the devices columns
// 1.4 added. Devices are walked by (user_id, device_id); one with no user_ips row is left NULL.

int64_t FillDevicesLastSeen(BatchContext& ctx, const json& progress, int64_t batch_size) {
  Connection& conn = ctx.conn();
  const storage::DeviceBgUpdates store(ctx.store_options());
  auto rows = store.NewestDeviceIps(conn, ProgressText(progress, "last_user_id"),
                                    ProgressText(progress, "last_device_id"), batch_size);
  if (rows.empty()) {
    ctx.Finish();
    return 0;
  }
  // Two user_ips rows sharing the newest last_seen update the device twice; the last one wins,
  // as in Synapse.
  for (const auto& row : rows) store.SetLastSeen(conn, row);
  ctx.SaveProgress(
      {{"last_user_id", rows.back().user_id}, {"last_device_id", rows.back().device_id}});
  return RowCount(rows);
}

// ---------------------------------------------------------------------------------------------
// event_store_labels (56/event_labels_background_update.sql, 1.6.0)
//
// Fills event_labels from the `org.matrix.labels` array of every stored event that has no label
// row yet (MSC2326), walking event_json by event_id.

constexpr const char* kLabelsKey = "org.matrix.labels";

// The event's string labels, each once (a repeated label would break event_labels' primary key
// and with it the whole batch). Anything but an array carries no labels.
std::vector<std::string> LabelsOf(const json& event) {
  std::set<std::string> labels;
  const json* content = ContentOf(event);
  if (!content) return {};
  auto it = content->find(kLabelsKey);
  if (it == content->end() || !it->is_array()) return {};
  for (const json& label : *it) {
    if (label.is_string()) labels.insert(label.get<std::string>());
  }
  return {labels.begin(), labels.end()};
}

// Writes one event's labels. An event whose JSON is unusable gets none, with a warning; it still
// counts as processed so the walk moves past it.
void StoreLabels(Connection& conn, const storage::EventBgUpdates& store,
                 const std::string& event_id, const std::string& json_text) {
  auto event = ParseObject(json_text);
  auto labels = event ? LabelsOf(*event) : std::vector<std::string>{};
  if (labels.empty()) {
    if (!event) {
      STRATA_LOG(Warning, kLogger) << "Unable to load event " << event_id
                                   << " (no labels will be imported): not a JSON object";
    }
    return;
  }
  auto room = event->find("room_id");
  auto depth = event->find("depth");
  if (room == event->end() || !room->is_string() || depth == event->end() ||
      !depth->is_number_integer()) {
    STRATA_LOG(Warning, kLogger) << "Unable to load event " << event_id
                                 << " (no labels will be imported): no room_id or depth";
    return;
  }
  for (const std::string& label : labels) {
    store.InsertLabel(conn, event_id, label, room->get<std::string>(), depth->get<int64_t>());
  }
}

int64_t StoreEventLabels(BatchContext& ctx, const json& progress, int64_t batch_size) {
  Connection& conn = ctx.conn();
  const storage::EventBgUpdates store(ctx.store_options());
  auto events = store.UnlabelledEvents(conn, ProgressText(progress, "last_event_id"), batch_size);
  if (events.empty()) {
    ctx.Finish();
    return 0;
  }
  for (const auto& event : events) StoreLabels(conn, store, event.event_id, event.json);
  ctx.SaveProgress({{"last_event_id", events.back().event_id}});
  return RowCount(events);
}

// ---------------------------------------------------------------------------------------------
// redactions_received_ts (56/redaction_censor2.sql, 1.4.0)
//
// Fills redactions.received_ts (new in 1.4, used to censor old redactions) from the redaction
// event's received_ts, else its origin_server_ts, else now: left NULL, a redaction would never
// be censored. Walks redactions by event_id.

int64_t FillRedactionsReceivedTs(BatchContext& ctx, const json& progress, int64_t batch_size) {
  Connection& conn = ctx.conn();
  const storage::EventBgUpdates store(ctx.store_options());
  const std::string after = ProgressText(progress, "last_event_id");
  auto redactions = store.RedactionsAfter(conn, after, batch_size);
  if (redactions.empty()) {
    ctx.Finish();
    return 0;
  }
  const std::string upper = redactions.back();
  store.FillRedactionsReceivedTs(conn, after, upper, ctx.NowMs());
  ctx.SaveProgress({{"last_event_id", upper}});
  return RowCount(redactions);
}

// ---------------------------------------------------------------------------------------------
// event_fix_redactions_bytes (56/redaction_censor3_fix_update.sql.postgres, 1.4.1)
//
// PostgreSQL only: 1.4.0 could store a censored event's JSON hex-encoded ("\x7b..."); decode it
// back, then drop the helper index event_fix_redactions_bytes_create_index built for the job.

int64_t FixRedactionsBytes(BatchContext& ctx, const json&, int64_t) {
  storage::EventBgUpdates(ctx.store_options()).FixRedactionsBytes(ctx.conn());
  return FinishNow(ctx);
}

// ---------------------------------------------------------------------------------------------
// remove_tombstoned_rooms_from_directory (56/remove_tombstoned_rooms_from_directory.sql, 1.8.0)
//
// Unpublishes public rooms whose current state has an m.room.tombstone, as a room upgrade does
// today, recording each change on public_room_list_stream. Walks published rooms by room_id.

int64_t RemoveTombstonedRooms(BatchContext& ctx, const json& progress, int64_t batch_size) {
  Connection& conn = ctx.conn();
  const storage::RoomBgUpdates store(ctx.store_options());
  auto rooms = store.TombstonedPublicRooms(conn, ProgressText(progress, "room_id"), batch_size);
  if (rooms.empty()) {
    ctx.Finish();
    return 0;
  }
  // Synapse's set_room_is_public(room, false). Its check for a redundant stream row matches
  // appservice_id = NULL, which never holds, so it always appends one; so does Strata.
  for (const std::string& room : rooms) {
    STRATA_LOG(Info, kLogger) << "Removing tombstoned room " << room << " from the directory";
    store.Unpublish(conn, room);
  }
  ctx.SaveProgress({{"room_id", rooms.back()}});
  return RowCount(rooms);
}

// ---------------------------------------------------------------------------------------------
// insert_room_retention (56/room_retention.sql, 1.7.0)
//
// One room_retention row per m.room.retention event in current state, with the policy's
// min_lifetime / max_lifetime (NULL where absent, so the server default applies). Walks
// current_state_events by room_id.

// A lifetime from the policy; only integers fit the BIGINT column, anything else means "unset".
std::optional<int64_t> Lifetime(const json* policy, const char* key) {
  if (!policy) return std::nullopt;
  auto it = policy->find(key);
  if (it == policy->end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int64_t>();
}

void InsertRetentionRow(Connection& conn, const storage::RoomBgUpdates& store,
                        const storage::RoomStateJson& state) {
  std::optional<json> event = state.json ? ParseObject(*state.json) : std::nullopt;
  const json* policy = event ? ContentOf(*event) : nullptr;
  // Insert-if-absent: the server may already have written the row for a policy sent while the
  // update was pending, and a duplicate key would fail the batch for good.
  store.InsertRetentionIfAbsent(conn, state.room_id, state.event_id,
                                Lifetime(policy, "min_lifetime"), Lifetime(policy, "max_lifetime"));
}

int64_t InsertRoomRetention(BatchContext& ctx, const json& progress, int64_t batch_size) {
  Connection& conn = ctx.conn();
  const storage::RoomBgUpdates store(ctx.store_options());
  auto states = store.RetentionState(conn, ProgressText(progress, "room_id"), batch_size);
  if (states.empty()) {
    ctx.Finish();
    return batch_size;
  }
  for (const auto& state : states) InsertRetentionRow(conn, store, state);
  ctx.SaveProgress({{"room_id", states.back().room_id}});
  if (RowCount(states) < batch_size) ctx.Finish();
  return batch_size;  // Synapse reports the batch size, not the rows, to its speed estimate
}

// ---------------------------------------------------------------------------------------------
// delete_old_current_state_events (57/delete_old_current_state_events.sql, 1.10.0; from 1.11
// it waits for current_state_events_membership)
//
// Drops current_state_events and event_forward_extremities of every room where no local user
// (state_key LIKE '%:<server_name>') has membership 'join' according to the membership column.
// Remote users who shared no other room with us then lose their device-list subscription
// (device_lists_remote_extremeties), since updates for them may have been missed. Walks rooms
// by room_id.

int64_t DeleteOldCurrentState(BatchContext& ctx, const json& progress, int64_t batch_size) {
  Connection& conn = ctx.conn();
  const storage::StateBgUpdates store(ctx.store_options());
  const std::string after = ProgressText(progress, "last_room_id");
  auto rooms = store.RoomsAfter(conn, after, batch_size);
  if (rooms.empty()) {
    ctx.Finish();
    return batch_size;
  }

  auto joined = store.RoomsWithLocalMembers(conn, after, rooms.back(), ctx.settings().server_name);
  std::vector<std::string> left;
  for (const std::string& room : rooms) {
    if (!joined.count(room)) left.push_back(room);
  }
  if (!left.empty()) {
    STRATA_LOG(Info, kLogger) << "Deleting current state of " << left.size()
                              << " rooms with no local members";
  }
  auto remote_members = store.JoinedMembersOf(conn, left);
  store.DeleteRoomsState(conn, left);
  ctx.SaveProgress({{"last_room_id", rooms.back()}});
  // Remote users who now share no room with us lose their device-list subscription.
  store.UnsubscribeDeviceLists(conn, remote_members);
  return batch_size;
}

// ---------------------------------------------------------------------------------------------
// remove_dup_outbound_pokes (58/02remove_dup_outbound_pokes.sql, 1.13.0, ordering 5800)
//
// device_lists_outbound_pokes gathered duplicate (stream_id, destination, user_id, device_id)
// rows; each duplicated key is replaced by one unsent row carrying the newest ts. Walks the
// duplicated keys in key order.

using storage::PokeKey;

PokeKey LastPoke(const json& progress) {
  PokeKey key;
  auto it = progress.find("last_row");
  if (it == progress.end() || !it->is_object()) return key;
  const json& row = *it;
  if (auto s = row.find("stream_id"); s != row.end() && s->is_number_integer()) {
    key.stream_id = s->get<int64_t>();
  }
  key.destination = ProgressText(row, "destination");
  key.user_id = ProgressText(row, "user_id");
  key.device_id = ProgressText(row, "device_id");
  return key;
}

int64_t RemoveDuplicateOutboundPokes(BatchContext& ctx, const json& progress, int64_t batch_size) {
  Connection& conn = ctx.conn();
  const storage::DeviceBgUpdates store(ctx.store_options());
  auto dups = store.DuplicatePokes(conn, LastPoke(progress), batch_size);
  if (dups.empty()) {
    ctx.Finish();
    return 0;
  }
  for (const auto& dup : dups) store.CollapsePoke(conn, dup);
  const auto& tail = dups.back();
  ctx.SaveProgress({{"last_row",
                     {{"stream_id", tail.key.stream_id},
                      {"destination", tail.key.destination},
                      {"user_id", tail.key.user_id},
                      {"device_id", tail.key.device_id},
                      {"ts", tail.newest_ts},
                      {"sent", false}}}});
  return RowCount(dups);
}

// ---------------------------------------------------------------------------------------------
// add_rooms_room_version_column (57/rooms_version_column.sql, 1.10.0)
//
// Fills rooms.room_version from the m.room.create event in current state (content.room_version,
// "1" when absent), adding the rooms row (not public, creator from the event) if it is missing.
// Walks current_state_events by room_id.

struct CreateInfo {
  std::string room_version = "1";  // the version of a room whose create event names none
  std::optional<std::string> creator;
};

CreateInfo ReadCreateEvent(const std::string& json_text) {
  CreateInfo info;
  auto event = ParseObject(json_text);
  const json* content = event ? ContentOf(*event) : nullptr;
  if (!content) return info;
  if (auto v = content->find("room_version"); v != content->end() && !v->is_null()) {
    info.room_version = v->is_string() ? v->get<std::string>() : v->dump();
  }
  if (auto c = content->find("creator"); c != content->end() && c->is_string()) {
    info.creator = c->get<std::string>();
  }
  return info;
}

int64_t AddRoomsRoomVersion(BatchContext& ctx, const json& progress, int64_t batch_size) {
  Connection& conn = ctx.conn();
  const storage::RoomBgUpdates store(ctx.store_options());
  auto creates = store.CreateEvents(conn, ProgressText(progress, "room_id"), batch_size);
  if (creates.empty()) {
    ctx.Finish();
    return batch_size;
  }
  for (const auto& create : creates) {
    const CreateInfo info = ReadCreateEvent(create.json.value_or(""));
    store.SetRoomVersion(conn, create.room_id, info.room_version, info.creator);
  }
  ctx.SaveProgress({{"room_id", creates.back().room_id}});
  return batch_size;
}

// ---------------------------------------------------------------------------------------------
// The stats chain of 1.0-1.3 (54/stats.sql): populate_stats_createtables ->
// populate_stats_process_rooms -> populate_stats_cleanup, over the old tables (room_stats,
// room_state, user_stats, room_stats_earliest_token, stats_stream_pos) and two staging tables.
// 1.4's 56/stats_separated.sql drops those tables and deletes these rows, and from 1.4 Synapse
// registers populate_stats_cleanup / populate_stats_prepare as no-ops. The handlers below do the
// old work while the old tables are there and end at once otherwise, which is each release's
// behaviour for the schema it runs on. (populate_stats_process_rooms is in stats.cc.)

int64_t PopulateStatsCreateTables(BatchContext& ctx, const json&, int64_t) {
  // Stages every room that has current state and no earliest-token row, biggest first to
  // process, and records the state-delta position the old stats processor resumes from.
  const storage::StatsBgUpdates store(ctx.store_options());
  if (ctx.settings().stats_enabled && store.HasLegacyStatsTables(ctx.conn())) {
    store.BuildLegacyStatsStaging(ctx.conn());
  }
  return FinishNow(ctx);
}

int64_t PopulateStatsCleanup(BatchContext& ctx, const json&, int64_t) {
  // Moves the old stats processor to the staged position and drops the staging tables.
  const storage::StatsBgUpdates store(ctx.store_options());
  if (ctx.settings().stats_enabled && store.HasLegacyStatsStaging(ctx.conn())) {
    store.FinishLegacyStatsStaging(ctx.conn());
  }
  return FinishNow(ctx);
}

// ---------------------------------------------------------------------------------------------
// Retired updates Synapse 1.18 ends on sight: a row for them may linger in an old database.

int64_t EndRetired(BatchContext& ctx, const json&, int64_t) {
  return FinishNow(ctx);
}

constexpr const char* kRetiredUpdates[] = {
    "populate_stats_prepare",       // a step of the stats rework's development; no-op when released
    "refresh_tokens_device_index",  // refresh tokens are gone; their index is not wanted
    // Queued during the 1.14 release cycle only, then replaced by 58/06dlols_unique_idx.py.
    "device_lists_outbound_last_success_unique_idx",
    "drop_device_lists_outbound_last_success_non_unique_idx",
};

}  // namespace

void RegisterDataFillUpdates(HandlerRegistry& registry) {
  registry.Register("users_set_deactivated_flag", SetDeactivatedFlag);
  registry.Register("devices_last_seen", FillDevicesLastSeen);
  registry.Register("event_store_labels", StoreEventLabels);
  registry.Register("redactions_received_ts", FillRedactionsReceivedTs);
  registry.Register("event_fix_redactions_bytes", FixRedactionsBytes);
  registry.Register("remove_tombstoned_rooms_from_directory", RemoveTombstonedRooms);
  registry.Register("insert_room_retention", InsertRoomRetention);
  registry.Register("delete_old_current_state_events", DeleteOldCurrentState);
  registry.Register("remove_dup_outbound_pokes", RemoveDuplicateOutboundPokes);
  registry.Register("add_rooms_room_version_column", AddRoomsRoomVersion);
  registry.Register("populate_stats_createtables", PopulateStatsCreateTables);
  registry.Register("populate_stats_cleanup", PopulateStatsCleanup);
  for (const char* name : kRetiredUpdates) registry.Register(name, EndRetired);
}

}  // namespace strata::background
