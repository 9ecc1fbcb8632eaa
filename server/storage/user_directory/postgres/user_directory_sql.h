// PostgreSQL's user_directory_search: a tsvector of the localpart weighted most (A), then the
// display name (B), then the server name (D), as Synapse's PostgreSQL engine wrote it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "storage/database.h"

namespace strata::storage::postgres {

constexpr std::string_view kInsertUserDirectorySearch =
    "INSERT INTO user_directory_search (user_id, vector) VALUES (?, "
    "setweight(to_tsvector('english', ?), 'A') || setweight(to_tsvector('english', ?), 'D') "
    "|| setweight(to_tsvector('english', COALESCE(?, '')), 'B'))";

inline Params UserDirectorySearchParams(const std::string& user_id, const std::string& localpart,
                                        const std::optional<std::string>& displayname) {
  const std::string domain = user_id.substr(user_id.find(':') + 1);
  return {user_id, localpart, domain, displayname};
}

}  // namespace strata::storage::postgres
