#include "database_copy.h"

#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "storage/admin/database_admin.h"

namespace strata::matrix {

namespace fs = std::filesystem;

namespace {

bool IsUri(const std::string& s) {
  return s.rfind("postgresql://", 0) == 0 || s.rfind("postgres://", 0) == 0;
}

}  // namespace

std::string DbNameOf(const std::string& conninfo) {
  if (IsUri(conninfo)) {
    const size_t host = conninfo.find("://") + 3;
    const size_t slash = conninfo.find('/', host);
    if (slash == std::string::npos) return "";
    return conninfo.substr(slash + 1, conninfo.find('?', slash) - slash - 1);
  }
  const size_t at = conninfo.find("dbname=");
  if (at == std::string::npos) return "";
  const size_t start = at + 7;
  return conninfo.substr(start, conninfo.find(' ', start) - start);
}

std::string UniqueDbName(const std::string& prefix) {
  static std::atomic<int> counter{0};
  const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  return prefix + "_" + std::to_string(getpid()) + "_" + std::to_string(now % 1000000) + "_" +
         std::to_string(counter++);
}

int RunShell(const std::string& command, std::string* output) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return -1;
  std::array<char, 4096> buffer;
  std::string text;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) text.append(buffer.data(), n);
  const int status = pclose(pipe);
  if (output) *output = text;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

Result<std::unique_ptr<DatabaseCopy>> DatabaseCopy::OfSqliteFile(const std::string& source,
                                                                 const std::string& dir) {
  static std::atomic<int> counter{0};
  const std::string target = (fs::path(dir) / ("copy-" + std::to_string(counter++) + ".db"));
  std::error_code ec;
  if (!fs::is_regular_file(source, ec)) return Status::NotFound(source + ": no such file");
  fs::copy_file(source, target, fs::copy_options::overwrite_existing, ec);
  if (ec) return Status::IoError("cannot copy " + source + ": " + ec.message());
  return std::unique_ptr<DatabaseCopy>(new DatabaseCopy(storage::Engine::kSqlite, target, ""));
}

Result<std::unique_ptr<DatabaseCopy>> DatabaseCopy::OfPostgres(const std::string& source) {
  const std::string original = DbNameOf(source);
  if (original.empty()) return Status::InvalidArgument(source + ": names no database");
  const std::string admin = WithDbName(source, "postgres");
  auto conn = storage::OpenPostgres(admin);
  if (!conn.ok()) return conn.status();
  const std::string copy = UniqueDbName("strata_matrix");
  try {
    storage::CreateDatabaseFromTemplate(**conn, copy, original);
  } catch (const storage::DatabaseError& e) {
    return Status::FailedPrecondition("cannot copy database " + original + ": " + e.what());
  }
  return std::unique_ptr<DatabaseCopy>(
      new DatabaseCopy(storage::Engine::kPostgres, WithDbName(source, copy), admin));
}

DatabaseCopy::~DatabaseCopy() {
  std::error_code ec;
  if (engine_ == storage::Engine::kSqlite) {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(location_ + suffix, ec);
    return;
  }
  auto conn = storage::OpenPostgres(admin_);
  if (!conn.ok()) return;
  try {
    storage::DropDatabase(**conn, DbNameOf(location_));
  } catch (const storage::DatabaseError&) {  // left behind; its name says what it was
  }
}

Result<std::unique_ptr<storage::Connection>> DatabaseCopy::Connect() const {
  return engine_ == storage::Engine::kSqlite ? storage::OpenSqlite(location_)
                                             : storage::OpenPostgres(location_);
}

}  // namespace strata::matrix
