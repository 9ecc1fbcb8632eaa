// RoomListing: the admin API's view of rooms: the paged room list with its order_by choices,
// a room's joined members, removing a room (aliases, and with purge its rows everywhere), and
// the facts the directory-health report compares.
// Tables: room_stats_state, room_stats_current, rooms, current_state_events, room_memberships,
// event_json (read); room_aliases, room_alias_servers and, to purge, every table holding a
// room's rows (written).
//
// Promises: every call runs on the Connection it is given, inside whatever transaction the
// caller holds there; a missing row is an empty optional or an empty list, never an exception;
// SQL errors throw storage::DatabaseError. Before schema 57 (no rooms.room_version) versions
// read as NULL and ordering by version is unavailable; with the pre-1.4 statistics tables the
// directory facts have no statistics columns.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "storage/store_options.h"

namespace strata::storage {

struct AdminRoomRow {
  std::string room_id;
  std::optional<std::string> name;
  std::optional<std::string> canonical_alias;
  int64_t joined_members = 0;
  int64_t joined_local_members = 0;
  std::optional<std::string> version;
  std::optional<std::string> creator;
  std::optional<std::string> encryption;
  bool federatable = false;
  bool is_public = false;
  std::optional<std::string> join_rules;
  std::optional<std::string> guest_access;
  std::optional<std::string> history_visibility;
  int64_t state_events = 0;
};

struct RoomListFilter {
  std::string order_by = "name";  // REQUIRES: CheckOrder(order_by) == kAvailable
  bool descending = false;
  std::optional<std::string> name_contains;  // case-insensitive substring of the room name
  int64_t limit = 100;
  int64_t from = 0;
};

struct RoomPage {
  int64_t total = 0;                // rooms matching the filter, over all pages
  std::vector<AdminRoomRow> rooms;  // in the filter's order, then by room_id
};

// One room beside the facts that decide whether a stats-reading directory lists it.
struct RoomDirectoryFacts {
  std::string room_id;
  bool is_public = false;
  std::optional<int64_t> stats_joined_members;  // room_stats_current; nullopt: no row
  bool has_stats_state = false;                 // room_stats_state has a row
  std::optional<std::string> stats_name;        // room_stats_state.name
};

class RoomListing {
 public:
  // `forget_cached` runs after a purge: the caches of the stores that held the room's rows
  // (Stores passes its ForgetCached).
  explicit RoomListing(const StoreOptions& options,
                       std::function<void(Connection&)> forget_cached = nullptr);

  enum class Order { kAvailable, kUnknown, kUnavailable /* needs a column this schema lacks */ };
  Order CheckOrder(const std::string& order_by) const;

  // Reads room_stats_state, room_stats_current and rooms (rooms without statistics rows are
  // not listed). Throws std::invalid_argument for an order CheckOrder does not accept.
  RoomPage List(Connection& conn, const RoomListFilter& filter) const;
  bool Exists(Connection& conn, const std::string& room_id) const;
  // The joined members from current state, by user id.
  std::vector<std::string> JoinedMembers(Connection& conn, const std::string& room_id) const;
  // Removes the room's aliases and their servers; returns the aliases removed.
  // REQUIRES: inside the caller's transaction on a writer connection.
  std::vector<std::string> RemoveAliases(Connection& conn, const std::string& room_id) const;
  // Deletes the room's rows from every table that holds them (events, state, statistics,
  // the directory stream, room account data, rooms), then forgets what caches held.
  // REQUIRES: as RemoveAliases.
  void Purge(Connection& conn, const std::string& room_id) const;

  // Joined members per room, from current state (rooms with none are absent).
  std::map<std::string, int64_t> JoinedCounts(Connection& conn) const;
  // Each room's current m.room.name event JSON, by room.
  std::vector<std::pair<std::string, std::string>> NameEvents(Connection& conn) const;
  // Every room with its statistics facts, by room_id.
  std::vector<RoomDirectoryFacts> DirectoryFacts(Connection& conn) const;

 private:
  std::function<void(Connection&)> forget_cached_;
  bool has_room_version_;
  std::string select_page_;      // the page's columns, up to FROM
  std::string directory_facts_;  // separated or pre-1.4 statistics
};

}  // namespace strata::storage
