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
