#include "storage/users/user_store.h"

namespace strata::storage {
namespace {

// users ---------------------------------------------------------------------------------------
constexpr std::string_view kSelectUserByName =
    "SELECT name, password_hash, deactivated FROM users WHERE name = ?";
constexpr std::string_view kSelectUserByNameNoDeactivated =
    "SELECT name, password_hash, 0 FROM users WHERE name = ?";
constexpr std::string_view kSelectUserNoCase =
    "SELECT name, password_hash, deactivated FROM users WHERE LOWER(name) = LOWER(?)";
constexpr std::string_view kSelectUserNoCaseNoDeactivated =
    "SELECT name, password_hash, 0 FROM users WHERE LOWER(name) = LOWER(?)";
constexpr std::string_view kCountUsersNamed = "SELECT COUNT(*) FROM users WHERE name = ?";
constexpr std::string_view kCountUsers = "SELECT COUNT(*) FROM users";
constexpr std::string_view kInsertUser =
    "INSERT INTO users (name, password_hash, creation_ts, admin, is_guest) "
    "VALUES (?, ?, ?, ?, ?)";
constexpr std::string_view kSetPasswordHash = "UPDATE users SET password_hash = ? WHERE name = ?";
constexpr std::string_view kClearPasswordHash =
    "UPDATE users SET password_hash = NULL WHERE name = ?";
constexpr std::string_view kSetDeactivated = "UPDATE users SET deactivated = 1 WHERE name = ?";

// access_tokens -------------------------------------------------------------------------------
// The token lookup is composed from these: deactivated and valid_until_ms where the schema has
// them, constants where it does not, so the row has the same shape on every schema.
constexpr std::string_view kSelectTokenHead =
    "SELECT a.user_id, a.device_id, a.id, u.admin, u.is_guest, ";
constexpr std::string_view kTokenDeactivated = "u.deactivated, ";
constexpr std::string_view kTokenNoDeactivated = "0, ";
constexpr std::string_view kTokenExpiry = "a.valid_until_ms ";
constexpr std::string_view kTokenNoExpiry = "NULL ";
constexpr std::string_view kSelectTokenTail =
    "FROM access_tokens a JOIN users u ON u.name = a.user_id WHERE a.token = ?";
constexpr std::string_view kNextAccessTokenId =
    "SELECT COALESCE(MAX(id), 0) + 1 FROM access_tokens";
constexpr std::string_view kInsertAccessToken =
    "INSERT INTO access_tokens (id, user_id, device_id, token) VALUES (?, ?, ?, ?)";
constexpr std::string_view kDeleteAccessToken = "DELETE FROM access_tokens WHERE id = ?";
constexpr std::string_view kDeleteAccessTokensOf = "DELETE FROM access_tokens WHERE user_id = ?";
constexpr std::string_view kDeleteAccessTokensExcept =
    "DELETE FROM access_tokens WHERE user_id = ? AND id <> ?";

// ratelimit_override, user_threepids ----------------------------------------------------------
constexpr std::string_view kSelectRatelimitOverride =
    "SELECT messages_per_second, burst_count FROM ratelimit_override WHERE user_id = ?";
constexpr std::string_view kDeleteThreepidsOf = "DELETE FROM user_threepids WHERE user_id = ?";

StoredUser UserFrom(const Row& row) {
  return {row.Text(0), row.OptText(1), row.Bool(2)};
}

}  // namespace

UserStore::UserStore(const StoreOptions& options, std::shared_ptr<TokenCache> tokens)
    : options_(options), tokens_(std::move(tokens)) {
  const SchemaFeatures& f = options_.features;
  select_user_sql_ = f.users_deactivated ? kSelectUserByName : kSelectUserByNameNoDeactivated;
  select_user_nocase_sql_ =
      f.users_deactivated ? kSelectUserNoCase : kSelectUserNoCaseNoDeactivated;
  select_token_sql_ = kSelectTokenHead;
  select_token_sql_ += f.users_deactivated ? kTokenDeactivated : kTokenNoDeactivated;
  select_token_sql_ += f.access_token_expiry ? kTokenExpiry : kTokenNoExpiry;
  select_token_sql_ += kSelectTokenTail;
  if (f.users_deactivated) set_deactivated_sql_ = kSetDeactivated;
}

std::optional<StoredUser> UserStore::FindUser(Connection& conn, const std::string& user_id) const {
  auto rows = conn.Query(select_user_sql_, {user_id});
  if (!rows.empty()) return UserFrom(rows[0]);
  rows = conn.Query(select_user_nocase_sql_, {user_id});
  if (rows.size() != 1) return std::nullopt;
  return UserFrom(rows[0]);
}

bool UserStore::UserExists(Connection& conn, const std::string& user_id) const {
  return conn.QueryInt(kCountUsersNamed, {user_id}).value_or(0) > 0;
}

int64_t UserStore::CountUsers(Connection& conn) const {
  return conn.QueryInt(kCountUsers).value_or(0);
}

std::optional<TokenOwner> UserStore::FindToken(Connection& conn, const std::string& token) const {
  if (auto cached = tokens_->Find(token)) return cached;
  const uint64_t begun = tokens_->Begin();
  auto rows = conn.Query(select_token_sql_, {token});
  if (rows.empty()) return std::nullopt;
  const Row& row = rows[0];
  TokenOwner owner{row.Text(0), row.Text(1), row.Int(2),   row.Bool(3),
                   row.Bool(4), row.Bool(5), row.OptInt(6)};
  // A lookup inside a writer's transaction may see rows not yet committed: leave those out.
  if (!conn.InTransaction()) tokens_->Fill(token, owner, begun);
  return owner;
}

std::optional<RatelimitOverride> UserStore::FindRatelimitOverride(
    Connection& conn, const std::string& user_id) const {
  auto rows = conn.Query(kSelectRatelimitOverride, {user_id});
  if (rows.empty()) return std::nullopt;
  return RatelimitOverride{rows[0].OptInt(0), rows[0].OptInt(1)};
}

void UserStore::InsertUser(Connection& conn, const std::string& user_id,
                           const std::optional<std::string>& password_hash, int64_t creation_ts,
                           bool admin, bool guest) const {
  conn.Execute(kInsertUser, {user_id, password_hash, creation_ts, admin ? 1 : 0, guest ? 1 : 0});
}

void UserStore::SetPasswordHash(Connection& conn, const std::string& user_id,
                                const std::optional<std::string>& password_hash) const {
  if (password_hash) {
    conn.Execute(kSetPasswordHash, {*password_hash, user_id});
  } else {
    conn.Execute(kClearPasswordHash, {user_id});
  }
}

void UserStore::MarkDeactivated(Connection& conn, const std::string& user_id) const {
  tokens_->ForgetUser(conn, user_id);
  conn.Execute(kClearPasswordHash, {user_id});
  if (!set_deactivated_sql_.empty()) conn.Execute(set_deactivated_sql_, {user_id});
}

int64_t UserStore::NextAccessTokenId(Connection& conn) const {
  return conn.QueryInt(kNextAccessTokenId).value_or(1);
}

void UserStore::InsertAccessToken(Connection& conn, int64_t id, const std::string& user_id,
                                  const std::string& device_id, const std::string& token) const {
  conn.Execute(kInsertAccessToken, {id, user_id, device_id, token});
}

void UserStore::DeleteAccessToken(Connection& conn, int64_t id) const {
  tokens_->ForgetTokenId(conn, id);
  conn.Execute(kDeleteAccessToken, {id});
}

void UserStore::DeleteAccessTokensOf(Connection& conn, const std::string& user_id) const {
  tokens_->ForgetUser(conn, user_id);
  conn.Execute(kDeleteAccessTokensOf, {user_id});
}

void UserStore::DeleteAccessTokensExcept(Connection& conn, const std::string& user_id,
                                         int64_t keep_id) const {
  tokens_->ForgetUser(conn, user_id);
  conn.Execute(kDeleteAccessTokensExcept, {user_id, keep_id});
}

void UserStore::DeleteThreepidsOf(Connection& conn, const std::string& user_id) const {
  conn.Execute(kDeleteThreepidsOf, {user_id});
}

}  // namespace strata::storage
