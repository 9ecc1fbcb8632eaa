// SQLite engine. One sqlite3 handle; every value is read back as text. Prepared statements
// are kept by their SQL text (a send runs ~20 statements, and preparing each was a visible
// share of its CPU), reset as soon as a call is done with them so none holds a read
// transaction open, and all dropped once kCachedStatements distinct texts have been seen.
#include <sqlite3.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "storage/database.h"

namespace strata::storage {
namespace {

std::string Abbreviate(std::string_view sql) {
  std::string s(sql.substr(0, 200));
  if (sql.size() > 200) s += "...";
  return s;
}

class SqliteConnection final : public Connection {
 public:
  SqliteConnection(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~SqliteConnection() override {
    statements_.clear();  // finalized before the handle closes
    sqlite3_close_v2(db_);
  }

  Engine engine() const override { return Engine::kSqlite; }
  std::string Describe() const override { return "sqlite3 " + path_; }

  std::vector<Row> Query(std::string_view sql, const Params& params) override {
    std::vector<Row> rows;
    Run(sql, params, &rows);
    return rows;
  }

  int64_t Execute(std::string_view sql, const Params& params) override {
    Run(sql, params, nullptr);
    return sqlite3_changes64(db_);
  }

  void ExecuteScript(std::string_view sql) override {
    std::string text(sql);
    char* err = nullptr;
    if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string message = err ? err : "unknown error";
      sqlite3_free(err);
      throw DatabaseError(message);
    }
  }

  void Begin() override {
    ExecuteScript("BEGIN IMMEDIATE");
    in_txn_ = true;
  }
  void Commit() override {
    ExecuteScript("COMMIT");
    in_txn_ = false;
  }
  void Rollback() override {
    in_txn_ = false;
    if (!sqlite3_get_autocommit(db_)) ExecuteScript("ROLLBACK");
  }
  bool InTransaction() const override { return in_txn_; }

  bool TableExists(std::string_view table) override {
    return QueryValue("SELECT 1 FROM sqlite_master WHERE type IN ('table','view') AND name = ?",
                      {table})
        .has_value();
  }
  bool ColumnExists(std::string_view table, std::string_view column) override {
    return QueryValue("SELECT 1 FROM pragma_table_info(?) WHERE name = ?", {table, column})
        .has_value();
  }
  bool IndexExists(std::string_view index) override {
    return QueryValue("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", {index})
        .has_value();
  }

 private:
  using Statement = std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)>;
  static constexpr size_t kCachedStatements = 256;

  // Resets a statement however the call that used it ends.
  struct ResetOnExit {
    sqlite3_stmt* stmt;
    ~ResetOnExit() {
      sqlite3_reset(stmt);
      sqlite3_clear_bindings(stmt);
    }
  };

  // Looks statements up by string_view, so a hit copies no SQL text.
  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };

  // The statement for `sql`, prepared now or earlier; nullptr for an empty statement.
  sqlite3_stmt* Prepare(std::string_view sql) {
    if (auto it = statements_.find(sql); it != statements_.end()) return it->second.get();
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                           &raw, &tail) != SQLITE_OK) {
      throw DatabaseError(std::string(sqlite3_errmsg(db_)) + " in: " + Abbreviate(sql));
    }
    if (raw == nullptr) return nullptr;  // only whitespace or comments
    if (statements_.size() >= kCachedStatements) statements_.clear();
    return statements_.emplace(std::string(sql), Statement(raw, sqlite3_finalize))
        .first->second.get();
  }

  void Run(std::string_view sql, const Params& params, std::vector<Row>* rows) {
    sqlite3_stmt* raw = Prepare(sql);
    if (raw == nullptr) return;
    ResetOnExit reset{raw};
    for (size_t i = 0; i < params.size(); ++i) {
      const Value& v = params[i];
      int index = static_cast<int>(i + 1);
      int rc = SQLITE_OK;
      switch (v.kind()) {
        case Value::Kind::kNull:
          rc = sqlite3_bind_null(raw, index);
          break;
        case Value::Kind::kInt:
          rc = sqlite3_bind_int64(raw, index, std::stoll(v.text()));
          break;
        case Value::Kind::kReal:
          rc = sqlite3_bind_double(raw, index, std::stod(v.text()));
          break;
        case Value::Kind::kText:
          rc = sqlite3_bind_text(raw, index, v.text().data(), static_cast<int>(v.text().size()),
                                 SQLITE_TRANSIENT);
          break;
      }
      if (rc != SQLITE_OK) throw DatabaseError(sqlite3_errmsg(db_));
    }
    while (true) {
      int rc = sqlite3_step(raw);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        throw DatabaseError(std::string(sqlite3_errmsg(db_)) + " in: " + Abbreviate(sql));
      }
      if (!rows) continue;
      // Read per row: a kept statement re-prepared after a schema change (SELECT *) may have
      // other columns than when it was first prepared.
      const int columns = sqlite3_column_count(raw);
      std::vector<std::optional<std::string>> cells;
      cells.reserve(columns);
      for (int c = 0; c < columns; ++c) {
        if (sqlite3_column_type(raw, c) == SQLITE_NULL) {
          cells.emplace_back(std::nullopt);
        } else {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(raw, c));
          cells.emplace_back(std::string(text, sqlite3_column_bytes(raw, c)));
        }
      }
      rows->emplace_back(std::move(cells));
    }
  }

  sqlite3* db_;
  std::string path_;
  bool in_txn_ = false;
  std::unordered_map<std::string, Statement, TextHash, std::equal_to<>> statements_;
};

}  // namespace

Result<std::unique_ptr<Connection>> OpenSqlite(const std::string& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close_v2(db);
    return Status::IoError("cannot open SQLite database " + path + ": " + message);
  }
  // Wait for another connection's write lock instead of failing at once.
  sqlite3_busy_timeout(db, 10000);
  auto conn = std::make_unique<SqliteConnection>(db, path);
  // Reading the schema catches a file that is not a database before anything is written.
  try {
    conn->Query("SELECT count(*) FROM sqlite_master", {});
  } catch (const DatabaseError& e) {
    return Status::InvalidArgument(path + " is not a usable SQLite database: " + e.what());
  }
  return std::unique_ptr<Connection>(std::move(conn));
}

}  // namespace strata::storage
