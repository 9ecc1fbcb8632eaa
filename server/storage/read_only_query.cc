#include "storage/read_only_query.h"

namespace strata::storage {
namespace {

constexpr int kTimeoutSeconds = 60;

constexpr std::string_view kSqliteQueryOnlyOn = "PRAGMA query_only = 1";
constexpr std::string_view kSqliteQueryOnlyOff = "PRAGMA query_only = 0";
constexpr std::string_view kPostgresReadOnly = "SET TRANSACTION READ ONLY";
constexpr std::string_view kPostgresTimeoutHead = "SET LOCAL statement_timeout = '";
constexpr std::string_view kPostgresTimeoutTail = "s'";

// Undoes PRAGMA query_only on the SQLite connection however the query ends.
class SqliteQueryOnly {
 public:
  explicit SqliteQueryOnly(Connection& conn) : conn_(conn) {
    conn_.ExecuteScript(kSqliteQueryOnlyOn);
  }
  ~SqliteQueryOnly() {
    try {
      conn_.ExecuteScript(kSqliteQueryOnlyOff);
    } catch (...) {  // a closed connection has no mode left to reset
    }
  }
  SqliteQueryOnly(const SqliteQueryOnly&) = delete;
  SqliteQueryOnly& operator=(const SqliteQueryOnly&) = delete;

 private:
  Connection& conn_;
};

}  // namespace

const std::string& ForEngine(Engine engine, const std::string& sqlite_sql,
                             const std::string& postgres_sql) {
  return engine == Engine::kSqlite ? sqlite_sql : postgres_sql;
}

// SQLite: no transaction, since BEGIN IMMEDIATE would take the write lock and stall every
// writer for as long as a pre-check scans. PostgreSQL: a rollback alone would keep sequence
// changes, hence READ ONLY.
std::vector<Row> RunReadOnlyQuery(Connection& conn, const std::string& sql) {
  if (conn.engine() == Engine::kSqlite) {
    SqliteQueryOnly guard(conn);
    return conn.Query(sql);
  }
  Transaction txn(conn);  // never committed
  conn.Execute(kPostgresReadOnly);
  conn.Execute(std::string(kPostgresTimeoutHead) + std::to_string(kTimeoutSeconds) +
               std::string(kPostgresTimeoutTail));
  return conn.Query(sql);
}

}  // namespace strata::storage
