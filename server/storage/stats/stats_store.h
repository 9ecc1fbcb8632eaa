// StatsStore: room and user statistics, and the reads of room state the statistics engines
// (stats/) make.
// Tables: room_stats_current, room_stats_state, room_stats_historical, user_stats_current,
// user_stats_historical, stats_incremental_position; before 1.4 room_stats, room_state,
// room_stats_earliest_token, user_stats, stats_stream_pos. Read: current_state_delta_stream,
// current_state_events, room_memberships, event_json, events, state_events, users,
// background_updates.
//
// Which statistics tables a database has is chosen once, from StoreOptions.legacy_stats: the
// calls under "Both schemas" use the pre-1.4 tables (stats_stream_pos, room_state) when it is
// set and 1.4's (stats_incremental_position, room_stats_state) otherwise. The calls under
// "1.4+" and "Before 1.4" touch only that release's tables. The SQL is the same on both engines.
//
// Promises: every call runs on the Connection it is given, inside whatever transaction the
// caller holds there (writes REQUIRE one on a writer connection); a missing row is an empty
// optional or an empty list, never an exception; SQL errors throw storage::DatabaseError.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "storage/store_options.h"

namespace strata::storage {

class StatsStore {
 public:
  // Reads only options.engine and options.legacy_stats.
  explicit StatsStore(const StoreOptions& options);

  // A room_stats_state / room_state column the engines copy from a state event's content.
  // (room_state has no guest_access.)
  enum class StateColumn {
    kJoinRules,
    kHistoryVisibility,
    kEncryption,
    kName,
    kTopic,
    kAvatar,
    kCanonicalAlias,
    kGuestAccess
  };

  // --- What the engines read of a room's state ----------------------------------------------
  struct StateDelta {
    int64_t stream_id = 0;
    std::string room_id, type, state_key;
    std::optional<std::string> event_id, prev_event_id;
  };
  // current_state_delta_stream rows with stream_id > `after`, oldest first.
  std::vector<StateDelta> StateDeltasAfter(Connection& conn, int64_t after) const;
  // MAX(current_state_delta_stream.stream_id); nullopt for an empty stream.
  std::optional<int64_t> NewestStateDelta(Connection& conn) const;
  // The content object of event_json's event; {} if the event is missing, its JSON unreadable
  // or its content not an object.
  nlohmann::json EventContent(Connection& conn, const std::string& event_id) const;
  // COUNT(*) of current_state_events in the room.
  int64_t CountCurrentState(Connection& conn, const std::string& room_id) const;

  // --- Both schemas (tables chosen once from legacy_stats) ----------------------------------
  // Whether the position table exists: false on a database of the other stats schema.
  bool HasPositionTable(Connection& conn) const;
  // The position's stream_id; nullopt if NULL or there is no row.
  std::optional<int64_t> Position(Connection& conn) const;
  void SetPosition(Connection& conn, int64_t stream_id) const;
  // Makes the room's room-state row (all columns NULL) if it has none.
  void EnsureRoomStateRow(Connection& conn, const std::string& room_id) const;
  // Sets one column of the room's room-state row; no row, no change.
  void SetRoomStateColumn(Connection& conn, const std::string& room_id, StateColumn column,
                          const std::optional<std::string>& value) const;

  // --- 1.4+ (separated tables), incremental ---------------------------------------------------
  // Makes the room's room_stats_current (zero counts, completed_delta_stream_id = stream_id)
  // and room_stats_state rows if missing, then adds `state_change` to current_state_events and
  // sets completed_delta_stream_id = stream_id.
  void ApplyRoomStateDelta(Connection& conn, const std::string& room_id, int64_t stream_id,
                           int state_change) const;
  // room_memberships.membership of the event.
  std::optional<std::string> MembershipOfEvent(Connection& conn, const std::string& event_id) const;
  // Adds `change` to the room_stats_current counter of `membership` (join, invite, leave,
  // ban); any other membership counts nowhere and changes nothing.
  void AddMembershipCount(Connection& conn, const std::string& room_id,
                          const std::string& membership, int change) const;
  void AddLocalUsersInRoom(Connection& conn, const std::string& room_id, int change) const;
  // Makes the user's user_stats_current row (joined_rooms 0) if missing, then adds `change`
  // to joined_rooms and sets completed_delta_stream_id = stream_id.
  void AddJoinedRooms(Connection& conn, const std::string& user_id, int change,
                      int64_t stream_id) const;
  void SetFederatable(Connection& conn, const std::string& room_id, bool federatable) const;

