// DirectoryStore: aliases, published rooms and the public room list.
// Tables: room_aliases, room_alias_servers, rooms.is_public, public_room_list_stream,
// appservice_room_list; the 1.5+ public room list reads room_stats_state and room_stats_current,
// the pre-1.5 one current_state_events and room_memberships.
//
// Where the SQL that lists public rooms is: ListPublicRoomsInStats / CountPublicRoomsInStats
// (1.5.0 and later, from the stats tables) and PublishedRoomsInStream with the two
// *OfListedRooms reads (before 1.5.0, from the stream and current state). The SQL is the same
// on both engines.
//
// Promises: every call runs on the Connection it is given, inside whatever transaction the
// caller holds there; a missing row is an empty optional or an empty list, never an exception;
// SQL errors throw storage::DatabaseError.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "storage/store_options.h"

namespace strata::storage {

class DirectoryStore {
 public:
  explicit DirectoryStore(const StoreOptions& options);

  // --- Aliases -------------------------------------------------------------------------------
  struct Alias {
    std::string room_id;
    std::string creator;
  };
  // room_aliases' row for `alias`.
  std::optional<Alias> FindAlias(Connection& conn, const std::string& alias) const;
  // The room `alias` points at.
  std::optional<std::string> RoomOfAlias(Connection& conn, const std::string& alias) const;
  // room_alias_servers for `alias`, distinct, in the order the engine returns them.
  std::vector<std::string> AliasServers(Connection& conn, const std::string& alias) const;
  // Writes room_aliases, then room_alias_servers (`server`).
  // REQUIRES: inside the caller's transaction on a writer connection; `alias` is not taken.
  void InsertAlias(Connection& conn, const std::string& alias, const std::string& room_id,
                   const std::string& creator, const std::string& server) const;
  // Deletes `alias` from room_aliases, then from room_alias_servers.
  // REQUIRES: inside the caller's transaction on a writer connection.
  void DeleteAlias(Connection& conn, const std::string& alias) const;

  // --- Published rooms -----------------------------------------------------------------------
  // rooms.is_public of the room (NULL reads as false); nullopt if there is no rooms row.
  std::optional<bool> IsPublic(Connection& conn, const std::string& room_id) const;
  // Sets rooms.is_public and records the change as the next public_room_list_stream row.
  // REQUIRES: inside the caller's transaction on a writer connection.
  void SetPublic(Connection& conn, const std::string& room_id, bool is_public) const;

  // --- The public room list from the stats tables (1.5.0 and later) --------------------------
  // Which published rooms: rooms.is_public, or one appservice network's appservice_room_list,
  // or both lists (include_all_networks).
  struct PublishedSource {
    std::optional<std::string> appservice_id;  // with network_id: that network only
    std::string network_id;
    bool include_all_networks = false;
  };
  // Where a page starts: after (forwards) or before (backwards) the room (joined, room_id).
  struct StatsCursor {
    int64_t joined_members = 0;
    std::string room_id;
    bool forwards = true;
  };
  struct PublicRoomsQuery {
    PublishedSource source;
    std::optional<std::string> search_term;  // in name, topic or alias, ignoring ASCII case
    std::optional<StatsCursor> since;
    std::optional<int64_t> limit;  // SQL LIMIT; none for every row
  };
  struct PublicRoomRow {
    std::string room_id;
    std::optional<std::string> name, topic, canonical_alias;
    int64_t joined_members = 0;
    std::optional<std::string> avatar, history_visibility, guest_access;
  };
  // Published rooms that are joinable or world-readable and have joined_members > 0, counted
  // without search term or cursor.
  int64_t CountPublicRoomsInStats(Connection& conn, const PublishedSource& source) const;
  // The same rooms narrowed by search term and cursor, by joined_members then room_id,
  // descending forwards and ascending backwards (no cursor: forwards).
  std::vector<PublicRoomRow> ListPublicRoomsInStats(Connection& conn,
                                                    const PublicRoomsQuery& query) const;

  // --- The public room list from the stream and current state (before 1.5.0) ----------------
  // Rooms whose newest non-appservice public_room_list_stream row says visible, in the
  // engine's order.
  std::vector<std::string> PublishedRoomsInStream(Connection& conn) const;
  // Joined members (room_memberships of current state) of every room ever in the stream;
  // rooms without one are absent.
  std::map<std::string, int64_t> JoinedMembersOfListedRooms(Connection& conn) const;
  // room_aliases of every room ever in the stream, each room's sorted.
  std::map<std::string, std::vector<std::string>> AliasesOfListedRooms(Connection& conn) const;
  // MAX(public_room_list_stream.stream_id), 0 for an empty stream.
  int64_t PublicRoomListStreamPosition(Connection& conn) const;

 private:
  StoreOptions options_;
};

}  // namespace strata::storage
