// DeviceStore: a user's devices.
// Tables: devices.
//
// Promises: every call runs on the Connection it is given, inside whatever transaction the
// caller holds there; a missing row is an empty optional or an empty list, never an exception;
// SQL errors throw storage::DatabaseError.
#pragma once

#include "storage/store_options.h"

namespace strata::storage {

class DeviceStore {
 public:
  explicit DeviceStore(const StoreOptions& options);

 private:
  StoreOptions options_;
};

}  // namespace strata::storage
