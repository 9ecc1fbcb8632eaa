#include "storage/directory/directory_store.h"

namespace strata::storage {

DirectoryStore::DirectoryStore(const StoreOptions& options) : options_(options) {}

}  // namespace strata::storage
