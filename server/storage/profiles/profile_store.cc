#include "storage/profiles/profile_store.h"

namespace strata::storage {
namespace {

constexpr std::string_view kSelectProfile =
    "SELECT displayname, avatar_url FROM profiles WHERE user_id = ?";
constexpr std::string_view kInsertProfile =
    "INSERT INTO profiles (user_id, displayname) VALUES (?, ?)";
constexpr std::string_view kProfileExists = "SELECT 1 FROM profiles WHERE user_id = ?";
constexpr std::string_view kInsertEmptyProfile = "INSERT INTO profiles (user_id) VALUES (?)";
constexpr std::string_view kSetDisplayName =
    "UPDATE profiles SET displayname = ? WHERE user_id = ?";
constexpr std::string_view kSetAvatarUrl = "UPDATE profiles SET avatar_url = ? WHERE user_id = ?";

}  // namespace

ProfileStore::ProfileStore(const StoreOptions& options) : options_(options) {}

std::optional<Profile> ProfileStore::Get(Connection& conn, const std::string& localpart) const {
  auto rows = conn.Query(kSelectProfile, {localpart});
  if (rows.empty()) return std::nullopt;
  return Profile{rows[0].OptText(0), rows[0].OptText(1)};
}

void ProfileStore::Insert(Connection& conn, const std::string& localpart,
                          const std::optional<std::string>& displayname) const {
  conn.Execute(kInsertProfile, {localpart, displayname});
}

void ProfileStore::SetField(Connection& conn, const std::string& localpart, ProfileField field,
                            const std::optional<std::string>& value) const {
  if (conn.Query(kProfileExists, {localpart}).empty()) {
    conn.Execute(kInsertEmptyProfile, {localpart});
  }
  conn.Execute(field == ProfileField::kDisplayName ? kSetDisplayName : kSetAvatarUrl,
               {value, localpart});
}

}  // namespace strata::storage
