// HttpServer: Matrix-flavoured HTTP over cpp-httplib.
//
// Every response carries Synapse's CORS headers; OPTIONS on any path answers 200 `{}`. Unknown
// paths answer 404 and known paths with the wrong method 405, both M_UNRECOGNIZED; a handler's
// MatrixError becomes its JSON error; any other exception becomes 500 M_UNKNOWN and is logged.
// Errors cpp-httplib raises itself (oversized bodies, bad requests) get Matrix JSON bodies too.
//
// Maintenance mode (SetMaintenance) answers every request with 503 and a JSON body carrying the
// caller's progress fields, for the time the schema is being upgraded; routes are neither looked
// up nor run. It can be switched on before Start and off at any time.
//
// Each request holds one worker thread until its handler returns, so long-polling clients
// (/sync with a timeout) need many workers: the pool is per bound address and sized by
// Options::worker_threads.
//
// Promises:
//  - Start binds every address of every listener or none: on any failure it stops what it
//    had bound and says which address and port failed.
//  - Stop (and the destructor) stop accepting, then wait for running handlers to return.
//  - Routes may be added before or after Start (the Router is thread-safe).
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "http/router.h"
#include "util/status.h"

namespace strata::http {

struct ListenerSpec {
  // Addresses to bind; empty means both "::" and "0.0.0.0", as Synapse does. Binding
  // "0.0.0.0" after a dual-stack "::" on the same port is expected to fail and is ignored.
  std::vector<std::string> bind_addresses;
  int port = 0;  // 0: a free port chosen by the system (see HttpServer::bound())
  std::set<std::string> resources = {"client"};
  bool x_forwarded = false;  // take the client address from X-Forwarded-For
  bool tls = false;
  std::string tls_certificate_path;  // PEM, with the full chain; required when tls
  std::string tls_private_key_path;  // PEM; required when tls
};

struct HttpServerOptions {
  // Per bound address; see above. An idle keep-alive connection also holds a worker for up to
  // keep_alive_timeout, so size this for clients plus their pending long polls.
  size_t worker_threads = 128;
  size_t max_request_body_bytes = 100 * 1024 * 1024;  // larger bodies: 413 M_TOO_LARGE
  std::chrono::seconds read_timeout{30};              // to receive one request
  std::chrono::seconds write_timeout{30};             // to send one response
  std::chrono::seconds keep_alive_timeout{10};        // idle time before a connection is closed
  std::string access_logger = "strata.access";        // logger for one line per request
};

class HttpServer {
 public:
  explicit HttpServer(HttpServerOptions options = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  void Get(std::string_view pattern, Handler handler) { Route("GET", pattern, std::move(handler)); }
  void Post(std::string_view pattern, Handler handler) {
    Route("POST", pattern, std::move(handler));
  }
  void Put(std::string_view pattern, Handler handler) { Route("PUT", pattern, std::move(handler)); }
  void Delete(std::string_view pattern, Handler handler) {
    Route("DELETE", pattern, std::move(handler));
  }
  void Route(std::string_view method, std::string_view pattern, Handler handler);
  Router& router();

  // `status`: nullopt leaves maintenance. Otherwise every request gets 503 with
  // {"errcode": "M_UNKNOWN", "error": <text>} plus the members of `status` (an object; members
  // it names, "error" included, override the defaults).
  void SetMaintenance(std::optional<nlohmann::json> status);
  bool InMaintenance() const;

  // Binds and starts serving on background threads.
  Status Start(const std::vector<ListenerSpec>& listeners);
  void Stop();

  struct BoundAddress {
    std::string address;
    int port;
  };
  // What Start bound, in listener order (ports resolved when a listener asked for port 0).
  std::vector<BoundAddress> bound() const;

 private:
  struct Core;
  struct Listening;
  std::shared_ptr<Core> core_;
  std::vector<std::unique_ptr<Listening>> listening_;
};

}  // namespace strata::http
