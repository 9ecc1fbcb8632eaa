// StoreOptions: what every store is told once, when it is made. A store picks its SQL from
// these in its constructor (engine-specific text, columns that appear at a schema version,
// the pre-1.4 statistics tables); no store call branches on them per request.
#pragma once

#include "storage/database.h"
#include "storage/schema_features.h"

namespace strata::storage {

struct StoreOptions {
  Engine engine = Engine::kSqlite;
  SchemaFeatures features;
  // The behaved-as release keeps statistics in the pre-1.4 tables (room_stats, room_state,
  // user_stats with their own columns) instead of 1.4's separated tables.
  bool legacy_stats = false;

  // The options of the database `conn` is connected to. REQUIRES: the schema is prepared.
  static StoreOptions Read(Connection& conn, bool legacy_stats);
};

}  // namespace strata::storage
