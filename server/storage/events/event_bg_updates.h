// EventBgUpdates: what background updates do to events (event_store_labels,
// redactions_received_ts, event_fix_redactions_bytes).
// Tables: event_json (read; on PostgreSQL written), event_labels (written), redactions (read and
// written), events (read).
//
// Promises: every call runs on the Connection it is given, inside the batch's transaction the
// runner holds there; SQL errors throw storage::DatabaseError.
#pragma once

#include <string>
#include <vector>

#include "storage/store_options.h"

namespace strata::storage {

struct StoredEventJson {
  std::string event_id;
  std::string json;
};

class EventBgUpdates {
 public:
  explicit EventBgUpdates(const StoreOptions& options);

  // Up to `limit` events after `after` (by event_id) that have no event_labels row.
  std::vector<StoredEventJson> UnlabelledEvents(Connection& conn, const std::string& after,
                                                int64_t limit) const;
  void InsertLabel(Connection& conn, const std::string& event_id, const std::string& label,
                   const std::string& room_id, int64_t topological_ordering) const;

  // Up to `limit` redaction event ids after `after`, in order.
  std::vector<std::string> RedactionsAfter(Connection& conn, const std::string& after,
                                           int64_t limit) const;
  // Sets redactions.received_ts of the redactions in (after, upper] from their event's
  // received_ts, else origin_server_ts, else `now_ms`.
  void FillRedactionsReceivedTs(Connection& conn, const std::string& after,
                                const std::string& upper, int64_t now_ms) const;
  // PostgreSQL: decodes censored event JSON that 1.4.0 stored hex-encoded; SQLite: nothing.
  // Then drops the helper index redactions_censored_redacts if it exists.
  void FixRedactionsBytes(Connection& conn) const;

 private:
  bool decode_hex_json_;  // PostgreSQL only
};

}  // namespace strata::storage
