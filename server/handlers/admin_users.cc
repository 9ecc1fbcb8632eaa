// The admin API's users: listing, one user's record, creating and changing accounts, the
// admin flag, password resets and whois.
#include "handlers/admin.h"
#include "handlers/api_error.h"
#include "storage/users/user_listing.h"

namespace strata::handlers {
namespace {

using nlohmann::json;

json OptJson(const std::optional<std::string>& text) {
  return text ? json(*text) : json();
}

// Synapse's admin user record, password hash left out.
json UserJson(const storage::AdminUserRow& u) {
  return {{"name", u.name},
          {"is_guest", u.is_guest},
          {"admin", u.admin},
          {"user_type", OptJson(u.user_type)},
          {"deactivated", u.deactivated},
          {"displayname", OptJson(u.displayname)},
          {"avatar_url", OptJson(u.avatar_url)},
          {"creation_ts", u.creation_ts}};
}

}  // namespace

void RequireAdmin(const Requester& r) {
  if (!r.admin) throw Forbidden("You are not a server admin");
}

json ListUsers(Services& s, const UserListQuery& q) {
  if (q.from < 0 || q.limit < 0) throw InvalidParam("from and limit must not be negative");
  auto conn = s.db.Acquire();
  const storage::UserPage page = s.stores.user_listing->List(
      *conn, s.server_name(), {q.user_id, q.guests, q.deactivated}, q.limit, q.from);
  json users = json::array();
  for (const auto& u : page.users) users.push_back(UserJson(u));
  json out = {{"users", users}, {"total", page.total}};
  if (q.from + static_cast<int64_t>(users.size()) < page.total) {
    out["next_token"] = std::to_string(q.from + static_cast<int64_t>(users.size()));
  }
  return out;
}

json GetUser(Services& s, const std::string& user_id) {
  auto conn = s.db.Acquire();
  auto user = s.stores.user_listing->Get(*conn, s.server_name(), user_id);
  if (!user) throw NotFound("User not found");
  json u = UserJson(*user);
  u["threepids"] = json::array();
  return u;
}

std::pair<int, json> PutUser(Services& s, const Requester& r, const std::string& user_id,
                             const json& body) {
  if (!LocalpartOf(s, user_id)) throw InvalidParam("Can only add local users");
  auto opt_string = [&](const char* key) -> std::optional<std::string> {
    if (!body.contains(key) || body[key].is_null()) return std::nullopt;
    if (!body[key].is_string()) throw BadJson(std::string(key) + " must be a string");
    return body[key].get<std::string>();
  };
  auto opt_bool = [&](const char* key) -> std::optional<bool> {
    if (!body.contains(key) || body[key].is_null()) return std::nullopt;
    if (!body[key].is_boolean()) throw BadJson(std::string(key) + " must be a bool");
    return body[key].get<bool>();
  };
  auto password = opt_string("password");
  auto displayname = opt_string("displayname");
  auto admin = opt_bool("admin");
  auto deactivated = opt_bool("deactivated");
  int status = 200;
  if (!UserExists(s, user_id)) {
    CreateAccount(s, user_id, password.value_or(""), admin.value_or(false), false, displayname);
    status = 201;
  } else {
    if (password) SetPassword(s, user_id, *password, false);
    if (admin) SetUserAdmin(s, r, user_id, *admin);
    if (displayname) {
      auto conn = s.db.AcquireWriter();
      s.stores.user_listing->SetDisplayname(*conn, *LocalpartOf(s, user_id), *displayname);
    }
    if (deactivated == std::optional<bool>(true)) Deactivate(s, user_id);
  }
  return {status, GetUser(s, user_id)};
}

json GetUserAdmin(Services& s, const std::string& user_id) {
  auto conn = s.db.Acquire();
  auto admin = s.stores.user_listing->IsAdmin(*conn, user_id);
  if (!admin) throw NotFound("User not found");
  return {{"admin", *admin}};
}

void SetUserAdmin(Services& s, const Requester& r, const std::string& user_id, bool admin) {
  if (!LocalpartOf(s, user_id))
    throw ApiError(400, "M_UNKNOWN", "Only local users can be admins of this homeserver");
  if (user_id == r.user_id && !admin)
    throw ApiError(400, "M_UNKNOWN", "You may not demote yourself.");
  auto conn = s.db.AcquireWriter();
  if (!s.stores.user_listing->SetAdmin(*conn, user_id, admin)) throw NotFound("User not found");
}

void AdminResetPassword(Services& s, const std::string& user_id, const std::string& password,
                        bool logout_devices) {
  if (!UserExists(s, user_id)) throw NotFound("User not found");
  SetPassword(s, user_id, password, logout_devices);
}

json Whois(Services& s, const std::string& user_id) {
  if (!UserExists(s, user_id)) throw NotFound("User not found");
  auto conn = s.db.Acquire();
  json devices = json::object();
  for (const auto& c : s.stores.user_listing->Connections(*conn, user_id)) {
    devices[c.device_id]["sessions"][0]["connections"].push_back(
        {{"ip", c.ip}, {"user_agent", c.user_agent}, {"last_seen", c.last_seen}});
  }
  for (const auto& device_id : s.stores.user_listing->DeviceIds(*conn, user_id)) {
    if (!devices.contains(device_id)) {
      devices[device_id] = {{"sessions", json::array({{{"connections", json::array()}}})}};
    }
  }
  return {{"user_id", user_id}, {"devices", devices}};
}

}  // namespace strata::handlers
