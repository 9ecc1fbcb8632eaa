// Schema snapshots, read from sqlite_master / PRAGMAs on SQLite and from pg_catalog on
// PostgreSQL, then normalised so both engines describe the same schema the same way.
#include "schema/schema_snapshot.h"

#include <algorithm>
#include <cctype>
#include <string_view>

namespace strata::schema {
namespace {

using storage::Connection;
using storage::Engine;

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string Trim(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return "";
  size_t end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

// Removes a PostgreSQL cast ("::text", "::character varying", "::bpchar[]") starting at `pos`
// (just after "::"); returns the position after it.
size_t SkipCast(const std::string& text, size_t pos) {
  auto word_end = [&](size_t from) {
    while (from < text.size() &&
           (std::isalnum(static_cast<unsigned char>(text[from])) || text[from] == '_')) {
      ++from;
    }
    return from;
  };
  while (pos < text.size() && text[pos] == ' ') ++pos;
  size_t end = word_end(pos);
  const std::string word = text.substr(pos, end - pos);
  for (std::string_view two_words : {" varying", " precision", " without time zone"}) {
    if ((word == "character" || word == "double" || word == "timestamp") &&
        text.compare(end, two_words.size(), two_words) == 0) {
      end += two_words.size();
    }
  }
  if (end < text.size() && text[end] == '(') {
    size_t close = text.find(')', end);
    if (close != std::string::npos) end = close + 1;
  }
  if (text.compare(end, 2, "[]") == 0) end += 2;
  return end;
}

// Normalises an SQL expression (a default or a partial-index predicate) for comparison:
// string literals are kept as they are; elsewhere text is lower-cased, casts, parentheses and
// identifier quotes are dropped, and spacing is made uniform.
std::string NormaliseExpression(const std::string& raw) {
  std::string out;
  std::string plain;  // the current stretch outside a literal, before tidying
  auto flush_plain = [&] {
    std::string lowered = Lower(plain);
    std::string cleaned;
    for (size_t i = 0; i < lowered.size(); ++i) {
      if (lowered.compare(i, 2, "::") == 0) {
        i = SkipCast(lowered, i + 2) - 1;
        continue;
      }
      char c = lowered[i];
      if (c == '(' || c == ')' || c == '"') continue;
      cleaned += std::isspace(static_cast<unsigned char>(c)) ? ' ' : c;
    }
    // Collapse spaces, and drop them around comparison operators.
    std::string tidy;
    for (size_t i = 0; i < cleaned.size(); ++i) {
      const char c = cleaned[i];
      const bool op = c == '=' || c == '<' || c == '>' || c == '!';
      if (c == ' ' && (tidy.empty() || tidy.back() == ' ')) continue;
      if (op && !tidy.empty() && tidy.back() == ' ') tidy.pop_back();
      tidy += c;
      if (op) {
        while (i + 1 < cleaned.size() && cleaned[i + 1] == ' ') ++i;
      }
    }
    out += tidy;
    plain.clear();
  };
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\'') {
      plain += raw[i];
      continue;
    }
    flush_plain();
    // Copy the literal, including doubled quotes inside it.
    size_t j = i + 1;
    while (j < raw.size()) {
      if (raw[j] == '\'' && j + 1 < raw.size() && raw[j + 1] == '\'') {
        j += 2;
      } else if (raw[j] == '\'') {
        break;
      } else {
        ++j;
      }
    }
    out += raw.substr(i, j - i + 1);
    i = j;
  }
  flush_plain();
  return Trim(out);
}

std::string TypeFamily(const std::string& declared) {
  auto has = [&](std::string_view part) { return declared.find(part) != std::string::npos; };
  if (declared.empty()) return "none";
  if (has("[]")) return declared;  // arrays stay themselves ("text[]")
  if (has("bool")) return "boolean";
  if (has("int") || has("serial")) return "integer";
  if (has("char") || has("text") || has("clob")) return "text";
  if (has("blob") || has("bytea")) return "bytes";
  if (has("real") || has("floa") || has("doub") || has("numeric") || has("decimal")) {
    return "real";
  }
  return declared;
}

std::string NormaliseType(const std::string& declared) {
  std::string out;
  for (char c : Lower(Trim(declared))) {
    if (std::isspace(static_cast<unsigned char>(c)) && (out.empty() || out.back() == ' ')) continue;
    if (c == '(' && !out.empty() && out.back() == ' ') out.pop_back();
    out += std::isspace(static_cast<unsigned char>(c)) ? ' ' : c;
  }
  return out;
}

std::optional<std::string> NormaliseDefault(const std::optional<std::string>& raw,
                                            const std::string& family) {
  if (!raw) return std::nullopt;
  std::string value = NormaliseExpression(*raw);
  if (value.empty() || value == "null") return std::nullopt;
  if (family == "boolean") {
    for (std::string_view f : {"0", "false", "'f'", "'false'", "1=0"}) {
      if (value == f) return "false";
    }
    for (std::string_view t : {"1", "true", "'t'", "'true'", "1=1"}) {
      if (value == t) return "true";
    }
  }
  return value;
}

ColumnInfo MakeColumn(const std::string& name, const std::string& type, bool not_null,
                      const std::optional<std::string>& default_value) {
  ColumnInfo column;
  column.name = Lower(name);
  column.declared_type = NormaliseType(type);
  column.family = TypeFamily(column.declared_type);
  column.not_null = not_null;
  column.default_value = NormaliseDefault(default_value, column.family);
  return column;
}

// Splits "a, b, (c + d)" at top-level commas.
std::vector<std::string> SplitTopLevel(const std::string& text) {
  std::vector<std::string> parts;
  std::string current;
  int depth = 0;
  bool quoted = false;
  for (char c : text) {
    if (c == '\'') quoted = !quoted;
    if (!quoted && c == '(') ++depth;
    if (!quoted && c == ')') --depth;
    if (!quoted && depth == 0 && c == ',') {
      parts.push_back(Trim(current));
      current.clear();
    } else {
      current += c;
    }
  }
  if (!Trim(current).empty()) parts.push_back(Trim(current));
  return parts;
}

// The text inside the parenthesis that opens at or after `from`, and the position after it.
std::optional<std::pair<std::string, size_t>> ParenthesisedAt(const std::string& text,
                                                              size_t from) {
  size_t open = text.find('(', from);
  if (open == std::string::npos) return std::nullopt;
  int depth = 0;
  bool quoted = false;
  for (size_t i = open; i < text.size(); ++i) {
    if (text[i] == '\'') quoted = !quoted;
    if (quoted) continue;
    if (text[i] == '(') ++depth;
    if (text[i] == ')' && --depth == 0) {
      return std::make_pair(text.substr(open + 1, i - open - 1), i + 1);
    }
  }
  return std::nullopt;
}

std::vector<std::string> ColumnList(const std::string& text) {
  std::vector<std::string> columns;
  for (const std::string& part : SplitTopLevel(text)) columns.push_back(NormaliseExpression(part));
  return columns;
}

// Applies the engine-neutral rules every snapshot follows (see the header).
void Finish(SchemaSnapshot& snapshot) {
  for (auto& [name, table] : snapshot.tables) {
    for (ColumnInfo& column : table.columns) {
      if (std::find(table.primary_key.begin(), table.primary_key.end(), column.name) !=
          table.primary_key.end()) {
        column.not_null = true;
      }
    }
    table.unique_constraints.erase(table.primary_key);
  }
}

SchemaSnapshot SnapshotSqlite(Connection& conn) {
  SchemaSnapshot snapshot;
  // table_list marks FTS shadow tables as 'shadow'; they and SQLite's own tables are skipped.
  for (const auto& row :
       conn.Query("SELECT name, type FROM pragma_table_list() WHERE schema = 'main'"
                  " AND type IN ('table', 'virtual') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")) {
    const std::string table_name = row.Text(0);
    TableInfo table;
    table.name = Lower(table_name);
    if (row.Text(1) == "virtual") {
      const std::string sql =
          Lower(conn.QueryValue("SELECT sql FROM sqlite_master WHERE name = ?", {table_name})
                    .value_or(""));
      size_t using_at = sql.find(" using ");
      if (using_at != std::string::npos) {
        size_t start = using_at + 7;
        size_t end = sql.find_first_of(" (", start);
        table.virtual_module = sql.substr(start, end - start);
      }
    }
    std::vector<std::pair<int, std::string>> key_columns;
    for (const auto& col :
         conn.Query("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?)",
                    {table_name})) {
      table.columns.push_back(MakeColumn(col.Text(0), col.Text(1), col.Bool(2), col.OptText(3)));
      if (col.Int(4) > 0)
        key_columns.emplace_back(static_cast<int>(col.Int(4)), Lower(col.Text(0)));
    }
    std::sort(key_columns.begin(), key_columns.end());
    for (const auto& [position, column] : key_columns) table.primary_key.push_back(column);

    for (const auto& index :
         conn.Query("SELECT name, \"unique\", origin FROM pragma_index_list(?)", {table_name})) {
      const std::string index_name = index.Text(0);
      const std::string origin = index.Text(2);
      if (origin == "pk") continue;  // the primary key, already recorded
      std::vector<std::string> columns;
      for (const auto& col :
           conn.Query("SELECT name FROM pragma_index_info(?) ORDER BY seqno", {index_name})) {
        columns.push_back(col.IsNull(0) ? "<expression>" : Lower(col.Text(0)));
      }
      if (origin == "u") {
        table.unique_constraints.insert(columns);
        continue;
      }
      IndexInfo info;
      info.name = Lower(index_name);
      info.table = table.name;
      info.columns = columns;
      info.unique = index.Bool(1);
      const std::string sql =
          conn.QueryValue("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?",
                          {index_name})
              .value_or("");
      // The predicate is whatever follows the column list: "... ON t (a, b) WHERE <pred>".
      if (auto list = ParenthesisedAt(sql, 0)) {
        const std::string rest = Trim(sql.substr(list->second));
        if (Lower(rest.substr(0, 5)) == "where") info.where = NormaliseExpression(rest.substr(5));
      }
      snapshot.indexes[info.name] = std::move(info);
    }
    snapshot.tables[table.name] = std::move(table);
  }
  return snapshot;
}

SchemaSnapshot SnapshotPostgres(Connection& conn) {
  SchemaSnapshot snapshot;
  for (const auto& row : conn.Query(
           "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,"
           "       pg_get_expr(d.adbin, d.adrelid)"
           " FROM pg_class c"
           " JOIN pg_namespace n ON n.oid = c.relnamespace"
           " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
           " LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum"
           " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')"
           " ORDER BY c.relname, a.attnum")) {
    TableInfo& table = snapshot.tables[row.Text(0)];
    table.name = row.Text(0);
    table.columns.push_back(MakeColumn(row.Text(1), row.Text(2), row.Bool(3), row.OptText(4)));
  }
  for (const auto& row :
       conn.Query("SELECT c.relname, con.contype, pg_get_constraintdef(con.oid)"
                  " FROM pg_constraint con"
                  " JOIN pg_class c ON c.oid = con.conrelid"
                  " JOIN pg_namespace n ON n.oid = c.relnamespace"
                  " WHERE n.nspname = current_schema() AND con.contype IN ('p', 'u')")) {
    auto list = ParenthesisedAt(row.Text(2), 0);
    if (!list) continue;
    TableInfo& table = snapshot.tables[row.Text(0)];
    if (row.Text(1) == "p") {
      table.primary_key = ColumnList(list->first);
    } else {
      table.unique_constraints.insert(ColumnList(list->first));
    }
  }
  // Indexes that exist only to back a primary key or unique constraint were described above.
  for (const auto& row : conn.Query(
           "SELECT i.relname, t.relname, ix.indisunique, am.amname, pg_get_indexdef(i.oid),"
           "       pg_get_expr(ix.indpred, ix.indrelid)"
           " FROM pg_index ix"
           " JOIN pg_class i ON i.oid = ix.indexrelid"
           " JOIN pg_class t ON t.oid = ix.indrelid"
           " JOIN pg_namespace n ON n.oid = t.relnamespace"
           " JOIN pg_am am ON am.oid = i.relam"
           " WHERE n.nspname = current_schema()"
           "   AND NOT EXISTS (SELECT 1 FROM pg_constraint con"
           "                   WHERE con.conindid = ix.indexrelid AND con.conrelid = ix.indrelid"
           "                     AND con.contype IN ('p', 'u', 'x'))")) {
    IndexInfo info;
    info.name = row.Text(0);
    info.table = row.Text(1);
    info.unique = row.Bool(2);
    info.method = row.Text(3) == "btree" ? "" : row.Text(3);
    const std::string definition = row.Text(4);
    size_t using_at = definition.find(" USING ");
    if (auto list = ParenthesisedAt(definition, using_at == std::string::npos ? 0 : using_at)) {
      info.columns = ColumnList(list->first);
    }
    if (!row.IsNull(5)) info.where = NormaliseExpression(row.Text(5));
    snapshot.indexes[info.name] = std::move(info);
  }
  for (const auto& row :
       conn.Query("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                  " WHERE n.nspname = current_schema() AND c.relkind = 'S'")) {
    snapshot.sequences.insert(row.Text(0));
  }
  return snapshot;
}

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& part : parts) out += (out.empty() ? "" : ", ") + part;
  return out;
}

