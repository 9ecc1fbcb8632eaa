#include "storage/stats/stats_store.h"

namespace strata::storage {

StatsStore::StatsStore(const StoreOptions& options) : options_(options) {}

}  // namespace strata::storage
