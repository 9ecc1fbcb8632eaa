#include "http/router.h"

#include <algorithm>
#include <mutex>
#include <stdexcept>

namespace strata::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// "/a/b%2Fc/" -> {"a", "b%2Fc", ""}: split before decoding so %2F stays inside its segment.
std::vector<std::string_view> SplitRaw(std::string_view path) {
  std::vector<std::string_view> out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  size_t start = 0;
  while (true) {
    size_t slash = path.find('/', start);
    out.push_back(path.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix &&
         (s.size() == prefix.size() || s[prefix.size()] == '/');
}

}  // namespace

std::string PercentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      int hi = HexValue(text[i + 1]);
      int lo = HexValue(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += (plus_is_space && c == '+') ? ' ' : c;
  }
  return out;
}

std::multimap<std::string, std::string> ParseQuery(std::string_view query) {
  std::multimap<std::string, std::string> out;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string key = PercentDecode(pair.substr(0, eq), true);
    std::string value =
        eq == std::string_view::npos ? std::string() : PercentDecode(pair.substr(eq + 1), true);
    out.emplace(std::move(key), std::move(value));
  }
  return out;
}

std::string ResourceForPath(std::string_view path) {
  if (StartsWith(path, "/_matrix/client") || StartsWith(path, "/_synapse/admin") ||
      StartsWith(path, "/_synapse/client")) {
    return "client";
  }
  if (StartsWith(path, "/_matrix/federation")) return "federation";
  if (StartsWith(path, "/_matrix/key")) return "keys";
  if (StartsWith(path, "/_matrix/media")) return "media";
  if (StartsWith(path, "/_synapse/metrics")) return "metrics";
  if (StartsWith(path, "/_matrix/static")) return "static";
  if (StartsWith(path, "/_matrix/consent")) return "consent";
  if (StartsWith(path, "/_matrix/identity")) return "client";
  return "client";
}

bool ListenerServes(const std::set<std::string>& listener_resources, std::string_view resource) {
  std::string r(resource);
  if (listener_resources.count(r)) return true;
  if ((r == "media" || r == "static") && listener_resources.count("client")) return true;
  if ((r == "media" || r == "keys" || r == "openid") && listener_resources.count("federation")) {
    return true;
  }
  return false;
}

void Router::Add(std::string_view method, std::string_view pattern, Handler handler) {
  AddPoll(method, pattern,
          [handler = std::move(handler)](const Request& req) -> Reply { return handler(req); });
}

void Router::AddPoll(std::string_view method, std::string_view pattern, PollHandler handler) {
  if (pattern.empty() || pattern.front() != '/') {
    throw std::invalid_argument("route pattern must start with '/': " + std::string(pattern));
  }
  if (pattern.find('?') != std::string_view::npos) {
    throw std::invalid_argument("route pattern must not hold a query: " + std::string(pattern));
  }
  Route route;
  route.method = std::string(method);
  route.pattern = std::string(pattern);
  route.resource = ResourceForPath(pattern);
  route.handler = std::move(handler);
  auto raw = SplitRaw(pattern);
  for (size_t i = 0; i < raw.size(); ++i) {
    std::string_view seg = raw[i];
    if (seg.size() >= 2 && seg.front() == '{' && seg.back() == '}') {
      std::string_view name = seg.substr(1, seg.size() - 2);
      bool rest = name.size() > 3 && name.substr(name.size() - 3) == "...";
      if (rest) name.remove_suffix(3);
      if (name.empty() || name.find_first_of("{}/") != std::string_view::npos) {
        throw std::invalid_argument("bad parameter name in route pattern: " + std::string(pattern));
      }
      if (rest && i + 1 != raw.size()) {
        throw std::invalid_argument("{name...} must be the last segment: " + std::string(pattern));
      }
      route.segments.push_back(
          {rest ? Segment::Kind::kRest : Segment::Kind::kParam, std::string(name)});
    } else {
      if (seg.find_first_of("{}") != std::string_view::npos) {
        throw std::invalid_argument("braces must enclose a whole segment: " + std::string(pattern));
      }
      route.segments.push_back({Segment::Kind::kLiteral, PercentDecode(seg)});
    }
  }
  std::unique_lock lock(mu_);
  route.order = routes_.size();
  routes_.push_back(std::move(route));
}

bool Router::Matches(const Route& route, const std::vector<std::string>& path,
                     std::map<std::string, std::string>* params) {
  const auto& segs = route.segments;
  for (size_t i = 0; i < segs.size(); ++i) {
    const Segment& s = segs[i];
    if (s.kind == Segment::Kind::kRest) {
      // Zero or more remaining segments. When the pattern's own slash before {rest...} has no
      // counterpart ("/state/m.x" for "/state/{type}/{key...}"), `i` is already past the end.
      std::string joined;
      for (size_t j = i; j < path.size(); ++j) {
        if (j > i) joined += '/';
        joined += path[j];
      }
      if (params) (*params)[s.text] = std::move(joined);
      return true;
    }
    if (i >= path.size()) return false;
    if (s.kind == Segment::Kind::kLiteral) {
      if (path[i] != s.text) return false;
    } else if (params) {
      (*params)[s.text] = path[i];
    }
  }
  return segs.size() == path.size();
}

bool Router::MoreSpecific(const Route& a, const Route& b) {
  size_t n = std::min(a.segments.size(), b.segments.size());
  for (size_t i = 0; i < n; ++i) {
    auto ka = a.segments[i].kind;
    auto kb = b.segments[i].kind;
    if (ka != kb) return static_cast<int>(ka) < static_cast<int>(kb);  // literal < param < rest
  }
  if (a.segments.size() != b.segments.size()) return a.segments.size() > b.segments.size();
  return a.order < b.order;
}

Router::Outcome Router::Find(std::string_view method, std::string_view raw_path,
                             const std::set<std::string>& listener_resources, Match* match,
                             std::vector<std::string>* allowed) const {
  std::vector<std::string> path;
  for (auto seg : SplitRaw(raw_path)) path.push_back(PercentDecode(seg));

  std::shared_lock lock(mu_);
  const Route* best = nullptr;
  std::vector<std::string> methods;
  for (const auto& route : routes_) {
    if (!ListenerServes(listener_resources, route.resource)) continue;
    if (!Matches(route, path, nullptr)) continue;
    if (route.method != method) {
      if (std::find(methods.begin(), methods.end(), route.method) == methods.end()) {
        methods.push_back(route.method);
      }
      continue;
    }
    if (!best || MoreSpecific(route, *best)) best = &route;
  }
  if (best) {
    if (match) {
      match->handler = best->handler;
      match->pattern = best->pattern;
      match->params.clear();
      Matches(*best, path, &match->params);
    }
    return Outcome::kFound;
  }
  if (methods.empty()) return Outcome::kNotFound;
  if (allowed) *allowed = std::move(methods);
  return Outcome::kWrongMethod;
}

}  // namespace strata::http
