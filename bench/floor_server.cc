// The serving floor: a trivial endpoint on Strata's own HTTP front (http::HttpServer, with its
// default options), so that the serving figures read as a ratio of what the front itself does on
// this machine in the same run: everything above the floor is routing, handlers and storage.
//
//   strata-bench-floor PORT      serves GET /_matrix/client/versions until SIGTERM.
#include <pthread.h>
#include <signal.h>

#include <cstdlib>
#include <iostream>

#include "http/http_server.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: strata-bench-floor PORT\n";
    return 2;
  }
  // Signals are taken by sigwait below; block them before the server starts its threads.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  strata::http::HttpServer server;
  const auto body = nlohmann::json::parse(
      R"({"versions":["r0.0.1","r0.1.0","r0.2.0","r0.3.0","r0.4.0","r0.5.0"]})");
  server.Get("/_matrix/client/versions",
             [&body](const strata::http::Request&) { return strata::http::Response::Json(body); });
  strata::http::ListenerSpec spec;
  spec.bind_addresses = {"127.0.0.1"};
  spec.port = std::atoi(argv[1]);
  if (auto st = server.Start({spec}); !st.ok()) {
    std::cerr << "strata-bench-floor: " << st.message() << "\n";
    return 1;
  }
  int sig = 0;
  sigwait(&stop_signals, &sig);
  server.Stop();
  return 0;
}
