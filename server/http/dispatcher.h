// Dispatcher: what the server does with one parsed request, whatever transport carried it.
//
// Maintenance mode first (503 with the caller's progress fields, routes neither looked up nor
// run), then OPTIONS (200 `{}` anywhere, for CORS preflight), then routing: unknown paths 404
// and known paths with the wrong method 405, both M_UNRECOGNIZED. A handler's MatrixError
// becomes its JSON error; any other exception becomes 500 M_UNKNOWN and is logged.
//
// Thread-safe: many workers dispatch at once while routes are added and maintenance switched.
#pragma once

#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>

#include "http/message.h"
#include "http/router.h"

namespace strata::http {

class Dispatcher {
 public:
  Router& router() { return router_; }

  void SetMaintenance(std::optional<nlohmann::json> status);
  bool InMaintenance() const;

  // Runs the route for `req` (filling req.path_params) on a listener serving `resources`.
  // Never throws.
  Reply Dispatch(const std::set<std::string>& resources, Request& req) const;

 private:
  std::optional<Response> MaintenanceResponse() const;

  Router router_;
  mutable std::mutex maintenance_mu_;
  std::optional<nlohmann::json> maintenance_;
};

// The Matrix error body for a status the transport answers itself (a malformed request, a body
// over the limit, headers too long, too many connections).
Response TransportError(int status);

// Adds what every response carries: Synapse's CORS headers, and for JSON without a
// Cache-Control of its own, "no-cache, no-store, must-revalidate".
void AddStandardHeaders(Response& res);

}  // namespace strata::http
