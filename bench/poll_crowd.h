// PollCrowd: thousands of long-polling GETs held at once from one thread of this process, each
// on its own keep-alive connection (a thread per poll could not reach 10,000 on 2 cores).
//
//   PollCrowd crowd(port);
//   crowd.Add("/_matrix/client/r0/sync?timeout=60000&since=...", token);   // x 10,000
//   crowd.Start();                // connects and sends every request; returns once all are sent
//   ... something that should answer them ...
//   auto outcomes = crowd.Wait(deadline);
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "bench_support.h"

namespace strata::bench {

class PollCrowd {
 public:
  explicit PollCrowd(int port);
  ~PollCrowd();
  PollCrowd(const PollCrowd&) = delete;
  PollCrowd& operator=(const PollCrowd&) = delete;

  void Add(std::string target, std::string token);

  // Connects (at most `in_flight` connects at a time, so the listen backlog is not flooded)
  // and sends every request. Returns when all are sent or have failed; throws if it takes
  // longer than `limit`.
  void Start(size_t in_flight = 256, std::chrono::seconds limit = std::chrono::seconds(120));

  struct Outcome {
    int status = 0;              // 0: no response (connection failed or still waiting)
    Clock::time_point sent;      // when the request was written
    Clock::time_point answered;  // when its response was read
    std::string body;
  };
  // How many have been answered so far.
  size_t answered() const;
  // Waits until all are answered or `deadline`; then the outcome of each, in Add order.
  std::vector<Outcome> Wait(Clock::time_point deadline);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace strata::bench
