// UserDirectoryStore: the searchable directory of users.
// Tables: user_directory, user_directory_search.
//
// Promises: every call runs on the Connection it is given, inside whatever transaction the
// caller holds there; a missing row is an empty optional or an empty list, never an exception;
// SQL errors throw storage::DatabaseError.
#pragma once

#include "storage/store_options.h"

namespace strata::storage {

class UserDirectoryStore {
 public:
  explicit UserDirectoryStore(const StoreOptions& options);

 private:
  StoreOptions options_;
};

}  // namespace strata::storage
