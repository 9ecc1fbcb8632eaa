#include "storage/database.h"

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace strata::storage {
namespace {

using testing::ScratchDatabase;

class DatabaseTest : public testing::EngineTest {};

TEST_P(DatabaseTest, RoundTripsValuesThroughPlaceholders) {
  ScratchDatabase db(GetParam());
  auto& c = db.conn();
  c.ExecuteScript("CREATE TABLE t (a TEXT, b BIGINT, c BOOL, d TEXT);");
  EXPECT_EQ(c.Execute("INSERT INTO t VALUES (?, ?, ?, ?)", {"it's ?", 42, true, nullptr}), 1);
  auto rows = c.Query("SELECT a, b, c, d FROM t WHERE a = ?", {"it's ?"});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].Text(0), "it's ?");
  EXPECT_EQ(rows[0].Int(1), 42);
  EXPECT_TRUE(rows[0].Bool(2));
  EXPECT_TRUE(rows[0].IsNull(3));
}

TEST_P(DatabaseTest, TransactionRollsBackUnlessCommitted) {
  ScratchDatabase db(GetParam());
  auto& c = db.conn();
  c.ExecuteScript("CREATE TABLE t (a INTEGER);");
  {
    Transaction txn(c);
    c.Execute("INSERT INTO t VALUES (1)");
  }
  EXPECT_EQ(c.QueryInt("SELECT COUNT(*) FROM t"), 0);
  {
    Transaction txn(c);
    c.Execute("INSERT INTO t VALUES (2)");
    txn.Commit();
  }
  EXPECT_EQ(c.QueryInt("SELECT COUNT(*) FROM t"), 1);
}

// A Transaction inside an open one is a savepoint: its rollback undoes only its own rows (also
// after a failed statement, which on PostgreSQL aborts the whole transaction until undone), its
// commit keeps them for the outer one, and only the outer end runs what AtTransactionEnd queued.
TEST_P(DatabaseTest, NestedTransactionsAreSavepoints) {
  ScratchDatabase db(GetParam());
  auto& c = db.conn();
  c.ExecuteScript("CREATE TABLE t (a INTEGER PRIMARY KEY);");
  int ended = 0;
  {
    Transaction outer(c);
    c.Execute("INSERT INTO t VALUES (1)");
    {
      Transaction inner(c);
      c.Execute("INSERT INTO t VALUES (2)");
      c.AtTransactionEnd([&] { ++ended; });
    }
    {
      Transaction inner(c);
      c.Execute("INSERT INTO t VALUES (3)");
      EXPECT_THROW(c.Execute("INSERT INTO t VALUES (1)"), DatabaseError);  // duplicate key
    }
    {
      Transaction inner(c);
      c.Execute("INSERT INTO t VALUES (4)");
      {
        Transaction innermost(c);
        c.Execute("INSERT INTO t VALUES (5)");
        innermost.Commit();
      }
      inner.Commit();
    }
    EXPECT_EQ(ended, 0);
    EXPECT_TRUE(c.InTransaction());
    outer.Commit();
  }
  EXPECT_EQ(ended, 1);
  std::vector<int64_t> kept;
  for (const auto& row : c.Query("SELECT a FROM t ORDER BY a")) kept.push_back(row.Int(0));
  EXPECT_EQ(kept, (std::vector<int64_t>{1, 4, 5}));

  {
    Transaction outer(c);
    {
      Transaction inner(c);
      c.Execute("INSERT INTO t VALUES (6)");
      inner.Commit();
    }
  }  // the outer rollback takes the committed savepoint with it
  EXPECT_EQ(c.QueryInt("SELECT COUNT(*) FROM t WHERE a = 6"), 0);
  EXPECT_THROW(c.PushSavepoint(), DatabaseError);  // none outside a transaction
}

// Statements may be kept prepared (SQLite does): the same text keeps working after it failed,
// after its table was dropped and made again with other columns, and a finished query leaves
// no read transaction open that would stop another connection from checkpointing the log.
TEST_P(DatabaseTest, RepeatedStatementsSurviveErrorsAndSchemaChanges) {
  ScratchDatabase db(GetParam());
  auto& c = db.conn();
  c.ExecuteScript("CREATE TABLE t (a INTEGER PRIMARY KEY);");
  const std::string insert = "INSERT INTO t VALUES (?)";
  c.Execute(insert, {1});
  EXPECT_THROW(c.Execute(insert, {1}), DatabaseError);
  c.Execute(insert, {2});
  const std::string select = "SELECT * FROM t ORDER BY 1";
  EXPECT_EQ(c.Query(select).size(), 2u);
  c.ExecuteScript("DROP TABLE t; CREATE TABLE t (b TEXT, c TEXT);");
  c.Execute("INSERT INTO t VALUES ('x', 'y')");
  auto rows = c.Query(select);
  ASSERT_EQ(rows.size(), 1u);
  ASSERT_EQ(rows[0].size(), 2u);
  EXPECT_EQ(rows[0].Text(1), "y");
  if (GetParam() == Engine::kSqlite) {
    c.Query("PRAGMA journal_mode = WAL");
    c.Execute("INSERT INTO t VALUES ('p', 'q')");
    EXPECT_EQ(c.Query(select).size(), 2u);
    auto other = db.Connect();
    auto checkpoint = other->Query("PRAGMA wal_checkpoint(TRUNCATE)");
    ASSERT_EQ(checkpoint.size(), 1u);
    EXPECT_EQ(checkpoint[0].Int(0), 0) << "a reader still held the log";
  }
}

TEST_P(DatabaseTest, ErrorsNameTheProblem) {
  ScratchDatabase db(GetParam());
  try {
    db.conn().Query("SELECT * FROM no_such_table");
    FAIL() << "expected an error";
  } catch (const DatabaseError& e) {
    EXPECT_NE(std::string(e.what()).find("no_such_table"), std::string::npos) << e.what();
  }
}

TEST_P(DatabaseTest, AnswersCatalogueQuestions) {
  ScratchDatabase db(GetParam());
  auto& c = db.conn();
  c.ExecuteScript(
      "CREATE TABLE rooms (room_id TEXT, is_public BOOL); CREATE INDEX r_idx ON rooms(room_id);");
  EXPECT_TRUE(c.TableExists("rooms"));
  EXPECT_FALSE(c.TableExists("nope"));
  EXPECT_TRUE(c.ColumnExists("rooms", "is_public"));
  EXPECT_FALSE(c.ColumnExists("rooms", "room_version"));
  EXPECT_TRUE(c.IndexExists("r_idx"));
}

STRATA_INSTANTIATE_ENGINES(DatabaseTest);

TEST(PlaceholderTest, NumbersOnlyBarePlaceholders) {
  EXPECT_EQ(NumberPlaceholders("SELECT '?', \"a?\", ? -- ?\n, ?"),
            "SELECT '?', \"a?\", $1 -- ?\n, $2");
}

}  // namespace
}  // namespace strata::storage
