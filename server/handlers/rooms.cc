#include "handlers/rooms.h"

#include <algorithm>
#include <cstdint>

#include "crypto/room_versions.h"
#include "crypto/tokens.h"
#include "handlers/api_error.h"
#include "handlers/directory.h"
#include "handlers/ratelimit.h"
#include "handlers/send_event.h"
#include "handlers/transient.h"
#include "storage/events/event_store.h"
#include "storage/membership/membership_store.h"
#include "storage/profiles/profile_store.h"
#include "storage/state/state_store.h"
#include "util/logging.h"

namespace strata::handlers {
namespace {

using nlohmann::json;

constexpr size_t kMaxEventBytes = 65536;  // the spec's limit on a whole event

json DefaultPowerLevels(const std::string& creator) {
  return {{"users", {{creator, 100}}},
          {"users_default", 0},
          {"events",
           {{"m.room.name", 50},
            {"m.room.power_levels", 100},
            {"m.room.history_visibility", 100},
            {"m.room.canonical_alias", 50},
            {"m.room.avatar", 50},
            {"m.room.tombstone", 100},
            {"m.room.server_acl", 100},
            {"m.room.encryption", 100}}},
          {"events_default", 0},
          {"state_default", 50},
          {"ban", 50},
          {"kick", 50},
          {"redact", 50},
          {"invite", 0}};
}

std::optional<std::string> OptStringField(const json& body, const char* key) {
  if (!body.contains(key) || body[key].is_null()) return std::nullopt;
  if (!body[key].is_string()) throw BadJson(std::string(key) + " must be a string");
  return body[key].get<std::string>();
}

void CheckEventSize(const json& content) {
  if (content.dump().size() > kMaxEventBytes) {
    throw ApiError(413, "M_TOO_LARGE", "Event is too large");
  }
}

// The requester's membership, refusing with 403 unless it is one of `allowed`.
std::string RequireMembership(Services& s, const Requester& r, const std::string& room_id,
                              std::initializer_list<const char*> allowed) {
  auto conn = s.db.Acquire();
  auto membership = events::MembershipOf(s.stores, *conn, room_id, r.user_id);
  for (const char* m : allowed) {
    if (membership == std::optional<std::string>(m)) return *membership;
  }
  throw Forbidden("User " + r.user_id + " not in room " + room_id);
}

json MemberContent(Services& s, const std::string& user_id, const std::string& membership) {
  json content = {{"membership", membership}};
  if (membership == "join") {
    auto local = LocalpartOf(s, user_id);
    if (local) {
      auto conn = s.db.Acquire();
      if (auto profile = s.stores.profiles->Get(*conn, *local)) {
        if (profile->displayname) content["displayname"] = *profile->displayname;
        if (profile->avatar_url) content["avatar_url"] = *profile->avatar_url;
      }
    }
  }
  return content;
}

}  // namespace

std::string StreamToken(int64_t position) {
  return "s" + std::to_string(position);
}

std::optional<int64_t> ParseStreamToken(const std::string& token) {
  // Also accepts Synapse's "s<N>_..." sync tokens and "t<topo>-<N>" pagination tokens,
  // reading the stream ordering from them.
  std::string digits;
  if (token.size() > 1 && token[0] == 's') {
    digits = token.substr(
        1, token.find('_') == std::string::npos ? std::string::npos : token.find('_') - 1);
  } else if (token.size() > 1 && token[0] == 't' && token.find('-') != std::string::npos) {
    digits = token.substr(token.find('-') + 1);
  } else {
    return std::nullopt;
  }
  if (digits.empty() || digits.size() > 18 ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return std::stoll(digits);
}

namespace {

// What POST /createRoom asked for, checked, with every event the room starts with built.
struct RoomPlan {
  struct Event {
    std::string type, state_key;
    json content;
  };
  std::string version;
  bool publish = false;
  std::optional<std::string> alias;
  std::vector<Event> events;      // in sending order
  size_t alias_event = SIZE_MAX;  // the canonical alias, sent once `alias` is created
};

std::vector<std::string> Invitees(const json& body) {
  std::vector<std::string> invites;
  if (!body.contains("invite")) return invites;
  if (!body["invite"].is_array()) throw BadJson("invite must be a list of user ids");
  for (const auto& u : body["invite"]) {
    if (!u.is_string()) throw BadJson("invite must be a list of user ids");
    const std::string id = u.get<std::string>();
    // Checked as ChangeMembership checks a target, so no invite fails half-way through.
    if (id.size() < 3 || id[0] != '@' || id.find(':') == std::string::npos) {
      throw InvalidParam("Invalid user id in invite: " + id);
    }
    invites.push_back(id);
  }
  return invites;
}

json InitialState(const json& body) {
  json initial_state = json::array();
  if (!body.contains("initial_state")) return initial_state;
  if (!body["initial_state"].is_array()) throw BadJson("initial_state must be a list");
  for (const auto& e : body["initial_state"]) {
    if (!e.is_object() || !e.contains("type") || !e["type"].is_string() || !e.contains("content") ||
        !e["content"].is_object() || (e.contains("state_key") && !e["state_key"].is_string())) {
      throw BadJson("initial_state entries need a string type and an object content");
    }
    initial_state.push_back(e);
  }
  return initial_state;
}

json ObjectField(const json& body, const char* key) {
  if (!body.contains(key)) return json::object();
  if (!body[key].is_object()) throw BadJson(std::string(key) + " must be an object");
  return body[key];
}

// Checks the request and builds the room's events; writes nothing.
RoomPlan PlanRoom(Services& s, const Requester& r, const json& body) {
  const std::string visibility = OptStringField(body, "visibility").value_or("private");
  if (visibility != "public" && visibility != "private") {
    throw InvalidParam("visibility must be \"public\" or \"private\"");
  }
  const std::string preset = OptStringField(body, "preset")
                                 .value_or(visibility == "public" ? "public_chat" : "private_chat");
  if (preset != "public_chat" && preset != "private_chat" && preset != "trusted_private_chat") {
    throw InvalidParam("Unknown preset " + preset);
  }
  RoomPlan plan;
  plan.publish = visibility == "public";
  plan.version = OptStringField(body, "room_version").value_or(s.config.default_room_version);
  if (crypto::FindRoomVersion(plan.version) == nullptr) {
    throw ApiError(400, "M_UNSUPPORTED_ROOM_VERSION",
                   "Your homeserver does not support this room version");
  }
  const auto alias_name = OptStringField(body, "room_alias_name");
  const auto name = OptStringField(body, "name");
  const auto topic = OptStringField(body, "topic");
  const std::vector<std::string> invites = Invitees(body);
  const json initial_state = InitialState(body);
  json creation_content = ObjectField(body, "creation_content");
  const json pl_override = ObjectField(body, "power_level_content_override");
  if (alias_name) {
    if (alias_name->empty() || alias_name->find(':') != std::string::npos ||
        alias_name->find_first_of(" \t\n#") != std::string::npos) {
      throw InvalidParam("Invalid characters in room alias");
    }
    plan.alias = "#" + *alias_name + ":" + s.server_name();
    if (LookupAlias(s, *plan.alias)) {
      throw ApiError(400, "M_ROOM_IN_USE", "Room alias already taken");
    }
  }

  auto add = [&](std::string type, std::string key, json content) {
    plan.events.push_back({std::move(type), std::move(key), std::move(content)});
  };
  creation_content["creator"] = r.user_id;
  creation_content["room_version"] = plan.version;
  add("m.room.create", "", std::move(creation_content));
  add("m.room.member", r.user_id, MemberContent(s, r.user_id, "join"));
  json power = DefaultPowerLevels(r.user_id);
  if (preset == "trusted_private_chat") {
    for (const auto& u : invites) power["users"][u] = 100;
  }
  power.update(pl_override);
  add("m.room.power_levels", "", std::move(power));
  if (plan.alias) {
    plan.alias_event = plan.events.size();
    add("m.room.canonical_alias", "", json{{"alias", *plan.alias}});
  }
  auto has_initial = [&](const std::string& type) {
    return std::any_of(initial_state.begin(), initial_state.end(), [&](const json& e) {
      return e["type"] == type && e.value("state_key", "") == "";
    });
  };
  if (!has_initial("m.room.join_rules")) {
    add("m.room.join_rules", "",
        json{{"join_rule", preset == "public_chat" ? "public" : "invite"}});
  }
  if (!has_initial("m.room.history_visibility")) {
    add("m.room.history_visibility", "", json{{"history_visibility", "shared"}});
  }
  if (preset != "public_chat" && !has_initial("m.room.guest_access")) {
    add("m.room.guest_access", "", json{{"guest_access", "can_join"}});
  }
  for (const auto& e : initial_state) {
    add(e["type"].get<std::string>(), e.value("state_key", ""), e["content"]);
  }
  if (name) add("m.room.name", "", json{{"name", *name}});
  if (topic) add("m.room.topic", "", json{{"topic", *topic}});
  for (const auto& u : invites) add("m.room.member", u, json{{"membership", "invite"}});
  // Every event as it will be sent, checked before the first is written.
  for (const auto& e : plan.events) CheckEventSize(e.content);
  return plan;
}

}  // namespace

json CreateRoom(Services& s, const Requester& r, const json& body) {
  RoomPlan plan = PlanRoom(s, r, body);
  RatelimitMessage(s, r, false);  // once per room created; its initial events are not counted
  const std::string room_id = crypto::NewRoomId(s.server_name());
  for (size_t i = 0; i < plan.events.size(); ++i) {
    auto& e = plan.events[i];
    if (i == plan.alias_event) CreateAlias(s, r.user_id, *plan.alias, room_id);
    SendEvent(s, {room_id, e.type, r.user_id, e.state_key, std::move(e.content), std::nullopt,
                  plan.version});
  }
  CountMessage(s, r);
  if (plan.publish) SetVisibility(s, nullptr, room_id, "public");
  json out = {{"room_id", room_id}};
  if (plan.alias) out["room_alias"] = *plan.alias;
  return out;
}

json JoinRoom(Services& s, const Requester& r, const std::string& id_or_alias) {
  std::string room_id = id_or_alias;
  if (!id_or_alias.empty() && id_or_alias[0] == '#') {
    auto found = LookupAlias(s, id_or_alias);
    if (!found) throw NotFound("Room alias " + id_or_alias + " not found");
    room_id = *found;
  } else if (id_or_alias.empty() || id_or_alias[0] != '!') {
    throw InvalidParam(id_or_alias + " was not legal room ID or room alias");
  }
  {
    auto conn = s.db.Acquire();
    if (!events::RoomVersionOf(s.stores, *conn, room_id)) throw NotFound("No known servers");
  }
  RatelimitMessage(s, r, false);
  SendEvent(s, {room_id, "m.room.member", r.user_id, r.user_id, MemberContent(s, r.user_id, "join"),
                std::nullopt, ""});
  CountMessage(s, r);
  return {{"room_id", room_id}};
}

void ChangeMembership(Services& s, const Requester& r, const std::string& room_id,
                      const std::string& action, const std::string& target,
                      const std::optional<std::string>& reason) {
  {
    auto conn = s.db.Acquire();
    if (!events::RoomVersionOf(s.stores, *conn, room_id)) throw NotFound("Unknown room " + room_id);
  }
  if (target.empty() || target[0] != '@' || target.find(':') == std::string::npos) {
    throw InvalidParam("Invalid user id: " + target);
  }
  std::string membership;
  if (action == "leave" || action == "kick" || action == "unban") {
    membership = "leave";
  } else if (action == "invite" || action == "ban") {
    membership = action;
  } else {
    throw InvalidParam("Unknown membership action " + action);
  }
  if (action == "unban") {
    auto conn = s.db.Acquire();
    if (events::MembershipOf(s.stores, *conn, room_id, target) !=
        std::optional<std::string>("ban")) {
      throw Forbidden(target + " is not banned");
    }
  }
  json content = {{"membership", membership}};
  if (reason) content["reason"] = *reason;
  RatelimitMessage(s, r, false);
  SendEvent(s, {room_id, "m.room.member", r.user_id, target, content, std::nullopt, ""});
  CountMessage(s, r);
}

int RefreshJoinedMemberships(Services& s, const std::string& user_id) {
  std::vector<std::pair<std::string, std::string>> joined;  // room id, member event id
  {
    auto conn = s.db.Acquire();
    for (const auto& room : s.stores.membership->JoinedRooms(*conn, user_id)) {
      joined.emplace_back(room.room_id, room.event_id);
    }
  }
  const json content = MemberContent(s, user_id, "join");
  int sent = 0;
  for (const auto& [room_id, event_id] : joined) {
    {
      auto conn = s.db.Acquire();
      if (events::EventContent(s.stores, *conn, event_id) == content)
        continue;  // nothing new to say
    }
    // The profile is already saved: a room that refuses the event (a ban, power levels, a
    // broken room) is logged and skipped, as Synapse's profile handler did.
    try {
      SendEvent(s, {room_id, "m.room.member", user_id, user_id, content, std::nullopt, ""});
      ++sent;
    } catch (const std::exception& e) {
      STRATA_LOG(Warning, "strata.handlers.profile")
          << "Failed to update join event for room " << room_id << " of " << user_id << ": "
          << e.what();
    }
  }
  return sent;
}

void ForgetRoom(Services& s, const Requester& r, const std::string& room_id) {
  auto conn = s.db.AcquireWriter();
  auto membership = events::MembershipOf(s.stores, *conn, room_id, r.user_id);
  if (!membership) throw NotFound("Not a known room");
  if (*membership == "join" || *membership == "invite") {
    throw ApiError(400, "M_UNKNOWN", "User " + r.user_id + " is in room " + room_id);
  }
  s.stores.membership->Forget(*conn, r.user_id, room_id);
}

json SendMessage(Services& s, const Requester& r, const std::string& room_id,
                 const std::string& type, const std::string& txn_id, const json& content) {
  CheckEventSize(content);
  const std::string key = std::to_string(r.token_id) + "\n" + room_id + "\n" + txn_id;
  // A retried transaction is answered from memory and not counted against rc_message.
  if (auto known = s.transient->TxnEvent(key)) return {{"event_id", *known}};
  RatelimitMessage(s, r, false);
  // Sends run one after another inside a group commit, so a concurrent retry queued behind
  // this one finds the id remembered here; only the request that stores counts.
  bool stored = false;
  std::string event_id;
  try {
    s.event_writes.Run([&](storage::Connection& writer) {
      if (auto known = s.transient->TxnEvent(key)) {
        event_id = *known;
        return;
      }
      if (!events::RoomVersionOf(s.stores, writer, room_id))
        throw Forbidden("Unknown room " + room_id);
      event_id =
          SendEventOn(s, writer, {room_id, type, r.user_id, std::nullopt, content, txn_id, ""})
              .event_id;
      s.transient->RememberTxn(key, event_id);
      stored = true;
    });
  } catch (...) {
    // The batch's commit failed after this send remembered its id: a retry must send again.
    if (stored) s.transient->ForgetTxn(key, event_id);
    throw;
  }
  if (stored) CountMessage(s, r);
  return {{"event_id", event_id}};
}

json SendState(Services& s, const Requester& r, const std::string& room_id, const std::string& type,
               const std::string& state_key, const json& content) {
  CheckEventSize(content);
  {
    auto conn = s.db.Acquire();
    if (!events::RoomVersionOf(s.stores, *conn, room_id))
      throw Forbidden("Unknown room " + room_id);
  }
  if (type == "m.room.member") {
    throw Forbidden("Use the membership endpoints to change memberships");
  }
  RatelimitMessage(s, r, false);
  auto stored = SendEvent(s, {room_id, type, r.user_id, state_key, content, std::nullopt, ""});
  CountMessage(s, r);
  return {{"event_id", stored.event_id}};
}

json GetState(Services& s, const Requester& r, const std::string& room_id) {
  RequireMembership(s, r, room_id, {"join"});
  auto conn = s.db.Acquire();
  std::vector<std::string> ids;
  for (const auto& [key, id] : events::CurrentState(s.stores, *conn, room_id)) ids.push_back(id);
  json out = json::array();
  for (auto& e : events::ClientEvents(s.stores, *conn, ids, s.NowMs())) out.push_back(std::move(e));
  return out;
}

json GetStateEvent(Services& s, const Requester& r, const std::string& room_id,
                   const std::string& type, const std::string& state_key) {
  RequireMembership(s, r, room_id, {"join"});
  auto conn = s.db.Acquire();
  auto state = events::CurrentState(s.stores, *conn, room_id);
  auto it = state.find({type, state_key});
  if (it == state.end()) throw NotFound("Event not found.");
  return events::EventContent(s.stores, *conn, it->second);
}

json GetMembers(Services& s, const Requester& r, const std::string& room_id) {
  RequireMembership(s, r, room_id, {"join"});
  auto conn = s.db.Acquire();
  const std::vector<std::string> ids = s.stores.state->MemberEventIds(*conn, room_id);
  json chunk = json::array();
  for (auto& e : events::ClientEvents(s.stores, *conn, ids, s.NowMs()))
    chunk.push_back(std::move(e));
  return {{"chunk", chunk}};
}

json JoinedRooms(Services& s, const Requester& r) {
  auto conn = s.db.Acquire();
  json rooms = json::array();
  for (const auto& room : s.stores.membership->JoinedRooms(*conn, r.user_id)) {
    rooms.push_back(room.room_id);
  }
  return {{"joined_rooms", rooms}};
}

json GetMessages(Services& s, const Requester& r, const std::string& room_id,
                 const MessagesQuery& q) {
  const std::string membership = RequireMembership(s, r, room_id, {"join", "leave", "ban"});
  auto conn = s.db.Acquire();
  int64_t ceiling = events::MaxStreamOrdering(s.stores, *conn);
  if (membership != "join") {
    // A user who left sees history up to their leaving.
    ceiling = s.stores.state->MembershipStreamOrdering(*conn, room_id, r.user_id).value_or(0);
  }
  auto parse = [](const std::optional<std::string>& token) -> std::optional<int64_t> {
    if (!token) return std::nullopt;
    auto pos = ParseStreamToken(*token);
    if (!pos) throw InvalidParam("Invalid token " + *token);
    return pos;
  };
  const int64_t from = parse(q.from).value_or(q.backwards ? ceiling : 0);
  const auto to = parse(q.to);
  const int64_t limit = std::clamp<int64_t>(q.limit, 0, 1000);
  const std::vector<storage::StreamEvent> rows =
      q.backwards
          ? s.stores.events->RoomEvents(*conn, room_id, to.value_or(0), std::min(from, ceiling),
                                        true, limit)
          : s.stores.events->RoomEvents(*conn, room_id, from,
                                        std::min(to.value_or(ceiling), ceiling), false, limit);
  std::vector<std::string> ids;
  for (const auto& row : rows) ids.push_back(row.event_id);
  json chunk = json::array();
  for (auto& e : events::ClientEvents(s.stores, *conn, ids, s.NowMs()))
    chunk.push_back(std::move(e));
  json out = {{"chunk", chunk}, {"start", StreamToken(from)}};
  if (!rows.empty()) {
    const int64_t last = rows.back().stream_ordering;
    out["end"] = StreamToken(q.backwards ? last - 1 : last);
  } else {
    out["end"] = StreamToken(from);
  }
  return out;
}

}  // namespace strata::handlers
