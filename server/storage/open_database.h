// Opens the database a homeserver.yaml `database:` block describes, Synapse-style:
//   name: sqlite3   args: {database: <path>}
//   name: psycopg2  args: {database|dbname, user, password, host, port, ...libpq keywords}
#pragma once

#include <map>
#include <memory>
#include <string>

#include "storage/database.h"
#include "util/status.h"

namespace strata::storage {

struct DatabaseSettings {
  std::string name = "sqlite3";             // "sqlite3" or "psycopg2"
  std::map<std::string, std::string> args;  // as in the config file
};

// The libpq connection string for psycopg2-style args (cp_min/cp_max and other pool settings
// are not libpq's and are left out).
std::string PostgresConnInfo(const std::map<std::string, std::string>& args);

// Where the database lives, for messages ("sqlite3 /var/lib/strata/homeserver.db").
std::string DescribeSettings(const DatabaseSettings& settings);

Result<std::unique_ptr<Connection>> OpenDatabase(const DatabaseSettings& settings);

// OpenDatabase for the connections a serving homeserver's request threads use. On SQLite:
// write-ahead logging (PRAGMA journal_mode = WAL), so a commit appends to the log and fsyncs it
// once instead of the rollback journal's several fsyncs per transaction, which held sends and
// room creation to tens a second (bench/RESULTS.md); synchronous stays FULL, so a commit a
// client was told about survives a power cut, not only a process crash. Open these only once
// the schema is prepared, so refusing a database never changes its file. A pragma that fails
// is logged as a warning and the connection is returned as it is. PostgreSQL: OpenDatabase.
Result<std::unique_ptr<Connection>> OpenServingDatabase(const DatabaseSettings& settings);

// Opens "postgresql://..." / "postgres://..." URIs and "host=... dbname=..." strings on
// PostgreSQL, anything else as an SQLite file path (for tools: --database on the command line).
Result<std::unique_ptr<Connection>> OpenDatabaseLocation(const std::string& location);
bool IsPostgresLocation(const std::string& location);

// `conninfo` ("host=... dbname=x" or a postgresql:// URI) with its database name replaced by
// `dbname` (added when it names none); other keywords and URI query parameters are kept.
std::string WithDbName(const std::string& conninfo, const std::string& dbname);

}  // namespace strata::storage
