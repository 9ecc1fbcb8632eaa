#include "events/event_store.h"

#include <algorithm>

#include "crypto/event_hashing.h"
#include "crypto/room_versions.h"
#include "events/auth_rules.h"

namespace strata::events {
namespace {

using nlohmann::json;
using storage::Connection;
using storage::Params;

// Synapse's EventFormatVersions: 1 for room versions 1-2, 2 for 3, 3 for 4 and later.
int FormatVersion(const crypto::RoomVersion& v) {
  switch (v.event_id_format) {
    case crypto::EventIdFormat::kServerScoped:
      return 1;
    case crypto::EventIdFormat::kHashStdBase64:
      return 2;
    case crypto::EventIdFormat::kHashUrlBase64:
      return 3;
  }
  return 3;
}

std::string JsonText(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

json ParseOrNull(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  return j.is_discarded() ? json() : j;
}

// The events a new event is authorised by: create, power levels, the sender's membership and,
// for memberships, join rules and the target's membership.
std::vector<std::string> AuthEventIds(const EventDraft& d, const StateMap& state) {
  std::vector<StateKey> wanted = {
      {"m.room.create", ""}, {"m.room.power_levels", ""}, {"m.room.member", d.sender}};
  if (d.type == "m.room.member") {
    wanted.push_back({"m.room.join_rules", ""});
    wanted.push_back({"m.room.member", d.state_key.value_or("")});
  }
  std::vector<std::string> ids;
  for (const auto& key : wanted) {
    auto it = state.find(key);
    if (it != state.end() && std::find(ids.begin(), ids.end(), it->second) == ids.end()) {
      ids.push_back(it->second);
    }
  }
  return ids;
}

int64_t NextStateGroup(Connection& conn, const storage::SchemaFeatures& features) {
  if (features.state_group_sequence) {
    return conn.QueryInt("SELECT nextval('state_group_id_seq')").value_or(1);
  }
  return conn.QueryInt("SELECT COALESCE(MAX(id), 0) + 1 FROM state_groups").value_or(1);
}

}  // namespace

std::optional<std::string> RoomVersionOf(Connection& conn, const std::string& room_id) {
  // From the create event's JSON: Synapse 1.x left events.content NULL.
  auto create_id = conn.QueryValue(
      "SELECT event_id FROM current_state_events WHERE room_id = ? AND type = 'm.room.create' "
      "AND state_key = ''",
      {room_id});
  if (!create_id) return std::nullopt;
  json content = EventContent(conn, *create_id);
  if (content.is_object() && content.contains("room_version") &&
      content["room_version"].is_string()) {
    return content["room_version"].get<std::string>();
  }
  return std::string("1");
}

StateMap CurrentState(Connection& conn, const std::string& room_id) {
  StateMap state;
  for (const auto& row :
       conn.Query("SELECT type, state_key, event_id FROM current_state_events WHERE room_id = ?",
                  {room_id})) {
    state[{row.Text(0), row.Text(1)}] = row.Text(2);
  }
  return state;
}

json EventContent(Connection& conn, const std::string& event_id) {
  auto text = conn.QueryValue("SELECT json FROM event_json WHERE event_id = ?", {event_id});
  if (!text) return json();
  json pdu = ParseOrNull(*text);
  return pdu.is_object() && pdu.contains("content") ? pdu["content"] : json();
}

json ToClientEvent(const json& pdu, const std::string& event_id, int64_t now_ms) {
  json out = json::object();
  for (const char* key :
       {"type", "room_id", "sender", "content", "origin_server_ts", "state_key", "redacts"}) {
    if (pdu.contains(key)) out[key] = pdu[key];
  }
  out["event_id"] = event_id;
  json unsigned_part =
      pdu.contains("unsigned") && pdu["unsigned"].is_object() ? pdu["unsigned"] : json::object();
  if (pdu.contains("origin_server_ts") && pdu["origin_server_ts"].is_number_integer()) {
    unsigned_part["age"] = now_ms - pdu["origin_server_ts"].get<int64_t>();
  }
  out["unsigned"] = unsigned_part;
  return out;
}

std::vector<json> ClientEvents(Connection& conn, const std::vector<std::string>& event_ids,
                               int64_t now_ms) {
  std::vector<json> out;
  out.reserve(event_ids.size());
  for (const auto& id : event_ids) {
    auto text = conn.QueryValue("SELECT json FROM event_json WHERE event_id = ?", {id});
    if (!text) continue;
    json pdu = ParseOrNull(*text);
    if (!pdu.is_object()) continue;
    out.push_back(ToClientEvent(pdu, id, now_ms));
  }
  return out;
}

std::optional<std::string> MembershipOf(Connection& conn, const std::string& room_id,
                                        const std::string& user_id) {
  // room_memberships rather than current_state_events.membership: the latter is NULL until the
  // 1.3 background update has filled it.
  return conn.QueryValue(
      "SELECT m.membership FROM current_state_events c JOIN room_memberships m "
      "ON m.event_id = c.event_id WHERE c.room_id = ? AND c.type = 'm.room.member' "
      "AND c.state_key = ?",
      {room_id, user_id});
}

int64_t MaxStreamOrdering(Connection& conn) {
  return conn.QueryInt("SELECT COALESCE(MAX(stream_ordering), 0) FROM events").value_or(0);
}

Result<StoredEvent> Persist(Connection& conn, const EventContext& ctx, const EventDraft& d) {
  if (!d.content.is_object()) return Status::InvalidArgument("Event content must be an object");
  storage::Transaction txn(conn);

  const bool is_create = d.type == "m.room.create" && d.state_key == std::string("");
  std::string version_id = d.room_version;
  if (!is_create) {
    auto v = RoomVersionOf(conn, d.room_id);
    if (!v) return Status::NotFound("Unknown room " + d.room_id);
    version_id = *v;
  }
  const crypto::RoomVersion* version = crypto::FindRoomVersion(version_id);
  if (version == nullptr) return Status::InvalidArgument("Unsupported room version " + version_id);

  StateMap state = is_create ? StateMap{} : CurrentState(conn, d.room_id);
  Status auth = CheckAuth(d, [&](const std::string& type, const std::string& key) -> json {
    auto it = state.find({type, key});
    return it == state.end() ? json() : EventContent(conn, it->second);
  });
  if (!auth.ok()) return auth;

  std::vector<std::string> prev_events;
  for (const auto& row : conn.Query(
           "SELECT event_id FROM event_forward_extremities WHERE room_id = ?", {d.room_id})) {
    prev_events.push_back(row.Text(0));
  }
  std::sort(prev_events.begin(), prev_events.end());
  int64_t depth = 1;
  if (!prev_events.empty()) {
    depth = conn.QueryInt("SELECT COALESCE(MAX(depth), 0) + 1 FROM events WHERE room_id = ?",
                          {d.room_id})
                .value_or(1);
  }
  const int64_t now = ctx.now_ms();

  json pdu = {{"type", d.type},
              {"room_id", d.room_id},
              {"sender", d.sender},
              {"content", d.content},
              {"depth", depth},
              {"origin", ctx.server_name},
              {"origin_server_ts", now},
              {"prev_events", json::array()},
              {"auth_events", json::array()}};
  if (d.state_key) pdu["state_key"] = *d.state_key;
  const std::vector<std::string> auth_ids = AuthEventIds(d, state);
  const bool id_in_event = version->event_id_format == crypto::EventIdFormat::kServerScoped;
  std::string event_id;
  if (id_in_event) {
    event_id = crypto::NewServerScopedEventId(ctx.server_name);
    pdu["event_id"] = event_id;
  }
  for (const auto& id : prev_events) {
    if (id_in_event) {
      // v1-2 reference other events as [id, {"sha256": hash}]; the hash is kept alongside.
      auto hash = conn.QueryValue(
          "SELECT hash FROM event_reference_hashes WHERE event_id = ? AND algorithm = 'sha256'",
          {id});
      pdu["prev_events"].push_back(json::array({id, json{{"sha256", hash.value_or("")}}}));
    } else {
      pdu["prev_events"].push_back(id);
    }
  }
  for (const auto& id : auth_ids) {
    if (id_in_event) {
      pdu["auth_events"].push_back(json::array({id, json{{"sha256", ""}}}));
    } else {
      pdu["auth_events"].push_back(id);
    }
  }
  if (d.state_key) {
    auto prev = state.find({d.type, *d.state_key});
    if (prev != state.end()) pdu["unsigned"] = {{"replaces_state", prev->second}};
  }

  json signed_pdu = pdu;
  signed_pdu.erase("unsigned");
  if (Status s = crypto::HashAndSignEvent(signed_pdu, *version, ctx.server_name, ctx.signing_key);
      !s.ok()) {
    return Status::InvalidArgument(s.message());
  }
  if (!id_in_event) {
    auto id = crypto::ComputeEventId(signed_pdu, *version);
    if (!id.ok()) return Status::InvalidArgument(id.status().message());
    event_id = *id;
  }
  if (pdu.contains("unsigned")) signed_pdu["unsigned"] = pdu["unsigned"];

  const int64_t stream = MaxStreamOrdering(conn) + 1;
  json metadata = json::object();
  if (d.txn_id) metadata["txn_id"] = *d.txn_id;

  if (is_create) {
    if (ctx.features.rooms_room_version) {
      conn.Execute(
          "INSERT INTO rooms (room_id, is_public, creator, room_version) "
          "VALUES (?, ?, ?, ?)",
          {d.room_id, false, d.sender, version_id});
    } else {
      conn.Execute("INSERT INTO rooms (room_id, is_public, creator) VALUES (?, ?, ?)",
                   {d.room_id, false, d.sender});
    }
    conn.Execute("INSERT INTO room_depth (room_id, min_depth) VALUES (?, ?)", {d.room_id, depth});
  }

  conn.Execute(
      // content and unrecognized_keys stay NULL, as Synapse 1.x left them: the event is in
      // event_json.
      "INSERT INTO events (stream_ordering, topological_ordering, event_id, type, room_id, "
      "processed, outlier, depth, origin_server_ts, received_ts, sender, contains_url) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {stream, depth, event_id, d.type, d.room_id, true, false, depth, now, now, d.sender,
       d.content.contains("url") && d.content["url"].is_string()});
  json stored = signed_pdu;
  conn.Execute(
      "INSERT INTO event_json (event_id, room_id, internal_metadata, json, format_version) "
      "VALUES (?, ?, ?, ?, ?)",
      {event_id, d.room_id, JsonText(metadata), JsonText(stored), FormatVersion(*version)});
  for (const auto& prev : prev_events) {
    conn.Execute(
        "INSERT INTO event_edges (event_id, prev_event_id, room_id, is_state) "
        "VALUES (?, ?, ?, ?)",
        {event_id, prev, d.room_id, false});
  }
  for (const auto& auth_id : auth_ids) {
    conn.Execute("INSERT INTO event_auth (event_id, auth_id, room_id) VALUES (?, ?, ?)",
                 {event_id, auth_id, d.room_id});
  }
  conn.Execute("DELETE FROM event_forward_extremities WHERE room_id = ?", {d.room_id});
  conn.Execute("INSERT INTO event_forward_extremities (event_id, room_id) VALUES (?, ?)",
               {event_id, d.room_id});

