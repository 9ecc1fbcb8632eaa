#include "storage/users/user_listing.h"

namespace strata::storage {
namespace {

// The user's profiles row is keyed by localpart: the name without '@' and ':<server>'.
constexpr std::string_view kSelectUserHead =
    "SELECT u.name, u.password_hash, u.is_guest, u.admin, u.user_type, ";
constexpr std::string_view kDeactivatedColumn = "u.deactivated";
constexpr std::string_view kNoDeactivatedColumn = "0";
constexpr std::string_view kSelectUserTail =
    ", p.displayname, p.avatar_url, u.creation_ts FROM users u LEFT JOIN profiles p "
    "ON p.user_id = SUBSTR(u.name, 2, LENGTH(u.name) - ?) ";
constexpr std::string_view kCountUsers = "SELECT COUNT(*) FROM users u";
constexpr std::string_view kWhereAll = " WHERE 1 = 1";
constexpr std::string_view kAndNameLike = " AND u.name LIKE ?";
constexpr std::string_view kAndNotGuest = " AND u.is_guest = 0";
constexpr std::string_view kAndNotDeactivated = " AND u.deactivated = 0";
constexpr std::string_view kOrderPage = " ORDER BY u.name LIMIT ? OFFSET ?";
constexpr std::string_view kWhereName = "WHERE u.name = ?";
constexpr std::string_view kSelectAdmin = "SELECT admin FROM users WHERE name = ?";
constexpr std::string_view kUpdateAdmin = "UPDATE users SET admin = ? WHERE name = ?";
constexpr std::string_view kUpdateDisplayname =
    "UPDATE profiles SET displayname = ? WHERE user_id = ?";
constexpr std::string_view kSelectConnections =
    "SELECT device_id, ip, user_agent, last_seen FROM user_ips WHERE user_id = ?";
constexpr std::string_view kSelectDeviceIds = "SELECT device_id FROM devices WHERE user_id = ?";

int64_t SuffixLength(const std::string& server_name) {
  return static_cast<int64_t>(server_name.size()) + 2;
}

AdminUserRow ReadUser(const Row& row) {
  return {row.Text(0), row.OptText(1), row.Int(2),     row.Int(3), row.OptText(4),
          row.Int(5),  row.OptText(6), row.OptText(7), row.Int(8)};
}

}  // namespace

UserListing::UserListing(const StoreOptions& options, std::shared_ptr<TokenCache> tokens)
    : select_user_(std::string(kSelectUserHead) +
                   std::string(options.features.users_deactivated ? kDeactivatedColumn
                                                                  : kNoDeactivatedColumn) +
                   std::string(kSelectUserTail)),
      filter_deactivated_(options.features.users_deactivated),
      tokens_(std::move(tokens)) {}

UserPage UserListing::List(Connection& conn, const std::string& server_name,
                           const UserListFilter& filter, int64_t limit, int64_t from) const {
  std::string where(kWhereAll);
  Params params;
  if (filter.name_contains) {
    where += kAndNameLike;
    params.push_back("%" + *filter.name_contains + "%");
  }
  if (!filter.guests) where += kAndNotGuest;
  if (!filter.deactivated && filter_deactivated_) where += kAndNotDeactivated;
  UserPage page;
  page.total = conn.QueryInt(std::string(kCountUsers) + where, params).value_or(0);
  params.insert(params.begin(), SuffixLength(server_name));
  params.push_back(limit);
  params.push_back(from);
  for (const auto& row : conn.Query(select_user_ + where + std::string(kOrderPage), params)) {
    page.users.push_back(ReadUser(row));
  }
  return page;
}

std::optional<AdminUserRow> UserListing::Get(Connection& conn, const std::string& server_name,
                                             const std::string& user_id) const {
  auto rows =
      conn.Query(select_user_ + std::string(kWhereName), {SuffixLength(server_name), user_id});
  if (rows.empty()) return std::nullopt;
  return ReadUser(rows[0]);
}

std::optional<bool> UserListing::IsAdmin(Connection& conn, const std::string& user_id) const {
  auto admin = conn.QueryInt(kSelectAdmin, {user_id});
  if (!admin) return std::nullopt;
  return *admin != 0;
}

bool UserListing::SetAdmin(Connection& conn, const std::string& user_id, bool admin) const {
  tokens_->ForgetUser(conn, user_id);
  return conn.Execute(kUpdateAdmin, {admin ? 1 : 0, user_id}) != 0;
}

void UserListing::SetDisplayname(Connection& conn, const std::string& localpart,
                                 const std::string& displayname) const {
  conn.Execute(kUpdateDisplayname, {displayname, localpart});
}

std::vector<UserConnection> UserListing::Connections(Connection& conn,
                                                     const std::string& user_id) const {
  std::vector<UserConnection> out;
  for (const auto& row : conn.Query(kSelectConnections, {user_id})) {
    out.push_back({row.Text(0), row.Text(1), row.Text(2), row.Int(3)});
  }
  return out;
}

std::vector<std::string> UserListing::DeviceIds(Connection& conn,
                                                const std::string& user_id) const {
  std::vector<std::string> out;
  for (const auto& row : conn.Query(kSelectDeviceIds, {user_id})) out.push_back(row.Text(0));
  return out;
}

}  // namespace strata::storage
