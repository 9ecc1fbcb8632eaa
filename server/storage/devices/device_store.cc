#include "storage/devices/device_store.h"

namespace strata::storage {
namespace {

constexpr std::string_view kCountDevice =
    "SELECT COUNT(*) FROM devices WHERE user_id = ? AND device_id = ?";
constexpr std::string_view kInsertDevice =
    "INSERT INTO devices (user_id, device_id, display_name) VALUES (?, ?, ?)";
constexpr std::string_view kDeleteDevice =
    "DELETE FROM devices WHERE user_id = ? AND device_id = ?";
constexpr std::string_view kDeleteDevicesOf = "DELETE FROM devices WHERE user_id = ?";

}  // namespace

DeviceStore::DeviceStore(const StoreOptions& options) : options_(options) {}

bool DeviceStore::DeviceExists(Connection& conn, const std::string& user_id,
                               const std::string& device_id) const {
  return conn.QueryInt(kCountDevice, {user_id, device_id}).value_or(0) != 0;
}

bool DeviceStore::AddDeviceIfAbsent(Connection& conn, const std::string& user_id,
                                    const std::string& device_id,
                                    const std::optional<std::string>& display_name) const {
  if (DeviceExists(conn, user_id, device_id)) return false;
  conn.Execute(kInsertDevice, {user_id, device_id, display_name});
  return true;
}

void DeviceStore::DeleteDevice(Connection& conn, const std::string& user_id,
                               const std::string& device_id) const {
  conn.Execute(kDeleteDevice, {user_id, device_id});
}

void DeviceStore::DeleteDevicesOf(Connection& conn, const std::string& user_id) const {
  conn.Execute(kDeleteDevicesOf, {user_id});
}

}  // namespace strata::storage
