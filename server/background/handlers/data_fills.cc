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
#include "util/logging.h"

namespace strata::background {
namespace {

using nlohmann::json;
using storage::Connection;
using storage::Engine;
using storage::Params;
using storage::Row;

constexpr const char* kLogger = "strata.background";

// ---------------------------------------------------------------------------------------------
// Shared helpers

// A text field of the progress record; "" when absent (a fresh update's `{}`) or not text.
std::string ProgressText(const json& progress, const char* key) {
  auto it = progress.find(key);
  return it != progress.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// One page of a keyset walk: `sql` selects the rows whose key sorts after the values bound from
// `after_key`, in key order, and ends in `LIMIT ?`. Every data update here walks its table this
// way, so a restart continues after the last key a committed batch saved.
std::vector<Row> PageAfter(Connection& conn, const std::string& sql, Params after_key,
                           int64_t limit) {
  after_key.emplace_back(static_cast<long long>(limit));
  return conn.Query(sql, after_key);
}

// "?, ?, ?" for an IN list of `n` values.
std::string Placeholders(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += i ? ", ?" : "?";
  return out;
}

// Runs `fn(sql_in_list, params)` over `keys` in slices small enough for either engine's limit
// on bound parameters (batch sizes grow with speed, and IN lists with them).
template <typename Fn>
void ForEachChunk(const std::vector<std::string>& keys, Fn&& fn) {
  constexpr size_t kChunk = 500;
  for (size_t start = 0; start < keys.size(); start += kChunk) {
    size_t end = std::min(keys.size(), start + kChunk);
    Params params(keys.begin() + static_cast<std::ptrdiff_t>(start),
                  keys.begin() + static_cast<std::ptrdiff_t>(end));
    fn("(" + Placeholders(end - start) + ")", params);
  }
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

int64_t NowMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

int64_t RowCount(const std::vector<Row>& rows) {
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

constexpr const char* kDeactivationCandidatesSql =
    "SELECT u.name, COUNT(t.token), COUNT(p.address) FROM users u "
    "LEFT JOIN access_tokens t ON t.user_id = u.name "
    "LEFT JOIN user_threepids p ON p.user_id = u.name "
    "WHERE (u.password_hash IS NULL OR u.password_hash = '') "
    "AND (u.appservice_id IS NULL OR u.appservice_id = '') "
    "AND u.is_guest = 0 AND u.name > ? "
    "GROUP BY u.name ORDER BY u.name LIMIT ?";

int64_t SetDeactivatedFlag(BatchContext& ctx, const json& progress, int64_t batch_size) {
  Connection& conn = ctx.conn();
  auto users =
      PageAfter(conn, kDeactivationCandidatesSql, {ProgressText(progress, "user_id")}, batch_size);
  if (users.empty()) {
    ctx.Finish();
    return 0;
  }
  for (const Row& user : users) {
    if (user.Int(1) == 0 && user.Int(2) == 0) {
      conn.Execute("UPDATE users SET deactivated = 1 WHERE name = ?", {user.Text(0)});
    }
  }
  ctx.SaveProgress({{"user_id", users.back().Text(0)}});
  // A short page was the last one: Synapse ends here rather than spending a batch on nothing.
  if (RowCount(users) < batch_size) ctx.Finish();
  return RowCount(users);
}

// ---------------------------------------------------------------------------------------------
// devices_last_seen (56/devices_last_seen.sql, 1.4.0)
//
// Copies each device's newest user_ips row (last_seen, ip, user_agent) into the devices columns
// 1.4 added. Devices are walked by (user_id, device_id); one with no user_ips row is left NULL.

constexpr const char* kNewestDeviceIpsSql =
    "SELECT ip.last_seen, ip.ip, ip.user_agent, newest.user_id, newest.device_id FROM ("
    "  SELECT d.user_id, d.device_id, MAX(i.last_seen) AS last_seen FROM devices d"
    "  INNER JOIN user_ips i ON i.user_id = d.user_id AND i.device_id = d.device_id"
    "  WHERE (d.user_id, d.device_id) > (?, ?)"
    "  GROUP BY d.user_id, d.device_id ORDER BY d.user_id, d.device_id LIMIT ?"
    ") newest INNER JOIN user_ips ip ON ip.user_id = newest.user_id"
    "  AND ip.device_id = newest.device_id AND ip.last_seen = newest.last_seen "
    "ORDER BY newest.user_id, newest.device_id";

int64_t FillDevicesLastSeen(BatchContext& ctx, const json& progress, int64_t batch_size) {
  Connection& conn = ctx.conn();
  auto rows =
      PageAfter(conn, kNewestDeviceIpsSql,
                {ProgressText(progress, "last_user_id"), ProgressText(progress, "last_device_id")},
                batch_size);
  if (rows.empty()) {
    ctx.Finish();
    return 0;
  }
  // Two user_ips rows sharing the newest last_seen update the device twice; the last one wins,
  // as in Synapse.
  for (const Row& row : rows) {
    conn.Execute(
        "UPDATE devices SET last_seen = ?, ip = ?, user_agent = ? "
        "WHERE user_id = ? AND device_id = ?",
        {row.OptText(0), row.OptText(1), row.OptText(2), row.Text(3), row.Text(4)});
  }
  ctx.SaveProgress(
      {{"last_user_id", rows.back().Text(3)}, {"last_device_id", rows.back().Text(4)}});
  return RowCount(rows);
}

// ---------------------------------------------------------------------------------------------
// event_store_labels (56/event_labels_background_update.sql, 1.6.0)
//
// Fills event_labels from the `org.matrix.labels` array of every stored event that has no label
// row yet (MSC2326), walking event_json by event_id.

constexpr const char* kLabelsKey = "org.matrix.labels";

constexpr const char* kUnlabelledEventsSql =
    "SELECT ej.event_id, ej.json FROM event_json ej "
    "LEFT JOIN event_labels el ON el.event_id = ej.event_id "
    "WHERE ej.event_id > ? AND el.label IS NULL ORDER BY ej.event_id LIMIT ?";

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
void StoreLabels(Connection& conn, const std::string& event_id, const std::string& json_text) {
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
    conn.Execute(
        "INSERT INTO event_labels (event_id, label, room_id, topological_ordering) "
        "VALUES (?, ?, ?, ?)",
        {event_id, label, room->get<std::string>(), static_cast<long long>(depth->get<int64_t>())});
  }
}

int64_t StoreEventLabels(BatchContext& ctx, const json& progress, int64_t batch_size) {
  Connection& conn = ctx.conn();
  auto events =
      PageAfter(conn, kUnlabelledEventsSql, {ProgressText(progress, "last_event_id")}, batch_size);
  if (events.empty()) {
    ctx.Finish();
    return 0;
  }
  for (const Row& event : events) StoreLabels(conn, event.Text(0), event.Text(1));
  ctx.SaveProgress({{"last_event_id", events.back().Text(0)}});
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
  const std::string after = ProgressText(progress, "last_event_id");
  auto redactions = PageAfter(
      conn, "SELECT event_id FROM redactions WHERE event_id > ? ORDER BY event_id LIMIT ?", {after},
      batch_size);
  if (redactions.empty()) {
    ctx.Finish();
    return 0;
  }
  const std::string upper = redactions.back().Text(0);
  conn.Execute(
      "UPDATE redactions SET received_ts = ("
      "  SELECT COALESCE(e.received_ts, e.origin_server_ts, ?) FROM events e"
      "  WHERE e.event_id = redactions.event_id) "
      "WHERE event_id > ? AND event_id <= ?",
      {static_cast<long long>(NowMs()), after, upper});
  ctx.SaveProgress({{"last_event_id", upper}});
  return RowCount(redactions);
}

// ---------------------------------------------------------------------------------------------
// event_fix_redactions_bytes (56/redaction_censor3_fix_update.sql.postgres, 1.4.1)
//
// PostgreSQL only: 1.4.0 could store a censored event's JSON hex-encoded ("\x7b..."); decode it
// back, then drop the helper index event_fix_redactions_bytes_create_index built for the job.

int64_t FixRedactionsBytes(BatchContext& ctx, const json&, int64_t) {
  Connection& conn = ctx.conn();
  if (conn.engine() == Engine::kPostgres) {
    conn.Execute(
        "UPDATE event_json SET json = convert_from(event_json.json::bytea, 'utf8') "
        "FROM redactions WHERE redactions.have_censored "
        "AND event_json.event_id = redactions.redacts AND event_json.json NOT LIKE '{%'");
  }
  // IF EXISTS: only the PostgreSQL delta queues this, but a row copied onto SQLite must still end.
  conn.Execute("DROP INDEX IF EXISTS redactions_censored_redacts");
  return FinishNow(ctx);
}

// ---------------------------------------------------------------------------------------------
// remove_tombstoned_rooms_from_directory (56/remove_tombstoned_rooms_from_directory.sql, 1.8.0)
//
// Unpublishes public rooms whose current state has an m.room.tombstone, as a room upgrade does
// today, recording each change on public_room_list_stream. Walks published rooms by room_id.

constexpr const char* kTombstonedPublicRoomsSql =
    "SELECT r.room_id FROM rooms r "
    "INNER JOIN current_state_events cse ON cse.room_id = r.room_id "
    "WHERE r.room_id > ? AND r.is_public "
    "AND cse.type = 'm.room.tombstone' AND cse.state_key = '' "
    "ORDER BY r.room_id LIMIT ?";

// The id Synapse's stream generator for public_room_list_stream hands out next: one past the
// larger of the table's maximum and 1 (its floor for an empty table).
int64_t NextPublicRoomStreamId(Connection& conn) {
  int64_t current = conn.QueryInt("SELECT MAX(stream_id) FROM public_room_list_stream").value_or(0);
  return std::max<int64_t>(current, 1) + 1;
}

// Synapse's set_room_is_public(room, false). Its check for a redundant stream row matches
// appservice_id = NULL, which never holds, so it always appends one; so does Strata.
void UnpublishRoom(Connection& conn, const std::string& room_id) {
  conn.Execute("UPDATE rooms SET is_public = ? WHERE room_id = ?", {false, room_id});
  conn.Execute(
      "INSERT INTO public_room_list_stream (stream_id, room_id, visibility, appservice_id, "
      "network_id) VALUES (?, ?, ?, NULL, NULL)",
      {static_cast<long long>(NextPublicRoomStreamId(conn)), room_id, false});
}

int64_t RemoveTombstonedRooms(BatchContext& ctx, const json& progress, int64_t batch_size) {
  Connection& conn = ctx.conn();
  auto rooms =
      PageAfter(conn, kTombstonedPublicRoomsSql, {ProgressText(progress, "room_id")}, batch_size);
  if (rooms.empty()) {
    ctx.Finish();
    return 0;
  }
  for (const Row& room : rooms) {
    STRATA_LOG(Info, kLogger) << "Removing tombstoned room " << room.Text(0)
                              << " from the directory";
    UnpublishRoom(conn, room.Text(0));
  }
  ctx.SaveProgress({{"room_id", rooms.back().Text(0)}});
  return RowCount(rooms);
}

// ---------------------------------------------------------------------------------------------
// insert_room_retention (56/room_retention.sql, 1.7.0)
//
// One room_retention row per m.room.retention event in current state, with the policy's
// min_lifetime / max_lifetime (NULL where absent, so the server default applies). Walks
// current_state_events by room_id.

constexpr const char* kRetentionStateSql =
    "SELECT cse.room_id, cse.event_id, ej.json FROM current_state_events cse "
    "LEFT JOIN event_json ej ON ej.event_id = cse.event_id "
    "WHERE cse.room_id > ? AND cse.type = 'm.room.retention' "
    "ORDER BY cse.room_id LIMIT ?";

// A lifetime from the policy; only integers fit the BIGINT column, anything else means "unset".
storage::Value Lifetime(const json* policy, const char* key) {
  if (!policy) return {};
  auto it = policy->find(key);
  if (it == policy->end() || !it->is_number_integer()) return {};
  return static_cast<long long>(it->get<int64_t>());
}

void InsertRetentionRow(Connection& conn, const Row& state) {
  std::optional<json> event = state.IsNull(2) ? std::nullopt : ParseObject(state.Text(2));
  const json* policy = event ? ContentOf(*event) : nullptr;
  // Insert-if-absent: the server may already have written the row for a policy sent while the
  // update was pending, and a duplicate key would fail the batch for good.
  if (conn.QueryValue("SELECT 1 FROM room_retention WHERE room_id = ? AND event_id = ?",
                      {state.Text(0), state.Text(1)})) {
    return;
  }
  conn.Execute(
      "INSERT INTO room_retention (room_id, event_id, min_lifetime, max_lifetime) "
      "VALUES (?, ?, ?, ?)",
      {state.Text(0), state.Text(1), Lifetime(policy, "min_lifetime"),
       Lifetime(policy, "max_lifetime")});
}

int64_t InsertRoomRetention(BatchContext& ctx, const json& progress, int64_t batch_size) {
  Connection& conn = ctx.conn();
  auto states =
      PageAfter(conn, kRetentionStateSql, {ProgressText(progress, "room_id")}, batch_size);
  if (states.empty()) {
    ctx.Finish();
    return batch_size;
  }
  for (const Row& state : states) InsertRetentionRow(conn, state);
  ctx.SaveProgress({{"room_id", states.back().Text(0)}});
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

std::vector<std::string> RoomsAfter(Connection& conn, const std::string& after, int64_t limit) {
  std::vector<std::string> rooms;
  for (const Row& row :
       PageAfter(conn,
                 "SELECT DISTINCT room_id FROM current_state_events WHERE room_id > ? "
                 "ORDER BY room_id LIMIT ?",
                 {after}, limit)) {
    rooms.push_back(row.Text(0));
  }
  return rooms;
}

// The rooms in (after, last] where some local user is joined.
std::set<std::string> RoomsWithLocalMembers(Connection& conn, const std::string& after,
                                            const std::string& last,
                                            const std::string& server_name) {
  std::set<std::string> rooms;
  for (const Row& row : conn.Query("SELECT room_id FROM current_state_events "
                                   "WHERE room_id > ? AND room_id <= ? "
                                   "AND type = 'm.room.member' AND membership = 'join' "
                                   "AND state_key LIKE ? GROUP BY room_id",
                                   {after, last, "%:" + server_name})) {
    rooms.insert(row.Text(0));
  }
  return rooms;
}

std::set<std::string> JoinedMembersOf(Connection& conn, const std::vector<std::string>& rooms) {
  std::set<std::string> users;
  ForEachChunk(rooms, [&](const std::string& in_list, const Params& params) {
    for (const Row& row :
         conn.Query("SELECT state_key FROM current_state_events WHERE room_id IN " + in_list +
                        " AND type = 'm.room.member' AND membership = 'join'",
                    params)) {
      users.insert(row.Text(0));
    }
  });
  return users;
}

void DeleteRoomsState(Connection& conn, const std::vector<std::string>& rooms) {
  ForEachChunk(rooms, [&](const std::string& in_list, const Params& params) {
    conn.Execute("DELETE FROM current_state_events WHERE room_id IN " + in_list, params);
    conn.Execute("DELETE FROM event_forward_extremities WHERE room_id IN " + in_list, params);
  });
}

// Stops tracking the device lists of those `users` who are joined to no room we still hold.
void UnsubscribeDeviceLists(Connection& conn, const std::set<std::string>& users) {
  std::vector<std::string> candidates(users.begin(), users.end());
  std::set<std::string> still_shared;
  ForEachChunk(candidates, [&](const std::string& in_list, const Params& params) {
    for (const Row& row : conn.Query("SELECT state_key FROM current_state_events "
                                     "WHERE type = 'm.room.member' AND membership = 'join' "
                                     "AND state_key IN " +
                                         in_list + " GROUP BY state_key",
                                     params)) {
      still_shared.insert(row.Text(0));
    }
  });
  for (const std::string& user : candidates) {
    if (still_shared.count(user)) continue;
    conn.Execute("DELETE FROM device_lists_remote_extremeties WHERE user_id = ?", {user});
  }
}

int64_t DeleteOldCurrentState(BatchContext& ctx, const json& progress, int64_t batch_size) {
  Connection& conn = ctx.conn();
  const std::string after = ProgressText(progress, "last_room_id");
  auto rooms = RoomsAfter(conn, after, batch_size);
  if (rooms.empty()) {
    ctx.Finish();
    return batch_size;
  }

  auto joined = RoomsWithLocalMembers(conn, after, rooms.back(), ctx.settings().server_name);
  std::vector<std::string> left;
  for (const std::string& room : rooms) {
    if (!joined.count(room)) left.push_back(room);
  }
  if (!left.empty()) {
    STRATA_LOG(Info, kLogger) << "Deleting current state of " << left.size()
                              << " rooms with no local members";
  }
  auto remote_members = JoinedMembersOf(conn, left);
  DeleteRoomsState(conn, left);
  ctx.SaveProgress({{"last_room_id", rooms.back()}});
  UnsubscribeDeviceLists(conn, remote_members);
  return batch_size;
}

// ---------------------------------------------------------------------------------------------
// remove_dup_outbound_pokes (58/02remove_dup_outbound_pokes.sql, 1.13.0, ordering 5800)
//
// device_lists_outbound_pokes gathered duplicate (stream_id, destination, user_id, device_id)
// rows; each duplicated key is replaced by one unsent row carrying the newest ts. Walks the
// duplicated keys in key order.

struct PokeKey {
  int64_t stream_id = 0;
  std::string destination, user_id, device_id;
};

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

constexpr const char* kDuplicatePokesSql =
    "SELECT stream_id, destination, user_id, device_id, MAX(ts) "
    "FROM device_lists_outbound_pokes "
    "WHERE (stream_id, destination, user_id, device_id) > (?, ?, ?, ?) "
    "GROUP BY stream_id, destination, user_id, device_id HAVING COUNT(*) > 1 "
    "ORDER BY stream_id, destination, user_id, device_id LIMIT ?";

void CollapsePoke(Connection& conn, const Row& dup) {
  Params key = {static_cast<long long>(dup.Int(0)), dup.Text(1), dup.Text(2), dup.Text(3)};
  conn.Execute(
      "DELETE FROM device_lists_outbound_pokes "
      "WHERE stream_id = ? AND destination = ? AND user_id = ? AND device_id = ?",
      key);
  key.emplace_back(false);
  key.emplace_back(static_cast<long long>(dup.Int(4)));
  conn.Execute(
      "INSERT INTO device_lists_outbound_pokes (stream_id, destination, user_id, device_id, "
      "sent, ts) VALUES (?, ?, ?, ?, ?, ?)",
      key);
}

int64_t RemoveDuplicateOutboundPokes(BatchContext& ctx, const json& progress, int64_t batch_size) {
  Connection& conn = ctx.conn();
  PokeKey last = LastPoke(progress);
  auto dups = PageAfter(
      conn, kDuplicatePokesSql,
      {static_cast<long long>(last.stream_id), last.destination, last.user_id, last.device_id},
      batch_size);
  if (dups.empty()) {
    ctx.Finish();
    return 0;
  }
  for (const Row& dup : dups) CollapsePoke(conn, dup);
  const Row& tail = dups.back();
  ctx.SaveProgress({{"last_row",
                     {{"stream_id", tail.Int(0)},
                      {"destination", tail.Text(1)},
                      {"user_id", tail.Text(2)},
                      {"device_id", tail.Text(3)},
                      {"ts", tail.Int(4)},
                      {"sent", false}}}});
  return RowCount(dups);
}

// ---------------------------------------------------------------------------------------------
// add_rooms_room_version_column (57/rooms_version_column.sql, 1.10.0)
//
// Fills rooms.room_version from the m.room.create event in current state (content.room_version,
// "1" when absent), adding the rooms row (not public, creator from the event) if it is missing.
// Walks current_state_events by room_id.

constexpr const char* kCreateEventsSql =
    "SELECT cse.room_id, ej.json FROM current_state_events cse "
    "INNER JOIN event_json ej ON ej.room_id = cse.room_id AND ej.event_id = cse.event_id "
    "WHERE cse.room_id > ? AND cse.type = 'm.room.create' AND cse.state_key = '' "
    "ORDER BY cse.room_id LIMIT ?";

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

void SetRoomVersion(Connection& conn, const std::string& room_id, const CreateInfo& info) {
  if (conn.Execute("UPDATE rooms SET room_version = ? WHERE room_id = ?",
                   {info.room_version, room_id}) > 0) {
    return;
  }
  conn.Execute("INSERT INTO rooms (room_id, room_version, is_public, creator) VALUES (?, ?, ?, ?)",
               {room_id, info.room_version, false, info.creator});
}

int64_t AddRoomsRoomVersion(BatchContext& ctx, const json& progress, int64_t batch_size) {
  Connection& conn = ctx.conn();
  auto creates = PageAfter(conn, kCreateEventsSql, {ProgressText(progress, "room_id")}, batch_size);
  if (creates.empty()) {
    ctx.Finish();
    return batch_size;
  }
  for (const Row& create : creates)
    SetRoomVersion(conn, create.Text(0), ReadCreateEvent(create.Text(1)));
  ctx.SaveProgress({{"room_id", creates.back().Text(0)}});
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

constexpr const char* kStagingRooms = "_temp_populate_stats_rooms";
constexpr const char* kStagingPosition = "_temp_populate_stats_position";

// Stages every room that has current state and no earliest-token row, biggest first to process,
// and records the state-delta position the old stats processor resumes from afterwards.
void BuildLegacyStatsStaging(Connection& conn) {
  const std::string rooms = kStagingRooms;
  const int64_t position =
      conn.QueryInt("SELECT COALESCE(MAX(stream_id), -1) FROM current_state_delta_stream")
          .value_or(-1);
  conn.Execute("DROP TABLE IF EXISTS " + rooms);
  conn.Execute("CREATE TABLE IF NOT EXISTS " + rooms +
               " (room_id TEXT NOT NULL, events BIGINT NOT NULL)");
  conn.Execute("CREATE INDEX " + rooms + "_events ON " + rooms + " (events)");
  conn.Execute("CREATE INDEX " + rooms + "_id ON " + rooms + " (room_id)");
  conn.Execute(std::string("CREATE TABLE IF NOT EXISTS ") + kStagingPosition +
               " (position TEXT NOT NULL)");
  conn.Execute("INSERT INTO " + rooms +
               " (room_id, events) SELECT c.room_id, COUNT(*) FROM current_state_events c "
               "LEFT JOIN room_stats_earliest_token t ON t.room_id = c.room_id "
               "WHERE t.room_id IS NULL GROUP BY c.room_id");
  conn.Execute(std::string("INSERT INTO ") + kStagingPosition + " (position) VALUES (?)",
               {std::to_string(position)});
}

int64_t PopulateStatsCreateTables(BatchContext& ctx, const json&, int64_t) {
  Connection& conn = ctx.conn();
  if (ctx.settings().stats_enabled && conn.TableExists("room_stats_earliest_token")) {
    BuildLegacyStatsStaging(conn);
  }
  return FinishNow(ctx);
}

// Moves the old stats processor to the staged position and drops the staging tables.
void FinishLegacyStatsStaging(Connection& conn) {
  auto position =
      conn.QueryValue(std::string("SELECT position FROM ") + kStagingPosition + " LIMIT 1");
  if (position && conn.TableExists("stats_stream_pos")) {
    conn.Execute("UPDATE stats_stream_pos SET stream_id = ?",
                 {static_cast<long long>(std::stoll(*position))});
  }
  conn.Execute(std::string("DROP TABLE IF EXISTS ") + kStagingRooms);
  conn.Execute(std::string("DROP TABLE IF EXISTS ") + kStagingPosition);
}

int64_t PopulateStatsCleanup(BatchContext& ctx, const json&, int64_t) {
  Connection& conn = ctx.conn();
  if (ctx.settings().stats_enabled && conn.TableExists(kStagingPosition)) {
    FinishLegacyStatsStaging(conn);
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
