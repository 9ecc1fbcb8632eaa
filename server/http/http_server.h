// HttpServer: Matrix-flavoured HTTP/1.1 on an event loop (Boost.Beast over Boost.Asio).
//
// Every response carries Synapse's CORS headers; OPTIONS on any path answers 200 `{}`. Unknown
// paths answer 404 and known paths with the wrong method 405, both M_UNRECOGNIZED; a handler's
// MatrixError becomes its JSON error; any other exception becomes 500 M_UNKNOWN and is logged.
// Requests the transport refuses (malformed, headers over 64 KiB, bodies over the limit) get
// Matrix JSON bodies too (see dispatcher.h).
//
// Maintenance mode (SetMaintenance) answers every request with 503 and a JSON body carrying the
// caller's progress fields, for the time the schema is being upgraded; routes are neither looked
// up nor run. It can be switched on before Start and off at any time.
//
// One event-loop thread accepts, reads, writes and holds parked long polls; handlers run on a
// pool of Options::worker_threads. A connection costs its buffers, not a thread: an idle
// keep-alive connection or a /sync parked by its handler (Park in message.h) waits on the loop.
//
// Promises:
//  - Start binds every address of every listener or none: on any failure it stops what it
//    had bound and says which address and port failed.
//  - Stop (and the destructor) stop accepting, close idle connections and parked polls, let
//    running handlers finish and write their responses (so an acknowledged send is never lost),
//    then return; connections still busy after shutdown_grace are cut.
//  - Routes may be added before or after Start (the Router is thread-safe).
//  - Over max_connections, a new connection gets 503 M_LIMIT_EXCEEDED and is closed; over
//    max_polls_per_holder, a further parked poll of that holder gets 429 M_LIMIT_EXCEEDED.
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

struct Front;  // the running server's shared state (front.h)

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
  // Threads running handlers (database work included); waiting clients need none.
  size_t worker_threads = 16;
  size_t max_connections = 15000;                     // open connections, over all listeners
  size_t max_polls_per_holder = 100;                  // parked long polls of one user
  size_t max_request_body_bytes = 100 * 1024 * 1024;  // larger bodies: 413 M_TOO_LARGE
  std::chrono::seconds read_timeout{30};              // to receive one request
  std::chrono::seconds write_timeout{30};             // to send one response
  std::chrono::seconds keep_alive_timeout{10};        // idle time before a connection is closed
  std::chrono::seconds shutdown_grace{10};            // for running handlers, at Stop
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

  // As Route, for a handler that may park its request (see Park in message.h).
  void RoutePoll(std::string_view method, std::string_view pattern, PollHandler handler);

  // Binds and starts serving on background threads. Once per server.
  Status Start(const std::vector<ListenerSpec>& listeners);
  void Stop();

  struct BoundAddress {
    std::string address;
    int port;
  };
  // What Start bound, in listener order (ports resolved when a listener asked for port 0).
  std::vector<BoundAddress> bound() const;

  // Open connections and parked polls now (for metrics and tests).
  size_t connections() const;
  size_t polls_held() const;
  // How many times a parked request has been run again, woken or at its retry time.
  uint64_t polls_resumed() const;

 private:
  struct Running;
  std::shared_ptr<Front> front_;
  std::unique_ptr<Running> running_;
  std::vector<BoundAddress> bound_;
};

}  // namespace strata::http
