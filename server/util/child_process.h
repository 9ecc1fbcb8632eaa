// Child processes and loopback ports, for the programs that drive the real `strata` binary: the
// tests (tests/support/process.h), the upgrade-matrix (upgrade-matrix/server_process.h) and the
// benchmarks (bench/bench_support.h). One implementation of fork/exec, waiting and stopping.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace strata::util {

// A free TCP port on 127.0.0.1 (bound, read, released: good enough for programs run in
// parallel); 0 if no socket could be bound.
int FreePort();

// A running child. The destructor SIGKILLs and reaps it if it has not been waited for.
class ChildProcess {
 public:
  // Starts `argv[0]` (a path, not searched in $PATH) with arguments `argv`, the variables `env`
  // added to this process's environment, an empty signal mask, and stdout+stderr to `log_path`
  // (truncated). Throws std::runtime_error if fork fails; an exec failure exits the child 127.
  ChildProcess(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
               const std::string& log_path);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // Sends `sig` unless the child has already been reaped.
  void Signal(int sig);
  // The exit status (128 + signal number if killed), or nullopt if it is still running when
  // `timeout` passes. Once reaped, returns the same status again.
  std::optional<int> Wait(std::chrono::milliseconds timeout);
  // False once the child has exited (it is then reaped).
  bool Running() { return !Wait(std::chrono::milliseconds(0)).has_value(); }
  // SIGTERM, then up to `grace` for it to exit; the exit status, or nullopt if it had to be
  // SIGKILLed.
  std::optional<int> Stop(std::chrono::milliseconds grace);
  // The whole log file as it is now.
  std::string Log() const;

 private:
  pid_t pid_ = -1;
  std::string log_path_;
  std::optional<int> status_;
};

}  // namespace strata::util
