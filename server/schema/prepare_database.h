// Prepare-database: brings a database's schema to what a catalogued release expects, with
// Synapse's semantics (facts §2.2):
//  - a new database gets the release's full schema, then the deltas of every later folder;
//  - an existing one is upgraded from its schema_version; when `upgraded` is true the current
//    version's folder is rescanned, so files a later release added to an old folder still apply;
//  - files run in name order, engine-specific ones on their engine only; each applied file is
//    recorded as "<version>/<file>" and schema_version rewritten to (version, upgraded=true);
//  - all of it is one transaction: it completes, or the database is left as it was.
// A database newer than the release is refused with Synapse's message and not written to.
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "schema/catalogue.h"
#include "storage/database.h"
#include "util/status.h"

namespace strata::schema {

// What a database says about its own schema.
struct SchemaState {
  int version = 0;
  bool upgraded = false;
  std::set<std::string> applied_files;  // applied_schema_deltas.file with version >= `version`
};

// nullopt for a new database (no schema_version table, or no row in it). Reads only.
std::optional<SchemaState> ReadSchemaState(storage::Connection& conn);

// Synapse's exact refusal for a database whose schema is newer than the release.
inline constexpr const char* kTooNewMessage =
    "Cannot use this database as it is too new for the server to understand";

struct PrepareOptions {
  // Refuse a non-empty database whose users are not on this server (Synapse's check).
  // Empty: skip the check (tools that open copies of other servers' databases).
  std::string server_name;
  // Called before each file is applied: (file, index from 0, total files to apply).
  std::function<void(const std::string& file, size_t index, size_t total)> on_progress;
};

struct PrepareReport {
  bool new_database = false;
  std::optional<int> from_version;  // nullopt for a new database
  int to_version = 0;
  std::vector<std::string> applied;  // files applied, in order ("56/stats_separated.sql")
};

// REQUIRES: no transaction open on `conn`.
Result<PrepareReport> PrepareDatabase(storage::Connection& conn, const Catalogue& catalogue,
                                      const Release& release, const PrepareOptions& options = {});

}  // namespace strata::schema
