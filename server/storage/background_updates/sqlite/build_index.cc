#include <string>

#include "storage/background_updates/sqlite/background_update_sql.h"

namespace strata::storage::sqlite {
namespace {

constexpr std::string_view kCreateIndex = "CREATE INDEX IF NOT EXISTS ";
constexpr std::string_view kCreateUniqueIndex = "CREATE UNIQUE INDEX IF NOT EXISTS ";

}  // namespace

void BuildIndex(Connection& conn, const IndexDefinition& index) {
  if (index.psql_only) return;
  conn.Execute(std::string(index.unique ? kCreateUniqueIndex : kCreateIndex) + index.index +
               " ON " + index.table + " (" + index.columns + ")");
}

}  // namespace strata::storage::sqlite
