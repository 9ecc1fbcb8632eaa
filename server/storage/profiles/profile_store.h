// ProfileStore: display names and avatars of local users.
// Tables: profiles (keyed by the localpart, as Synapse keys it, not the full user id).
//
// Promises: every call runs on the Connection it is given, inside whatever transaction the
// caller holds there; a missing row is an empty optional or an empty list, never an exception;
// SQL errors throw storage::DatabaseError. Writes REQUIRE a writer connection.
#pragma once

#include <optional>
#include <string>

#include "storage/store_options.h"

namespace strata::storage {

struct Profile {
  std::optional<std::string> displayname;
  std::optional<std::string> avatar_url;
};

enum class ProfileField { kDisplayName, kAvatarUrl };

class ProfileStore {
 public:
  explicit ProfileStore(const StoreOptions& options);

  // The profile of `localpart`, nullopt if it has no row.
  std::optional<Profile> Get(Connection& conn, const std::string& localpart) const;
  // Inserts the row of a new account. Throws DatabaseError if the localpart has one.
  void Insert(Connection& conn, const std::string& localpart,
              const std::optional<std::string>& displayname) const;
  // Sets one field (nullopt: NULL), first adding an empty row if the localpart has none.
  // REQUIRES: inside the caller's transaction, so the look and the insert cannot be split.
  void SetField(Connection& conn, const std::string& localpart, ProfileField field,
                const std::optional<std::string>& value) const;

 private:
  StoreOptions options_;
};

}  // namespace strata::storage
