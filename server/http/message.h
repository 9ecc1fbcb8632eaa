// What a route handler sees and returns: a Request, a Response, and MatrixError for refusals.
//
// Handlers are plain functions of a Request; they never see the transport. A handler either
// returns a Response or throws MatrixError (turned into `{"errcode", "error"}` with its status);
// any other exception becomes 500 M_UNKNOWN and is logged with the request. A long-poll handler
// (/sync) may also answer Park: "nothing yet, ask me again later", and holds no thread meanwhile.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace strata::http {

// The spec's error codes used by more than one handler.
namespace errcode {
inline constexpr std::string_view kUnknown = "M_UNKNOWN";
inline constexpr std::string_view kUnrecognized = "M_UNRECOGNIZED";
inline constexpr std::string_view kNotJson = "M_NOT_JSON";
inline constexpr std::string_view kBadJson = "M_BAD_JSON";
inline constexpr std::string_view kForbidden = "M_FORBIDDEN";
inline constexpr std::string_view kUnknownToken = "M_UNKNOWN_TOKEN";
inline constexpr std::string_view kMissingToken = "M_MISSING_TOKEN";
inline constexpr std::string_view kNotFound = "M_NOT_FOUND";
inline constexpr std::string_view kMissingParam = "M_MISSING_PARAM";
inline constexpr std::string_view kInvalidParam = "M_INVALID_PARAM";
inline constexpr std::string_view kLimitExceeded = "M_LIMIT_EXCEEDED";
inline constexpr std::string_view kTooLarge = "M_TOO_LARGE";
inline constexpr std::string_view kUserInUse = "M_USER_IN_USE";
inline constexpr std::string_view kInvalidUsername = "M_INVALID_USERNAME";
inline constexpr std::string_view kRoomInUse = "M_ROOM_IN_USE";
inline constexpr std::string_view kGuestAccessForbidden = "M_GUEST_ACCESS_FORBIDDEN";
inline constexpr std::string_view kUnsupportedRoomVersion = "M_UNSUPPORTED_ROOM_VERSION";
}  // namespace errcode

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers

  // `body` serialised compactly as UTF-8 (invalid UTF-8 in strings is replaced, not fatal).
  static Response Json(const nlohmann::json& body, int status = 200);
  // `{"errcode": errcode, "error": message}` plus the members of `extra` (an object or null).
  static Response Error(int status, std::string_view errcode, std::string_view message,
                        const nlohmann::json& extra = nullptr);
  static Response Raw(int status, std::string body, std::string content_type);
};

// A long-poll handler's "nothing yet". The server parks the request, holding no thread, and runs
// the handler again (with the same Request) when `arm`'s wake-up fires or at `retry_at`,
// whichever comes first.
struct Park {
  std::chrono::steady_clock::time_point retry_at;
  // Arms a one-shot wake-up: calls `wake` once, from any thread (at once, from this one, if a
  // change has already happened), when something the request may return changes. Returns a
  // function that disarms it; the server calls that when the request resumes for another reason.
  std::function<std::function<void()>(std::function<void()> wake)> arm;
  // Whose poll this is (a user id), for the cap on polls held per holder; "" counts for nobody.
  std::string holder;
};
using Reply = std::variant<Response, Park>;

// A refusal with a Matrix error code. Throw it from a handler (or from Request helpers).
class MatrixError : public std::runtime_error {
 public:
  MatrixError(int status, std::string_view errcode, std::string message,
              nlohmann::json extra = nullptr)
      : std::runtime_error(std::move(message)),
        status_(status),
        errcode_(errcode),
        extra_(std::move(extra)) {}

  int status() const { return status_; }
  const std::string& errcode() const { return errcode_; }
  const nlohmann::json& extra() const { return extra_; }
  Response ToResponse() const { return Response::Error(status_, errcode_, what(), extra_); }

 private:
  int status_;
  std::string errcode_;
  nlohmann::json extra_;
};

struct Request {
  std::string method;  // as sent; HEAD requests are routed to GET handlers
  std::string path;    // as sent (still percent-encoded), without the query string
  std::string target;  // path plus query, as sent; for logs use RedactedTarget()
  std::map<std::string, std::string> path_params;  // from the route pattern, decoded
  std::multimap<std::string, std::string> query;   // decoded ('+' is a space)
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string remote_addr;  // the client (X-Forwarded-For on x_forwarded listeners)
  int remote_port = 0;
  std::string request_id;  // "GET-42": also what log lines show for %(request)s
  // When the request was read; a parked request keeps it, so its timeout counts from here.
  std::chrono::steady_clock::time_point received_at = std::chrono::steady_clock::now();

  // A path parameter by name; "" if the route has none of that name.
  const std::string& Param(const std::string& name) const;
  // The first value of a query parameter.
  std::optional<std::string> Query(const std::string& name) const;
  std::vector<std::string> QueryAll(const std::string& name) const;
  // A header by name, compared case-insensitively.
  std::optional<std::string> Header(std::string_view name) const;
  // The access token from "Authorization: Bearer ..." or ?access_token=, as the spec allows.
  std::optional<std::string> AccessToken() const;

  // The body parsed as JSON. Throws MatrixError 400 M_NOT_JSON ("Content not JSON.") if it is
  // not JSON. Parsed once; later calls return the same value.
  const nlohmann::json& JsonBody() const;
  // As JsonBody, and also requires an object: 400 M_BAD_JSON ("Content must be a JSON object.").
  const nlohmann::json& JsonObject() const;

  // The target with secrets (access_token, password) replaced by "<redacted>", for logs.
  std::string RedactedTarget() const;

 private:
  mutable std::optional<nlohmann::json> json_;
};

}  // namespace strata::http
