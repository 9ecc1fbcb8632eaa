// Seeds: the starting databases of the matrix's paths, made once per run and handed out as
// copies, one per path: the real datasets (real-synapse/datasets/<name>.sqlite.gz,
// <name>.postgres.sql.gz restored with psql), or a scenario played through the client API of the
// real strata binary behaving as the path's first release (scenario.h).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "database_copy.h"
#include "scenario.h"

namespace strata::matrix {

class Seeds {
 public:
  // `reference`: the reference directory; `scratch`: an existing directory for SQLite copies;
  // `postgres`: the server's conninfo ("" when only SQLite runs).
  // `binary`: the strata executable that plays scenarios.
  Seeds(std::string reference, std::string scratch, std::string postgres, std::string binary)
      : reference_(std::move(reference)),
        scratch_(std::move(scratch)),
        postgres_(std::move(postgres)),
        binary_(std::move(binary)) {}
  ~Seeds();  // drops the PostgreSQL seed databases

  // A fresh copy of dataset `name` on `engine`.
  Result<std::unique_ptr<DatabaseCopy>> Copy(const std::string& name, storage::Engine engine);
  // A fresh copy of `scenario` played on a new database by strata behaving as `release`.
  Result<std::unique_ptr<DatabaseCopy>> Copy(const Scenario& scenario, const std::string& release,
                                             storage::Engine engine);

 private:
  Result<std::string> Source(const std::string& name, storage::Engine engine);
  Result<std::string> ScenarioSource(const Scenario& scenario, const std::string& release,
                                     storage::Engine engine);
  Result<std::string> NewPostgresDatabase();
  Result<std::unique_ptr<DatabaseCopy>> CopyOf(const std::string& source, storage::Engine engine);
  std::string reference_, scratch_, postgres_, binary_;
  std::map<std::pair<std::string, storage::Engine>, std::string> sources_;
  std::vector<std::string> seed_databases_;
};

// $STRATA_REFERENCE, else <source dir>/../shared/reference.
std::string DefaultReferenceDir();

}  // namespace strata::matrix
