#include "storage/devices/device_store.h"

namespace strata::storage {

DeviceStore::DeviceStore(const StoreOptions& options) : options_(options) {}

}  // namespace strata::storage