  // State groups: the state after this event. A state event starts a new group holding only
  // its own entry, chained to the previous group; other events share the previous group.
  std::optional<int64_t> prev_group;
  if (!prev_events.empty()) {
    prev_group = conn.QueryInt("SELECT state_group FROM event_to_state_groups WHERE event_id = ?",
                               {prev_events.front()});
  }
  int64_t group = prev_group.value_or(0);
  if (d.state_key || !prev_group) {
    group = NextStateGroup(conn, ctx.features);
    conn.Execute("INSERT INTO state_groups (id, room_id, event_id) VALUES (?, ?, ?)",
                 {group, d.room_id, event_id});
    if (prev_group) {
      conn.Execute("INSERT INTO state_group_edges (state_group, prev_state_group) VALUES (?, ?)",
                   {group, *prev_group});
    }
    if (d.state_key) {
      conn.Execute(
          "INSERT INTO state_groups_state (state_group, room_id, type, state_key, "
          "event_id) VALUES (?, ?, ?, ?, ?)",
          {group, d.room_id, d.type, *d.state_key, event_id});
    }
  }
  conn.Execute("INSERT INTO event_to_state_groups (event_id, state_group) VALUES (?, ?)",
               {event_id, group});

  if (d.state_key) {
    auto prev = state.find({d.type, *d.state_key});
    std::optional<std::string> prev_id;
    if (prev != state.end()) prev_id = prev->second;
    conn.Execute(
        "INSERT INTO state_events (event_id, room_id, type, state_key, prev_state) "
        "VALUES (?, ?, ?, ?, ?)",
        {event_id, d.room_id, d.type, *d.state_key, prev_id});
    conn.Execute(
        "DELETE FROM current_state_events WHERE room_id = ? AND type = ? AND "
        "state_key = ?",
        {d.room_id, d.type, *d.state_key});
    std::optional<std::string> membership;
    if (d.type == "m.room.member") membership = d.content.value("membership", "");
    if (ctx.features.current_state_membership) {
      conn.Execute(
          "INSERT INTO current_state_events (event_id, room_id, type, state_key, "
          "membership) VALUES (?, ?, ?, ?, ?)",
          {event_id, d.room_id, d.type, *d.state_key, membership});
    } else {
      conn.Execute(
          "INSERT INTO current_state_events (event_id, room_id, type, state_key) "
          "VALUES (?, ?, ?, ?)",
          {event_id, d.room_id, d.type, *d.state_key});
    }
    conn.Execute(
        "INSERT INTO current_state_delta_stream (stream_id, room_id, type, state_key, "
        "event_id, prev_event_id) VALUES (?, ?, ?, ?, ?, ?)",
        {stream, d.room_id, d.type, *d.state_key, event_id, prev_id});
    if (d.type == "m.room.member") {
      auto text_field = [&](const char* key) -> std::optional<std::string> {
        if (d.content.contains(key) && d.content[key].is_string()) {
          return d.content[key].get<std::string>();
        }
        return std::nullopt;
      };
      conn.Execute(
          "INSERT INTO room_memberships (event_id, user_id, sender, room_id, "
          "membership, forgotten, display_name, avatar_url) "
          "VALUES (?, ?, ?, ?, ?, 0, ?, ?)",
          {event_id, *d.state_key, d.sender, d.room_id, *membership, text_field("displayname"),
           text_field("avatar_url")});
    }
  }
  txn.Commit();

  StoredEvent out;
  out.event_id = event_id;
  out.stream_ordering = stream;
  out.client_event = ToClientEvent(signed_pdu, event_id, now);
  return out;
}

}  // namespace strata::events
