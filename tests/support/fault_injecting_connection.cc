#include "support/fault_injecting_connection.h"

namespace strata::testing {

void FaultInjectingConnection::Count(std::string_view sql) {
  ++statements_;
  if (fail_at_ > 0 && statements_ == fail_at_) {
    failed_ = true;
    failed_sql_ = std::string(sql);
    throw storage::DatabaseError("injected failure of statement " + std::to_string(statements_) +
                                 ": " + failed_sql_);
  }
}

std::vector<storage::Row> FaultInjectingConnection::Query(std::string_view sql,
                                                          const storage::Params& params) {
  Count(sql);
  return real_.Query(sql, params);
}

int64_t FaultInjectingConnection::Execute(std::string_view sql, const storage::Params& params) {
  Count(sql);
  return real_.Execute(sql, params);
}

void FaultInjectingConnection::ExecuteScript(std::string_view sql) {
  Count(sql);
  real_.ExecuteScript(sql);
}

}  // namespace strata::testing