  // --- 1.4+ (separated tables), recomputed from current state ---------------------------------
  // (type, event_id) of the room's current state of the types room_stats_state reflects
  // (create, join rules, history visibility, encryption, name, topic, avatar, canonical alias,
  // guest access), state_key "" only.
  std::vector<std::pair<std::string, std::string>> DirectoryStateOf(
      Connection& conn, const std::string& room_id) const;
  struct RoomStateRow {
    std::optional<std::string> name, canonical_alias, join_rules, history_visibility, encryption,
        avatar, guest_access, topic;
    bool is_federatable = true;
  };
  // Writes (inserts or overwrites) the room's room_stats_state row.
  void UpsertRoomStatsState(Connection& conn, const std::string& room_id,
                            const RoomStateRow& row) const;
  // COUNT(*) of the room's m.room.member current state by current_state_events.membership;
  // rows whose membership is NULL are not counted.
  std::map<std::string, int64_t> MembershipCounts(Connection& conn,
                                                  const std::string& room_id) const;
  // Joined members of the room whose user id ends in ":<server_name>".
  int64_t CountLocalJoined(Connection& conn, const std::string& room_id,
                           const std::string& server_name) const;
  struct RoomCounts {
    int64_t current_state_events = 0, joined = 0, invited = 0, left = 0, banned = 0,
            local_users = 0;
  };
  // Writes (inserts or overwrites) the room's room_stats_current row.
  void UpsertRoomStatsCurrent(Connection& conn, const std::string& room_id,
                              const RoomCounts& counts, int64_t completed_delta_stream_id) const;
  // Writes the room's room_stats_historical bucket ending at `end_ts`: a new one with zero
  // total_events/total_event_bytes, or the counts of an existing one overwritten.
  void UpsertRoomStatsHistorical(Connection& conn, const std::string& room_id, int64_t end_ts,
                                 int64_t bucket_size, const RoomCounts& counts) const;
  // Rooms the user is joined to (current_state_events.membership).
  int64_t CountJoinedRooms(Connection& conn, const std::string& user_id) const;
  void UpsertUserStatsCurrent(Connection& conn, const std::string& user_id, int64_t joined_rooms,
                              int64_t completed_delta_stream_id) const;
  // As UpsertRoomStatsHistorical for user_stats_historical.joined_rooms.
  void UpsertUserStatsHistorical(Connection& conn, const std::string& user_id, int64_t end_ts,
                                 int64_t bucket_size, int64_t joined_rooms) const;
  // Up to `limit` distinct room ids with current state, after `after`, in order.
  std::vector<std::string> RoomsWithStateAfter(Connection& conn, const std::string& after,
                                               int64_t limit) const;
  // Up to `limit` users.name after `after`, in order.
  std::vector<std::string> UsersAfter(Connection& conn, const std::string& after,
                                      int64_t limit) const;

  // --- Before 1.4 (room_stats, room_state, user_stats, room_stats_earliest_token) -------------
  // room_stats_earliest_token.token of the room.
  std::optional<int64_t> EarliestToken(Connection& conn, const std::string& room_id) const;
  void InsertEarliestToken(Connection& conn, const std::string& room_id, int64_t token) const;
  // Rooms with current state and no room_stats_earliest_token row, in order.
  std::vector<std::string> RoomsWithoutEarliestToken(Connection& conn) const;
  // Whether a populate_stats_* background update (createtables, process_rooms, cleanup) is
  // queued.
  bool PopulationQueued(Connection& conn) const;
  // events.received_ts of the first event at or after `stream_ordering`.
  std::optional<int64_t> ReceivedTsFrom(Connection& conn, int64_t stream_ordering) const;
  // The event id of the room's current state of `type` with state_key "".
  std::optional<std::string> CurrentStateEventId(Connection& conn, const std::string& room_id,
                                                 const std::string& type) const;
  // User ids of the room's joined members (room_memberships of current state).
  std::vector<std::string> JoinedMembers(Connection& conn, const std::string& room_id) const;
  // COUNT of the room's members in `membership` (room_memberships of current state).
  int64_t CountMembers(Connection& conn, const std::string& room_id,
                       const std::string& membership) const;
  // COUNT(*) of state_events in the room.
  int64_t CountStateEvents(Connection& conn, const std::string& room_id) const;
  struct RoomBucket {
    int64_t ts = 0, bucket_size = 0, current_state_events = 0, joined = 0, invited = 0, left = 0,
            banned = 0, state_events = 0;
  };
  // Writes (inserts or overwrites) the room's room_stats bucket at `bucket.ts`.
  void UpsertRoomBucket(Connection& conn, const std::string& room_id,
                        const RoomBucket& bucket) const;
  // update_stats_delta of 1.1-1.3: adds `change` to a counter in the subject's newest bucket,
  // first opening the bucket `ts` (absolute fields copied from the newest) if it is newer. A
  // subject without any bucket is left alone. The room counter is that of `membership` (join,
  // invite, leave, ban; any other changes nothing); the user counter is public_rooms or
  // private_rooms.
  void AddToRoomBucket(Connection& conn, const std::string& room_id, int64_t ts,
                       int64_t bucket_size, const std::string& membership, int change) const;
  void AddToUserBucket(Connection& conn, const std::string& user_id, int64_t ts,
                       int64_t bucket_size, bool public_rooms, int change) const;

 private:
  StoreOptions options_;
  // Chosen from legacy_stats: stats_stream_pos / room_state, or 1.4's tables.
  std::string position_table_;
  std::string select_position_, update_position_, insert_room_state_row_;
  std::string room_state_table_;
};

}  // namespace strata::storage
