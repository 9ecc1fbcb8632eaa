#include "storage/events/event_store.h"

namespace strata::storage {

EventStore::EventStore(const StoreOptions& options) : options_(options) {}

}  // namespace strata::storage
