// Running an operator's read-only statement (the release notes' upgrade pre-checks) so that it
// can neither write nor block writers, and picking the engine's form of such a statement.
#pragma once

#include <string>
#include <vector>

#include "storage/database.h"

namespace strata::storage {

// The statement written for `engine`: `sqlite_sql` or `postgres_sql` (either may be empty).
const std::string& ForEngine(Engine engine, const std::string& sqlite_sql,
                             const std::string& postgres_sql);

// Runs one statement: on SQLite outside any transaction with PRAGMA query_only on (reset
// afterwards); on PostgreSQL in a READ ONLY transaction with a 60 s statement_timeout, rolled
// back. REQUIRES: no transaction open on `conn`. Throws storage::DatabaseError.
std::vector<Row> RunReadOnlyQuery(Connection& conn, const std::string& sql);

}  // namespace strata::storage
