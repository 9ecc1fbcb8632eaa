// EventStore: stored events and the stream.
// Tables: events, event_json, event_edges, event_forward_extremities, event_auth, room_depth,
// event_reference_hashes (read only).
//
// Promises: every call runs on the Connection it is given, inside whatever transaction the
// caller holds there; a missing row is an empty optional or an empty list, never an exception;
// SQL errors throw storage::DatabaseError. Writes REQUIRE: inside the caller's transaction on a
// writer connection (stream orderings are MAX()+1 and cannot race only there).
//
// Cached (bounded): event_json.json per event as EventJson read it (an event's JSON does not
// change once written; InsertEventJson forgets a miss cached before the event arrived); the
// stream's head and each room's newest stream ordering (InsertEvent forgets both), so a woken
// /sync learns which of a user's rooms moved without a query per room. ForgetCached forgets
// all of it, for purges and writes made elsewhere.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "storage/cache/read_through_cache.h"
#include "storage/store_options.h"

namespace strata::storage {

// One row of `events` as a local event writes it. content and unrecognized_keys stay NULL, as
// Synapse 1.x left them: the event is in event_json.
struct EventRow {
  int64_t stream_ordering = 0;
  int64_t depth = 0;  // also topological_ordering
  std::string event_id;
  std::string type;
  std::string room_id;
  int64_t origin_server_ts = 0;  // also received_ts
  std::string sender;
  bool contains_url = false;
};

// An event id and its stream ordering, as the room timeline lists them.
struct StreamEvent {
  std::string event_id;
  int64_t stream_ordering = 0;
};

class EventStore {
 public:
  explicit EventStore(const StoreOptions& options);

  // Reads ------------------------------------------------------------------------------------
  // event_json.json of an event, or nullopt.
  std::optional<std::string> EventJson(Connection& conn, const std::string& event_id) const;
  // The largest events.stream_ordering (0 for none).
  int64_t MaxStreamOrdering(Connection& conn) const;
  // event_forward_extremities of the room, in the database's order.
  std::vector<std::string> ForwardExtremities(Connection& conn, const std::string& room_id) const;
  // MAX(events.depth) + 1 over the room (1 for an empty room).
  int64_t NextDepth(Connection& conn, const std::string& room_id) const;
  // The sha256 reference hash of an event (event_reference_hashes), or nullopt.
  std::optional<std::string> ReferenceHash(Connection& conn, const std::string& event_id) const;
  // Non-outlier events of the room with after < stream_ordering <= up_to, newest first
  // (backwards) or oldest first, at most `limit`.
  std::vector<StreamEvent> RoomEvents(Connection& conn, const std::string& room_id, int64_t after,
                                      int64_t up_to, bool backwards, int64_t limit) const;
  // The number of the room's events with after < stream_ordering <= up_to.
  int64_t CountRoomEvents(Connection& conn, const std::string& room_id, int64_t after,
                          int64_t up_to) const;
  // The largest stream ordering of the room's events, outliers included (0 for none).
  int64_t RoomMaxStreamOrdering(Connection& conn, const std::string& room_id) const;
  // Whether the room has an event with after < stream_ordering <= up_to: from the room's
  // cached newest ordering alone unless that lies beyond up_to.
  bool RoomHasEventsBetween(Connection& conn, const std::string& room_id, int64_t after,
                            int64_t up_to) const;

  // Writes (REQUIRES: the caller's transaction on a writer connection) -----------------------
  // room_depth for a new room.
  void InsertRoomDepth(Connection& conn, const std::string& room_id, int64_t min_depth) const;
  // events.
  void InsertEvent(Connection& conn, const EventRow& row) const;
  // event_json.
  void InsertEventJson(Connection& conn, const std::string& event_id, const std::string& room_id,
                       const std::string& internal_metadata, const std::string& json,
                       int format_version) const;
  // event_edges: one row per prev event (is_state false), in the given order.
  void InsertEdges(Connection& conn, const std::string& event_id, const std::string& room_id,
                   const std::vector<std::string>& prev_event_ids) const;
  // event_auth: one row per auth event, in the given order.
  void InsertAuth(Connection& conn, const std::string& event_id, const std::string& room_id,
                  const std::vector<std::string>& auth_event_ids) const;
  // Makes `event_id` the room's only forward extremity (delete, then insert).
  void ReplaceForwardExtremities(Connection& conn, const std::string& room_id,
                                 const std::string& event_id) const;

  // Forgets every cached event now and when `conn`'s transaction ends (a purge), or now only
  // (after a background update's batch committed on its own connection).
  void ForgetCached(Connection& conn) const;
  void ForgetCachedNow() const;
  static constexpr size_t kCachedEvents = 10000;  // Synapse's event_cache_size
  static constexpr size_t kCachedRoomPositions = 50000;

 private:
  StoreOptions options_;
  std::unique_ptr<ReadThroughCache<std::string, std::optional<std::string>>> json_cache_;
  // One entry, key 0: the stream's head.
  std::unique_ptr<ReadThroughCache<int, int64_t>> head_cache_;
  std::unique_ptr<ReadThroughCache<std::string, int64_t>> room_head_cache_;
};

}  // namespace strata::storage
