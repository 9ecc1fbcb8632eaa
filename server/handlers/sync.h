// /sync: the rooms a user is in, invited to or has left, with their timelines and state,
// initially or since a "s<N>" token, waiting up to `timeout` for something new.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <variant>

#include "handlers/accounts.h"
#include "handlers/services.h"

namespace strata::handlers {

struct SyncQuery {
  std::optional<std::string> since;
  int64_t timeout_ms = 0;
  std::optional<std::string> filter;  // a filter id or inline JSON
  bool full_state = false;
  // When the request arrived: the wait ends at started + timeout_ms, however often it resumes.
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

// Nothing new for the user yet: look again at the first change after `generation` concerning
// `keys` (their rooms and their user id; see events::Notifier), or at `retry_at` (the timeout,
// or sooner when a typer's timeout lapses in one of their rooms).
struct SyncWait {
  uint64_t generation = 0;
  std::set<std::string> keys;
  std::chrono::steady_clock::time_point retry_at;
};
using SyncOutcome = std::variant<nlohmann::json, SyncWait>;

// One look: the response body if there is news, it is an initial sync, or the timeout has
// passed; otherwise what to wait for. Holds a database connection only while it looks.
SyncOutcome SyncOnce(Services& s, const Requester& r, const SyncQuery& q);

// SyncOnce, blocking this thread between looks, for callers that are not parked by the server.
nlohmann::json Sync(Services& s, const Requester& r, const SyncQuery& q);

// Filters (/user/{id}/filter), stored in user_filters as Synapse stores them.
nlohmann::json CreateFilter(Services& s, const Requester& r, const nlohmann::json& filter);
nlohmann::json GetFilter(Services& s, const Requester& r, const std::string& filter_id);

}  // namespace strata::handlers
