#include <string>

#include "storage/background_updates/postgres/background_update_sql.h"

namespace strata::storage::postgres {
namespace {

constexpr std::string_view kDropIndexIfExists = "DROP INDEX IF EXISTS ";
constexpr std::string_view kCreateIndex = "CREATE INDEX ";
constexpr std::string_view kCreateUniqueIndex = "CREATE UNIQUE INDEX ";
constexpr std::string_view kWhere = " WHERE ";

}  // namespace

void BuildIndex(Connection& conn, const IndexDefinition& index) {
  conn.Execute(std::string(kDropIndexIfExists) + index.index);
  std::string sql = std::string(index.unique ? kCreateUniqueIndex : kCreateIndex) + index.index +
                    " ON " + index.table + " (" + index.columns + ")";
  if (index.where) sql += std::string(kWhere) + index.where;
  conn.Execute(sql);
}

}  // namespace strata::storage::postgres
