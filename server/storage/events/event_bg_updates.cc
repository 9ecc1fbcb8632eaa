#include "storage/events/event_bg_updates.h"

#include "storage/events/postgres/event_bg_updates_sql.h"

namespace strata::storage {
namespace {

constexpr std::string_view kUnlabelledEvents =
    "SELECT ej.event_id, ej.json FROM event_json ej "
    "LEFT JOIN event_labels el ON el.event_id = ej.event_id "
    "WHERE ej.event_id > ? AND el.label IS NULL ORDER BY ej.event_id LIMIT ?";
constexpr std::string_view kInsertLabel =
    "INSERT INTO event_labels (event_id, label, room_id, topological_ordering) "
    "VALUES (?, ?, ?, ?)";
constexpr std::string_view kRedactionsAfter =
    "SELECT event_id FROM redactions WHERE event_id > ? ORDER BY event_id LIMIT ?";
constexpr std::string_view kFillRedactionsReceivedTs =
    "UPDATE redactions SET received_ts = ("
    "  SELECT COALESCE(e.received_ts, e.origin_server_ts, ?) FROM events e"
    "  WHERE e.event_id = redactions.event_id) "
    "WHERE event_id > ? AND event_id <= ?";
// IF EXISTS: only the PostgreSQL delta queues this, but a row copied onto SQLite must still end.
constexpr std::string_view kDropCensoredRedactsIndex =
    "DROP INDEX IF EXISTS redactions_censored_redacts";

}  // namespace

EventBgUpdates::EventBgUpdates(const StoreOptions& options)
    : decode_hex_json_(options.engine == Engine::kPostgres) {}

std::vector<StoredEventJson> EventBgUpdates::UnlabelledEvents(Connection& conn,
                                                              const std::string& after,
                                                              int64_t limit) const {
  std::vector<StoredEventJson> out;
  for (const auto& row : conn.Query(kUnlabelledEvents, {after, static_cast<long long>(limit)})) {
    out.push_back({row.Text(0), row.Text(1)});
  }
  return out;
}

void EventBgUpdates::InsertLabel(Connection& conn, const std::string& event_id,
                                 const std::string& label, const std::string& room_id,
                                 int64_t topological_ordering) const {
  conn.Execute(kInsertLabel,
               {event_id, label, room_id, static_cast<long long>(topological_ordering)});
}

std::vector<std::string> EventBgUpdates::RedactionsAfter(Connection& conn, const std::string& after,
                                                         int64_t limit) const {
  std::vector<std::string> out;
  for (const auto& row : conn.Query(kRedactionsAfter, {after, static_cast<long long>(limit)})) {
    out.push_back(row.Text(0));
  }
  return out;
}

void EventBgUpdates::FillRedactionsReceivedTs(Connection& conn, const std::string& after,
                                              const std::string& upper, int64_t now_ms) const {
  conn.Execute(kFillRedactionsReceivedTs, {static_cast<long long>(now_ms), after, upper});
}

void EventBgUpdates::FixRedactionsBytes(Connection& conn) const {
  if (decode_hex_json_) conn.Execute(postgres::kDecodeHexCensoredJson);
  conn.Execute(kDropCensoredRedactsIndex);
}

}  // namespace strata::storage
