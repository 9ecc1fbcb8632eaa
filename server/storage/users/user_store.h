// UserStore: local accounts and their access tokens.
// Tables: users, access_tokens, ratelimit_override, user_threepids.
//
// Promises: every call runs on the Connection it is given, inside whatever transaction the
// caller holds there; a missing row is an empty optional or an empty list, never an exception;
// SQL errors throw storage::DatabaseError. Calls that write say so: they REQUIRE a writer
// connection (ConnectionPool::AcquireWriter), inside the caller's transaction when the caller
// writes more than one table.
//
// Schema: users.deactivated (schema 55) and access_tokens.valid_until_ms (schema 55) are read
// and written only where the schema has them; the choice is made once, in the constructor.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "storage/store_options.h"
#include "storage/users/token_cache.h"
#include "storage/users/token_owner.h"

namespace strata::storage {

// A users row as login needs it.
struct StoredUser {
  std::string name;
  std::optional<std::string> password_hash;
  bool deactivated = false;  // always false before schema 55
};

// A ratelimit_override row; a NULL column is nullopt.
struct RatelimitOverride {
  std::optional<int64_t> messages_per_second;
  std::optional<int64_t> burst_count;
};

class UserStore {
 public:
  // `tokens` is shared with UserListing (Stores does that); by default the store has its own.
  explicit UserStore(const StoreOptions& options,
                     std::shared_ptr<TokenCache> tokens = std::make_shared<TokenCache>());

  // Reads ---------------------------------------------------------------------------------

  // The user named exactly `user_id`; failing that, the one user whose name matches it
  // case-insensitively (as Synapse matched logins). nullopt when neither finds exactly one.
  std::optional<StoredUser> FindUser(Connection& conn, const std::string& user_id) const;
  // Whether a users row named `user_id` exists (exact match).
  bool UserExists(Connection& conn, const std::string& user_id) const;
  // The number of users rows.
  int64_t CountUsers(Connection& conn) const;
  // The token's row joined with its user; nullopt for an unknown token (or one whose user row
  // is gone). Expiry and deactivation are reported, not judged. Answered from the TokenCache
  // when it can be; the writes below that change an answer forget it there.
  std::optional<TokenOwner> FindToken(Connection& conn, const std::string& token) const;
  // The user's ratelimit_override row, nullopt if none.
  std::optional<RatelimitOverride> FindRatelimitOverride(Connection& conn,
                                                         const std::string& user_id) const;

  // Writes (REQUIRE a writer connection) --------------------------------------------------

  // Inserts a users row; creation_ts in seconds; `password_hash` NULL when nullopt. Throws
  // DatabaseError if the name is taken (callers check UserExists first, in their transaction).
  void InsertUser(Connection& conn, const std::string& user_id,
                  const std::optional<std::string>& password_hash, int64_t creation_ts, bool admin,
                  bool guest) const;
  // Sets (or, with nullopt, clears) the user's password hash. No row: nothing changes.
  void SetPasswordHash(Connection& conn, const std::string& user_id,
                       const std::optional<std::string>& password_hash) const;
  // Clears the password hash and, from schema 55, sets users.deactivated = 1: two statements,
  // in that order. REQUIRES: inside the caller's transaction.
  void MarkDeactivated(Connection& conn, const std::string& user_id) const;

  // The id the next access token gets: MAX(id) + 1, or 1 for none. REQUIRES: inside the
  // writer transaction that inserts the token, so the id cannot race.
  int64_t NextAccessTokenId(Connection& conn) const;
  void InsertAccessToken(Connection& conn, int64_t id, const std::string& user_id,
                         const std::string& device_id, const std::string& token) const;
  void DeleteAccessToken(Connection& conn, int64_t id) const;
  void DeleteAccessTokensOf(Connection& conn, const std::string& user_id) const;
  // Every token of the user but `keep_id` (pass -1 to keep none).
  void DeleteAccessTokensExcept(Connection& conn, const std::string& user_id,
                                int64_t keep_id) const;

  void DeleteThreepidsOf(Connection& conn, const std::string& user_id) const;

 private:
  StoreOptions options_;
  // Chosen once from options_.features.
  std::string select_user_sql_;
  std::string select_user_nocase_sql_;
  std::string select_token_sql_;
  std::string set_deactivated_sql_;  // "" before schema 55
  std::shared_ptr<TokenCache> tokens_;
};

}  // namespace strata::storage
