// Synapse's Python schema deltas (`.py` files in delta/<N>/), re-implemented in C++.
//
// Synapse runs a .py delta's `run_create` on every database that applies the file, and its
// `run_upgrade` only when the database existed before (not when it was just built from a full
// schema). `run` does both: it always does the "create" half and does the "upgrade" half only
// when `new_database` is false. It runs inside the caller's transaction and throws
// storage::DatabaseError on failure, like an SQL delta.
#pragma once

#include <functional>
#include <string>

#include "storage/database.h"

namespace strata::schema {

struct NativeDelta {
  std::function<void(storage::Connection&, bool new_database)> run;
};

// The native delta recorded in applied_schema_deltas as `file` (e.g.
// "56/unique_user_filter_index.py"), or nullptr if Strata has none by that name.
const NativeDelta* FindNativeDelta(const std::string& file);

}  // namespace strata::schema
