// PostgreSQL database administration for tools (the upgrade-matrix's copies, seeds and fresh
// schemas): create and drop whole databases. Not for the homeserver's own data.
//
// Promises, for every call:
//   REQUIRES: `admin` is a PostgreSQL connection to another database of the same server (for
//   example "postgres"), outside any transaction (PostgreSQL refuses CREATE/DROP DATABASE in
//   one). Names are SQL identifiers the caller made; they are not quoted (except the template
//   name of CreateDatabaseFromTemplate, which is, as dataset names need).
//   THROWS: storage::DatabaseError when the server refuses.
#pragma once

#include <string>

#include "storage/database.h"

namespace strata::storage {

// CREATE DATABASE <name> TEMPLATE "<template_name>": a copy of `template_name`, which nobody
// may be connected to.
void CreateDatabaseFromTemplate(Connection& admin, const std::string& name,
                                const std::string& template_name);

// CREATE DATABASE <name> ENCODING 'UTF8' TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C': an
// empty database as Synapse requires it.
void CreateEmptyUtf8Database(Connection& admin, const std::string& name);

// DROP DATABASE IF EXISTS <name> WITH (FORCE): gone, even with sessions still connected; no
// error if it was not there.
void DropDatabase(Connection& admin, const std::string& name);

}  // namespace strata::storage
