#include "storage/devices/device_bg_updates.h"

namespace strata::storage {
namespace {

constexpr std::string_view kNewestDeviceIps =
    "SELECT ip.last_seen, ip.ip, ip.user_agent, newest.user_id, newest.device_id FROM ("
    "  SELECT d.user_id, d.device_id, MAX(i.last_seen) AS last_seen FROM devices d"
    "  INNER JOIN user_ips i ON i.user_id = d.user_id AND i.device_id = d.device_id"
    "  WHERE (d.user_id, d.device_id) > (?, ?)"
    "  GROUP BY d.user_id, d.device_id ORDER BY d.user_id, d.device_id LIMIT ?"
    ") newest INNER JOIN user_ips ip ON ip.user_id = newest.user_id"
    "  AND ip.device_id = newest.device_id AND ip.last_seen = newest.last_seen "
    "ORDER BY newest.user_id, newest.device_id";
constexpr std::string_view kSetLastSeen =
    "UPDATE devices SET last_seen = ?, ip = ?, user_agent = ? "
    "WHERE user_id = ? AND device_id = ?";
constexpr std::string_view kDuplicatePokes =
    "SELECT stream_id, destination, user_id, device_id, MAX(ts) "
    "FROM device_lists_outbound_pokes "
    "WHERE (stream_id, destination, user_id, device_id) > (?, ?, ?, ?) "
    "GROUP BY stream_id, destination, user_id, device_id HAVING COUNT(*) > 1 "
    "ORDER BY stream_id, destination, user_id, device_id LIMIT ?";
constexpr std::string_view kDeletePokes =
    "DELETE FROM device_lists_outbound_pokes "
    "WHERE stream_id = ? AND destination = ? AND user_id = ? AND device_id = ?";
constexpr std::string_view kInsertPoke =
    "INSERT INTO device_lists_outbound_pokes (stream_id, destination, user_id, device_id, "
    "sent, ts) VALUES (?, ?, ?, ?, ?, ?)";

}  // namespace

DeviceBgUpdates::DeviceBgUpdates(const StoreOptions& options) : options_(options) {}

std::vector<DeviceLastSeen> DeviceBgUpdates::NewestDeviceIps(Connection& conn,
                                                             const std::string& after_user,
                                                             const std::string& after_device,
                                                             int64_t limit) const {
  std::vector<DeviceLastSeen> out;
  for (const auto& row :
       conn.Query(kNewestDeviceIps, {after_user, after_device, static_cast<long long>(limit)})) {
    out.push_back({row.OptText(0), row.OptText(1), row.OptText(2), row.Text(3), row.Text(4)});
  }
  return out;
}

void DeviceBgUpdates::SetLastSeen(Connection& conn, const DeviceLastSeen& seen) const {
  conn.Execute(kSetLastSeen,
               {seen.last_seen, seen.ip, seen.user_agent, seen.user_id, seen.device_id});
}

std::vector<DuplicatePoke> DeviceBgUpdates::DuplicatePokes(Connection& conn, const PokeKey& after,
                                                           int64_t limit) const {
  std::vector<DuplicatePoke> out;
  for (const auto& row : conn.Query(
           kDuplicatePokes, {static_cast<long long>(after.stream_id), after.destination,
                             after.user_id, after.device_id, static_cast<long long>(limit)})) {
    out.push_back({{row.Int(0), row.Text(1), row.Text(2), row.Text(3)}, row.Int(4)});
  }
  return out;
}

void DeviceBgUpdates::CollapsePoke(Connection& conn, const DuplicatePoke& dup) const {
  Params key = {static_cast<long long>(dup.key.stream_id), dup.key.destination, dup.key.user_id,
                dup.key.device_id};
  conn.Execute(kDeletePokes, key);
  key.emplace_back(false);
  key.emplace_back(static_cast<long long>(dup.newest_ts));
  conn.Execute(kInsertPoke, key);
}

}  // namespace strata::storage
