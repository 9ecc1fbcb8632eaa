#include "storage/user_directory/user_directory_store.h"

#include "storage/user_directory/postgres/user_directory_sql.h"
#include "storage/user_directory/sqlite/user_directory_sql.h"

namespace strata::storage {
namespace {

constexpr std::string_view kUserListed = "SELECT 1 FROM user_directory WHERE user_id = ?";
constexpr std::string_view kUpdateUserDirectory =
    "UPDATE user_directory SET display_name = ?, avatar_url = ? WHERE user_id = ?";
constexpr std::string_view kDeleteUserDirectorySearch =
    "DELETE FROM user_directory_search WHERE user_id = ?";

}  // namespace

UserDirectoryStore::UserDirectoryStore(const StoreOptions& options)
    : options_(options),
      insert_search_sql_(options.engine == Engine::kPostgres ? postgres::kInsertUserDirectorySearch
                                                             : sqlite::kInsertUserDirectorySearch),
      search_params_(options.engine == Engine::kPostgres ? &postgres::UserDirectorySearchParams
                                                         : &sqlite::UserDirectorySearchParams) {}

bool UserDirectoryStore::Contains(Connection& conn, const std::string& user_id) const {
  return !conn.Query(kUserListed, {user_id}).empty();
}

void UserDirectoryStore::UpdateProfile(Connection& conn, const std::string& user_id,
                                       const std::string& localpart,
                                       const std::optional<std::string>& displayname,
                                       const std::optional<std::string>& avatar_url) const {
  conn.Execute(kUpdateUserDirectory, {displayname, avatar_url, user_id});
  conn.Execute(kDeleteUserDirectorySearch, {user_id});
  conn.Execute(insert_search_sql_, search_params_(user_id, localpart, displayname));
}

}  // namespace strata::storage
