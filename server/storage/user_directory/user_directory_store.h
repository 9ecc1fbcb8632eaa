// UserDirectoryStore: the searchable directory of users.
// Tables: user_directory, user_directory_search.
//
// Promises: every call runs on the Connection it is given, inside whatever transaction the
// caller holds there; a missing row is an empty optional or an empty list, never an exception;
// SQL errors throw storage::DatabaseError. Writes REQUIRE a writer connection.
//
// Engines: user_directory_search is an FTS4 text on SQLite and a weighted tsvector on
// PostgreSQL; the insert for each lives in sqlite/ and postgres/ and is chosen once, here.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "storage/database.h"
#include "storage/store_options.h"

namespace strata::storage {

class UserDirectoryStore {
 public:
  explicit UserDirectoryStore(const StoreOptions& options);

  // Whether the user has a user_directory row.
  bool Contains(Connection& conn, const std::string& user_id) const;
  // Gives a listed user a new profile: the user_directory row's display name and avatar, and
  // their search row replaced (delete, then insert). Three statements; REQUIRES: inside the
  // caller's transaction. A user without a user_directory row gets a search row all the same:
  // callers ask Contains first, as Synapse's update_profile_in_user_dir did.
  void UpdateProfile(Connection& conn, const std::string& user_id, const std::string& localpart,
                     const std::optional<std::string>& displayname,
                     const std::optional<std::string>& avatar_url) const;

 private:
  using SearchParamsFn = Params (*)(const std::string& user_id, const std::string& localpart,
                                    const std::optional<std::string>& displayname);
  StoreOptions options_;
  std::string_view insert_search_sql_;
  SearchParamsFn search_params_;
};

}  // namespace strata::storage
