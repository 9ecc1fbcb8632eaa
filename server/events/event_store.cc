#include "events/event_store.h"

#include <algorithm>

#include "crypto/event_hashing.h"
#include "crypto/room_versions.h"
#include "events/auth_rules.h"
#include "storage/events/event_store.h"
#include "storage/membership/membership_store.h"
#include "storage/rooms/room_store.h"
#include "storage/state/state_store.h"
#include "storage/stores.h"

namespace strata::events {
namespace {

using nlohmann::json;
using storage::Connection;

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

// Everything Persist has decided about the event it writes.
struct PersistPlan {
  explicit PersistPlan(const EventDraft& d) : draft(d) {}

  const EventDraft& draft;
  std::string event_id;
  std::string room_version;
  const crypto::RoomVersion* version = nullptr;
  bool is_create = false;
  int64_t stream = 0;
  int64_t depth = 0;
  int64_t now = 0;
  std::vector<std::string> prev_events;
  std::vector<std::string> auth_ids;
  std::optional<std::string> prev_state_id;  // the state event this one replaces
  json metadata;                             // internal_metadata
  json stored;                               // the signed PDU, as event_json.json
};

// Step 1 (m.room.create only): the rooms row and room_depth.
void StoreRoom(const storage::Stores& st, Connection& conn, const PersistPlan& p) {
  if (!p.is_create) return;
  st.rooms->InsertRoom(conn, p.draft.room_id, p.draft.sender, p.room_version);
  st.events->InsertRoomDepth(conn, p.draft.room_id, p.depth);
}

// Step 2: events and event_json.
void StoreEventRows(const storage::Stores& st, Connection& conn, const PersistPlan& p) {
  const EventDraft& d = p.draft;
  storage::EventRow row;
  row.stream_ordering = p.stream;
  row.depth = p.depth;
  row.event_id = p.event_id;
  row.type = d.type;
  row.room_id = d.room_id;
  row.origin_server_ts = p.now;
  row.sender = d.sender;
  row.contains_url = d.content.contains("url") && d.content["url"].is_string();
  st.events->InsertEvent(conn, row);
  st.events->InsertEventJson(conn, p.event_id, d.room_id, JsonText(p.metadata), JsonText(p.stored),
                             FormatVersion(*p.version));
}

// Step 3: the event graph: event_edges, event_auth, event_forward_extremities.
void StoreGraph(const storage::Stores& st, Connection& conn, const PersistPlan& p) {
  st.events->InsertEdges(conn, p.event_id, p.draft.room_id, p.prev_events);
  st.events->InsertAuth(conn, p.event_id, p.draft.room_id, p.auth_ids);
  st.events->ReplaceForwardExtremities(conn, p.draft.room_id, p.event_id);
}

// Step 4: state groups, the state after this event. A state event starts a new group holding
// only its own entry, chained to the previous group; other events share the previous group.
void StoreStateGroup(const storage::Stores& st, Connection& conn, const PersistPlan& p) {
  const EventDraft& d = p.draft;
  std::optional<int64_t> prev_group;
  if (!p.prev_events.empty()) prev_group = st.state->StateGroupOf(conn, p.prev_events.front());
  int64_t group = prev_group.value_or(0);
  if (d.state_key || !prev_group) {
    group = st.state->NextStateGroup(conn);
    st.state->InsertStateGroup(conn, group, d.room_id, p.event_id, prev_group);
    if (d.state_key) {
      st.state->InsertStateGroupEntry(conn, group, d.room_id, d.type, *d.state_key, p.event_id);
    }
  }
  st.state->InsertEventToStateGroup(conn, p.event_id, group);
}

// Step 5 (state events only): state_events, current_state_events, current_state_delta_stream.
void StoreCurrentState(const storage::Stores& st, Connection& conn, const PersistPlan& p) {
  const EventDraft& d = p.draft;
  if (!d.state_key) return;
  st.state->InsertStateEvent(conn, p.event_id, d.room_id, d.type, *d.state_key, p.prev_state_id);
  std::optional<std::string> membership;
  if (d.type == "m.room.member") membership = d.content.value("membership", "");
  st.state->ReplaceCurrentState(conn, p.event_id, d.room_id, d.type, *d.state_key, membership);
  st.state->InsertCurrentStateDelta(conn, p.stream, d.room_id, d.type, *d.state_key, p.event_id,
                                    p.prev_state_id);
}

// Step 6 (m.room.member only): room_memberships.
void StoreMembership(const storage::Stores& st, Connection& conn, const PersistPlan& p) {
  const EventDraft& d = p.draft;
  if (!d.state_key || d.type != "m.room.member") return;
  auto text_field = [&](const char* key) -> std::optional<std::string> {
    if (d.content.contains(key) && d.content[key].is_string()) {
      return d.content[key].get<std::string>();
    }
    return std::nullopt;
  };
  storage::MembershipRow row;
  row.event_id = p.event_id;
  row.user_id = *d.state_key;
  row.sender = d.sender;
  row.room_id = d.room_id;
  row.membership = d.content.value("membership", "");
  row.display_name = text_field("displayname");
  row.avatar_url = text_field("avatar_url");
  st.membership->InsertMembership(conn, row);
}

}  // namespace

std::optional<std::string> RoomVersionOf(const storage::Stores& stores, Connection& conn,
                                         const std::string& room_id) {
  // From the create event's JSON: Synapse 1.x left events.content NULL.
  auto create_id = stores.state->CurrentStateEventId(conn, room_id, "m.room.create", "");
  if (!create_id) return std::nullopt;
  json content = EventContent(stores, conn, *create_id);
  if (content.is_object() && content.contains("room_version") &&
      content["room_version"].is_string()) {
    return content["room_version"].get<std::string>();
  }
  return std::string("1");
}

StateMap CurrentState(const storage::Stores& stores, Connection& conn, const std::string& room_id) {
  StateMap state;
  for (const auto& row : stores.state->CurrentState(conn, room_id)) {
    state[{row.type, row.state_key}] = row.event_id;
  }
  return state;
}

json EventContent(const storage::Stores& stores, Connection& conn, const std::string& event_id) {
  auto text = stores.events->EventJson(conn, event_id);
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

std::vector<json> ClientEvents(const storage::Stores& stores, Connection& conn,
                               const std::vector<std::string>& event_ids, int64_t now_ms) {
  std::vector<json> out;
  out.reserve(event_ids.size());
  for (const auto& id : event_ids) {
    auto text = stores.events->EventJson(conn, id);
    if (!text) continue;
    json pdu = ParseOrNull(*text);
    if (!pdu.is_object()) continue;
    out.push_back(ToClientEvent(pdu, id, now_ms));
  }
  return out;
}

std::optional<std::string> MembershipOf(const storage::Stores& stores, Connection& conn,
                                        const std::string& room_id, const std::string& user_id) {
  return stores.membership->CurrentMembership(conn, room_id, user_id);
}

int64_t MaxStreamOrdering(const storage::Stores& stores, Connection& conn) {
  return stores.events->MaxStreamOrdering(conn);
}

Result<StoredEvent> Persist(const storage::Stores& stores, Connection& conn,
                            const EventContext& ctx, const EventDraft& d) {
  if (!d.content.is_object()) return Status::InvalidArgument("Event content must be an object");
  storage::Transaction txn(conn);

  PersistPlan p(d);
  p.is_create = d.type == "m.room.create" && d.state_key == std::string("");
  p.room_version = d.room_version;
  if (!p.is_create) {
    auto v = RoomVersionOf(stores, conn, d.room_id);
    if (!v) return Status::NotFound("Unknown room " + d.room_id);
    p.room_version = *v;
  }
  p.version = crypto::FindRoomVersion(p.room_version);
  if (p.version == nullptr) {
    return Status::InvalidArgument("Unsupported room version " + p.room_version);
  }

  // Authorise against the current state.
  StateMap state = p.is_create ? StateMap{} : CurrentState(stores, conn, d.room_id);
  Status auth = CheckAuth(d, [&](const std::string& type, const std::string& key) -> json {
    auto it = state.find({type, key});
    return it == state.end() ? json() : EventContent(stores, conn, it->second);
  });
  if (!auth.ok()) return auth;

  // Build: prev events, depth, auth events.
  p.prev_events = stores.events->ForwardExtremities(conn, d.room_id);
  std::sort(p.prev_events.begin(), p.prev_events.end());
  p.depth = p.prev_events.empty() ? 1 : stores.events->NextDepth(conn, d.room_id);
  p.now = ctx.now_ms();

  json pdu = {{"type", d.type},
              {"room_id", d.room_id},
              {"sender", d.sender},
              {"content", d.content},
              {"depth", p.depth},
              {"origin", ctx.server_name},
              {"origin_server_ts", p.now},
              {"prev_events", json::array()},
              {"auth_events", json::array()}};
  if (d.state_key) pdu["state_key"] = *d.state_key;
  p.auth_ids = AuthEventIds(d, state);
  const bool id_in_event = p.version->event_id_format == crypto::EventIdFormat::kServerScoped;
  if (id_in_event) {
    p.event_id = crypto::NewServerScopedEventId(ctx.server_name);
    pdu["event_id"] = p.event_id;
  }
  for (const auto& id : p.prev_events) {
    if (id_in_event) {
      // v1-2 reference other events as [id, {"sha256": hash}]; the hash is kept alongside.
      auto hash = stores.events->ReferenceHash(conn, id);
      pdu["prev_events"].push_back(json::array({id, json{{"sha256", hash.value_or("")}}}));
    } else {
      pdu["prev_events"].push_back(id);
    }
  }
  for (const auto& id : p.auth_ids) {
    if (id_in_event) {
      pdu["auth_events"].push_back(json::array({id, json{{"sha256", ""}}}));
    } else {
      pdu["auth_events"].push_back(id);
    }
  }
  if (d.state_key) {
    auto prev = state.find({d.type, *d.state_key});
    if (prev != state.end()) {
      p.prev_state_id = prev->second;
      pdu["unsigned"] = {{"replaces_state", prev->second}};
    }
  }

  // Hash and sign; the event id of v3+ rooms is the hash.
  json signed_pdu = pdu;
  signed_pdu.erase("unsigned");
  if (Status s = crypto::HashAndSignEvent(signed_pdu, *p.version, ctx.server_name, ctx.signing_key);
      !s.ok()) {
    return Status::InvalidArgument(s.message());
  }
  if (!id_in_event) {
    auto id = crypto::ComputeEventId(signed_pdu, *p.version);
    if (!id.ok()) return Status::InvalidArgument(id.status().message());
    p.event_id = *id;
  }
  if (pdu.contains("unsigned")) signed_pdu["unsigned"] = pdu["unsigned"];

  p.stream = stores.events->MaxStreamOrdering(conn) + 1;
  p.metadata = json::object();
  if (d.txn_id) p.metadata["txn_id"] = *d.txn_id;
  p.stored = signed_pdu;

  // Store: one step per table group, all in this transaction.
  StoreRoom(stores, conn, p);
  StoreEventRows(stores, conn, p);
  StoreGraph(stores, conn, p);
  StoreStateGroup(stores, conn, p);
  StoreCurrentState(stores, conn, p);
  StoreMembership(stores, conn, p);
  txn.Commit();

  StoredEvent out;
  out.event_id = p.event_id;
  out.stream_ordering = p.stream;
  out.client_event = ToClientEvent(signed_pdu, p.event_id, p.now);
  return out;
}

}  // namespace strata::events
