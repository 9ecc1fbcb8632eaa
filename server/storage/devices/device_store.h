// DeviceStore: a user's devices.
// Tables: devices.
//
// Promises: every call runs on the Connection it is given, inside whatever transaction the
// caller holds there; a missing row is an empty optional or an empty list, never an exception;
// SQL errors throw storage::DatabaseError. Writes REQUIRE a writer connection.
#pragma once

#include <optional>
#include <string>

#include "storage/store_options.h"

namespace strata::storage {

class DeviceStore {
 public:
  explicit DeviceStore(const StoreOptions& options);

  bool DeviceExists(Connection& conn, const std::string& user_id,
                    const std::string& device_id) const;
  // Adds the device unless the user already has one with that id (then nothing changes, not
  // even its display name). Returns whether it was added. REQUIRES: inside the caller's
  // transaction, so the look and the insert cannot be split by another writer.
  bool AddDeviceIfAbsent(Connection& conn, const std::string& user_id, const std::string& device_id,
                         const std::optional<std::string>& display_name) const;
  // Deletes one device of the user; none: nothing changes.
  void DeleteDevice(Connection& conn, const std::string& user_id,
                    const std::string& device_id) const;
  // Deletes every device of the user.
  void DeleteDevicesOf(Connection& conn, const std::string& user_id) const;

 private:
  StoreOptions options_;
};

}  // namespace strata::storage
