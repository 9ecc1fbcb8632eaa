// Child processes for black-box tests: the real `strata` binary on a loopback port. The process
// code itself is util/child_process.h (shared with the upgrade-matrix and the benchmarks).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>

#include "util/child_process.h"

namespace strata::testing {

using util::ChildProcess;
using util::FreePort;

// GETs http://127.0.0.1:<port><path> until it answers (any status) or the timeout passes.
// Returns the status and body of the first answer.
std::optional<std::pair<int, std::string>> WaitForHttp(int port, const std::string& path,
                                                       std::chrono::milliseconds timeout);

}  // namespace strata::testing
