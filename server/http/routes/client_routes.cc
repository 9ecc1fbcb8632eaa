// The client-server API routes (r0 and v3). Each route: validate, authenticate, call a handler.
#include <memory>
#include <nlohmann/json.hpp>

#include "crypto/room_versions.h"
#include "handlers/directory.h"
#include "handlers/receipts.h"
#include "handlers/rooms.h"
#include "handlers/sync.h"
#include "handlers/user_data.h"
#include "http/routes/mount.h"
#include "http/routes/route_util.h"

namespace strata::http {
namespace {

using handlers::Requester;
using handlers::Services;
using nlohmann::json;
using routes::BodyObject;
using routes::Guard;
using routes::RequiredString;

class ClientApi : public std::enable_shared_from_this<ClientApi> {
 public:
  ClientApi(HttpServer& server, Services& s) : server_(server), s_(s) {}

  // Registers `suffix` under both client prefixes.
  void Route(const char* method, const std::string& suffix,
             std::function<Response(const Request&)> fn) {
    for (const char* prefix : {"/_matrix/client/r0", "/_matrix/client/v3"}) {
      // The route keeps this object (and so every `this` its handlers captured) alive.
      server_.Route(method, prefix + suffix, [fn, self = shared_from_this()](const Request& req) {
        return Guard([&] { return fn(req); });
      });
    }
  }
  // As Route, for a long poll that may park its request (see Park).
  void RoutePoll(const char* method, const std::string& suffix,
                 std::function<Reply(const Request&, const Requester&)> fn) {
    for (const char* prefix : {"/_matrix/client/r0", "/_matrix/client/v3"}) {
      server_.RoutePoll(method, prefix + suffix,
                        [fn, self = shared_from_this()](const Request& req) {
                          return Guard([&] {
                            Requester who = handlers::Authenticate(self->s_, req.AccessToken());
                            return fn(req, who);
                          });
                        });
    }
  }
  // As Route, for endpoints that need an access token.
  void Authed(const char* method, const std::string& suffix,
              std::function<Response(const Request&, const Requester&)> fn) {
    Route(method, suffix, [this, fn](const Request& req) {
      Requester who = handlers::Authenticate(s_, req.AccessToken());
      return fn(req, who);
    });
  }

  void MountAccounts();
  void MountRooms();
  void MountSyncAndData();
  void MountDirectory();
  void MountStartup();

