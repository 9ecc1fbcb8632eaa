// Scratch copies of databases: the matrix only ever changes a copy. An SQLite copy is a file
// copy; a PostgreSQL copy is a new database made from the original as its template
// (storage::CreateDatabaseFromTemplate: the original is only read, and must have no other
// sessions while it is copied). A copy is removed when it goes away.
#pragma once

#include <memory>
#include <string>

#include "storage/database.h"
#include "storage/open_database.h"
#include "util/status.h"

namespace strata::matrix {

using storage::WithDbName;  // seed.cc and the copies name databases

// The database name a conninfo or URI names ("" if none).
std::string DbNameOf(const std::string& conninfo);

class DatabaseCopy {
 public:
  // Copies an SQLite file into `dir` (which must exist).
  static Result<std::unique_ptr<DatabaseCopy>> OfSqliteFile(const std::string& source,
                                                            const std::string& dir);
  // Copies the PostgreSQL database `source` (a conninfo or URI) on the same server.
  static Result<std::unique_ptr<DatabaseCopy>> OfPostgres(const std::string& source);
  ~DatabaseCopy();
  DatabaseCopy(const DatabaseCopy&) = delete;
  DatabaseCopy& operator=(const DatabaseCopy&) = delete;

  storage::Engine engine() const { return engine_; }
  // SQLite: the file. PostgreSQL: the copy's conninfo.
  const std::string& location() const { return location_; }
  Result<std::unique_ptr<storage::Connection>> Connect() const;

 private:
  DatabaseCopy(storage::Engine engine, std::string location, std::string admin)
      : engine_(engine), location_(std::move(location)), admin_(std::move(admin)) {}
  storage::Engine engine_;
  std::string location_;
  std::string admin_;  // PostgreSQL: conninfo of the maintenance database, for the DROP
};

// A unique, lower-case database name with `prefix`.
std::string UniqueDbName(const std::string& prefix);

// Runs a shell command; the exit status, with stderr+stdout in `output`.
int RunShell(const std::string& command, std::string* output = nullptr);

}  // namespace strata::matrix
