// PostgreSQL's forms of the background-update SQL that differs between the engines.
#pragma once

#include <string_view>

#include "storage/background_updates/background_update_store.h"

namespace strata::storage::postgres {

// The order rows come back in when asked without ORDER BY, made stable: a sequential scan's
// physical order.
inline constexpr std::string_view kNaturalOrder = "ctid";

// DROP INDEX IF EXISTS, then CREATE [UNIQUE] INDEX ... [WHERE ...], so the definition is
// always the current one. Not CONCURRENTLY: the runner wraps every batch in a transaction,
// which PostgreSQL refuses CREATE INDEX CONCURRENTLY inside.
void BuildIndex(Connection& conn, const IndexDefinition& index);

}  // namespace strata::storage::postgres
