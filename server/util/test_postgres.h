// The one rule every test program (the GoogleTest suites and the upgrade-matrix) follows for
// PostgreSQL: the server is named by $STRATA_TEST_PG (a keyword conninfo); with none, a
// PostgreSQL case is skipped, unless $STRATA_REQUIRE_PG is set (scripts/test sets it), which
// makes a missing server a failure.
#pragma once

#include <cstdlib>
#include <string>

namespace strata::util {

// $STRATA_TEST_PG, or "" when unset.
inline std::string TestPostgresServer() {
  const char* env = std::getenv("STRATA_TEST_PG");
  return env ? env : "";
}

// True when a missing PostgreSQL server must fail rather than skip ($STRATA_REQUIRE_PG set).
inline bool PostgresRequired() {
  return std::getenv("STRATA_REQUIRE_PG") != nullptr;
}

// The message of that failure.
inline constexpr const char* kPostgresRequiredMessage =
    "STRATA_REQUIRE_PG is set but no PostgreSQL server is named (STRATA_TEST_PG)";

}  // namespace strata::util
