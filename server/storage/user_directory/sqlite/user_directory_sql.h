// SQLite's user_directory_search: an FTS4 table of (user_id, value), the value being the user id
// and the display name as one text, as Synapse's SQLite engine wrote it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "storage/database.h"

namespace strata::storage::sqlite {

constexpr std::string_view kInsertUserDirectorySearch =
    "INSERT INTO user_directory_search (user_id, value) VALUES (?, ?)";

inline Params UserDirectorySearchParams(const std::string& user_id,
                                        const std::string& /*localpart*/,
                                        const std::optional<std::string>& displayname) {
  return {user_id, displayname ? user_id + " " + *displayname : user_id};
}

}  // namespace strata::storage::sqlite
