// Child processes for black-box tests: the real `strata` binary on a loopback port.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace strata::testing {

// A free TCP port on 127.0.0.1 (bound, read, released: good enough for tests run in parallel).
int FreePort();

class ChildProcess {
 public:
  // Starts `argv[0]` with `argv`, extra environment variables, stdout+stderr to `log_path`.
  ChildProcess(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
               const std::string& log_path);
  ~ChildProcess();  // SIGKILLs the child if it is still running
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  void Signal(int sig);
  // The exit status (128 + signal number if killed), or nullopt on timeout.
  std::optional<int> Wait(std::chrono::milliseconds timeout);
  std::string Log() const;

 private:
  pid_t pid_ = -1;
  std::string log_path_;
  std::optional<int> status_;
};

// GETs http://127.0.0.1:<port><path> until it answers (any status) or the timeout passes.
// Returns the status and body of the first answer.
std::optional<std::pair<int, std::string>> WaitForHttp(int port, const std::string& path,
                                                       std::chrono::milliseconds timeout);

}  // namespace strata::testing
