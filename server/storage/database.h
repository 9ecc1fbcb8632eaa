// The storage API: one Connection interface over SQLite (embedded default) and PostgreSQL.
//
// Promises:
//  - SQL uses `?` placeholders on both engines; PostgreSQL connections rewrite them to $n.
//  - Values come back as text (as PostgreSQL sends them); Row converts on request.
//  - Any SQL error throws DatabaseError. Inside a Transaction that means nothing is kept:
//    the Transaction's destructor rolls back unless Commit() was reached.
//  - A Connection is used by one thread at a time; callers that share one serialise access.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace strata::storage {

enum class Engine { kSqlite, kPostgres };

// "sqlite" / "postgres": the suffix of engine-specific schema files (`x.sql.sqlite`).
std::string_view EngineSuffix(Engine engine);
// "sqlite3" / "psycopg2": the `database.name` Synapse's config uses for the engine.
std::string_view EngineConfigName(Engine engine);

// A statement parameter. Booleans travel as 1/0, which both engines accept for BOOL and
// SMALLINT columns alike (Synapse's schema uses both for flags).
class Value {
 public:
  Value() = default;  // NULL
  Value(std::nullptr_t) {}
  Value(int v) : text_(std::to_string(v)), kind_(Kind::kInt) {}
  Value(long v) : text_(std::to_string(v)), kind_(Kind::kInt) {}
  Value(long long v) : text_(std::to_string(v)), kind_(Kind::kInt) {}
  Value(unsigned v) : text_(std::to_string(v)), kind_(Kind::kInt) {}
  Value(bool v) : text_(v ? "1" : "0"), kind_(Kind::kInt) {}
  Value(double v) : text_(std::to_string(v)), kind_(Kind::kReal) {}
  Value(const char* v) : text_(v), kind_(Kind::kText) {}
  Value(std::string v) : text_(std::move(v)), kind_(Kind::kText) {}
  Value(std::string_view v) : text_(v), kind_(Kind::kText) {}
  Value(const std::optional<std::string>& v) {
    if (v) *this = Value(*v);
  }

  enum class Kind { kNull, kInt, kReal, kText };
  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  Kind kind_ = Kind::kNull;
};

using Params = std::vector<Value>;

class Row {
 public:
  explicit Row(std::vector<std::optional<std::string>> cells) : cells_(std::move(cells)) {}

  size_t size() const { return cells_.size(); }
  bool IsNull(size_t i) const { return !cells_.at(i).has_value(); }
  // The cell as text; "" for NULL.
  std::string Text(size_t i) const { return cells_.at(i).value_or(""); }
  std::optional<std::string> OptText(size_t i) const { return cells_.at(i); }
  // The cell as an integer; 0 for NULL. Accepts PostgreSQL's 't'/'f' booleans.
  int64_t Int(size_t i) const;
  std::optional<int64_t> OptInt(size_t i) const;
  bool Bool(size_t i) const { return Int(i) != 0; }

 private:
  std::vector<std::optional<std::string>> cells_;
};

class DatabaseError : public std::runtime_error {
 public:
  DatabaseError(const std::string& message, std::string sqlstate = "")
      : std::runtime_error(message), sqlstate_(std::move(sqlstate)) {}
  // PostgreSQL's SQLSTATE, or "" on SQLite.
  const std::string& sqlstate() const { return sqlstate_; }

 private:
  std::string sqlstate_;
};

class Connection {
 public:
  virtual ~Connection() = default;

  virtual Engine engine() const = 0;
  // Where the data lives, for messages: a file path or "postgresql: dbname=... host=...".
  virtual std::string Describe() const = 0;

  // One statement; returns its rows.
  virtual std::vector<Row> Query(std::string_view sql, const Params& params = {}) = 0;
  // One statement; returns the number of rows it changed.
  virtual int64_t Execute(std::string_view sql, const Params& params = {}) = 0;
  // Several `;`-separated statements without parameters, as a schema file is run.
  virtual void ExecuteScript(std::string_view sql) = 0;

  virtual void Begin() = 0;
  virtual void Commit() = 0;
  virtual void Rollback() = 0;
  virtual bool InTransaction() const = 0;

  // Catalogue questions, answered from sqlite_master / information_schema.
  virtual bool TableExists(std::string_view table) = 0;
  virtual bool ColumnExists(std::string_view table, std::string_view column) = 0;
  virtual bool IndexExists(std::string_view index) = 0;

  // Runs `fn` when the open transaction ends, committed or rolled back (Transaction calls
  // EndTransaction), or at once when none is open: for caches that must forget what a write
  // changed only once other connections can see the change.
  void AtTransactionEnd(std::function<void()> fn);
  // Runs and clears what AtTransactionEnd queued.
  void EndTransaction();
  // Whether the open transaction queued work for its end: it wrote what a cache holds.
  bool HasQueuedForTransactionEnd() const { return !at_transaction_end_.empty(); }

  // Savepoints inside the open transaction, innermost last (Transaction nests with them):
  // Push opens one and returns its depth; Release keeps its writes for the enclosing
  // transaction; RollbackTo undoes them and closes it. SQL SAVEPOINTs unless an engine's
  // client library must track them itself.
  virtual int PushSavepoint();
  virtual void ReleaseSavepoint(int depth);
  virtual void RollbackToSavepoint(int depth);

  // Convenience: the first column of the first row, if any.
  std::optional<std::string> QueryValue(std::string_view sql, const Params& params = {});
  std::optional<int64_t> QueryInt(std::string_view sql, const Params& params = {});

 private:
  std::vector<std::function<void()>> at_transaction_end_;
  int savepoints_ = 0;
};

// RAII transaction: begins on construction; rolls back on destruction unless committed.
//
// Begun inside an open transaction it nests as a savepoint (group commit runs each send so):
// Commit keeps its writes for the enclosing transaction, which alone makes them durable;
// destruction undoes only its own writes; what AtTransactionEnd queued waits for the
// outermost end.
class Transaction {
 public:
  explicit Transaction(Connection& conn)
      : conn_(conn), savepoint_(conn.InTransaction() ? conn.PushSavepoint() : 0) {
    if (savepoint_ == 0) conn_.Begin();
  }
  ~Transaction() {
    if (done_) return;
    try {
      if (savepoint_ != 0) {
        conn_.RollbackToSavepoint(savepoint_);
        return;
      }
      conn_.Rollback();
    } catch (...) {  // a dead connection has nothing left to roll back
    }
    if (savepoint_ == 0) conn_.EndTransaction();
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void Commit() {
    if (savepoint_ != 0) {
      conn_.ReleaseSavepoint(savepoint_);
      done_ = true;
      return;
    }
    conn_.Commit();
    done_ = true;
    conn_.EndTransaction();
  }

 private:
  Connection& conn_;
  const int savepoint_;  // 0: the outermost transaction
  bool done_ = false;
};

// Opens (creating if absent) an SQLite database file. ":memory:" works for scratch use.
Result<std::unique_ptr<Connection>> OpenSqlite(const std::string& path);
// Connects to PostgreSQL with a libpq connection string or postgresql:// URI.
Result<std::unique_ptr<Connection>> OpenPostgres(const std::string& conninfo);

// Rewrites `?` placeholders to PostgreSQL's $1..$n, leaving quoted text and comments alone.
std::string NumberPlaceholders(std::string_view sql);

}  // namespace strata::storage