// Every item of a snapshot as key -> description. Keys identify an item across databases;
// descriptions hold what must match.
std::map<std::string, std::string> Items(const SchemaSnapshot& snapshot,
                                         const CompareOptions& options) {
  std::map<std::string, std::string> items;
  for (const auto& [name, table] : snapshot.tables) {
    items["table " + name] = table.virtual_module.empty() ? "" : "virtual " + table.virtual_module;
    for (const ColumnInfo& column : table.columns) {
      std::string description = column.family;
      if (options.declared_types) description += " (" + column.declared_type + ")";
      if (column.not_null) description += " not null";
      if (column.default_value) description += " default " + *column.default_value;
      items["column " + name + "." + column.name] = description;
    }
    if (!table.primary_key.empty()) {
      items["primary key " + name] = "(" + Join(table.primary_key) + ")";
    }
    for (const auto& unique : table.unique_constraints) {
      items["unique " + name + " (" + Join(unique) + ")"] = "";
    }
  }
  for (const auto& [name, index] : snapshot.indexes) {
    std::string description = std::string(index.unique ? "unique " : "") + "on " + index.table;
    if (!index.method.empty()) description += " using " + index.method;
    description += " (" + Join(index.columns) + ")";
    if (!index.where.empty()) description += " where " + index.where;
    items["index " + name] = description;
  }
  if (options.sequences) {
    for (const auto& sequence : snapshot.sequences) items["sequence " + sequence] = "";
  }
  return items;
}

}  // namespace

