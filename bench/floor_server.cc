// The serving floor: a trivial endpoint on the same HTTP stack with the settings Strata's front
// uses (TCP_NODELAY, the same worker pool and keep-alive limits), so that the serving figures can
// be read as a ratio of what cpp-httplib itself does on this machine in the same run.
//
//   strata-bench-floor PORT      serves GET /_matrix/client/versions until SIGTERM.
#include <httplib.h>
#include <pthread.h>
#include <signal.h>

#include <cstdlib>
#include <iostream>
#include <thread>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: strata-bench-floor PORT\n";
    return 2;
  }
  httplib::Server srv;
  srv.new_task_queue = [] { return new httplib::ThreadPool(128); };  // as HttpServerOptions
  srv.set_tcp_nodelay(true);
  srv.set_keep_alive_timeout(10);
  srv.set_keep_alive_max_count(1000);
  const std::string body =
      R"({"versions":["r0.0.1","r0.1.0","r0.2.0","r0.3.0","r0.4.0","r0.5.0"]})";
  srv.Get("/_matrix/client/versions", [&body](const httplib::Request&, httplib::Response& res) {
    res.set_header("Access-Control-Allow-Origin", "*");
    res.set_content(body, "application/json");
  });
  // Signals are taken by sigwait below, not by a handler (stop() is not async-signal-safe).
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  if (!srv.bind_to_port("127.0.0.1", std::atoi(argv[1]))) {
    std::cerr << "cannot listen on port " << argv[1] << "\n";
    return 1;
  }
  std::thread serving([&srv] { srv.listen_after_bind(); });
  int sig = 0;
  sigwait(&stop_signals, &sig);
  srv.stop();
  serving.join();
  return 0;
}
