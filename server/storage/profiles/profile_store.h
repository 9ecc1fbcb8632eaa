// ProfileStore: display names and avatars of local users.
// Tables: profiles.
//
// Promises: every call runs on the Connection it is given, inside whatever transaction the
// caller holds there; a missing row is an empty optional or an empty list, never an exception;
// SQL errors throw storage::DatabaseError.
#pragma once

#include "storage/store_options.h"

namespace strata::storage {

class ProfileStore {
 public:
  explicit ProfileStore(const StoreOptions& options);

 private:
  StoreOptions options_;
};

}  // namespace strata::storage
