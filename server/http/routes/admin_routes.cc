// The admin API routes (/_synapse/admin): every one requires an admin's access token.
#include <memory>
#include <nlohmann/json.hpp>

#include "handlers/admin.h"
#include "http/routes/mount.h"
#include "http/routes/route_util.h"

namespace strata::http {
namespace {

using handlers::Requester;
using handlers::Services;
using nlohmann::json;
using routes::Guard;
using routes::RequiredString;

void AdminRoute(HttpServer& server, Services& s, const char* method, const std::string& path,
                std::function<Response(const Request&, const Requester&)> fn) {
  server.Route(method, "/_synapse/admin" + path, [&s, fn](const Request& req) {
    return Guard([&] {
      Requester r = handlers::Authenticate(s, req.AccessToken());
      handlers::RequireAdmin(r);
      return fn(req, r);
    });
  });
}

Response Ok(const json& body = json::object(), int status = 200) {
  return Response::Json(body, status);
}

}  // namespace

void MountAdminApi(HttpServer& server, Services& s) {
  AdminRoute(server, s, "GET", "/v2/users", [&s](const Request& req, const Requester&) {
    handlers::UserListQuery q;
    q.from = routes::IntQuery(req, "from").value_or(0);
    q.limit = routes::IntQuery(req, "limit").value_or(100);
    q.user_id = req.Query("user_id");
    q.guests = routes::BoolQuery(req, "guests").value_or(true);
    q.deactivated = routes::BoolQuery(req, "deactivated").value_or(false);
    return Ok(handlers::ListUsers(s, q));
  });
  auto get_user = [&s](const Request& req, const Requester&) {
    return Ok(handlers::GetUser(s, req.Param("userId")));
  };
  AdminRoute(server, s, "GET", "/v2/users/{userId}", get_user);
  AdminRoute(server, s, "GET", "/v1/users/{userId}", get_user);
  AdminRoute(server, s, "PUT", "/v2/users/{userId}", [&s](const Request& req, const Requester& r) {
    auto [status, user] = handlers::PutUser(s, r, req.Param("userId"), req.JsonObject());
    return Ok(user, status);
  });
  AdminRoute(server, s, "GET", "/v1/users/{userId}/admin",
             [&s](const Request& req, const Requester&) {
               return Ok(handlers::GetUserAdmin(s, req.Param("userId")));
             });
  AdminRoute(server, s, "PUT", "/v1/users/{userId}/admin",
             [&s](const Request& req, const Requester& r) {
               const json& body = req.JsonObject();
               if (!body.contains("admin")) {
                 throw MatrixError(400, errcode::kMissingParam, "Missing param: admin");
               }
               if (!body["admin"].is_boolean()) {
                 throw MatrixError(400, errcode::kBadJson, "Param \"admin\" must be a boolean");
               }
               handlers::SetUserAdmin(s, r, req.Param("userId"), body["admin"].get<bool>());
               return Ok();
             });
  AdminRoute(server, s, "POST", "/v1/deactivate/{userId}",
             [&s](const Request& req, const Requester&) {
               routes::BodyObject(req);
               if (!handlers::UserExists(s, req.Param("userId"))) {
                 throw MatrixError(404, errcode::kNotFound, "User not found");
               }
               handlers::Deactivate(s, req.Param("userId"));
               return Ok({{"id_server_unbind_result", "success"}});
             });
  AdminRoute(
      server, s, "POST", "/v1/reset_password/{userId}", [&s](const Request& req, const Requester&) {
        const json& body = req.JsonObject();
        bool logout = true;
        if (body.contains("logout_devices")) {
          if (!body["logout_devices"].is_boolean()) {
            throw MatrixError(400, errcode::kBadJson, "Param \"logout_devices\" must be a boolean");
          }
          logout = body["logout_devices"].get<bool>();
        }
        handlers::AdminResetPassword(s, req.Param("userId"), RequiredString(body, "new_password"),
                                     logout);
        return Ok();
      });
  AdminRoute(server, s, "GET", "/v1/whois/{userId}", [&s](const Request& req, const Requester&) {
    return Ok(handlers::Whois(s, req.Param("userId")));
  });
  AdminRoute(server, s, "GET", "/v1/rooms", [&s](const Request& req, const Requester&) {
    handlers::RoomListQuery q;
    q.from = routes::IntQuery(req, "from").value_or(0);
    q.limit = routes::IntQuery(req, "limit").value_or(100);
    q.order_by = req.Query("order_by").value_or("name");
    const std::string dir = req.Query("dir").value_or("f");
    if (dir != "f" && dir != "b") {
      throw MatrixError(400, errcode::kInvalidParam, "Unknown direction: " + dir);
    }
    q.backwards = dir == "b";
    q.search_term = req.Query("search_term");
    return Ok(handlers::ListRooms(s, q));
  });
  AdminRoute(server, s, "GET", "/v1/rooms/{room}", [&s](const Request& req, const Requester&) {
    return Ok(handlers::RoomDetails(s, req.Param("room")));
  });
  AdminRoute(server, s, "GET", "/v1/rooms/{room}/members",
             [&s](const Request& req, const Requester&) {
               return Ok(handlers::RoomMembers(s, req.Param("room")));
             });
  AdminRoute(server, s, "GET", "/v1/rooms/{room}/state",
             [&s](const Request& req, const Requester&) {
               return Ok(handlers::RoomState(s, req.Param("room")));
             });
  // Strata-specific (read-only): why a published room is or is not in the room directory.
  AdminRoute(server, s, "GET", "/v1/directory_health",
             [&s](const Request&, const Requester&) { return Ok(handlers::DirectoryHealth(s)); });
  // Strata-specific: the upgrade notes' read-only pre-check queries, run and timed.
  AdminRoute(server, s, "GET", "/v1/upgrade_prechecks", [&s](const Request& req, const Requester&) {
    auto to = req.Query("to");
    if (!to) throw MatrixError(400, errcode::kMissingParam, "Missing param: to");
    return Ok(handlers::UpgradePrechecks(s, *to));
  });
  AdminRoute(server, s, "POST", "/v1/rooms/{room}/delete",
             [&s](const Request& req, const Requester& r) {
               const json& body = routes::BodyObject(req);
               bool purge = true;
               if (body.contains("purge")) {
                 if (!body["purge"].is_boolean()) {
                   throw MatrixError(400, errcode::kBadJson, "Param \"purge\" must be a boolean");
                 }
                 purge = body["purge"].get<bool>();
               }
               return Ok(handlers::DeleteRoom(s, r, req.Param("room"), purge));
             });
  AdminRoute(
      server, s, "GET", "/v1/background_updates/status",
      [&s](const Request&, const Requester&) { return Ok(handlers::BackgroundUpdateStatus(s)); });
  AdminRoute(server, s, "GET", "/v1/background_updates/enabled",
             [&s](const Request&, const Requester&) {
               return Ok({{"enabled", s.background_updates_enabled.load()}});
             });
  AdminRoute(server, s, "POST", "/v1/background_updates/enabled",
             [&s](const Request& req, const Requester&) {
               const json& body = req.JsonObject();
               if (!body.contains("enabled") || !body["enabled"].is_boolean()) {
                 throw MatrixError(400, errcode::kMissingParam,
                                   "Param \"enabled\" must be a boolean");
               }
               s.background_updates_enabled = body["enabled"].get<bool>();
               return Ok({{"enabled", s.background_updates_enabled.load()}});
             });
  AdminRoute(server, s, "POST", "/v1/background_updates/start_job",
             [&s](const Request& req, const Requester&) {
               handlers::StartBackgroundJob(s, RequiredString(req.JsonObject(), "job_name"));
               return Ok();
             });
  AdminRoute(server, s, "GET", "/v1/schema",
             [&s](const Request&, const Requester&) { return Ok(handlers::SchemaInfo(s)); });
}

}  // namespace strata::http
