// /sync: the rooms a user is in, invited to or has left, with their timelines and state,
// initially or since a "s<N>" token, waiting up to `timeout` for something new.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "handlers/accounts.h"
#include "handlers/services.h"

namespace strata::handlers {

struct SyncQuery {
  std::optional<std::string> since;
  int64_t timeout_ms = 0;
  std::optional<std::string> filter;  // a filter id or inline JSON
  bool full_state = false;
};

// Blocks for up to timeout_ms when nothing is new (holding no database connection meanwhile).
nlohmann::json Sync(Services& s, const Requester& r, const SyncQuery& q);

// Filters (/user/{id}/filter), stored in user_filters as Synapse stores them.
nlohmann::json CreateFilter(Services& s, const Requester& r, const nlohmann::json& filter);
nlohmann::json GetFilter(Services& s, const Requester& r, const std::string& filter_id);

}  // namespace strata::handlers
