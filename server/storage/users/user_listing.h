// UserListing: the admin API's view of local accounts: the paged user list, one user's
// record, the admin flag, and a user's devices and connections for whois.
// Tables: users, profiles (read; displayname written), user_ips, devices (read).
//
// Promises: every call runs on the Connection it is given, inside whatever transaction the
// caller holds there; a missing row is an empty optional or an empty list, never an exception;
// SQL errors throw storage::DatabaseError. Before schema 55 (no users.deactivated) every user
// reads as not deactivated and the deactivated filter is ignored.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "storage/store_options.h"
#include "storage/users/token_cache.h"

namespace strata::storage {

// One user as the admin API lists it; `displayname`/`avatar_url` come from profiles.
struct AdminUserRow {
  std::string name;
  std::optional<std::string> password_hash;
  int64_t is_guest = 0;
  int64_t admin = 0;
  std::optional<std::string> user_type;
  int64_t deactivated = 0;
  std::optional<std::string> displayname;
  std::optional<std::string> avatar_url;
  int64_t creation_ts = 0;
};

struct UserListFilter {
  std::optional<std::string> name_contains;  // substring of the user id
  bool guests = true;                        // false: leave guests out
  bool deactivated = false;                  // false: leave deactivated users out
};

struct UserPage {
  int64_t total = 0;                // users matching the filter, over all pages
  std::vector<AdminUserRow> users;  // ordered by name
};

// A user_ips row, for whois.
struct UserConnection {
  std::string device_id;
  std::string ip;
  std::string user_agent;
  int64_t last_seen = 0;
};

class UserListing {
 public:
  // `tokens`: the cache UserStore answers token lookups from (an admin change forgets there).
  explicit UserListing(const StoreOptions& options,
                       std::shared_ptr<TokenCache> tokens = std::make_shared<TokenCache>());

  // Reads users and profiles: `limit` users after skipping `from`, by name. `server_name`
  // maps a user id to its profiles row.
  UserPage List(Connection& conn, const std::string& server_name, const UserListFilter& filter,
                int64_t limit, int64_t from) const;
  // Reads users and profiles; nullopt if there is no such user.
  std::optional<AdminUserRow> Get(Connection& conn, const std::string& server_name,
                                  const std::string& user_id) const;
  // users.admin; nullopt if there is no such user.
  std::optional<bool> IsAdmin(Connection& conn, const std::string& user_id) const;
  // Writes users.admin; false if there is no such user. REQUIRES: a writer connection.
  bool SetAdmin(Connection& conn, const std::string& user_id, bool admin) const;
  // Writes profiles.displayname of the user with this localpart (no row: nothing changes).
  // REQUIRES: a writer connection.
  void SetDisplayname(Connection& conn, const std::string& localpart,
                      const std::string& displayname) const;
  // The user's user_ips rows, in the table's order.
  std::vector<UserConnection> Connections(Connection& conn, const std::string& user_id) const;
  // The user's device ids, in the table's order.
  std::vector<std::string> DeviceIds(Connection& conn, const std::string& user_id) const;

 private:
  std::string select_user_;  // ends before WHERE; its one parameter is the suffix length
  bool filter_deactivated_;  // users.deactivated exists
  std::shared_ptr<TokenCache> tokens_;
};

}  // namespace strata::storage
