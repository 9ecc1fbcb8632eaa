#include "storage/profiles/profile_store.h"

namespace strata::storage {

ProfileStore::ProfileStore(const StoreOptions& options) : options_(options) {}

}  // namespace strata::storage
