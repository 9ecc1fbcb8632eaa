#include "storage/account_data/account_data_store.h"

namespace strata::storage {

AccountDataStore::AccountDataStore(const StoreOptions& options) : options_(options) {}

}  // namespace strata::storage
