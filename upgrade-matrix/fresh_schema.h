// Fresh schemas: the schema listing of a new database prepared as a release (with its queued
// background updates run, as a fresh install would), made once per (engine, release) and kept, so
// every step can show how its upgraded schema differs from what a fresh install of the same release
// gets (Synapse's CI does this check for its full schemas).
#pragma once

#include <map>
#include <string>

#include "schema/catalogue.h"
#include "storage/database.h"
#include "util/status.h"

namespace strata::matrix {

// The schema as a readable, engine-neutral listing: one line per table, column, key and index.
std::string SchemaListing(storage::Connection& conn);

class FreshSchemas {
 public:
  // `scratch`: a directory for SQLite files; `postgres`: a conninfo of the server to make
  // scratch databases on ("" for SQLite only).
  FreshSchemas(std::string scratch, std::string postgres)
      : scratch_(std::move(scratch)), postgres_(std::move(postgres)) {}

  Result<std::string> Listing(storage::Engine engine, const schema::Release& release);

 private:
  std::string scratch_, postgres_;
  std::map<std::pair<storage::Engine, std::string>, std::string> cache_;
};

}  // namespace strata::matrix
