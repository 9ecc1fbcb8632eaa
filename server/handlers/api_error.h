// ApiError: a refusal a handler returns to its caller, with the Matrix error code and the HTTP
// status the client-server spec gives it. Handlers know nothing of HTTP; the routes turn this
// into the response.
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace strata::handlers {

class ApiError : public std::runtime_error {
 public:
  ApiError(int status, std::string errcode, const std::string& message,
           nlohmann::json extra = nullptr)
      : std::runtime_error(message),
        status_(status),
        errcode_(std::move(errcode)),
        extra_(std::move(extra)) {}
  int status() const { return status_; }
  const std::string& errcode() const { return errcode_; }
  // Extra members of the error body (UIA flows, retry_after_ms), or null.
  const nlohmann::json& extra() const { return extra_; }

 private:
  int status_;
  std::string errcode_;
  nlohmann::json extra_;
};

inline ApiError Forbidden(const std::string& msg) {
  return ApiError(403, "M_FORBIDDEN", msg);
}
inline ApiError NotFound(const std::string& msg) {
  return ApiError(404, "M_NOT_FOUND", msg);
}
inline ApiError BadJson(const std::string& msg) {
  return ApiError(400, "M_BAD_JSON", msg);
}
inline ApiError InvalidParam(const std::string& msg) {
  return ApiError(400, "M_INVALID_PARAM", msg);
}
inline ApiError MissingParam(const std::string& msg) {
  return ApiError(400, "M_MISSING_PARAM", msg);
}

}  // namespace strata::handlers
