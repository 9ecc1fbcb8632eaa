#include "storage/database.h"

#include <charconv>

namespace strata::storage {

std::string_view EngineSuffix(Engine engine) {
  return engine == Engine::kSqlite ? "sqlite" : "postgres";
}

std::string_view EngineConfigName(Engine engine) {
  return engine == Engine::kSqlite ? "sqlite3" : "psycopg2";
}

int64_t Row::Int(size_t i) const {
  return OptInt(i).value_or(0);
}

std::optional<int64_t> Row::OptInt(size_t i) const {
  const auto& cell = cells_.at(i);
  if (!cell) return std::nullopt;
  if (*cell == "t" || *cell == "true") return 1;
  if (*cell == "f" || *cell == "false") return 0;
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(cell->data(), cell->data() + cell->size(), value);
  if (ec != std::errc()) {
    // A REAL column or a numeric string with a fraction: truncate as SQL's CAST would.
    try {
      return static_cast<int64_t>(std::stod(*cell));
    } catch (...) {
      throw DatabaseError("expected an integer, got '" + *cell + "'");
    }
  }
  return value;
}

std::optional<std::string> Connection::QueryValue(std::string_view sql, const Params& params) {
  auto rows = Query(sql, params);
  if (rows.empty() || rows[0].size() == 0) return std::nullopt;
  return rows[0].OptText(0);
}

void Connection::AtTransactionEnd(std::function<void()> fn) {
  if (!InTransaction()) {
    fn();
    return;
  }
  at_transaction_end_.push_back(std::move(fn));
}

void Connection::EndTransaction() {
  savepoints_ = 0;
  std::vector<std::function<void()>> queued;
  queued.swap(at_transaction_end_);
  for (auto& fn : queued) fn();
}

int Connection::PushSavepoint() {
  if (!InTransaction()) throw DatabaseError("a savepoint needs an open transaction");
  Execute("SAVEPOINT strata_" + std::to_string(savepoints_ + 1));
  return ++savepoints_;
}

void Connection::ReleaseSavepoint(int depth) {
  if (depth != savepoints_) throw DatabaseError("savepoints must be released innermost first");
  Execute("RELEASE SAVEPOINT strata_" + std::to_string(depth));
  --savepoints_;
}

void Connection::RollbackToSavepoint(int depth) {
  if (depth != savepoints_) throw DatabaseError("savepoints must be undone innermost first");
  --savepoints_;
  Execute("ROLLBACK TO SAVEPOINT strata_" + std::to_string(depth));
  Execute("RELEASE SAVEPOINT strata_" + std::to_string(depth));
}

std::optional<int64_t> Connection::QueryInt(std::string_view sql, const Params& params) {
  auto rows = Query(sql, params);
  if (rows.empty() || rows[0].size() == 0) return std::nullopt;
  return rows[0].OptInt(0);
}

std::string NumberPlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int next = 1;
  for (size_t i = 0; i < sql.size(); ++i) {
    char c = sql[i];
    if (c == '\'' || c == '"') {  // copy a quoted run verbatim ('' escapes stay inside)
      size_t end = sql.find(c, i + 1);
      if (end == std::string_view::npos) end = sql.size() - 1;
      out.append(sql.substr(i, end - i + 1));
      i = end;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      size_t end = sql.find('\n', i);
      if (end == std::string_view::npos) end = sql.size() - 1;
      out.append(sql.substr(i, end - i + 1));
      i = end;
    } else if (c == '?') {
      out += '$';
      out += std::to_string(next++);
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace strata::storage
