// RoomBgUpdates: what background updates do to rooms (remove_tombstoned_rooms_from_directory,
// insert_room_retention, add_rooms_room_version_column).
// Tables: rooms (read and written), public_room_list_stream, room_retention (written),
// current_state_events, event_json (read).
//
// Promises: every call runs on the Connection it is given, inside the batch's transaction the
// runner holds there; SQL errors throw storage::DatabaseError. The store needs only the engine.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "storage/store_options.h"

namespace strata::storage {

// A current-state event of a room, with its JSON (nullopt: no event_json row).
struct RoomStateJson {
  std::string room_id;
  std::string event_id;
  std::optional<std::string> json;
};

class RoomBgUpdates {
 public:
  explicit RoomBgUpdates(const StoreOptions& options);

  // Up to `limit` public rooms after `after` whose current state has an m.room.tombstone.
  std::vector<std::string> TombstonedPublicRooms(Connection& conn, const std::string& after,
                                                 int64_t limit) const;
  // Synapse's set_room_is_public(room, false): clears rooms.is_public and always appends a
  // public_room_list_stream row with the next stream id (max(MAX, 1) + 1).
  void Unpublish(Connection& conn, const std::string& room_id) const;

  // Up to `limit` m.room.retention current-state events after room `after`, by room.
  std::vector<RoomStateJson> RetentionState(Connection& conn, const std::string& after,
                                            int64_t limit) const;
  // Inserts the room_retention row unless one exists for (room, event); NULL lifetimes unset.
  void InsertRetentionIfAbsent(Connection& conn, const std::string& room_id,
                               const std::string& event_id, std::optional<int64_t> min_lifetime,
                               std::optional<int64_t> max_lifetime) const;

  // Up to `limit` m.room.create current-state events (with JSON) after room `after`, by room.
  std::vector<RoomStateJson> CreateEvents(Connection& conn, const std::string& after,
                                          int64_t limit) const;
  // Sets rooms.room_version; adds the rooms row (not public, with `creator`) if missing.
  void SetRoomVersion(Connection& conn, const std::string& room_id, const std::string& version,
                      const std::optional<std::string>& creator) const;

 private:
  StoreOptions options_;
};

}  // namespace strata::storage
