// DeviceStore on both engines.
#include "storage/devices/device_store.h"

#include <gtest/gtest.h>

#include "storage/prepared_schema.h"

namespace strata::storage {
namespace {

class DeviceStoreTest : public testing::PreparedStoreTest {};

TEST_P(DeviceStoreTest, AddsADeviceOnce) {
  PrepareNewest();
  const DeviceStore devices(Options());
  EXPECT_FALSE(devices.DeviceExists(conn(), "@a:example.com", "D1"));
  EXPECT_TRUE(devices.AddDeviceIfAbsent(conn(), "@a:example.com", "D1", std::string("Phone")));
  EXPECT_TRUE(devices.DeviceExists(conn(), "@a:example.com", "D1"));
  EXPECT_FALSE(devices.DeviceExists(conn(), "@b:example.com", "D1"));
  // Present already: not added again, the name stays.
  EXPECT_FALSE(devices.AddDeviceIfAbsent(conn(), "@a:example.com", "D1", std::string("Laptop")));
  EXPECT_EQ(conn().QueryValue("SELECT display_name FROM devices WHERE device_id = 'D1'"), "Phone");
  EXPECT_EQ(conn().QueryInt("SELECT COUNT(*) FROM devices"), 1);
  // No name: NULL.
  EXPECT_TRUE(devices.AddDeviceIfAbsent(conn(), "@a:example.com", "D2", std::nullopt));
  auto rows = conn().Query("SELECT display_name FROM devices WHERE device_id = 'D2'");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_TRUE(rows[0].IsNull(0));
}

TEST_P(DeviceStoreTest, DeletesOneOrAll) {
  PrepareNewest();
  const DeviceStore devices(Options());
  devices.AddDeviceIfAbsent(conn(), "@a:example.com", "D1", std::nullopt);
  devices.AddDeviceIfAbsent(conn(), "@a:example.com", "D2", std::nullopt);
  devices.AddDeviceIfAbsent(conn(), "@a:example.com", "D3", std::nullopt);
  devices.AddDeviceIfAbsent(conn(), "@b:example.com", "D1", std::nullopt);
  devices.DeleteDevice(conn(), "@a:example.com", "D1");
  EXPECT_FALSE(devices.DeviceExists(conn(), "@a:example.com", "D1"));
  EXPECT_TRUE(devices.DeviceExists(conn(), "@b:example.com", "D1"));
  EXPECT_NO_THROW(devices.DeleteDevice(conn(), "@a:example.com", "missing"));
  devices.DeleteDevicesOf(conn(), "@a:example.com");
  EXPECT_FALSE(devices.DeviceExists(conn(), "@a:example.com", "D2"));
  EXPECT_FALSE(devices.DeviceExists(conn(), "@a:example.com", "D3"));
  EXPECT_EQ(conn().QueryInt("SELECT COUNT(*) FROM devices"), 1);
}

STRATA_INSTANTIATE_ENGINES(DeviceStoreTest);

}  // namespace
}  // namespace strata::storage
