// Route table: method + path pattern -> handler.
//
// Patterns are '/'-separated. A segment is
//   - literal text, matched exactly against the decoded path segment;
//   - `{name}`: any one segment (possibly empty), decoded, available as Request::Param("name");
//   - `{name...}` (last segment only): the rest of the path, zero or more segments joined by
//     '/', decoded segment by segment; so `/state/{type}/{key...}` matches both `/state/m.x`
//     and `/state/m.x/` with key "".
// Path segments are percent-decoded after splitting, so an encoded '/' (%2F) stays inside one
// parameter, as Matrix ids with slashes need.
//
// When several patterns match, the most specific wins: comparing segment by segment from the
// left, a literal beats `{name}`, which beats `{name...}`; equal patterns go by registration
// order. Each route belongs to a listener resource ("client", "federation", ...; see
// ResourceForPath) and is only found through listeners that serve that resource.
//
// Thread-safe: routes may be added while requests are being served.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"

namespace strata::http {

using Handler = std::function<Response(const Request&)>;
// A handler that may park its request (see Park in message.h).
using PollHandler = std::function<Reply(const Request&)>;

// Decodes %XX escapes (invalid escapes are kept as written); with `plus_is_space`, '+' -> ' '
// as in query strings.
std::string PercentDecode(std::string_view text, bool plus_is_space = false);
// Parses "a=1&b=x%20y" into decoded pairs.
std::multimap<std::string, std::string> ParseQuery(std::string_view query);

// The listener resource a path belongs to, following Synapse's resource names:
// /_matrix/client and /_synapse/admin -> "client"; /_matrix/federation -> "federation";
// /_matrix/key -> "keys"; /_matrix/media -> "media"; /_synapse/metrics -> "metrics";
// /_matrix/static -> "static"; /_matrix/consent -> "consent"; anything else -> "client".
std::string ResourceForPath(std::string_view path);
// Whether a listener naming `listener_resources` serves `resource`. As in Synapse, "client"
// also serves media and static, and "federation" also serves media, keys and openid.
bool ListenerServes(const std::set<std::string>& listener_resources, std::string_view resource);

class Router {
 public:
  // Registers a handler. `method` is "GET", "POST", "PUT", "DELETE", ... Throws
  // std::invalid_argument for a malformed pattern (a programming error, caught by tests).
  void Add(std::string_view method, std::string_view pattern, Handler handler);
  // As Add, for a handler that may park its request.
  void AddPoll(std::string_view method, std::string_view pattern, PollHandler handler);

  enum class Outcome { kFound, kNotFound, kWrongMethod };
  struct Match {
    PollHandler handler;
    std::string pattern;
    std::map<std::string, std::string> params;
  };
  // Looks up `raw_path` (percent-encoded, no query) for `method` among routes the listener
  // serves. kWrongMethod: the path is known but not for this method; `allowed` (if given)
  // receives the methods that are.
  Outcome Find(std::string_view method, std::string_view raw_path,
               const std::set<std::string>& listener_resources, Match* match,
               std::vector<std::string>* allowed = nullptr) const;

 private:
  struct Segment {
    enum class Kind { kLiteral, kParam, kRest } kind;
    std::string text;  // literal text or parameter name
  };
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<Segment> segments;
    std::string resource;
    size_t order;
    PollHandler handler;
  };
  static bool Matches(const Route& route, const std::vector<std::string>& path,
                      std::map<std::string, std::string>* params);
  // True if `a` is more specific than `b` (both matching the same path).
  static bool MoreSpecific(const Route& a, const Route& b);

  mutable std::shared_mutex mu_;
  std::vector<Route> routes_;
};

}  // namespace strata::http
