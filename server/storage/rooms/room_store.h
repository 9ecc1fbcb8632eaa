// RoomStore: the rooms row and room versions.
// Tables: rooms.
//
// Promises: every call runs on the Connection it is given, inside whatever transaction the
// caller holds there; SQL errors throw storage::DatabaseError (a duplicate room id too).
// Chosen when the store is made: rooms.room_version is written only where the schema has it
// (schema 57).
#pragma once

#include <string>
#include <string_view>

#include "storage/store_options.h"

namespace strata::storage {

class RoomStore {
 public:
  explicit RoomStore(const StoreOptions& options);

  // The rooms row of a new room (is_public false). `room_version` is stored from schema 57 and
  // ignored before. REQUIRES: the caller's transaction on a writer connection.
  void InsertRoom(Connection& conn, const std::string& room_id, const std::string& creator,
                  const std::string& room_version) const;

 private:
  StoreOptions options_;
  std::string_view insert_room_sql_;
};

}  // namespace strata::storage
