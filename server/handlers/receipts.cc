#include "handlers/receipts.h"

#include <algorithm>

#include "events/event_store.h"
#include "handlers/api_error.h"
#include "handlers/typing.h"
#include "handlers/user_data.h"
#include "storage/account_data/account_data_store.h"
#include "storage/receipts/receipt_store.h"

namespace strata::handlers {
namespace {

using nlohmann::json;
using storage::Connection;

constexpr int64_t kDefaultTypingTimeoutMs = 30000;
constexpr int64_t kMaxTypingTimeoutMs = 120000;

void RequireJoined(const Services& s, Connection& conn, const Requester& r,
                   const std::string& room_id) {
  if (!events::RoomVersionOf(s.stores, conn, room_id)) throw NotFound("Unknown room " + room_id);
  if (events::MembershipOf(s.stores, conn, room_id, r.user_id) !=
      std::optional<std::string>("join")) {
    throw Forbidden("User " + r.user_id + " not in room " + room_id);
  }
}

// (topological, stream) ordering of an event of the room; 404 if it is not one.
std::pair<int64_t, int64_t> EventOrdering(const Services& s, Connection& conn,
                                          const std::string& room_id, const std::string& event_id) {
  auto position = s.stores.receipts->EventPositionInRoom(conn, room_id, event_id);
  if (!position) throw NotFound("Event " + event_id + " not found in room " + room_id);
  return *position;
}

std::string RequiredEventId(const json& body, const char* key) {
  if (!body[key].is_string() || body[key].get<std::string>().empty()) {
    throw BadJson(std::string("Param \"") + key + "\" must be an event id");
  }
  return body[key].get<std::string>();
}

}  // namespace

namespace {

// A month, as Synapse's stream_ordering_month_ago measured it.
constexpr int64_t kMonthMs = 30LL * 24 * 60 * 60 * 1000;

// Stores the user's receipt at the event (stream ordering `ordering`) unless they already
// have one at a later event. The caller holds the writer, inside its transaction.
void WriteReceiptOn(Services& s, Connection& conn, const Requester& r, const std::string& room_id,
                    const std::string& receipt_type, const std::string& event_id,
                    int64_t ordering) {
  // A receipt never moves back: a later event's receipt stays.
  const storage::ReceiptStore& store = *s.stores.receipts;
  auto existing = store.ReceiptStreamOrdering(conn, room_id, receipt_type, r.user_id);
  if (existing && *existing >= ordering) return;
  const std::string data = json{{"ts", s.NowMs()}}.dump();
  store.ReplaceReceipt(conn, room_id, receipt_type, r.user_id, event_id, data);
  // Notifications up to what the user has read are done with, as Synapse dropped them when a
  // read receipt arrived: all but highlights, and highlights too once a month old; the
  // per-room summaries up to the receipt go with them.
  // The newest event received over a month ago: highlights up to it have lapsed.
  const int64_t month_ago = store.NewestStreamOrderingReceivedBefore(conn, s.NowMs() - kMonthMs);
  store.DropNotificationsUpTo(conn, room_id, r.user_id, ordering, month_ago);
}

// The event id m.fully_read points at now, if any.
std::optional<std::string> FullyReadEvent(const Services& s, Connection& conn,
                                          const std::string& user_id, const std::string& room_id) {
  auto current = s.stores.account_data->GetForRoom(conn, user_id, room_id, "m.fully_read");
  if (!current) return std::nullopt;
  json content = json::parse(*current, nullptr, false);
  if (!content.is_object() || !content.contains("event_id") || !content["event_id"].is_string()) {
    return std::nullopt;
  }
  return content["event_id"].get<std::string>();
}

}  // namespace

void PostReceipt(Services& s, const Requester& r, const std::string& room_id,
                 const std::string& receipt_type, const std::string& event_id) {
  if (receipt_type != "m.read") throw ApiError(400, "M_UNKNOWN", "Receipt type must be 'm.read'");
  auto conn = s.db.AcquireWriter();
  RequireJoined(s, *conn, r, room_id);
  const int64_t ordering = EventOrdering(s, *conn, room_id, event_id).second;
  storage::Transaction txn(*conn);
  WriteReceiptOn(s, *conn, r, room_id, receipt_type, event_id, ordering);
  txn.Commit();
  s.notifier.Poke(room_id);
}

void SetReadMarkers(Services& s, const Requester& r, const std::string& room_id, const json& body) {
  std::optional<std::string> fully_read, read;
  if (body.contains("m.fully_read") && !body["m.fully_read"].is_null()) {
    fully_read = RequiredEventId(body, "m.fully_read");
  }
  if (body.contains("m.read") && !body["m.read"].is_null()) read = RequiredEventId(body, "m.read");
  if (!fully_read && !read) throw MissingParam("Missing read marker event ID: m.fully_read");
  // Both checked, then both written in one transaction on the one writer: a bad id writes
  // nothing, and a concurrent request cannot slip between the comparison and the write.
  auto conn = s.db.AcquireWriter();
  RequireJoined(s, *conn, r, room_id);
  std::optional<std::pair<int64_t, int64_t>> read_at, fully_read_at;
  if (read) read_at = EventOrdering(s, *conn, room_id, *read);
  if (fully_read) fully_read_at = EventOrdering(s, *conn, room_id, *fully_read);
  storage::Transaction txn(*conn);
  if (read) WriteReceiptOn(s, *conn, r, room_id, "m.read", *read, read_at->second);
  if (fully_read) {
    // Only forwards: a marker already on a later event stays.
    bool behind = true;
    if (auto current = FullyReadEvent(s, *conn, r.user_id, room_id)) {
      auto position = s.stores.receipts->EventPositionAnywhere(*conn, *current);
      behind = !position || *position < *fully_read_at;
    }
    if (behind) {
      PutAccountDataOn(s, *conn, r.user_id, room_id, "m.fully_read",
                       json{{"event_id", *fully_read}});
    }
  }
  txn.Commit();
  s.notifier.Poke(room_id);
}

void SetTyping(Services& s, const Requester& r, const std::string& room_id,
               const std::string& user_id, const json& body) {
  if (!body.contains("typing") || !body["typing"].is_boolean()) {
    throw BadJson("Param \"typing\" must be a boolean");
  }
  int64_t timeout = kDefaultTypingTimeoutMs;
  if (body.contains("timeout") && !body["timeout"].is_null()) {
    if (!body["timeout"].is_number_integer() || body["timeout"].get<int64_t>() < 0) {
      throw BadJson("Param \"timeout\" must be a non-negative integer");
    }
    timeout = std::min(body["timeout"].get<int64_t>(), kMaxTypingTimeoutMs);
  }
  if (user_id != r.user_id) throw Forbidden("Cannot set another user's typing state");
  {
    auto conn = s.db.Acquire();
    RequireJoined(s, *conn, r, room_id);
  }
  if (s.typing->Set(room_id, r.user_id, body["typing"].get<bool>(), s.NowMs(), timeout)) {
    s.notifier.Poke(room_id);
  }
}

json ReceiptEvent(const Services& s, Connection& conn, const std::string& room_id, int64_t after,
                  int64_t upto) {
  auto receipts = s.stores.receipts->ReceiptsBetween(conn, room_id, after, upto);
  if (receipts.empty()) return nullptr;
  json content = json::object();
  for (const auto& receipt : receipts) {
    json data = json::parse(receipt.data, nullptr, false);
    if (data.is_discarded()) data = json::object();
    content[receipt.event_id][receipt.receipt_type][receipt.user_id] = data;
  }
  return {{"type", "m.receipt"}, {"content", content}};
}

}  // namespace strata::handlers
