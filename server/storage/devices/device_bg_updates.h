// DeviceBgUpdates: what background updates do to devices and their lists
// (devices_last_seen, remove_dup_outbound_pokes).
// Tables: devices (written), user_ips (read), device_lists_outbound_pokes (read and written).
//
// Promises: every call runs on the Connection it is given, inside the batch's transaction the
// runner holds there; SQL errors throw storage::DatabaseError. The store needs only the engine.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "storage/store_options.h"

namespace strata::storage {

// A device's newest user_ips row (two rows sharing the newest last_seen give two entries).
struct DeviceLastSeen {
  std::optional<std::string> last_seen;
  std::optional<std::string> ip;
  std::optional<std::string> user_agent;
  std::string user_id;
  std::string device_id;
};

// A (stream_id, destination, user_id, device_id) key of device_lists_outbound_pokes.
struct PokeKey {
  int64_t stream_id = 0;
  std::string destination, user_id, device_id;
};

struct DuplicatePoke {
  PokeKey key;
  int64_t newest_ts = 0;
};

class DeviceBgUpdates {
 public:
  explicit DeviceBgUpdates(const StoreOptions& options);

  // The newest user_ips rows of up to `limit` devices after (user_id, device_id), in key order;
  // devices with no user_ips row are skipped.
  std::vector<DeviceLastSeen> NewestDeviceIps(Connection& conn, const std::string& after_user,
                                              const std::string& after_device, int64_t limit) const;
  // Copies last_seen, ip and user_agent into the device's row.
  void SetLastSeen(Connection& conn, const DeviceLastSeen& seen) const;

  // Up to `limit` keys after `after` that have more than one row, in key order, each with the
  // newest ts among its rows.
  std::vector<DuplicatePoke> DuplicatePokes(Connection& conn, const PokeKey& after,
                                            int64_t limit) const;
  // Replaces the key's rows by one unsent row carrying `dup.newest_ts`.
  void CollapsePoke(Connection& conn, const DuplicatePoke& dup) const;

 private:
  StoreOptions options_;
};

}  // namespace strata::storage
