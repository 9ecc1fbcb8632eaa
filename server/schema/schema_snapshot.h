// Schema snapshots: what tables, columns, constraints and indexes a database has, normalised so
// that two databases can be compared line by line (a Strata-built database against one real
// Synapse made, SQLite against PostgreSQL, before and after an upgrade).
//
// Promises:
//  - Names are lower-cased (both engines fold unquoted identifiers).
//  - Each column carries a type family (integer, text, boolean, real, bytes, none for untyped
//    SQLite columns, or the type itself for tsvector / arrays) and the declared type; defaults and
//    partial-index predicates are normalised (casts, parentheses, case and spacing removed,
//    booleans spelt true/false), so 'X'::bpchar equals 'X' and (NOT x) equals not x.
//  - Primary-key columns count as NOT NULL on both engines; a UNIQUE constraint identical to the
//    primary key is left out (PostgreSQL drops it, SQLite keeps it).
//  - Constraints are described by their columns only: the names SQLite gives them
//    (sqlite_autoindex_*) and PostgreSQL gives them (*_key) never match.
//  - SQLite's own tables (sqlite_*) and the shadow tables of full-text virtual tables are left
//    out: they are storage details of the virtual table, which itself is kept.
//  - Foreign keys and CHECK constraints are not described.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "storage/database.h"
#include "util/status.h"

namespace strata::schema {

struct ColumnInfo {
  std::string name;
  std::string declared_type;  // lower-case as declared ("bigint", "char(1)"), "" when untyped
  std::string family;         // integer | text | boolean | real | bytes | none | <type>
  bool not_null = false;
  std::optional<std::string> default_value;  // normalised; nullopt for none (or NULL)
};

struct TableInfo {
  std::string name;
  std::string virtual_module;       // "fts4" etc. for an SQLite virtual table, "" otherwise
  std::vector<ColumnInfo> columns;  // declaration order
  std::vector<std::string> primary_key;
  std::set<std::vector<std::string>> unique_constraints;
};

struct IndexInfo {
  std::string name;
  std::string table;
  std::vector<std::string> columns;  // an expression appears as its normalised text
  bool unique = false;
  std::string where;   // normalised predicate of a partial index, "" if not partial
  std::string method;  // "" for the default (b-tree), else the access method ("gin")
};

struct SchemaSnapshot {
  std::map<std::string, TableInfo> tables;
  std::map<std::string, IndexInfo> indexes;  // created indexes, not those behind constraints
  std::set<std::string> sequences;           // PostgreSQL only

  // One line per item, sorted; stable across runs and engines.
  std::string Render() const;
};

struct CompareOptions {
  // Also compare declared types (same-engine comparisons); otherwise only type families.
  bool declared_types = false;
  // Compare sequences (set false when comparing SQLite with PostgreSQL).
  bool sequences = true;
};

// Reads the schema of the database behind `conn` (PostgreSQL: the current schema).
// Throws storage::DatabaseError if the catalogue cannot be read.
SchemaSnapshot TakeSnapshot(storage::Connection& conn);

// Loads an SQLite `.schema` dump (as in real-synapse/fresh/*/schema.sql) into an in-memory
// database and snapshots that.
Result<SchemaSnapshot> ParseSqliteSchemaDump(const std::string& text);

// Differences from `expected` to `actual`, one readable line each, sorted; empty when equal:
//   "missing column users.deactivated: integer not null default 0"
//   "unexpected index foo_idx: on t (a)"
//   "changed column users.admin: expected 'integer not null default 0', got 'integer'"
std::vector<std::string> DiffSnapshots(const SchemaSnapshot& expected, const SchemaSnapshot& actual,
                                       const CompareOptions& options = {});

}  // namespace strata::schema
