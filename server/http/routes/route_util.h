// Helpers the route files share: turning handler refusals into Matrix errors, reading typed
// query parameters and bodies, and registering one route under several prefixes.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "handlers/accounts.h"
#include "handlers/api_error.h"
#include "http/http_server.h"

namespace strata::http::routes {

// Runs `fn`, translating ApiError into MatrixError (the server turns that into the response).
template <typename Fn>
auto Guard(Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const handlers::ApiError& e) {
    throw MatrixError(e.status(), e.errcode(), e.what(), e.extra());
  }
}

// The body as a JSON object; an empty body counts as {} (several POSTs need no body).
inline nlohmann::json BodyObject(const Request& req) {
  if (req.body.find_first_not_of(" \t\r\n") == std::string::npos) return nlohmann::json::object();
  return req.JsonObject();
}

// Query parameter as an integer; 400 M_INVALID_PARAM naming it if it is not one.
inline std::optional<int64_t> IntQuery(const Request& req, const std::string& name) {
  auto v = req.Query(name);
  if (!v) return std::nullopt;
  try {
    size_t used = 0;
    int64_t n = std::stoll(*v, &used);
    if (used != v->size()) throw std::invalid_argument(name);
    return n;
  } catch (const std::exception&) {
    throw MatrixError(400, errcode::kInvalidParam,
                      "Query parameter \"" + name + "\" must be an integer");
  }
}

inline std::optional<bool> BoolQuery(const Request& req, const std::string& name) {
  auto v = req.Query(name);
  if (!v) return std::nullopt;
  if (*v == "true") return true;
  if (*v == "false") return false;
  throw MatrixError(
      400, errcode::kInvalidParam,
      "Boolean query parameter \"" + name + "\" must be one of [\"true\", \"false\"]");
}

// A required string member of a JSON object: 400 M_MISSING_PARAM / M_BAD_JSON naming it.
inline std::string RequiredString(const nlohmann::json& body, const std::string& key) {
  if (!body.contains(key)) throw MatrixError(400, errcode::kMissingParam, "Missing param: " + key);
  if (!body[key].is_string()) {
    throw MatrixError(400, errcode::kBadJson, "Param \"" + key + "\" must be a string");
  }
  return body[key].get<std::string>();
}

}  // namespace strata::http::routes
