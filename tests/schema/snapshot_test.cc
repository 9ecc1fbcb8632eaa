// Schema snapshots: what they record, how they normalise the two engines, and how they diff.
#include <gtest/gtest.h>

#include <fstream>

#include "schema/schema_snapshot.h"
#include "support/test_support.h"

namespace strata::schema {
namespace {

using testing::ScratchDatabase;

// One schema written twice, the way Synapse writes it for each engine.
constexpr const char* kSqliteDdl = R"sql(
CREATE TABLE stream_pos (
    Lock CHAR(1) NOT NULL DEFAULT 'X' UNIQUE,
    stream_id BIGINT,
    CHECK (Lock='X')
);
CREATE TABLE tokens (
    token TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL,
    valid BOOLEAN NOT NULL DEFAULT 0,
    hidden BOOLEAN DEFAULT FALSE,
    payload BYTEA,
    weight REAL,
    UNIQUE (token)
);
CREATE TABLE state (
    event_id TEXT NOT NULL,
    type TEXT NOT NULL,
    state_key TEXT NOT NULL,
    censored BOOL NOT NULL DEFAULT false,
    UNIQUE (event_id),
    UNIQUE (type, state_key)
);
CREATE INDEX state_member ON state (state_key) WHERE type='m.room.member';
CREATE INDEX state_uncensored ON state (event_id) WHERE NOT censored;
CREATE UNIQUE INDEX tokens_user ON tokens (user_id, token);
)sql";

constexpr const char* kPostgresDdl = R"sql(
CREATE TABLE stream_pos (
    lock CHAR(1) NOT NULL DEFAULT 'X',
    stream_id BIGINT,
    CHECK (lock = 'X'),
    UNIQUE (lock)
);
CREATE TABLE tokens (
    token TEXT NOT NULL,
    user_id TEXT NOT NULL,
    valid BOOLEAN NOT NULL DEFAULT FALSE,
    hidden BOOLEAN DEFAULT FALSE,
    payload BYTEA,
    weight DOUBLE PRECISION,
    PRIMARY KEY (token)
);
CREATE TABLE state (
    event_id TEXT NOT NULL,
    type TEXT NOT NULL,
    state_key TEXT NOT NULL,
    censored BOOLEAN NOT NULL DEFAULT false,
    UNIQUE (event_id),
    UNIQUE (type, state_key)
);
CREATE INDEX state_member ON state (state_key) WHERE (type = 'm.room.member'::text);
CREATE INDEX state_uncensored ON state (event_id) WHERE (NOT censored);
CREATE UNIQUE INDEX tokens_user ON tokens (user_id, token);
CREATE SEQUENCE token_seq;
)sql";

SchemaSnapshot SqliteSnapshot(const std::string& ddl) {
  auto snapshot = ParseSqliteSchemaDump(ddl);
  if (!snapshot.ok()) throw std::runtime_error(snapshot.status().message());
  return *snapshot;
}

TEST(SchemaSnapshotTest, RecordsColumnsConstraintsAndIndexes) {
  const SchemaSnapshot s = SqliteSnapshot(kSqliteDdl);
  const std::string text = s.Render();
  for (const std::string line : {
           "table stream_pos\n",
           "column stream_pos.lock: text (char(1)) not null default 'X'\n",
           "unique stream_pos (lock)\n",
           "column tokens.token: text (text) not null\n",
           "primary key tokens: (token)\n",
           "column tokens.valid: boolean (boolean) not null default false\n",
           "column tokens.hidden: boolean (boolean) default false\n",
           "column tokens.payload: bytes (bytea)\n",
           "column tokens.weight: real (real)\n",
           "unique state (type, state_key)\n",
           "index state_member: on state (state_key) where type='m.room.member'\n",
           "index state_uncensored: on state (event_id) where not censored\n",
           "index tokens_user: unique on tokens (user_id, token)\n",
       }) {
    EXPECT_NE(text.find(line), std::string::npos) << "missing: " << line << "in:\n" << text;
  }
  // The UNIQUE identical to the primary key, and the primary key's own index, are not items.
  EXPECT_EQ(text.find("unique tokens (token)"), std::string::npos) << text;
  EXPECT_EQ(text.find("sqlite_autoindex"), std::string::npos) << text;
  // Rendering is stable.
  EXPECT_EQ(text, SqliteSnapshot(kSqliteDdl).Render());
}

TEST(SchemaSnapshotTest, KeepsVirtualTablesButNotTheirShadowTables) {
  const SchemaSnapshot s = SqliteSnapshot(
      "CREATE VIRTUAL TABLE event_search USING fts4 (event_id, room_id, sender, key, value);");
  ASSERT_EQ(s.tables.size(), 1u) << s.Render();
  const TableInfo& search = s.tables.at("event_search");
  EXPECT_EQ(search.virtual_module, "fts4");
  ASSERT_EQ(search.columns.size(), 5u);
  EXPECT_EQ(search.columns[3].name, "key");
  EXPECT_EQ(search.columns[3].family, "none");
}

