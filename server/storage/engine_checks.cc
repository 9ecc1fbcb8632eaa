#include "storage/engine_checks.h"

#include <algorithm>

namespace strata::storage {
namespace {

constexpr const char* kCreateAdvice =
    "Create the database with: CREATE DATABASE synapse ENCODING 'UTF8' LC_COLLATE='C' "
    "LC_CTYPE='C' TEMPLATE template0 OWNER synapse_user;";

// Python's repr() of a str, as Synapse's %r shows database settings.
std::string Repr(const std::string& s) {
  return "'" + s + "'";
}

std::vector<int> VersionParts(const std::string& text) {
  std::vector<int> parts;
  int value = 0;
  bool digits = false;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      value = value * 10 + (c - '0');
      digits = true;
    } else if (c == '.' && digits) {
      parts.push_back(value);
      value = 0;
      digits = false;
    } else {
      break;
    }
  }
  if (digits) parts.push_back(value);
  return parts;
}

using Sink = std::vector<EngineProblem>&;

void PostgresVersion(Connection& conn, const EngineCheckOptions&, Sink out) {
  auto num = conn.QueryInt("SHOW server_version_num");
  if (num && *num >= 90500) return;
  std::string version = conn.QueryValue("SHOW server_version").value_or("unknown");
  out.push_back({true, "postgres_min_version",
                 "Synapse requires PostgreSQL 9.5+ or above.\n" + conn.Describe() +
                     " runs PostgreSQL " + version +
                     "; upgrade the PostgreSQL server before starting this release."});
}

void PostgresEncoding(Connection& conn, const EngineCheckOptions&, Sink out) {
  std::string encoding = conn.QueryValue("SHOW server_encoding").value_or("");
  if (encoding == "UTF8") return;
  out.push_back({true, "postgres_encoding",
                 "Database has incorrect encoding: " + Repr(encoding) +
                     " instead of 'UTF8'\nSee docs/postgres.rst for more information.\n" +
                     kCreateAdvice});
}

void PostgresLocale(Connection& conn, const EngineCheckOptions& options, Sink out) {
  auto rows =
      conn.Query("SELECT datcollate, datctype FROM pg_database WHERE datname = current_database()");
  if (rows.empty()) return;
  std::string collate = rows[0].Text(0);
  std::string ctype = rows[0].Text(1);
  if (collate == "C" && ctype == "C") return;
  if (options.new_database) {
    std::string lines;
    if (collate != "C") lines += "    - 'COLLATE' is set to " + Repr(collate) + ". Should be 'C'\n";
    // Synapse prints the collation on this line too (a slip in its source); the actual ctype
    // is more use to whoever has to fix it.
    if (ctype != "C") lines += "    - 'CTYPE' is set to " + Repr(ctype) + ". Should be 'C'\n";
    lines.pop_back();
    out.push_back({true, "postgres_locale",
                   "Database is incorrectly configured:\n\n" + lines +
                       "\n\nSee docs/postgres.md for more information.\n" + kCreateAdvice});
    return;
  }
  if (collate != "C") {
    out.push_back({false, "postgres_locale",
                   "Database has incorrect collation of " + Repr(collate) +
                       ". Should be 'C'\nSorting and indexes may differ from what Synapse "
                       "expects; move the data to a database created with LC_COLLATE='C' "
                       "when convenient (see docs/postgres.md)."});
  }
  if (ctype != "C") {
    out.push_back({false, "postgres_locale",
                   "Database has incorrect ctype of " + Repr(ctype) +
                       ". Should be 'C'\nMove the data to a database created with "
                       "LC_CTYPE='C' when convenient (see docs/postgres.md)."});
  }
}

void SqliteVersion(Connection& conn, const EngineCheckOptions&, Sink out) {
  std::string version = conn.QueryValue("SELECT sqlite_version()").value_or("");
  auto parts = VersionParts(version);
  parts.resize(std::max<size_t>(parts.size(), 2), 0);
  if (parts[0] > 3 || (parts[0] == 3 && parts[1] >= 11)) return;
  out.push_back({true, "sqlite_min_version",
                 "Synapse requires sqlite 3.11 or above.\nThis build links SQLite " + version +
                     "; rebuild Strata against a newer SQLite."});
}

void SqliteNotRecommended(Connection& conn, const EngineCheckOptions&, Sink out) {
  out.push_back({false, "sqlite_not_recommended",
                 "SQLite is not recommended for use outside a test environment (" +
                     conn.Describe() +
                     "). For a server with real users, use PostgreSQL: see docs/postgres.md, and "
                     "synapse_port_db to move existing data."});
}

struct Check {
  const char* name;
  Engine engine;
  void (*run)(Connection&, const EngineCheckOptions&, Sink);
};

constexpr Check kChecks[] = {
    {"postgres_min_version", Engine::kPostgres, PostgresVersion},
    {"postgres_encoding", Engine::kPostgres, PostgresEncoding},
    {"postgres_locale", Engine::kPostgres, PostgresLocale},
    {"sqlite_min_version", Engine::kSqlite, SqliteVersion},
    {"sqlite_not_recommended", Engine::kSqlite, SqliteNotRecommended},
};

}  // namespace

bool IsNewDatabase(Connection& conn) {
  return !conn.TableExists("schema_version");
}

std::vector<EngineProblem> CheckEngine(Connection& conn, const EngineCheckOptions& options) {
  std::vector<EngineProblem> out;
  for (const auto& check : kChecks) {
    if (check.engine != conn.engine()) continue;
    if (options.only &&
        std::find(options.only->begin(), options.only->end(), check.name) == options.only->end()) {
      continue;
    }
    try {
      check.run(conn, options, out);
    } catch (const DatabaseError& e) {
      out.push_back(
          {true, check.name,
           std::string("cannot check the database (") + conn.Describe() + "): " + e.what()});
    }
  }
  return out;
}

const std::vector<std::string>& AllEngineChecks() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& c : kChecks) out.emplace_back(c.name);
    return out;
  }();
  return names;
}

}  // namespace strata::storage
