// Serving one accepted connection (internal to server/http).
//
// Requests on a connection are read and answered in turn (HTTP/1.1 keep-alive). Each parsed
// request is handed to a worker; a parked reply (Park) is held on a timer on the loop, with a
// wake-up armed, and holds no thread. Time limits: the first request (and a request's body)
// must arrive within read_timeout, the next request on a kept-alive connection must start
// within keep_alive_timeout, a response must be written within write_timeout; a connection
// over any of them is closed without a reply.
#pragma once

#include <memory>

#include "http/asio.h"
#include "http/front.h"

namespace strata::http {

// Serves `socket` until the client closes it, a time limit passes or the server stops.
boost::asio::awaitable<void> ServeConnection(std::shared_ptr<Front> front,
                                             std::shared_ptr<const Listener> listener,
                                             boost::asio::ip::tcp::socket socket);

// Answers 503 M_LIMIT_EXCEEDED (too many connections) and closes.
boost::asio::awaitable<void> RefuseConnection(std::shared_ptr<const Listener> listener,
                                              boost::asio::ip::tcp::socket socket);

}  // namespace strata::http
