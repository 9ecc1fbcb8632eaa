#include "handlers/accounts.h"

#include <openssl/hmac.h>

#include <cctype>
#include <cstdio>

#include "crypto/password.h"
#include "crypto/tokens.h"
#include "handlers/api_error.h"
#include "handlers/ratelimit.h"
#include "handlers/transient.h"
#include "storage/devices/device_store.h"
#include "storage/membership/membership_store.h"
#include "storage/profiles/profile_store.h"
#include "storage/users/user_store.h"

namespace strata::handlers {
namespace {

using nlohmann::json;

std::optional<std::string> OptString(const json& body, const char* key) {
  if (!body.contains(key) || body[key].is_null()) return std::nullopt;
  if (!body[key].is_string())
    throw ApiError(400, "M_BAD_JSON", std::string(key) + " must be a string");
  return body[key].get<std::string>();
}

bool ValidLocalpart(const std::string& localpart) {
  if (localpart.empty()) return false;
  for (unsigned char c : localpart) {
    if (!(std::islower(c) || std::isdigit(c) || c == '.' || c == '_' || c == '=' || c == '-' ||
          c == '/')) {
      return false;
    }
  }
  return true;
}

crypto::PasswordHashing Hashing(const Services& s) {
  return {s.config.bcrypt_rounds, s.config.password_config.pepper};
}

std::string HashOrRefuse(const Services& s, const std::string& password) {
  auto hash = crypto::HashPassword(password, Hashing(s));
  if (!hash.ok()) throw InvalidParam(hash.status().message());
  return *hash;
}

// The user-interactive auth step of an endpoint needing `stage`. Returns when the stage is
// complete; otherwise throws the 401 that tells the client what to do.
void RequireStage(Services& s, const json& body, const std::string& stage,
                  const std::function<bool(const json& auth)>& check_password = nullptr) {
  const int64_t now = s.NowMs();
  json auth = body.contains("auth") ? body["auth"] : json();
  std::string session;
  if (auth.is_object() && auth.contains("session") && auth["session"].is_string()) {
    session = auth["session"].get<std::string>();
    if (!s.transient->SessionExists(session, now)) {
      throw ApiError(400, "M_UNKNOWN", "Unknown session ID: " + session);
    }
  }
  if (auth.is_object() && auth.contains("type")) {
    if (!auth["type"].is_string() || auth["type"].get<std::string>() != stage) {
      throw ApiError(400, "M_UNRECOGNIZED", "Unrecognised login type");
    }
    if (stage == "m.login.dummy" || (check_password && check_password(auth))) return;
    if (session.empty()) session = s.transient->NewSession(now);
    throw ApiError(401, "M_FORBIDDEN", "Invalid password",
                   json{{"flows", json::array({json{{"stages", json::array({stage})}}})},
                        {"params", json::object()},
                        {"session", session}});
  }
  if (!session.empty() && s.transient->StageDone(session, stage)) return;
  if (session.empty()) session = s.transient->NewSession(now);
  throw ApiError(401, "M_UNAUTHORIZED", "",
                 json{{"flows", json::array({json{{"stages", json::array({stage})}}})},
                      {"params", json::object()},
                      {"session", session}});
}

std::string LocalpartFromIdentifier(const Services& s, const std::string& user) {
  if (!user.empty() && user[0] == '@') {
    auto local = LocalpartOf(s, user);
    if (!local) throw Forbidden("Invalid username or password");
    return *local;
  }
  std::string lower;
  for (unsigned char c : user) lower += static_cast<char>(std::tolower(c));
  return lower;
}

using storage::StoredUser;

bool PasswordMatches(const Services& s, const StoredUser& user, const std::string& password) {
  if (!user.password_hash || user.password_hash->empty()) return false;
  auto ok = crypto::VerifyPassword(password, *user.password_hash, s.config.password_config.pepper);
  return ok.ok() && *ok;
}

std::string HexDigest(const unsigned char* bytes, unsigned len) {
  std::string out;
  char buf[3];
  for (unsigned i = 0; i < len; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", bytes[i]);
    out += buf;
  }
  return out;
}

}  // namespace

std::string UserIdFor(const Services& s, const std::string& localpart) {
  return "@" + localpart + ":" + s.server_name();
}

std::optional<std::string> LocalpartOf(const Services& s, const std::string& user_id) {
  const std::string suffix = ":" + s.server_name();
  if (user_id.size() <= suffix.size() + 1 || user_id[0] != '@' ||
      user_id.compare(user_id.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return std::nullopt;
  }
  return user_id.substr(1, user_id.size() - suffix.size() - 1);
}

Requester Authenticate(Services& s, const std::optional<std::string>& token) {
  if (!token || token->empty()) {
    throw ApiError(401, "M_MISSING_TOKEN", "Missing access token");
  }
  auto conn = s.db.Acquire();
  auto owner = s.stores.users->FindToken(*conn, *token);
  if (!owner || owner->deactivated ||
      (owner->valid_until_ms && *owner->valid_until_ms < s.NowMs())) {
    throw ApiError(401, "M_UNKNOWN_TOKEN", "Unrecognised access token",
                   json{{"soft_logout", false}});
  }
  return Requester{owner->user_id, owner->device_id, owner->token_id, owner->admin, owner->guest};
}

json RegistrationFlows(const Services&) {
  return {{"flows", json::array({json{{"stages", json::array({"m.login.dummy"})}}})},
          {"params", json::object()}};
}

bool UserExists(Services& s, const std::string& user_id) {
  auto conn = s.db.Acquire();
  return s.stores.users->UserExists(*conn, user_id);
}

void CheckUsernameAvailable(Services& s, const std::string& username) {
  if (!ValidLocalpart(username)) {
    throw ApiError(400, "M_INVALID_USERNAME",
                   "User ID can only contain characters a-z, 0-9, or '=_-./'");
  }
  if (UserExists(s, UserIdFor(s, username))) {
    throw ApiError(400, "M_USER_IN_USE", "User ID already taken.");
  }
}

void CreateAccount(Services& s, const std::string& user_id, const std::string& password, bool admin,
                   bool guest, const std::optional<std::string>& displayname) {
  auto localpart = LocalpartOf(s, user_id);
  if (!localpart || !ValidLocalpart(*localpart)) {
    throw ApiError(400, "M_INVALID_USERNAME",
                   "User ID can only contain characters a-z, 0-9, or '=_-./'");
  }
  std::optional<std::string> hash;
  if (!password.empty()) hash = HashOrRefuse(s, password);
  auto conn = s.db.AcquireWriter();
  storage::Transaction txn(*conn);
  if (s.stores.users->UserExists(*conn, user_id)) {
    throw ApiError(400, "M_USER_IN_USE", "User ID already taken.");
  }
  s.stores.users->InsertUser(*conn, user_id, hash, s.NowMs() / 1000, admin, guest);
  // profiles.user_id holds the localpart, as Synapse stores it.
  s.stores.profiles->Insert(*conn, *localpart, displayname.value_or(*localpart));
  txn.Commit();
}

json IssueLogin(Services& s, const std::string& user_id,
                const std::optional<std::string>& device_id,
                const std::optional<std::string>& device_name) {
  auto localpart = LocalpartOf(s, user_id).value_or(user_id);
  const std::string device = device_id.value_or(crypto::NewDeviceId());
  const std::string token = crypto::NewAccessToken(localpart);
  auto conn = s.db.AcquireWriter();
  storage::Transaction txn(*conn);
  s.stores.devices->AddDeviceIfAbsent(*conn, user_id, device, device_name);
  const int64_t id = s.stores.users->NextAccessTokenId(*conn);
  s.stores.users->InsertAccessToken(*conn, id, user_id, device, token);
  txn.Commit();
  return {{"user_id", user_id},
          {"access_token", token},
          {"device_id", device},
          {"home_server", s.server_name()}};
}

json Register(Services& s, const json& body, const std::string& kind,
              const std::string& client_ip) {
  const bool guest = kind == "guest";
  if (kind != "user" && kind != "guest") throw InvalidParam("Invalid kind: " + kind);
  if (guest ? !s.config.allow_guest_access : !s.config.enable_registration) {
    throw Forbidden(guest ? "Guest access is disabled" : "Registration has been disabled");
  }
  auto username = OptString(body, "username");
  auto password = OptString(body, "password");
  auto device_id = OptString(body, "device_id");
  auto device_name = OptString(body, "initial_device_display_name");
  bool inhibit_login = false;
  if (body.contains("inhibit_login")) {
    if (!body["inhibit_login"].is_boolean()) throw BadJson("inhibit_login must be a boolean");
    inhibit_login = body["inhibit_login"].get<bool>();
  }
  if (!guest) {
    if (!password) throw MissingParam("Missing param: password");
    if (password->size() > 512) throw InvalidParam("Password too long");
  }
  if (username) {
    std::string lower;
    for (unsigned char c : *username) lower += static_cast<char>(std::tolower(c));
    username = lower;
    CheckUsernameAvailable(s, *username);
  }
  if (!guest) RequireStage(s, body, "m.login.dummy");
  if (int64_t wait = s.registration_limiter->Acquire(client_ip, s.NowMs()); wait > 0) {
    throw LimitExceeded(wait);
  }
  if (!username) {
    // Synapse's generated ids: the next free number.
    auto conn = s.db.Acquire();
    int64_t n = s.stores.users->CountUsers(*conn) + 1;
    while (s.stores.users->UserExists(*conn, UserIdFor(s, std::to_string(n)))) ++n;
    username = std::to_string(n);
  }
  const std::string user_id = UserIdFor(s, *username);
  CreateAccount(s, user_id, password.value_or(""), false, guest, std::nullopt);
  if (inhibit_login) return {{"user_id", user_id}, {"home_server", s.server_name()}};
  return IssueLogin(s, user_id, device_id, device_name);
}

json LoginFlows() {
  return {{"flows", json::array({json{{"type", "m.login.password"}}})}};
}

json Login(Services& s, const json& body, const std::string& client_ip) {
  auto type = OptString(body, "type");
  if (!type) throw MissingParam("Missing JSON keys: type");
  if (*type != "m.login.password") throw ApiError(400, "M_UNKNOWN", "Unknown login type " + *type);
  std::optional<std::string> user;
  if (body.contains("identifier")) {
    const json& id = body["identifier"];
    if (!id.is_object()) throw BadJson("identifier must be an object");
    auto id_type = OptString(id, "type");
    if (id_type != std::optional<std::string>("m.id.user")) {
      throw ApiError(400, "M_UNKNOWN", "Unknown login identifier type");
    }
    user = OptString(id, "user");
  } else {
    user = OptString(body, "user");
  }
  if (!user) throw MissingParam("User identifier is missing 'user' key");
  auto password = OptString(body, "password");
  if (!password) throw MissingParam("Missing JSON keys: password");
  if (int64_t wait = s.login_limiter->Acquire(client_ip, s.NowMs()); wait > 0) {
    throw LimitExceeded(wait);
  }
  const std::string user_id = UserIdFor(s, LocalpartFromIdentifier(s, *user));
  // rc_login.failed_attempts: look before checking the password, count only a failure.
  std::string limit_key = user_id;
  for (char& c : limit_key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (int64_t wait = s.login_failed_limiter->Check(limit_key, s.NowMs(), false); wait > 0) {
    throw LimitExceeded(wait);
  }
  std::optional<StoredUser> found;
  {
    auto conn = s.db.Acquire();
    found = s.stores.users->FindUser(*conn, user_id);
  }
  if (!found || !PasswordMatches(s, *found, *password)) {
    s.login_failed_limiter->Acquire(limit_key, s.NowMs());
    throw Forbidden("Invalid password");
  }
  if (found->deactivated)
    throw ApiError(403, "M_USER_DEACTIVATED", "This account has been deactivated");
  // rc_login.account: successful logins per account, counted once the password is right.
  if (int64_t wait = s.login_account_limiter->Acquire(limit_key, s.NowMs()); wait > 0) {
    throw LimitExceeded(wait);
  }
  return IssueLogin(s, found->name, OptString(body, "device_id"),
                    OptString(body, "initial_device_display_name"));
}

void Logout(Services& s, const Requester& r) {
  auto conn = s.db.AcquireWriter();
  storage::Transaction txn(*conn);
  s.stores.users->DeleteAccessToken(*conn, r.token_id);
  if (!r.device_id.empty()) s.stores.devices->DeleteDevice(*conn, r.user_id, r.device_id);
  txn.Commit();
}

void LogoutAll(Services& s, const Requester& r) {
  auto conn = s.db.AcquireWriter();
  storage::Transaction txn(*conn);
  s.stores.users->DeleteAccessTokensOf(*conn, r.user_id);
  s.stores.devices->DeleteDevicesOf(*conn, r.user_id);
  txn.Commit();
}

void SetPassword(Services& s, const std::string& user_id, const std::string& password,
                 bool logout_devices, std::optional<int64_t> keep_token_id) {
  const std::string hash = HashOrRefuse(s, password);
  auto conn = s.db.AcquireWriter();
  storage::Transaction txn(*conn);
  s.stores.users->SetPasswordHash(*conn, user_id, hash);
  if (logout_devices) {
    s.stores.users->DeleteAccessTokensExcept(*conn, user_id, keep_token_id.value_or(-1));
  }
  txn.Commit();
}

namespace {
void RequirePasswordAuth(Services& s, const Requester& r, const json& body) {
  RequireStage(s, body, "m.login.password", [&](const json& auth) {
    std::optional<std::string> password;
    if (auth.contains("password") && auth["password"].is_string()) {
      password = auth["password"].get<std::string>();
    }
    if (!password) return false;
    auto conn = s.db.Acquire();
    auto user = s.stores.users->FindUser(*conn, r.user_id);
    return user && PasswordMatches(s, *user, *password);
  });
}
}  // namespace

void ChangePassword(Services& s, const Requester& r, const json& body) {
  auto password = OptString(body, "new_password");
  if (!password) throw MissingParam("Missing param: new_password");
  RequirePasswordAuth(s, r, body);
  bool logout = true;
  if (body.contains("logout_devices")) {
    if (!body["logout_devices"].is_boolean()) throw BadJson("logout_devices must be a boolean");
    logout = body["logout_devices"].get<bool>();
  }
  SetPassword(s, r.user_id, *password, logout, r.token_id);
}

void DeactivateOwnAccount(Services& s, const Requester& r, const json& body) {
  RequirePasswordAuth(s, r, body);
  Deactivate(s, r.user_id);
}

void Deactivate(Services& s, const std::string& user_id) {
  std::vector<std::string> rooms;
  {
    auto conn = s.db.Acquire();
    rooms = s.stores.membership->JoinedOrInvitedRooms(*conn, user_id);
  }
  for (const auto& room : rooms) {
    auto conn = s.db.AcquireWriter();
    events::EventDraft leave{
        room, "m.room.member", user_id, user_id, json{{"membership", "leave"}}, std::nullopt, ""};
    auto stored = events::Persist(s.stores, *conn, s.event_context, leave);
    if (stored.ok()) s.notifier.Notify(stored->stream_ordering, {room, user_id});
    s.public_rooms.Changed();
  }
  auto conn = s.db.AcquireWriter();
  storage::Transaction txn(*conn);
  s.stores.users->MarkDeactivated(*conn, user_id);
  s.stores.users->DeleteAccessTokensOf(*conn, user_id);
  s.stores.devices->DeleteDevicesOf(*conn, user_id);
  s.stores.users->DeleteThreepidsOf(*conn, user_id);
  txn.Commit();
}

json NewRegistrationNonce(Services& s) {
  if (s.config.registration_shared_secret.empty()) {
    throw ApiError(400, "M_UNKNOWN", "Shared secret registration is not enabled");
  }
  return {{"nonce", s.transient->NewNonce(s.NowMs())}};
}

json SharedSecretRegister(Services& s, const json& body) {
  const std::string& secret = s.config.registration_shared_secret;
  if (secret.empty()) throw ApiError(400, "M_UNKNOWN", "Shared secret registration is not enabled");
  auto nonce = OptString(body, "nonce");
  if (!nonce) throw MissingParam("nonce must be specified");
  auto username = OptString(body, "username");
  if (!username) throw MissingParam("username must be specified");
  auto password = OptString(body, "password");
  if (!password) throw MissingParam("password must be specified");
  auto mac = OptString(body, "mac");
  if (!mac) throw MissingParam("mac must be specified");
  bool admin = false;
  if (body.contains("admin")) {
    if (!body["admin"].is_boolean()) throw BadJson("admin must be a boolean");
    admin = body["admin"].get<bool>();
  }
  auto user_type = OptString(body, "user_type");
  if (!s.transient->ConsumeNonce(*nonce, s.NowMs())) {
    throw ApiError(400, "M_UNKNOWN", "unrecognised nonce");
  }
  std::string message =
      *nonce + '\0' + *username + '\0' + *password + '\0' + (admin ? "admin" : "notadmin");
  if (user_type) message += '\0' + *user_type;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &len);
  if (!crypto::ConstantTimeEquals(HexDigest(digest, len), *mac)) {
    throw Forbidden("HMAC incorrect");
  }
  CheckUsernameAvailable(s, *username);
  const std::string user_id = UserIdFor(s, *username);
  CreateAccount(s, user_id, *password, admin, false, OptString(body, "displayname"));
  return IssueLogin(s, user_id, std::nullopt, std::nullopt);
}

}  // namespace strata::handlers
