#include "storage/user_directory/user_directory_store.h"

namespace strata::storage {

UserDirectoryStore::UserDirectoryStore(const StoreOptions& options) : options_(options) {}

}  // namespace strata::storage
