// A Connection for tests that wraps a real one and fails on purpose: the Nth statement (Query,
// Execute or ExecuteScript, counted from 1 since construction or Arm) throws
// storage::DatabaseError instead of reaching the database. Transaction control (Begin, Commit,
// Rollback) and catalogue questions pass through uncounted, so the real connection's rollback
// is what a test observes. Used to show that a multi-statement write rolls back whole.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "storage/database.h"

namespace strata::testing {

class FaultInjectingConnection : public storage::Connection {
 public:
  // `fail_at` 0: never fail (count only).
  explicit FaultInjectingConnection(storage::Connection& real, int64_t fail_at = 0)
      : real_(real), fail_at_(fail_at) {}

  // Restarts the count; the `fail_at`th statement from now fails (0: none).
  void Arm(int64_t fail_at) {
    fail_at_ = fail_at;
    statements_ = 0;
    failed_ = false;
  }
  // Statements seen since construction or Arm, the failed one included.
  int64_t statements() const { return statements_; }
  // Whether the armed failure has happened.
  bool failed() const { return failed_; }
  // The SQL of the statement that was made to fail.
  const std::string& failed_sql() const { return failed_sql_; }

  storage::Engine engine() const override { return real_.engine(); }
  std::string Describe() const override { return "fault-injecting " + real_.Describe(); }
  std::vector<storage::Row> Query(std::string_view sql,
                                  const storage::Params& params = {}) override;
  int64_t Execute(std::string_view sql, const storage::Params& params = {}) override;
  void ExecuteScript(std::string_view sql) override;
  void Begin() override { real_.Begin(); }
  void Commit() override { real_.Commit(); }
  void Rollback() override { real_.Rollback(); }
  bool InTransaction() const override { return real_.InTransaction(); }
  bool TableExists(std::string_view table) override { return real_.TableExists(table); }
  bool ColumnExists(std::string_view table, std::string_view column) override {
    return real_.ColumnExists(table, column);
  }
  bool IndexExists(std::string_view index) override { return real_.IndexExists(index); }

 private:
  // Counts a statement; throws DatabaseError if it is the one to fail.
  void Count(std::string_view sql);

  storage::Connection& real_;
  int64_t fail_at_ = 0;
  int64_t statements_ = 0;
  bool failed_ = false;
  std::string failed_sql_;
};

}  // namespace strata::testing
