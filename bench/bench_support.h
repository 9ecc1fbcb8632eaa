// What the macro-benchmarks share: child processes, timing, percentiles, resident memory, and
// the one output format bench/run gathers into its table (one JSON object per line).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace strata::bench {

using Clock = std::chrono::steady_clock;

// Seconds (as a double) since `start`.
double SecondsSince(Clock::time_point start);

// One row of the final table. `baseline` is the floor measured in the same run (0: none);
// `goal` is text such as ">= 2500" or "<= 20", checked against `value` by bench/run.
struct Figure {
  std::string name;
  double value = 0;
  std::string unit;
  double baseline = 0;
  std::string baseline_what;  // what the floor is, for the table's footnotes
  std::string goal;
  std::string note;
};

// Prints `f` as one JSON line on stdout, prefixed "FIGURE " so bench/run can pick it out of
// the programs' other output.
void Emit(const Figure& f);

// The p-th percentile (0..100) of `samples` by nearest rank; 0 for none.
double Percentile(std::vector<double> samples, double p);

// A free TCP port on 127.0.0.1.
int FreePort();

// VmRSS of `pid` in MiB, from /proc/<pid>/status; 0 if unreadable.
double ResidentMiB(pid_t pid);

// A child process with stdout+stderr to `log_path`; SIGKILLed by the destructor if still running.
class Child {
 public:
  Child(const std::vector<std::string>& argv, const std::string& log_path);
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  // False once the child has exited (it is then reaped).
  bool Running();
  // Sends SIGTERM and waits; the exit status, or -1 if it had to be killed.
  int Stop(std::chrono::milliseconds grace = std::chrono::seconds(20));

 private:
  pid_t pid_ = -1;
};

// Runs `command` through /bin/sh; its exit status and stdout.
struct CommandOutput {
  int status = -1;
  std::string out;
};
CommandOutput Shell(const std::string& command);

// Quotes `s` for /bin/sh.
std::string ShellQuote(const std::string& s);

// Writes `text` to `path`, replacing it.
void WriteFile(const std::string& path, const std::string& text);

// The value of environment variable `name`, or `fallback`.
std::string Env(const char* name, const std::string& fallback = "");

}  // namespace strata::bench
