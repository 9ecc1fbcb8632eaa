// StateStore: room state, current and historical.
// Tables: current_state_events, state_events, state_groups, state_groups_state, state_group_edges,
// event_to_state_groups, current_state_delta_stream.
//
// Promises: every call runs on the Connection it is given, inside whatever transaction the
// caller holds there; a missing row is an empty optional or an empty list, never an exception;
// SQL errors throw storage::DatabaseError. Writes REQUIRE: inside the caller's transaction on a
// writer connection (state group ids from MAX()+1 cannot race only there).
// Chosen when the store is made: current_state_events.membership is written only where the
// schema has it (schema 56); state group ids come from PostgreSQL's state_group_id_seq where the
// database has it, else from MAX(id)+1.
//
// Cached (bounded, per room): the current state CurrentState and CurrentStateEventId read.
// ReplaceCurrentState forgets the room (read_through_cache.h says how a racing reader is kept
// from caching the old state); ForgetCached forgets every room, for writes made elsewhere.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/cache/read_through_cache.h"
#include "storage/store_options.h"

namespace strata::storage {

// One row of current_state_events.
struct CurrentStateRow {
  std::string type;
  std::string state_key;
  std::string event_id;
};

class StateStore {
 public:
  explicit StateStore(const StoreOptions& options);

  // Reads ------------------------------------------------------------------------------------
  // The room's current state, in the database's order.
  std::vector<CurrentStateRow> CurrentState(Connection& conn, const std::string& room_id) const;
  // The current event id of (type, state_key) in the room, or nullopt.
  std::optional<std::string> CurrentStateEventId(Connection& conn, const std::string& room_id,
                                                 const std::string& type,
                                                 const std::string& state_key) const;
  // The room's current m.room.member event ids, ordered by state_key.
  std::vector<std::string> MemberEventIds(Connection& conn, const std::string& room_id) const;
  // The stream ordering of the user's current membership event in the room, or nullopt.
  std::optional<int64_t> MembershipStreamOrdering(Connection& conn, const std::string& room_id,
                                                  const std::string& user_id) const;
  // The state events of the room with after < stream_ordering < before, oldest first.
  std::vector<std::string> StateEventsBetween(Connection& conn, const std::string& room_id,
                                              int64_t after, int64_t before) const;
  // The state group an event is in (event_to_state_groups), or nullopt.
  std::optional<int64_t> StateGroupOf(Connection& conn, const std::string& event_id) const;

  // Writes (REQUIRES: the caller's transaction on a writer connection) -----------------------
  // A new state group id (sequence or MAX()+1, chosen in the constructor).
  int64_t NextStateGroup(Connection& conn) const;
  // state_groups, and state_group_edges to `prev_group` when there is one.
  void InsertStateGroup(Connection& conn, int64_t group, const std::string& room_id,
                        const std::string& event_id, std::optional<int64_t> prev_group) const;
  // state_groups_state: one entry of a group.
  void InsertStateGroupEntry(Connection& conn, int64_t group, const std::string& room_id,
                             const std::string& type, const std::string& state_key,
                             const std::string& event_id) const;
  // event_to_state_groups.
  void InsertEventToStateGroup(Connection& conn, const std::string& event_id, int64_t group) const;
  // state_events.
  void InsertStateEvent(Connection& conn, const std::string& event_id, const std::string& room_id,
                        const std::string& type, const std::string& state_key,
                        const std::optional<std::string>& prev_state) const;
  // current_state_events: deletes the room's (type, state_key) row, then inserts the new one
  // (`membership` is written only from schema 56; ignored before).
  void ReplaceCurrentState(Connection& conn, const std::string& event_id,
                           const std::string& room_id, const std::string& type,
                           const std::string& state_key,
                           const std::optional<std::string>& membership) const;
  // current_state_delta_stream.
  void InsertCurrentStateDelta(Connection& conn, int64_t stream_id, const std::string& room_id,
                               const std::string& type, const std::string& state_key,
                               const std::string& event_id,
                               const std::optional<std::string>& prev_event_id) const;

  // Forgets every cached room now and when `conn`'s transaction ends (a purge), or now only
  // (after a background update's batch committed on its own connection).
  void ForgetCached(Connection& conn) const { cache_->ForgetAll(conn); }
  void ForgetCachedNow() const { cache_->ForgetAllNow(); }
  static constexpr size_t kCachedRooms = 10000;

 private:
  // A room's current state as read, with an index by (type, state_key).
  struct RoomState {
    std::vector<CurrentStateRow> rows;
    std::map<std::pair<std::string, std::string>, std::string> by_key;
  };
  std::shared_ptr<const RoomState> CachedState(Connection& conn, const std::string& room_id) const;

  StoreOptions options_;
  std::unique_ptr<ReadThroughCache<std::string, std::shared_ptr<const RoomState>>> cache_;
  std::string_view next_state_group_sql_;
  std::string_view insert_current_state_sql_;
};

}  // namespace strata::storage
