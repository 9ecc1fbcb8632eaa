// Accounts: registration (with user-interactive auth), shared-secret registration, login,
// logout, whoami, password changes and deactivation, over Synapse's users, access_tokens,
// devices and profiles tables. Refusals are ApiErrors with the spec's codes.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "handlers/services.h"

namespace strata::handlers {

// Who is making a request, from their access token.
struct Requester {
  std::string user_id;
  std::string device_id;
  int64_t token_id = 0;
  bool admin = false;
  bool guest = false;
};

// 401 M_MISSING_TOKEN without a token, 401 M_UNKNOWN_TOKEN for one that is unknown, expired or
// belongs to a deactivated user.
Requester Authenticate(Services& s, const std::optional<std::string>& token);

// "@localpart:server" for a local localpart; the localpart of a local user id, else nullopt.
std::string UserIdFor(const Services& s, const std::string& localpart);
std::optional<std::string> LocalpartOf(const Services& s, const std::string& user_id);

// GET /register flows: {"flows": [{"stages": ["m.login.dummy"]}], "params": {}}.
nlohmann::json RegistrationFlows(const Services& s);
// POST /register. `kind` is "user" or "guest". The password is hashed once, when the auth
// stages are complete. Answers {user_id, access_token, device_id, home_server}, or without a
// login ("inhibit_login") just {user_id, home_server}.
nlohmann::json Register(Services& s, const nlohmann::json& body, const std::string& kind,
                        const std::string& client_ip);
// GET /register/available: true, or M_USER_IN_USE / M_INVALID_USERNAME.
void CheckUsernameAvailable(Services& s, const std::string& username);

// GET /login flows and POST /login (m.login.password with a user id or localpart).
nlohmann::json LoginFlows();
nlohmann::json Login(Services& s, const nlohmann::json& body, const std::string& client_ip);
void Logout(Services& s, const Requester& r);
void LogoutAll(Services& s, const Requester& r);

// POST /account/password and /account/deactivate: both need m.login.password auth.
void ChangePassword(Services& s, const Requester& r, const nlohmann::json& body);
void DeactivateOwnAccount(Services& s, const Requester& r, const nlohmann::json& body);

// Shared-secret registration (/_synapse/admin/v1/register): a nonce, then a registration
// whose `mac` is HMAC-SHA1(secret, nonce\0user\0password\0admin|notadmin[\0user_type]).
nlohmann::json NewRegistrationNonce(Services& s);
nlohmann::json SharedSecretRegister(Services& s, const nlohmann::json& body);

// Building blocks the admin API shares ---------------------------------------------------

// Creates the account; `password` may be empty (no password). 400 M_USER_IN_USE if taken.
void CreateAccount(Services& s, const std::string& user_id, const std::string& password, bool admin,
                   bool guest, const std::optional<std::string>& displayname);
// New device (or the given one) and access token: {user_id, access_token, device_id, ...}.
nlohmann::json IssueLogin(Services& s, const std::string& user_id,
                          const std::optional<std::string>& device_id,
                          const std::optional<std::string>& device_name);
void SetPassword(Services& s, const std::string& user_id, const std::string& password,
                 bool logout_devices, std::optional<int64_t> keep_token_id = std::nullopt);
// Deactivates: password removed, tokens and devices deleted, rooms left, flag set.
void Deactivate(Services& s, const std::string& user_id);
bool UserExists(Services& s, const std::string& user_id);

}  // namespace strata::handlers
