// AccountDataStore: per-user and per-room account data and filters.
// Tables: account_data, room_account_data, room_tags, user_filters.
//
// Promises: every call runs on the Connection it is given, inside whatever transaction the
// caller holds there; a missing row is an empty optional or an empty list, never an exception;
// SQL errors throw storage::DatabaseError.
#pragma once

#include "storage/store_options.h"

namespace strata::storage {

class AccountDataStore {
 public:
  explicit AccountDataStore(const StoreOptions& options);

 private:
  StoreOptions options_;
};

}  // namespace strata::storage
