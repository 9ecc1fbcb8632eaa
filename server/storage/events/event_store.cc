#include "storage/events/event_store.h"

#include <string_view>

namespace strata::storage {
namespace {

constexpr std::string_view kSelectEventJson = "SELECT json FROM event_json WHERE event_id = ?";
constexpr std::string_view kSelectMaxStreamOrdering =
    "SELECT COALESCE(MAX(stream_ordering), 0) FROM events";
constexpr std::string_view kSelectForwardExtremities =
    "SELECT event_id FROM event_forward_extremities WHERE room_id = ?";
constexpr std::string_view kSelectNextDepth =
    "SELECT COALESCE(MAX(depth), 0) + 1 FROM events WHERE room_id = ?";
constexpr std::string_view kSelectReferenceHash =
    "SELECT hash FROM event_reference_hashes WHERE event_id = ? AND algorithm = 'sha256'";
constexpr std::string_view kSelectRoomEventsBackwards =
    "SELECT event_id, stream_ordering FROM events WHERE room_id = ? AND stream_ordering <= ? "
    "AND stream_ordering > ? AND outlier = ? ORDER BY stream_ordering DESC LIMIT ?";
constexpr std::string_view kSelectRoomEventsForwards =
    "SELECT event_id, stream_ordering FROM events WHERE room_id = ? AND stream_ordering > ? "
    "AND stream_ordering <= ? AND outlier = ? ORDER BY stream_ordering ASC LIMIT ?";
constexpr std::string_view kSelectRoomMaxStreamOrdering =
    "SELECT COALESCE(MAX(stream_ordering), 0) FROM events WHERE room_id = ?";
constexpr std::string_view kCountRoomEvents =
    "SELECT COUNT(*) FROM events WHERE room_id = ? AND stream_ordering > ? AND "
    "stream_ordering <= ?";

constexpr std::string_view kInsertRoomDepth =
    "INSERT INTO room_depth (room_id, min_depth) VALUES (?, ?)";
constexpr std::string_view kInsertEvent =
    "INSERT INTO events (stream_ordering, topological_ordering, event_id, type, room_id, "
    "processed, outlier, depth, origin_server_ts, received_ts, sender, contains_url) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr std::string_view kInsertEventJson =
    "INSERT INTO event_json (event_id, room_id, internal_metadata, json, format_version) "
    "VALUES (?, ?, ?, ?, ?)";
constexpr std::string_view kInsertEventEdge =
    "INSERT INTO event_edges (event_id, prev_event_id, room_id, is_state) "
    "VALUES (?, ?, ?, ?)";
constexpr std::string_view kInsertEventAuth =
    "INSERT INTO event_auth (event_id, auth_id, room_id) VALUES (?, ?, ?)";
constexpr std::string_view kDeleteForwardExtremities =
    "DELETE FROM event_forward_extremities WHERE room_id = ?";
constexpr std::string_view kInsertForwardExtremity =
    "INSERT INTO event_forward_extremities (event_id, room_id) VALUES (?, ?)";

}  // namespace

EventStore::EventStore(const StoreOptions& options)
    : options_(options),
      json_cache_(std::make_unique<ReadThroughCache<std::string, std::optional<std::string>>>(
          kCachedEvents)),
      head_cache_(std::make_unique<ReadThroughCache<int, int64_t>>(1)),
      room_head_cache_(
          std::make_unique<ReadThroughCache<std::string, int64_t>>(kCachedRoomPositions)) {}

std::optional<std::string> EventStore::EventJson(Connection& conn,
                                                 const std::string& event_id) const {
  return json_cache_->Get(conn, event_id,
                          [&] { return conn.QueryValue(kSelectEventJson, {event_id}); });
}

int64_t EventStore::MaxStreamOrdering(Connection& conn) const {
  return head_cache_->Get(conn, 0,
                          [&] { return conn.QueryInt(kSelectMaxStreamOrdering).value_or(0); });
}

std::vector<std::string> EventStore::ForwardExtremities(Connection& conn,
                                                        const std::string& room_id) const {
  std::vector<std::string> out;
  for (const auto& row : conn.Query(kSelectForwardExtremities, {room_id})) {
    out.push_back(row.Text(0));
  }
  return out;
}

int64_t EventStore::NextDepth(Connection& conn, const std::string& room_id) const {
  return conn.QueryInt(kSelectNextDepth, {room_id}).value_or(1);
}

std::optional<std::string> EventStore::ReferenceHash(Connection& conn,
                                                     const std::string& event_id) const {
  return conn.QueryValue(kSelectReferenceHash, {event_id});
}

std::vector<StreamEvent> EventStore::RoomEvents(Connection& conn, const std::string& room_id,
                                                int64_t after, int64_t up_to, bool backwards,
                                                int64_t limit) const {
  std::vector<Row> rows =
      backwards ? conn.Query(kSelectRoomEventsBackwards, {room_id, up_to, after, false, limit})
                : conn.Query(kSelectRoomEventsForwards, {room_id, after, up_to, false, limit});
  std::vector<StreamEvent> out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back({row.Text(0), row.Int(1)});
  return out;
}

int64_t EventStore::CountRoomEvents(Connection& conn, const std::string& room_id, int64_t after,
                                    int64_t up_to) const {
  return conn.QueryInt(kCountRoomEvents, {room_id, after, up_to}).value_or(0);
}

int64_t EventStore::RoomMaxStreamOrdering(Connection& conn, const std::string& room_id) const {
  return room_head_cache_->Get(conn, room_id, [&] {
    return conn.QueryInt(kSelectRoomMaxStreamOrdering, {room_id}).value_or(0);
  });
}

bool EventStore::RoomHasEventsBetween(Connection& conn, const std::string& room_id, int64_t after,
                                      int64_t up_to) const {
  if (up_to <= after) return false;
  const int64_t newest = RoomMaxStreamOrdering(conn, room_id);
  if (newest <= after) return false;
  if (newest <= up_to) return true;
  return CountRoomEvents(conn, room_id, after, up_to) > 0;
}

void EventStore::ForgetCached(Connection& conn) const {
  json_cache_->ForgetAll(conn);
  head_cache_->ForgetAll(conn);
  room_head_cache_->ForgetAll(conn);
}

void EventStore::ForgetCachedNow() const {
  json_cache_->ForgetAllNow();
  head_cache_->ForgetAllNow();
  room_head_cache_->ForgetAllNow();
}

void EventStore::InsertRoomDepth(Connection& conn, const std::string& room_id,
                                 int64_t min_depth) const {
  conn.Execute(kInsertRoomDepth, {room_id, min_depth});
}

void EventStore::InsertEvent(Connection& conn, const EventRow& r) const {
  conn.Execute(kInsertEvent,
               {r.stream_ordering, r.depth, r.event_id, r.type, r.room_id, true, false, r.depth,
                r.origin_server_ts, r.origin_server_ts, r.sender, r.contains_url});
  head_cache_->Forget(conn, 0);
  room_head_cache_->Forget(conn, r.room_id);
}

void EventStore::InsertEventJson(Connection& conn, const std::string& event_id,
                                 const std::string& room_id, const std::string& internal_metadata,
                                 const std::string& json, int format_version) const {
  conn.Execute(kInsertEventJson, {event_id, room_id, internal_metadata, json, format_version});
  json_cache_->Forget(conn, event_id);
}

void EventStore::InsertEdges(Connection& conn, const std::string& event_id,
                             const std::string& room_id,
                             const std::vector<std::string>& prev_event_ids) const {
  for (const auto& prev : prev_event_ids) {
    conn.Execute(kInsertEventEdge, {event_id, prev, room_id, false});
  }
}

void EventStore::InsertAuth(Connection& conn, const std::string& event_id,
                            const std::string& room_id,
                            const std::vector<std::string>& auth_event_ids) const {
  for (const auto& auth_id : auth_event_ids) {
    conn.Execute(kInsertEventAuth, {event_id, auth_id, room_id});
  }
}

void EventStore::ReplaceForwardExtremities(Connection& conn, const std::string& room_id,
                                           const std::string& event_id) const {
  conn.Execute(kDeleteForwardExtremities, {room_id});
  conn.Execute(kInsertForwardExtremity, {event_id, room_id});
}

}  // namespace strata::storage
