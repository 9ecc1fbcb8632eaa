// MembershipStore: who is in which room.
// Tables: room_memberships, local_current_membership.
//
// Promises: every call runs on the Connection it is given, inside whatever transaction the
// caller holds there; a missing row is an empty optional or an empty list, never an exception;
// SQL errors throw storage::DatabaseError.
#pragma once

#include "storage/store_options.h"

namespace strata::storage {

class MembershipStore {
 public:
  explicit MembershipStore(const StoreOptions& options);

 private:
  StoreOptions options_;
};

}  // namespace strata::storage
