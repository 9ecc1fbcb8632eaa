#include "storage/rooms/room_store.h"

namespace strata::storage {

RoomStore::RoomStore(const StoreOptions& options) : options_(options) {}

}  // namespace strata::storage
