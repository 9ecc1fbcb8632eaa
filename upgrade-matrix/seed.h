// Seeds: the starting databases of the matrix's paths, made once per run from the real
// datasets (real-synapse/datasets/<name>.sqlite.gz, <name>.postgres.sql.gz restored with psql)
// and handed out as copies, one per path.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "database_copy.h"

namespace strata::matrix {

class Seeds {
 public:
  // `reference`: the reference directory; `scratch`: an existing directory for SQLite copies;
  // `postgres`: the server's conninfo ("" when only SQLite runs).
  Seeds(std::string reference, std::string scratch, std::string postgres)
      : reference_(std::move(reference)),
        scratch_(std::move(scratch)),
        postgres_(std::move(postgres)) {}
  ~Seeds();  // drops the PostgreSQL seed databases

  // A fresh copy of dataset `name` on `engine`.
  Result<std::unique_ptr<DatabaseCopy>> Copy(const std::string& name, storage::Engine engine);

 private:
  Result<std::string> Source(const std::string& name, storage::Engine engine);
  std::string reference_, scratch_, postgres_;
  std::map<std::pair<std::string, storage::Engine>, std::string> sources_;
  std::vector<std::string> seed_databases_;
};

// $STRATA_REFERENCE, else <source dir>/../shared/reference.
std::string DefaultReferenceDir();

}  // namespace strata::matrix