TEST(SchemaSnapshotTest, ReadsRealSynapseDumps) {
  auto dump = ParseSqliteSchemaDump([] {
    std::ifstream in(testing::ReferenceDir() / "real-synapse/fresh/v1.2.1/schema.sql");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }());
  ASSERT_TRUE(dump.ok()) << dump.status().message();
  EXPECT_EQ(dump->tables.at("event_search").virtual_module, "fts4");
  EXPECT_FALSE(dump->tables.count("event_search_content"));
  EXPECT_TRUE(dump->tables.count("schema_version"));
  EXPECT_EQ(dump->tables.at("users").columns.back().name, "deactivated");
  EXPECT_TRUE(dump->indexes.count("users_creation_ts"));
}

TEST(SchemaSnapshotTest, RefusesAnUnloadableDump) {
  auto result = ParseSqliteSchemaDump("CREATE TABLE broken (");
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("cannot load the schema dump"), std::string::npos);
}

TEST(SchemaSnapshotTest, DiffNamesWhatIsMissingUnexpectedAndChanged) {
  const SchemaSnapshot expected = SqliteSnapshot(
      "CREATE TABLE users (name TEXT, admin SMALLINT DEFAULT 0 NOT NULL, deactivated SMALLINT);"
      "CREATE INDEX users_admin ON users (admin);");
  const SchemaSnapshot actual = SqliteSnapshot(
      "CREATE TABLE users (name TEXT, admin INTEGER, extra TEXT);"
      "CREATE INDEX users_name ON users (name);");
  EXPECT_TRUE(DiffSnapshots(expected, expected).empty());
  EXPECT_EQ(DiffSnapshots(expected, actual),
            (std::vector<std::string>{
                "changed column users.admin: expected 'integer not null default 0', got 'integer'",
                "missing column users.deactivated: integer",
                "missing index users_admin: on users (admin)",
                "unexpected column users.extra: text",
                "unexpected index users_name: on users (name)",
            }));
  // Declared types only count when asked for.
  EXPECT_EQ(DiffSnapshots(SqliteSnapshot("CREATE TABLE t (a BIGINT);"),
                          SqliteSnapshot("CREATE TABLE t (a INTEGER);"))
                .size(),
            0u);
  EXPECT_EQ(DiffSnapshots(SqliteSnapshot("CREATE TABLE t (a BIGINT);"),
                          SqliteSnapshot("CREATE TABLE t (a INTEGER);"), {.declared_types = true}),
            (std::vector<std::string>{
                "changed column t.a: expected 'integer (bigint)', got 'integer (integer)'"}));
}

class SchemaSnapshotEngineTest : public testing::EngineTest {};

// The same schema read from a live database of either engine normalises to the SQLite
// rendering: families, defaults, constraints and partial predicates all agree.
TEST_P(SchemaSnapshotEngineTest, BothEnginesDescribeTheSameSchemaAlike) {
  ScratchDatabase db(engine());
  db.conn().ExecuteScript(engine() == storage::Engine::kPostgres ? kPostgresDdl : kSqliteDdl);
  const SchemaSnapshot live = TakeSnapshot(db.conn());
  EXPECT_EQ(DiffSnapshots(SqliteSnapshot(kSqliteDdl), live, {.sequences = false}),
            std::vector<std::string>{});
  if (engine() == storage::Engine::kPostgres) {
    EXPECT_EQ(live.sequences, std::set<std::string>{"token_seq"});
    EXPECT_EQ(live.tables.at("tokens").columns[5].declared_type, "double precision");
  }
}

TEST_P(SchemaSnapshotEngineTest, DescribesGinIndexesAndArrays) {
  if (engine() != storage::Engine::kPostgres) GTEST_SKIP() << "PostgreSQL types";
  ScratchDatabase db(engine());
  db.conn().ExecuteScript(
      "CREATE TABLE search (event_id TEXT, vector TSVECTOR, keys TEXT[]);"
      "CREATE INDEX search_fts ON search USING gin (vector);");
  const SchemaSnapshot s = TakeSnapshot(db.conn());
  EXPECT_EQ(s.indexes.at("search_fts").method, "gin");
  EXPECT_EQ(s.tables.at("search").columns[1].family, "tsvector");
  EXPECT_EQ(s.tables.at("search").columns[2].family, "text[]");
}

STRATA_INSTANTIATE_ENGINES(SchemaSnapshotEngineTest);

}  // namespace
}  // namespace strata::schema
