#include "storage/rooms/room_store.h"

namespace strata::storage {
namespace {

// rooms.room_version appears at schema 57.
constexpr std::string_view kInsertRoomWithVersion =
    "INSERT INTO rooms (room_id, is_public, creator, room_version) "
    "VALUES (?, ?, ?, ?)";
constexpr std::string_view kInsertRoom =
    "INSERT INTO rooms (room_id, is_public, creator) VALUES (?, ?, ?)";

}  // namespace

RoomStore::RoomStore(const StoreOptions& options)
    : options_(options),
      insert_room_sql_(options.features.rooms_room_version ? kInsertRoomWithVersion : kInsertRoom) {
}

void RoomStore::InsertRoom(Connection& conn, const std::string& room_id, const std::string& creator,
                           const std::string& room_version) const {
  if (options_.features.rooms_room_version) {
    conn.Execute(insert_room_sql_, {room_id, false, creator, room_version});
  } else {
    conn.Execute(insert_room_sql_, {room_id, false, creator});
  }
}

}  // namespace strata::storage
