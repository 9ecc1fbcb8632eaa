#include "storage/receipts/receipt_store.h"

#include <nlohmann/json.hpp>

namespace strata::storage {
namespace {

constexpr std::string_view kMaxStreamId =
    "SELECT COALESCE(MAX(stream_id), 0) FROM receipts_linearized";
constexpr std::string_view kSelectReceiptsBetween =
    "SELECT event_id, receipt_type, user_id, data FROM receipts_linearized WHERE room_id = ? "
    "AND stream_id > ? AND stream_id <= ? ORDER BY stream_id";
constexpr std::string_view kSelectReceiptStreamOrdering =
    "SELECT e.stream_ordering FROM receipts_linearized r JOIN events e ON e.event_id = "
    "r.event_id AND e.room_id = r.room_id WHERE r.room_id = ? AND r.receipt_type = ? AND "
    "r.user_id = ?";
constexpr std::string_view kDeleteLinearized =
    "DELETE FROM receipts_linearized WHERE room_id = ? AND receipt_type = ? AND user_id = ?";
constexpr std::string_view kInsertLinearized =
    "INSERT INTO receipts_linearized (stream_id, room_id, receipt_type, user_id, event_id, "
    "data) VALUES (?, ?, ?, ?, ?, ?)";
constexpr std::string_view kDeleteGraph =
    "DELETE FROM receipts_graph WHERE room_id = ? AND receipt_type = ? AND user_id = ?";
constexpr std::string_view kInsertGraph =
    "INSERT INTO receipts_graph (room_id, receipt_type, user_id, event_ids, data) "
    "VALUES (?, ?, ?, ?, ?)";

// Events area.
constexpr std::string_view kSelectEventPositionInRoom =
    "SELECT topological_ordering, stream_ordering FROM events WHERE event_id = ? AND "
    "room_id = ?";
constexpr std::string_view kSelectEventPosition =
    "SELECT topological_ordering, stream_ordering FROM events WHERE event_id = ?";
constexpr std::string_view kNewestReceivedBefore =
    "SELECT COALESCE(MAX(stream_ordering), 0) FROM events WHERE received_ts < ?";

// Push area.
constexpr std::string_view kDeletePushActionsUpTo =
    "DELETE FROM event_push_actions WHERE room_id = ? AND user_id = ? AND stream_ordering <= ? "
    "AND (highlight = 0 OR stream_ordering <= ?)";
constexpr std::string_view kDeletePushSummaryUpTo =
    "DELETE FROM event_push_summary WHERE room_id = ? AND user_id = ? AND stream_ordering <= ?";

std::optional<EventPosition> PositionFrom(const std::vector<Row>& rows) {
  if (rows.empty()) return std::nullopt;
  return EventPosition{rows[0].Int(0), rows[0].Int(1)};
}

}  // namespace

ReceiptStore::ReceiptStore(const StoreOptions& options)
    : options_(options), head_cache_(std::make_unique<ReadThroughCache<int, int64_t>>(1)) {}

int64_t ReceiptStore::MaxStreamId(Connection& conn) const {
  return head_cache_->Get(conn, 0, [&] { return conn.QueryInt(kMaxStreamId).value_or(0); });
}

std::vector<Receipt> ReceiptStore::ReceiptsBetween(Connection& conn, const std::string& room_id,
                                                   int64_t after, int64_t upto) const {
  std::vector<Receipt> out;
  for (const auto& row : conn.Query(kSelectReceiptsBetween, {room_id, after, upto})) {
    out.push_back({row.Text(0), row.Text(1), row.Text(2), row.Text(3)});
  }
  return out;
}

std::optional<int64_t> ReceiptStore::ReceiptStreamOrdering(Connection& conn,
                                                           const std::string& room_id,
                                                           const std::string& receipt_type,
                                                           const std::string& user_id) const {
  return conn.QueryInt(kSelectReceiptStreamOrdering, {room_id, receipt_type, user_id});
}

int64_t ReceiptStore::ReplaceReceipt(Connection& conn, const std::string& room_id,
                                     const std::string& receipt_type, const std::string& user_id,
                                     const std::string& event_id, const std::string& data) const {
  const int64_t stream_id = MaxStreamId(conn) + 1;
  conn.Execute(kDeleteLinearized, {room_id, receipt_type, user_id});
  conn.Execute(kInsertLinearized, {stream_id, room_id, receipt_type, user_id, event_id, data});
  conn.Execute(kDeleteGraph, {room_id, receipt_type, user_id});
  conn.Execute(kInsertGraph,
               {room_id, receipt_type, user_id, nlohmann::json::array({event_id}).dump(), data});
  head_cache_->Forget(conn, 0);
  return stream_id;
}

std::optional<EventPosition> ReceiptStore::EventPositionInRoom(Connection& conn,
                                                               const std::string& room_id,
                                                               const std::string& event_id) const {
  return PositionFrom(conn.Query(kSelectEventPositionInRoom, {event_id, room_id}));
}

std::optional<EventPosition> ReceiptStore::EventPositionAnywhere(
    Connection& conn, const std::string& event_id) const {
  return PositionFrom(conn.Query(kSelectEventPosition, {event_id}));
}

int64_t ReceiptStore::NewestStreamOrderingReceivedBefore(Connection& conn,
                                                         int64_t received_before_ms) const {
  return conn.QueryInt(kNewestReceivedBefore, {received_before_ms}).value_or(0);
}

void ReceiptStore::DropNotificationsUpTo(Connection& conn, const std::string& room_id,
                                         const std::string& user_id, int64_t stream_ordering,
                                         int64_t highlights_until) const {
  conn.Execute(kDeletePushActionsUpTo, {room_id, user_id, stream_ordering, highlights_until});
  conn.Execute(kDeletePushSummaryUpTo, {room_id, user_id, stream_ordering});
}

}  // namespace strata::storage
