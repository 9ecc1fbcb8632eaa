// A step snapshot: what a database looks like after a release ran on it, as stable JSON that
// compares across runs and engines. Rooms are keyed by their name, not their id (ids are random
// and differ between the SQLite and PostgreSQL datasets); publicRooms is what a logged-in client
// gets from the release's own directory code, with room ids replaced by "!<room key>".
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "schema/catalogue.h"
#include "storage/connection_pool.h"

namespace strata::matrix {

struct StepSnapshot {
  // schema_version, upgraded, applied_schema_deltas, background_updates, schema, rooms,
  // user_stats_current, users_who_can_log_in, publicRooms (normalised).
  nlohmann::json state;
  // The /publicRooms body as the release returned it (real room ids); null if not served.
  nlohmann::json public_rooms_raw;
  std::string schema_listing;  // fresh_schema.h's SchemaListing, for the fresh-vs-upgraded diff
};

// The server name of a database, from its users ("localhost" when it has none).
std::string ServerNameOf(storage::Connection& conn);

// Reads the snapshot. publicRooms is `public_rooms_served` when given (what a client got from
// the real server), else with `serve_directory` computed in-process as `release` does.
// REQUIRES: no lease of `pool` held by the caller.
StepSnapshot TakeStepSnapshot(storage::ConnectionPool& pool, const schema::Release& release,
                              const std::string& server_name, bool serve_directory,
                              const nlohmann::json* public_rooms_served = nullptr);

}  // namespace strata::matrix
