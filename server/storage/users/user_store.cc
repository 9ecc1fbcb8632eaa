#include "storage/users/user_store.h"

namespace strata::storage {

UserStore::UserStore(const StoreOptions& options) : options_(options) {}

}  // namespace strata::storage
