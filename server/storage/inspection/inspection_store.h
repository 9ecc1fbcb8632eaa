// InspectionStore: read-only questions a tool asks about a whole database, for the
// upgrade-matrix's step snapshots (what a release left behind). Not used by the homeserver.
// Tables read: applied_schema_deltas, rooms, state_events, events, event_json,
// current_state_events, room_memberships, room_stats_current, room_stats_state,
// user_stats_current, users.
//
// Promises: only SELECTs, never a write; every call runs on the Connection it is given (no
// transaction needed; inside the caller's if it holds one). The schema differs from release to
// release, so the constructor looks once at which optional tables and columns the database
// has (room_stats_current, room_stats_state.join_rules, user_stats_current, users.deactivated)
// and chooses the SQL then: make one store per look at a database, after its schema changed.
// An absent optional table is std::nullopt, not an error. SQL errors throw
// storage::DatabaseError.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/database.h"

namespace strata::storage {

class InspectionStore {
 public:
  // Reads the catalogue of `conn`'s database (which tables and columns exist); no rows.
  explicit InspectionStore(Connection& conn);

  // applied_schema_deltas' file names, ordered by (version, file).
  std::vector<std::string> AppliedDeltaFiles(Connection& conn) const;

  struct RoomNameEvent {
    std::string room_id;
    std::string event_json;  // the m.room.name state event's event_json.json
  };
  // Every m.room.name state event (state_key ''), oldest first by stream_ordering.
  std::vector<RoomNameEvent> RoomNameEvents(Connection& conn) const;

  struct RoomCreator {
    std::string room_id;
    std::string creator;
  };
  // rooms, ordered by room_id.
  std::vector<RoomCreator> RoomCreators(Connection& conn) const;

  struct RoomCounts {
    std::string room_id;
    bool is_public = false;
    int64_t joined_in_current_state = 0;  // current m.room.member events with membership join
    int64_t messages = 0;                 // m.room.message events
  };
  // One entry a room (rooms, in the database's order).
  std::vector<RoomCounts> RoomCountsPerRoom(Connection& conn) const;

  // A stats row: its room and the other columns in the order the call's comment lists them,
  // as text (std::nullopt for NULL).
  struct StatsRow {
    std::string room_id;
    std::vector<std::optional<std::string>> cells;
  };
  // room_stats_current: current_state_events, joined_members, invited_members, left_members,
  // banned_members, local_users_in_room, completed_delta_stream_id. nullopt: no such table.
  std::optional<std::vector<StatsRow>> RoomStatsCurrent(Connection& conn) const;
  // room_stats_state: name, canonical_alias, join_rules, history_visibility, encryption,
  // avatar, guest_access, is_federatable, topic. nullopt: no room_stats_state.join_rules (the
  // pre-1.4 shape).
  std::optional<std::vector<StatsRow>> RoomStatsState(Connection& conn) const;

  struct UserStatsTotals {
    int64_t rows = 0;
    int64_t joined_rooms_total = 0;  // SUM(joined_rooms), 0 when empty
  };
  // user_stats_current summed up; nullopt: no such table.
  std::optional<UserStatsTotals> UserStats(Connection& conn) const;

  // Names of accounts with a non-empty password hash that are not deactivated (where the
  // schema has users.deactivated), ordered by name.
  std::vector<std::string> UsersWhoCanLogIn(Connection& conn) const;

  // The first user name by name order; nullopt when there are no users.
  std::optional<std::string> FirstUserName(Connection& conn) const;

 private:
  bool has_room_stats_current_ = false;
  bool has_room_stats_state_ = false;
  bool has_user_stats_current_ = false;
  std::string select_users_who_can_log_in_;
};

}  // namespace strata::storage
