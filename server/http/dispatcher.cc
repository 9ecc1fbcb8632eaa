#include "http/dispatcher.h"

#include <cctype>
#include <exception>

#include "util/logging.h"

namespace strata::http {
namespace {

constexpr std::string_view kLogger = "strata.http.server";

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

Response InternalError(const std::string& pattern, const Request& req, std::string_view what) {
  STRATA_LOG(Error, kLogger) << "Failed handle request via " << pattern << ": " << req.method << " "
                             << req.RedactedTarget() << ": " << what;
  return Response::Error(500, errcode::kUnknown, "Internal server error");
}

}  // namespace

void Dispatcher::SetMaintenance(std::optional<nlohmann::json> status) {
  std::lock_guard<std::mutex> lock(maintenance_mu_);
  maintenance_ = std::move(status);
}

bool Dispatcher::InMaintenance() const {
  std::lock_guard<std::mutex> lock(maintenance_mu_);
  return maintenance_.has_value();
}

std::optional<Response> Dispatcher::MaintenanceResponse() const {
  std::lock_guard<std::mutex> lock(maintenance_mu_);
  if (!maintenance_) return std::nullopt;
  nlohmann::json body = {
      {"errcode", errcode::kUnknown},
      {"error",
       "The server is upgrading its database and is not serving requests yet; try again "
       "shortly"}};
  if (maintenance_->is_object()) {
    for (const auto& [key, value] : maintenance_->items()) body[key] = value;
  }
  Response r = Response::Json(body, 503);
  r.headers.emplace_back("Retry-After", "5");
  return r;
}

Reply Dispatcher::Dispatch(const std::set<std::string>& resources, Request& req) const {
  if (auto busy = MaintenanceResponse()) return std::move(*busy);
  // Synapse answers any OPTIONS request under its resources with 200 {} (CORS preflight).
  if (req.method == "OPTIONS") return Response::Json(nlohmann::json::object());

  const std::string method = req.method == "HEAD" ? "GET" : req.method;
  Router::Match match;
  std::vector<std::string> allowed;
  switch (router_.Find(method, req.path, resources, &match, &allowed)) {
    case Router::Outcome::kNotFound:
      return Response::Error(404, errcode::kUnrecognized, "Unrecognized request");
    case Router::Outcome::kWrongMethod: {
      Response r = Response::Error(405, errcode::kUnrecognized, "Unrecognized request");
      std::string allow;
      for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
      r.headers.emplace_back("Allow", allow + ", OPTIONS");
      return r;
    }
    case Router::Outcome::kFound:
      break;
  }
  req.path_params = std::move(match.params);
  try {
    return match.handler(req);
  } catch (const MatrixError& e) {
    return e.ToResponse();
  } catch (const std::exception& e) {
    return InternalError(match.pattern, req, e.what());
  } catch (...) {
    return InternalError(match.pattern, req, "unknown exception");
  }
}

Response TransportError(int status) {
  switch (status) {
    case 400:
      return Response::Error(400, errcode::kUnknown, "Bad request");
    case 413:
      return Response::Error(413, errcode::kTooLarge, "Request body too large");
    case 414:
      return Response::Error(414, errcode::kUnknown, "Request URI too long");
    case 431:
      return Response::Error(431, errcode::kUnknown, "Request headers too large");
    case 503:
      return Response::Error(503, errcode::kLimitExceeded,
                             "The server has too many connections open; try again shortly");
    default:
      return Response::Error(status, errcode::kUnknown, "HTTP error " + std::to_string(status));
  }
}

void AddStandardHeaders(Response& res) {
  // Synapse's CORS headers (set_cors_headers), so browser clients on other origins can talk.
  res.headers.emplace_back("Access-Control-Allow-Origin", "*");
  res.headers.emplace_back("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, DELETE, OPTIONS");
  res.headers.emplace_back("Access-Control-Allow-Headers",
                           "Origin, X-Requested-With, Content-Type, Accept, Authorization");
  if (res.content_type != "application/json") return;
  for (const auto& [key, value] : res.headers) {
    if (EqualsIgnoringCase(key, "Cache-Control")) return;
  }
  res.headers.emplace_back("Cache-Control", "no-cache, no-store, must-revalidate");
}

}  // namespace strata::http
