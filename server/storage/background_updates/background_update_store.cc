#include "storage/background_updates/background_update_store.h"

namespace strata::storage {

BackgroundUpdateStore::BackgroundUpdateStore(const StoreOptions& options) : options_(options) {}

}  // namespace strata::storage
