// ReceiptStore: read receipts.
// Tables: receipts_linearized, receipts_graph. Also, until their areas have stores: a few
// reads of events (events area, storage/events) and the notification deletes a receipt causes
// (event_push_actions, event_push_summary: the push area).
//
// Promises: every call runs on the Connection it is given, inside whatever transaction the
// caller holds there; a missing row is an empty optional or an empty list, never an exception;
// SQL errors throw storage::DatabaseError. Writes REQUIRE a writer connection, inside the
// caller's transaction.
//
// Cached: the stream's head (ReplaceReceipt forgets it; ForgetCached for writes made
// elsewhere), so /sync learns the receipt stream has not moved without a query.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "storage/cache/read_through_cache.h"
#include "storage/store_options.h"

namespace strata::storage {

// A receipts_linearized row; `data` is the JSON text of its data column.
struct Receipt {
  std::string event_id;
  std::string receipt_type;
  std::string user_id;
  std::string data;
};

// (topological_ordering, stream_ordering) of an event.
using EventPosition = std::pair<int64_t, int64_t>;

class ReceiptStore {
 public:
  explicit ReceiptStore(const StoreOptions& options);

  // The largest receipts_linearized stream id (0 for none).
  int64_t MaxStreamId(Connection& conn) const;
  void ForgetCached(Connection& conn) const { head_cache_->ForgetAll(conn); }
  void ForgetCachedNow() const { head_cache_->ForgetAllNow(); }
  // The room's receipts with stream ids in (after, upto], in stream order.
  std::vector<Receipt> ReceiptsBetween(Connection& conn, const std::string& room_id, int64_t after,
                                       int64_t upto) const;
  // The stream ordering of the event the user's receipt of `receipt_type` in the room points
  // at; nullopt if they have none or its event is not stored in the room.
  std::optional<int64_t> ReceiptStreamOrdering(Connection& conn, const std::string& room_id,
                                               const std::string& receipt_type,
                                               const std::string& user_id) const;
  // Replaces the user's receipt in both tables (delete, insert; delete, insert) at the next
  // stream id (MaxStreamId + 1), which it returns. receipts_graph gets [event_id].
  // REQUIRES: a writer, inside the caller's transaction.
  int64_t ReplaceReceipt(Connection& conn, const std::string& room_id,
                         const std::string& receipt_type, const std::string& user_id,
                         const std::string& event_id, const std::string& data) const;

  // Events area (events table) --------------------------------------------------------------

  // The position of an event in the given room; nullopt if it is not stored there.
  std::optional<EventPosition> EventPositionInRoom(Connection& conn, const std::string& room_id,
                                                   const std::string& event_id) const;
  // The position of an event in any room; nullopt if it is not stored.
  std::optional<EventPosition> EventPositionAnywhere(Connection& conn,
                                                     const std::string& event_id) const;
  // The newest stream ordering among events received before `received_before_ms` (0 for none).
  int64_t NewestStreamOrderingReceivedBefore(Connection& conn, int64_t received_before_ms) const;

  // Push area (event_push_actions, event_push_summary) ---------------------------------------

  // Drops the user's notifications in the room up to `stream_ordering`: all but highlights,
  // and highlights too up to `highlights_until`; then the room's summaries up to
  // `stream_ordering`. REQUIRES: a writer, inside the caller's transaction.
  void DropNotificationsUpTo(Connection& conn, const std::string& room_id,
                             const std::string& user_id, int64_t stream_ordering,
                             int64_t highlights_until) const;

 private:
  StoreOptions options_;
  std::unique_ptr<ReadThroughCache<int, int64_t>> head_cache_;  // one entry, key 0
};

}  // namespace strata::storage
