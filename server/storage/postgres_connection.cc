// PostgreSQL engine through libpqxx. Outside a transaction each statement runs on its own
// (autocommit, which CREATE INDEX CONCURRENTLY needs); Begin() opens a pqxx::work, and a
// savepoint is a pqxx::subtransaction on top of it (libpqxx closes a transaction whose
// statement failed, so a plain SAVEPOINT statement could not be rolled back to).
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "storage/database.h"

namespace strata::storage {
namespace {

// libpqxx 6 issues a subtransaction's SAVEPOINT lazily, on its first statement without
// parameters; a parametrised statement before that would run outside the savepoint.
class EagerSubtransaction final : public pqxx::subtransaction {
 public:
  EagerSubtransaction(pqxx::dbtransaction& parent, const std::string& name)
      : pqxx::internal::namedclass("subtransaction", name), pqxx::subtransaction(parent, name) {
    Begin();
  }
};

class PostgresConnection final : public Connection {
 public:
  PostgresConnection(std::unique_ptr<pqxx::connection> conn, std::string describe)
      : conn_(std::move(conn)), describe_(std::move(describe)) {}

  Engine engine() const override { return Engine::kPostgres; }
  std::string Describe() const override { return describe_; }

  std::vector<Row> Query(std::string_view sql, const Params& params) override {
    pqxx::result result = Run(sql, params);
    std::vector<Row> rows;
    rows.reserve(result.size());
    for (const auto& r : result) {
      std::vector<std::optional<std::string>> cells;
      cells.reserve(r.size());
      for (const auto& field : r) {
        if (field.is_null()) {
          cells.emplace_back(std::nullopt);
        } else {
          cells.emplace_back(std::string(field.c_str(), field.size()));
        }
      }
      rows.emplace_back(std::move(cells));
    }
    return rows;
  }

  int64_t Execute(std::string_view sql, const Params& params) override {
    return static_cast<int64_t>(Run(sql, params).affected_rows());
  }

  void ExecuteScript(std::string_view sql) override { Run(sql, {}, /*script=*/true); }

  void Begin() override {
    if (work_) throw DatabaseError("a transaction is already open");
    try {
      work_ = std::make_unique<pqxx::work>(*conn_);
    } catch (const std::exception& e) {
      throw DatabaseError(e.what());
    }
  }
  void Commit() override {
    if (!work_) throw DatabaseError("no transaction to commit");
    savepoints_.clear();
    auto work = std::move(work_);
    CommitOrThrow(*work);
  }
  void Rollback() override {
    if (!work_) return;
    savepoints_.clear();
    auto work = std::move(work_);
    work->abort();
  }
  bool InTransaction() const override { return work_ != nullptr; }

  int PushSavepoint() override {
    if (!work_) throw DatabaseError("a savepoint needs an open transaction");
    try {
      pqxx::dbtransaction& parent =
          savepoints_.empty() ? static_cast<pqxx::dbtransaction&>(*work_) : *savepoints_.back();
      const std::string name = "strata_" + std::to_string(savepoints_.size() + 1);
      savepoints_.push_back(std::make_unique<EagerSubtransaction>(parent, name));
    } catch (const std::exception& e) {
      throw DatabaseError(e.what());
    }
    return static_cast<int>(savepoints_.size());
  }
  void ReleaseSavepoint(int depth) override {
    if (depth != static_cast<int>(savepoints_.size()))
      throw DatabaseError("savepoints must be released innermost first");
    auto savepoint = std::move(savepoints_.back());
    savepoints_.pop_back();
    CommitOrThrow(*savepoint);
  }
  void RollbackToSavepoint(int depth) override {
    if (depth != static_cast<int>(savepoints_.size()))
      throw DatabaseError("savepoints must be undone innermost first");
    auto savepoint = std::move(savepoints_.back());
    savepoints_.pop_back();
    savepoint->abort();
  }

  bool TableExists(std::string_view table) override {
    return QueryValue(
               "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() "
               "AND table_name = ?",
               {table})
        .has_value();
  }
  bool ColumnExists(std::string_view table, std::string_view column) override {
    return QueryValue(
               "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() "
               "AND table_name = ? AND column_name = ?",
               {table, column})
        .has_value();
  }
  bool IndexExists(std::string_view index) override {
    return QueryValue(
               "SELECT 1 FROM pg_indexes WHERE schemaname = current_schema() AND indexname = ?",
               {index})
        .has_value();
  }

 private:
  static void CommitOrThrow(pqxx::transaction_base& tx) {
    try {
      tx.commit();
    } catch (const pqxx::sql_error& e) {
      throw DatabaseError(e.what(), e.sqlstate());
    } catch (const std::exception& e) {
      throw DatabaseError(e.what());
    }
  }

  pqxx::result Run(std::string_view sql, const Params& params, bool script = false) {
    std::string text = script ? std::string(sql) : NumberPlaceholders(sql);
    try {
      if (!savepoints_.empty()) return Exec(*savepoints_.back(), text, params, script);
      if (work_) return Exec(*work_, text, params, script);
      pqxx::nontransaction ntx(*conn_);
      return Exec(ntx, text, params, script);
    } catch (const pqxx::sql_error& e) {
      // A failed statement poisons the open transaction; the caller's Transaction rolls back.
      throw DatabaseError(e.what(), e.sqlstate());
    } catch (const pqxx::broken_connection& e) {
      throw DatabaseError(std::string("lost the connection to PostgreSQL: ") + e.what());
    } catch (const pqxx::failure& e) {
      throw DatabaseError(e.what());
    }
  }

  static pqxx::result Exec(pqxx::transaction_base& tx, const std::string& sql, const Params& params,
                           bool script) {
    if (script || params.empty()) return tx.exec(sql);
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& p : params) values.push_back(p.is_null() ? nullptr : p.text().c_str());
    return tx.exec_params(sql, pqxx::prepare::make_dynamic_params(values));
  }

  std::unique_ptr<pqxx::connection> conn_;
  std::unique_ptr<pqxx::work> work_;
  std::vector<std::unique_ptr<EagerSubtransaction>> savepoints_;  // innermost last
  std::string describe_;
};

}  // namespace

Result<std::unique_ptr<Connection>> OpenPostgres(const std::string& conninfo) {
  try {
    auto conn = std::make_unique<pqxx::connection>(conninfo);
    std::string describe = "postgresql: dbname=" + std::string(conn->dbname());
    if (conn->hostname()) describe += " host=" + std::string(conn->hostname());
    pqxx::nontransaction(*conn).exec("SET client_min_messages TO WARNING");
    return std::unique_ptr<Connection>(
        std::make_unique<PostgresConnection>(std::move(conn), std::move(describe)));
  } catch (const std::exception& e) {
    return Status::IoError("cannot connect to PostgreSQL (" + conninfo + "): " + e.what());
  }
}

}  // namespace strata::storage
