#include "storage/state/state_store.h"

namespace strata::storage {

StateStore::StateStore(const StoreOptions& options) : options_(options) {}

}  // namespace strata::storage
