// The wall clock, in the unit Synapse's tables use: milliseconds since the Unix epoch. Code that
// tests must control takes a `std::function<int64_t()>` defaulting to this, never calls it
// directly.
#pragma once

#include <chrono>
#include <cstdint>

namespace strata {

inline int64_t WallClockMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace strata
