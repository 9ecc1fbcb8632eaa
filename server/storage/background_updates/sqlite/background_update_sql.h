// SQLite's forms of the background-update SQL that differs between the engines.
#pragma once

#include <string_view>

#include "storage/background_updates/background_update_store.h"

namespace strata::storage::sqlite {

// The order rows come back in when asked without ORDER BY, made stable: rowid order.
inline constexpr std::string_view kNaturalOrder = "rowid";

// CREATE [UNIQUE] INDEX IF NOT EXISTS, never partial (Synapse never gives SQLite the WHERE, so
// a Synapse-built SQLite database has the full index); nothing for a PostgreSQL-only index.
void BuildIndex(Connection& conn, const IndexDefinition& index);

}  // namespace strata::storage::sqlite
