// UserBgUpdates: what background updates do to accounts (users_set_deactivated_flag).
// Tables: users (read and written), access_tokens, user_threepids (read).
//
// Promises: every call runs on the Connection it is given, inside the batch's transaction the
// runner holds there; SQL errors throw storage::DatabaseError. The store needs only the engine.
#pragma once

#include <string>
#include <vector>

#include "storage/store_options.h"

namespace strata::storage {

// A non-guest, non-appservice user without a password, with how many tokens and third-party
// ids it still has.
struct DeactivationCandidate {
  std::string name;
  int64_t tokens = 0;
  int64_t threepids = 0;
};

class UserBgUpdates {
 public:
  explicit UserBgUpdates(const StoreOptions& options);

  // Up to `limit` candidates whose name sorts after `after`, by name.
  std::vector<DeactivationCandidate> DeactivationCandidates(Connection& conn,
                                                            const std::string& after,
                                                            int64_t limit) const;
  // Sets users.deactivated = 1.
  void MarkDeactivated(Connection& conn, const std::string& name) const;

 private:
  StoreOptions options_;
};

}  // namespace strata::storage