 private:
  HttpServer& server_;
  Services& s_;
};

Response Ok(const json& body = json::object()) {
  return Response::Json(body);
}

void ClientApi::MountAccounts() {
  Route("GET", "/register", [this](const Request&) { return Ok(handlers::RegistrationFlows(s_)); });
  Route("POST", "/register", [this](const Request& req) {
    const json& body = req.JsonObject();
    return Ok(handlers::Register(s_, body, req.Query("kind").value_or("user"), req.remote_addr));
  });
  Route("GET", "/register/available", [this](const Request& req) {
    auto username = req.Query("username");
    if (!username) throw MatrixError(400, errcode::kMissingParam, "Missing param: username");
    handlers::CheckUsernameAvailable(s_, *username);
    return Ok({{"available", true}});
  });
  Route("GET", "/login", [](const Request&) { return Ok(handlers::LoginFlows()); });
  Route("POST", "/login", [this](const Request& req) {
    return Ok(handlers::Login(s_, req.JsonObject(), req.remote_addr));
  });
  Authed("POST", "/logout", [this](const Request&, const Requester& r) {
    handlers::Logout(s_, r);
    return Ok();
  });
  Authed("POST", "/logout/all", [this](const Request&, const Requester& r) {
    handlers::LogoutAll(s_, r);
    return Ok();
  });
  Authed("GET", "/account/whoami", [](const Request&, const Requester& r) {
    json out = {{"user_id", r.user_id}};
    if (!r.device_id.empty()) out["device_id"] = r.device_id;
    return Ok(out);
  });
  Authed("POST", "/account/password", [this](const Request& req, const Requester& r) {
    handlers::ChangePassword(s_, r, req.JsonObject());
    return Ok();
  });
  Authed("POST", "/account/deactivate", [this](const Request& req, const Requester& r) {
    handlers::DeactivateOwnAccount(s_, r, BodyObject(req));
    return Ok({{"id_server_unbind_result", "no-support"}});
  });
  Route("GET", "/profile/{userId}",
        [this](const Request& req) { return Ok(handlers::GetProfile(s_, req.Param("userId"))); });
  for (const std::string field : {"displayname", "avatar_url"}) {
    Route("GET", "/profile/{userId}/" + field, [this, field](const Request& req) {
      json profile = handlers::GetProfile(s_, req.Param("userId"));
      json out = json::object();
      if (profile.contains(field)) out[field] = profile[field];
      return Ok(out);
    });
    Authed("PUT", "/profile/{userId}/" + field,
           [this, field](const Request& req, const Requester& r) {
             const json& body = req.JsonObject();
             std::optional<std::string> value;
             if (body.contains(field) && !body[field].is_null())
               value = RequiredString(body, field);
             handlers::SetProfileField(s_, r, req.Param("userId"), field, value);
             return Ok();
           });
  }
}

void ClientApi::MountRooms() {
  Authed("POST", "/createRoom", [this](const Request& req, const Requester& r) {
    return Ok(handlers::CreateRoom(s_, r, req.JsonObject()));
  });
  auto join = [this](const Request& req, const Requester& r) {
    BodyObject(req);  // validates a body if one was sent
    return Ok(handlers::JoinRoom(s_, r, req.Param("room")));
  };
  Authed("POST", "/join/{room}", join);
  Authed("POST", "/rooms/{room}/join", join);
  Authed("POST", "/rooms/{room}/leave", [this](const Request& req, const Requester& r) {
    BodyObject(req);
    handlers::ChangeMembership(s_, r, req.Param("room"), "leave", r.user_id, std::nullopt);
    return Ok();
  });
  for (const std::string action : {"invite", "kick", "ban", "unban"}) {
    Authed("POST", "/rooms/{room}/" + action,
           [this, action](const Request& req, const Requester& r) {
             const json& body = req.JsonObject();
             const std::string target = RequiredString(body, "user_id");
             std::optional<std::string> reason;
             if (body.contains("reason")) reason = RequiredString(body, "reason");
             handlers::ChangeMembership(s_, r, req.Param("room"), action, target, reason);
             return Ok();
           });
  }
  Authed("POST", "/rooms/{room}/forget", [this](const Request& req, const Requester& r) {
    handlers::ForgetRoom(s_, r, req.Param("room"));
    return Ok();
  });
  Authed("PUT", "/rooms/{room}/send/{type}/{txn}", [this](const Request& req, const Requester& r) {
    return Ok(handlers::SendMessage(s_, r, req.Param("room"), req.Param("type"), req.Param("txn"),
                                    req.JsonObject()));
  });
  Authed("PUT", "/rooms/{room}/state/{type}/{key...}",
         [this](const Request& req, const Requester& r) {
           return Ok(handlers::SendState(s_, r, req.Param("room"), req.Param("type"),
                                         req.Param("key"), req.JsonObject()));
         });
  Authed("GET", "/rooms/{room}/state", [this](const Request& req, const Requester& r) {
    return Ok(handlers::GetState(s_, r, req.Param("room")));
  });
  Authed(
      "GET", "/rooms/{room}/state/{type}/{key...}", [this](const Request& req, const Requester& r) {
        return Ok(
            handlers::GetStateEvent(s_, r, req.Param("room"), req.Param("type"), req.Param("key")));
      });
  Authed("GET", "/rooms/{room}/members", [this](const Request& req, const Requester& r) {
    return Ok(handlers::GetMembers(s_, r, req.Param("room")));
  });
  Authed("GET", "/joined_rooms",
         [this](const Request&, const Requester& r) { return Ok(handlers::JoinedRooms(s_, r)); });
  Authed("GET", "/rooms/{room}/messages", [this](const Request& req, const Requester& r) {
    handlers::MessagesQuery q;
    q.from = req.Query("from");
    q.to = req.Query("to");
    const std::string dir = req.Query("dir").value_or("b");
    if (dir != "b" && dir != "f") {
      throw MatrixError(400, errcode::kInvalidParam, "dir must be one of [\"b\", \"f\"]");
    }
    q.backwards = dir == "b";
    q.limit = routes::IntQuery(req, "limit").value_or(10);
    if (q.limit < 0) throw MatrixError(400, errcode::kInvalidParam, "limit must not be negative");
    return Ok(handlers::GetMessages(s_, r, req.Param("room"), q));
  });
  // Typing (in memory), receipts and read markers (stored as Synapse stored them).
  Authed("PUT", "/rooms/{room}/typing/{userId}", [this](const Request& req, const Requester& r) {
    handlers::SetTyping(s_, r, req.Param("room"), req.Param("userId"), req.JsonObject());
    return Ok();
  });
  Authed("POST", "/rooms/{room}/receipt/{type}/{eventId}",
         [this](const Request& req, const Requester& r) {
           BodyObject(req);
           handlers::PostReceipt(s_, r, req.Param("room"), req.Param("type"), req.Param("eventId"));
           return Ok();
         });
  Authed("POST", "/rooms/{room}/read_markers", [this](const Request& req, const Requester& r) {
    handlers::SetReadMarkers(s_, r, req.Param("room"), req.JsonObject());
    return Ok();
  });
}

void ClientApi::MountSyncAndData() {
  // A /sync with nothing new parks: it holds no thread until a change it can see wakes it.
  RoutePoll("GET", "/sync", [this](const Request& req, const Requester& r) -> Reply {
    handlers::SyncQuery q;
    q.since = req.Query("since");
    q.timeout_ms = routes::IntQuery(req, "timeout").value_or(0);
    q.filter = req.Query("filter");
    q.full_state = routes::BoolQuery(req, "full_state").value_or(false);
    q.started = req.received_at;
    handlers::SyncOutcome outcome = handlers::SyncOnce(s_, r, q);
    if (auto* body = std::get_if<json>(&outcome)) return Ok(*body);
    auto wait = std::get<handlers::SyncWait>(std::move(outcome));
    Park park;
    park.retry_at = wait.retry_at;
    park.holder = r.user_id;
    park.arm = [this, wait = std::move(wait)](std::function<void()> wake) {
      const uint64_t id = s_.notifier.Subscribe(wait.generation, wait.keys, std::move(wake));
      return std::function<void()>([this, id] { s_.notifier.Unsubscribe(id); });
    };
    return park;
  });
  Authed("POST", "/user/{userId}/filter", [this](const Request& req, const Requester& r) {
    if (req.Param("userId") != r.user_id) {
      throw MatrixError(403, errcode::kForbidden, "Can only create filters for local users");
    }
    return Ok(handlers::CreateFilter(s_, r, req.JsonObject()));
  });
  Authed("GET", "/user/{userId}/filter/{filterId}", [this](const Request& req, const Requester& r) {
    if (req.Param("userId") != r.user_id) {
      throw MatrixError(403, errcode::kForbidden, "Cannot get filters for other users");
    }
    return Ok(handlers::GetFilter(s_, r, req.Param("filterId")));
  });
  Authed("PUT", "/user/{userId}/account_data/{type}",
         [this](const Request& req, const Requester& r) {
           handlers::PutAccountData(s_, r, req.Param("userId"), "", req.Param("type"),
                                    req.JsonObject());
           return Ok();
         });
  Authed("GET", "/user/{userId}/account_data/{type}",
         [this](const Request& req, const Requester& r) {
           return Ok(handlers::GetAccountData(s_, r, req.Param("userId"), "", req.Param("type")));
         });
  Authed("PUT", "/user/{userId}/rooms/{room}/account_data/{type}",
         [this](const Request& req, const Requester& r) {
           handlers::PutAccountData(s_, r, req.Param("userId"), req.Param("room"),
                                    req.Param("type"), req.JsonObject());
           return Ok();
         });
  Authed("GET", "/user/{userId}/rooms/{room}/account_data/{type}",
         [this](const Request& req, const Requester& r) {
           return Ok(handlers::GetAccountData(s_, r, req.Param("userId"), req.Param("room"),
                                              req.Param("type")));
         });
}

void ClientApi::MountDirectory() {
  Route("GET", "/directory/room/{alias}",
        [this](const Request& req) { return Ok(handlers::ResolveAlias(s_, req.Param("alias"))); });
  Authed("PUT", "/directory/room/{alias}", [this](const Request& req, const Requester& r) {
    const json& body = req.JsonObject();
    handlers::CreateAlias(s_, r.user_id, req.Param("alias"), RequiredString(body, "room_id"));
    return Ok();
  });
  Authed("DELETE", "/directory/room/{alias}", [this](const Request& req, const Requester& r) {
    handlers::DeleteAlias(s_, r, req.Param("alias"));
    return Ok();
  });
  Route("GET", "/directory/list/room/{room}",
        [this](const Request& req) { return Ok(handlers::GetVisibility(s_, req.Param("room"))); });
  Authed("PUT", "/directory/list/room/{room}", [this](const Request& req, const Requester& r) {
    const json& body = req.JsonObject();
    std::string visibility = "public";
    if (body.contains("visibility")) visibility = RequiredString(body, "visibility");
    handlers::SetVisibility(s_, &r, req.Param("room"), visibility);
    return Ok();
  });
  // Another server's directory would be fetched over federation, which Strata does not
  // speak: answered as when the remote server cannot be reached. Synapse 1.18 let that failure
  // out as 500 M_UNKNOWN "Internal server error"; later Synapse answers 502 M_UNKNOWN naming
  // the failure, which is what this says (clients show "cannot reach that server's list").
  auto check_server = [this](const Request& req) {
    auto server = req.Query("server");
    if (server && *server != s_.server_name()) {
      throw MatrixError(
          502, errcode::kUnknown,
          "Failed to fetch room list from " + *server + ": this server does not federate");
    }
  };
  Route("GET", "/publicRooms", [this, check_server](const Request& req) {
    // Without auth only when allowed, and never with `server` (as Synapse).
    if (!s_.config.allow_public_rooms_without_auth || req.AccessToken() || req.Query("server")) {
      handlers::Authenticate(s_, req.AccessToken());
    }
    check_server(req);
    handlers::PublicRoomsQuery q;
    q.limit = routes::IntQuery(req, "limit").value_or(0);
    q.since = req.Query("since");
    if (q.limit < 0) throw MatrixError(400, errcode::kInvalidParam, "limit must not be negative");
    return Response::Raw(200, handlers::PublicRoomsBody(s_, q), "application/json");
  });
  Authed("POST", "/publicRooms", [this, check_server](const Request& req, const Requester&) {
    check_server(req);
    const json& body = req.JsonObject();
    handlers::PublicRoomsQuery q;
    q.limit = 100;
    if (body.contains("limit")) {
      if (!body["limit"].is_number_integer() || body["limit"].get<int64_t>() < 0) {
        throw MatrixError(400, errcode::kBadJson, "Param \"limit\" must be a non-negative integer");
      }
      q.limit = body["limit"].get<int64_t>();
    }
    if (body.contains("since") && !body["since"].is_null()) q.since = RequiredString(body, "since");
    if (body.contains("filter") && !body["filter"].is_null()) {
      if (!body["filter"].is_object()) {
        throw MatrixError(400, errcode::kBadJson, "Param \"filter\" must be an object");
      }
      if (body["filter"].contains("generic_search_term") &&
          !body["filter"]["generic_search_term"].is_null()) {
        q.search_term = RequiredString(body["filter"], "generic_search_term");
      }
    }
    if (body.contains("include_all_networks")) {
      if (!body["include_all_networks"].is_boolean()) {
        throw MatrixError(400, errcode::kBadJson,
                          "Param \"include_all_networks\" must be a boolean");
      }
      q.include_all_networks = body["include_all_networks"].get<bool>();
    }
    if (body.contains("third_party_instance_id") && !body["third_party_instance_id"].is_null()) {
      q.third_party_instance_id = RequiredString(body, "third_party_instance_id");
    }
    return Response::Raw(200, handlers::PublicRoomsBody(s_, q), "application/json");
  });
}

// Default push rules: the spec's predefined rules clients expect to find.
json DefaultPushRules(const std::string& user_id) {
  auto rule = [](const char* id, json conditions, json actions) {
    return json{{"rule_id", id},
                {"default", true},
                {"enabled", true},
                {"conditions", std::move(conditions)},
                {"actions", std::move(actions)}};
  };
  const json notify = json::array({"notify", {{"set_tweak", "highlight"}, {"value", false}}});
  json override_rules = json::array(
      {rule(".m.rule.master", json::array(), json::array({"dont_notify"})),
       rule(".m.rule.suppress_notices",
            json::array(
                {{{"kind", "event_match"}, {"key", "content.msgtype"}, {"pattern", "m.notice"}}}),
            json::array({"dont_notify"})),
       rule(".m.rule.invite_for_me",
            json::array(
                {{{"kind", "event_match"}, {"key", "type"}, {"pattern", "m.room.member"}},
                 {{"kind", "event_match"}, {"key", "content.membership"}, {"pattern", "invite"}},
                 {{"kind", "event_match"}, {"key", "state_key"}, {"pattern", user_id}}}),
            json::array({"notify", {{"set_tweak", "sound"}, {"value", "default"}}})),
       rule(".m.rule.member_event",
            json::array({{{"kind", "event_match"}, {"key", "type"}, {"pattern", "m.room.member"}}}),
            json::array({"dont_notify"})),
       rule(".m.rule.contains_display_name", json::array({{{"kind", "contains_display_name"}}}),
            json::array({"notify",
                         {{"set_tweak", "sound"}, {"value", "default"}},
                         {{"set_tweak", "highlight"}}}))});
  override_rules[0]["enabled"] = false;
  json underride = json::array(
      {rule(
           ".m.rule.room_one_to_one",
           json::array({{{"kind", "room_member_count"}, {"is", "2"}},
                        {{"kind", "event_match"}, {"key", "type"}, {"pattern", "m.room.message"}}}),
           notify),
       rule(
           ".m.rule.message",
           json::array({{{"kind", "event_match"}, {"key", "type"}, {"pattern", "m.room.message"}}}),
           notify)});
  return {{"global",
           {{"override", override_rules},
            {"content", json::array()},
            {"room", json::array()},
            {"sender", json::array()},
            {"underride", underride}}}};
}

void ClientApi::MountStartup() {
  Authed("GET", "/capabilities", [](const Request&, const Requester&) {
    json versions = json::object();
    for (const auto& v : crypto::KnownRoomVersions()) versions[std::string(v.id)] = "stable";
    return Ok(
        {{"capabilities",
          {{"m.change_password", {{"enabled", true}}},
           {"m.room_versions",
            {{"default", std::string(crypto::kDefaultRoomVersionId)}, {"available", versions}}}}}});
  });
  Authed("GET", "/pushrules/",
         [](const Request&, const Requester& r) { return Ok(DefaultPushRules(r.user_id)); });
  Authed("GET", "/pushrules",
         [](const Request&, const Requester& r) { return Ok(DefaultPushRules(r.user_id)); });
  Authed("GET", "/presence/{userId}/status", [](const Request&, const Requester&) {
    return Ok({{"presence", "offline"}});
  });
  Authed("PUT", "/presence/{userId}/status", [](const Request& req, const Requester& r) {
    const json& body = req.JsonObject();
    const std::string presence = RequiredString(body, "presence");
    if (presence != "online" && presence != "offline" && presence != "unavailable") {
      throw MatrixError(400, errcode::kInvalidParam, "Invalid presence state");
    }
    if (req.Param("userId") != r.user_id) {
      throw MatrixError(403, errcode::kForbidden, "Can only set your own presence state");
    }
    return Ok();
  });
  Authed("GET", "/voip/turnServer", [](const Request&, const Requester&) { return Ok(); });
  Authed("GET", "/thirdparty/protocols", [](const Request&, const Requester&) { return Ok(); });
}

}  // namespace

void MountClientApi(HttpServer& server, Services& services) {
  auto api = std::make_shared<ClientApi>(server, services);
  api->MountAccounts();
  api->MountRooms();
  api->MountSyncAndData();
  api->MountDirectory();
  api->MountStartup();
  server.Get("/_synapse/admin/v1/register", [&services](const Request&) {
    return Guard([&] { return Response::Json(handlers::NewRegistrationNonce(services)); });
  });
  server.Post("/_synapse/admin/v1/register", [&services](const Request& req) {
    return Guard(
        [&] { return Response::Json(handlers::SharedSecretRegister(services, req.JsonObject())); });
  });
}

void MountAll(HttpServer& server, Services& services) {
  MountClientApi(server, services);
  MountAdminApi(server, services);
}

}  // namespace strata::http
