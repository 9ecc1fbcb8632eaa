#include "storage/users/user_bg_updates.h"

namespace strata::storage {
namespace {

constexpr std::string_view kDeactivationCandidates =
    "SELECT u.name, COUNT(t.token), COUNT(p.address) FROM users u "
    "LEFT JOIN access_tokens t ON t.user_id = u.name "
    "LEFT JOIN user_threepids p ON p.user_id = u.name "
    "WHERE (u.password_hash IS NULL OR u.password_hash = '') "
    "AND (u.appservice_id IS NULL OR u.appservice_id = '') "
    "AND u.is_guest = 0 AND u.name > ? "
    "GROUP BY u.name ORDER BY u.name LIMIT ?";
constexpr std::string_view kMarkDeactivated = "UPDATE users SET deactivated = 1 WHERE name = ?";

}  // namespace

UserBgUpdates::UserBgUpdates(const StoreOptions& options) : options_(options) {}

std::vector<DeactivationCandidate> UserBgUpdates::DeactivationCandidates(Connection& conn,
                                                                         const std::string& after,
                                                                         int64_t limit) const {
  std::vector<DeactivationCandidate> out;
  for (const auto& row : conn.Query(kDeactivationCandidates, {after, limit})) {
    out.push_back({row.Text(0), row.Int(1), row.Int(2)});
  }
  return out;
}

void UserBgUpdates::MarkDeactivated(Connection& conn, const std::string& name) const {
  conn.Execute(kMarkDeactivated, {name});
}

}  // namespace strata::storage
