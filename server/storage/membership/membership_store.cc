#include "storage/membership/membership_store.h"

namespace strata::storage {

MembershipStore::MembershipStore(const StoreOptions& options) : options_(options) {}

}  // namespace strata::storage
