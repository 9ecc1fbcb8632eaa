// DirectoryStore: aliases, published rooms and the public room list.
// Tables: room_aliases, room_alias_servers, rooms.is_public, appservice_room_list.
//
// Promises: every call runs on the Connection it is given, inside whatever transaction the
// caller holds there; a missing row is an empty optional or an empty list, never an exception;
// SQL errors throw storage::DatabaseError.
#pragma once

#include "storage/store_options.h"

namespace strata::storage {

class DirectoryStore {
 public:
  explicit DirectoryStore(const StoreOptions& options);

 private:
  StoreOptions options_;
};

}  // namespace strata::storage