std::string SchemaSnapshot::Render() const {
  std::string out;
  for (const auto& [key, description] : Items(*this, {.declared_types = true})) {
    out += description.empty() ? key : key + ": " + description;
    out += '\n';
  }
  return out;
}

SchemaSnapshot TakeSnapshot(storage::Connection& conn) {
  SchemaSnapshot snapshot =
      conn.engine() == Engine::kPostgres ? SnapshotPostgres(conn) : SnapshotSqlite(conn);
  Finish(snapshot);
  return snapshot;
}

Result<SchemaSnapshot> ParseSqliteSchemaDump(const std::string& text) {
  auto conn = storage::OpenSqlite(":memory:");
  if (!conn.ok()) return conn.status();
  try {
    (*conn)->ExecuteScript(text);
    return TakeSnapshot(**conn);
  } catch (const storage::DatabaseError& e) {
    return Status::InvalidArgument(std::string("cannot load the schema dump: ") + e.what());
  }
}

std::vector<std::string> DiffSnapshots(const SchemaSnapshot& expected, const SchemaSnapshot& actual,
                                       const CompareOptions& options) {
  const auto want = Items(expected, options);
  const auto got = Items(actual, options);
  std::vector<std::string> lines;
  auto describe = [](const std::string& key, const std::string& description) {
    return description.empty() ? key : key + ": " + description;
  };
  for (const auto& [key, description] : want) {
    auto it = got.find(key);
    if (it == got.end()) {
      lines.push_back("missing " + describe(key, description));
    } else if (it->second != description) {
      lines.push_back("changed " + key + ": expected '" + description + "', got '" + it->second +
                      "'");
    }
  }
  for (const auto& [key, description] : got) {
    if (!want.count(key)) lines.push_back("unexpected " + describe(key, description));
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

}  // namespace strata::schema
