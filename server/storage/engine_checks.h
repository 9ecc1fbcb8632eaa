// The database-engine checks Synapse makes when it connects, before any schema work:
//
//   postgres_min_version    PostgreSQL 9.5 or newer (Synapse 1.1+), fatal
//   postgres_encoding       database encoding UTF8, fatal
//   postgres_locale         LC_COLLATE and LC_CTYPE 'C' (Synapse 1.10+): fatal for a new database,
//                           a warning for an existing one
//   sqlite_min_version      SQLite 3.11 or newer (Synapse 1.9+), fatal
//   sqlite_not_recommended  a warning that SQLite is for testing and small servers
//
// Messages are Synapse's exact text where known, followed by what to do.
//
// Promises: only reads (SELECT / SHOW and catalogue lookups); never writes, never opens a
// transaction of its own, so it is safe on a database another server is using.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "storage/database.h"

namespace strata::storage {

struct EngineProblem {
  bool fatal = false;  // the server must not use the database
  std::string check;   // one of the names above
  std::string message;
};

struct EngineCheckOptions {
  // A new database is one Synapse would initialise from a full schema (see IsNewDatabase).
  bool new_database = false;
  // The checks to run, by name; nullopt runs all that apply to the engine.
  std::optional<std::vector<std::string>> only;
};

// True if the database has no schema_version table.
bool IsNewDatabase(Connection& conn);

// Runs the checks for `conn`'s engine. Database errors (e.g. a lost connection) become a
// fatal problem under the check that met them.
std::vector<EngineProblem> CheckEngine(Connection& conn, const EngineCheckOptions& options);

const std::vector<std::string>& AllEngineChecks();

}  // namespace strata::storage
