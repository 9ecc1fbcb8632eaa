// Front: the shared state of a running HttpServer (internal to server/http).
//
// One event-loop thread runs `io`: accepting, reading, writing, TLS and the timers of parked
// long polls, none of which blocks. Handlers run on `workers`, a small pool, so database work
// never runs on the loop. Everything below that is not atomic or under a mutex is touched only
// from the loop thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "http/asio.h"
#include "http/dispatcher.h"
#include "http/http_server.h"

namespace strata::http {

struct Front {
  explicit Front(HttpServerOptions o) : options(std::move(o)) {}

  const HttpServerOptions options;
  Dispatcher dispatcher;
  boost::asio::io_context io{1};
  std::unique_ptr<boost::asio::thread_pool> workers;
  std::atomic<uint64_t> next_request{1};

  // Loop thread only. Connections register a way to close them, used by Stop.
  bool stopping = false;
  uint64_t next_connection = 1;
  std::unordered_map<uint64_t, std::function<void()>> connections;
  std::atomic<size_t> open_connections{0};  // connections.size(), readable from any thread

  // Long polls held now, in all and per holder (a user id).
  std::mutex polls_mu;
  size_t polls_held = 0;
  std::unordered_map<std::string, size_t> polls_by_holder;
  std::atomic<uint64_t> polls_resumed{0};  // parked requests run again (woken or timed out)

  // Counts a held poll for `holder` if the cap allows; false when the holder is at the cap.
  bool TryHoldPoll(const std::string& holder);
  void ReleasePoll(const std::string& holder);
};

// One listener as connections see it.
struct Listener {
  ListenerSpec spec;
  int port = 0;                                    // as bound
  std::shared_ptr<boost::asio::ssl::context> tls;  // set on TLS listeners
};

}  // namespace strata::http
