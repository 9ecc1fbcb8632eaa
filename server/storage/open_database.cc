#include "storage/open_database.h"

#include <set>

#include "util/logging.h"
#include "util/quoting.h"

namespace strata::storage {

std::string PostgresConnInfo(const std::map<std::string, std::string>& args) {
  // Keys Synapse passes to its connection pool rather than to libpq.
  static const std::set<std::string> kPoolKeys = {"cp_min", "cp_max", "cp_reconnect", "cp_noisy",
                                                  "cp_openfun"};
  std::string info;
  for (const auto& [key, value] : args) {
    if (kPoolKeys.count(key)) continue;
    std::string k = key == "database" ? "dbname" : key;
    if (!info.empty()) info += ' ';
    info += k + "=" + util::QuoteConninfoValue(value);
  }
  return info;
}

std::string DescribeSettings(const DatabaseSettings& settings) {
  if (settings.name == "sqlite3") {
    auto it = settings.args.find("database");
    return "sqlite3 " + (it == settings.args.end() ? std::string("(no path)") : it->second);
  }
  std::string out = "postgresql";
  for (const char* key : {"database", "dbname", "host", "port", "user"}) {
    if (auto it = settings.args.find(key); it != settings.args.end()) {
      out += std::string(" ") + key + "=" + it->second;
    }
  }
  return out;
}

Result<std::unique_ptr<Connection>> OpenDatabase(const DatabaseSettings& settings) {
  if (settings.name == "sqlite3") {
    auto it = settings.args.find("database");
    if (it == settings.args.end() || it->second.empty()) {
      return Status::InvalidArgument("database.args.database: the SQLite file path is missing");
    }
    return OpenSqlite(it->second);
  }
  if (settings.name == "psycopg2") return OpenPostgres(PostgresConnInfo(settings.args));
  return Status::InvalidArgument("database.name: unsupported database engine '" + settings.name +
                                 "' (use sqlite3 or psycopg2)");
}

Result<std::unique_ptr<Connection>> OpenServingDatabase(const DatabaseSettings& settings) {
  auto conn = OpenDatabase(settings);
  if (conn.ok() && (*conn)->engine() == Engine::kSqlite) {
    try {
      (*conn)->Query("PRAGMA journal_mode = WAL");
      (*conn)->Execute("PRAGMA synchronous = FULL");
    } catch (const DatabaseError& e) {
      STRATA_LOG(Warning, "strata.storage")
          << "Could not switch SQLite to write-ahead logging: " << e.what();
    }
  }
  return conn;
}

bool IsPostgresLocation(const std::string& location) {
  return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0 ||
         location.find("dbname=") != std::string::npos ||
         location.find("host=") != std::string::npos;
}

std::string WithDbName(const std::string& conninfo, const std::string& dbname) {
  if (conninfo.rfind("postgresql://", 0) == 0 || conninfo.rfind("postgres://", 0) == 0) {
    const size_t host = conninfo.find("://") + 3;
    const size_t query = conninfo.find('?', host);
    const std::string head = conninfo.substr(0, query);
    const std::string tail = query == std::string::npos ? "" : conninfo.substr(query);
    const size_t slash = head.find('/', host);
    return (slash == std::string::npos ? head : head.substr(0, slash)) + "/" + dbname + tail;
  }
  std::string out;
  size_t pos = 0;
  while (pos < conninfo.size()) {
    size_t end = conninfo.find(' ', pos);
    if (end == std::string::npos) end = conninfo.size();
    std::string part = conninfo.substr(pos, end - pos);
    if (!part.empty() && part.rfind("dbname=", 0) != 0) out += part + " ";
    pos = end + 1;
  }
  return out + "dbname=" + dbname;
}

Result<std::unique_ptr<Connection>> OpenDatabaseLocation(const std::string& location) {
  if (IsPostgresLocation(location)) return OpenPostgres(location);
  return OpenSqlite(location);
}

}  // namespace strata::storage
