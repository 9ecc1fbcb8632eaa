// What the macro-benchmarks share: child processes (util/child_process.h), timing, percentiles,
// resident memory, and the one output format bench/run gathers into its table (one JSON object per
// line).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "util/child_process.h"
#include "util/quoting.h"

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

// A free TCP port on 127.0.0.1, and child processes (SIGKILLed by the destructor if still
// running): the same code the tests and the upgrade-matrix use.
using util::ChildProcess;
using util::FreePort;

// VmRSS of `pid` in MiB, from /proc/<pid>/status; 0 if unreadable.
double ResidentMiB(pid_t pid);

// Runs `command` through /bin/sh; its exit status and stdout.
struct CommandOutput {
  int status = -1;
  std::string out;
};
CommandOutput Shell(const std::string& command);

// Quotes a word for /bin/sh.
using util::QuoteShell;

// Writes `text` to `path`, replacing it.
void WriteFile(const std::string& path, const std::string& text);

// The value of environment variable `name`, or `fallback`.
std::string Env(const char* name, const std::string& fallback = "");

}  // namespace strata::bench
