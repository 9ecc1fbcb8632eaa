// BackgroundUpdateStore on both engines: the queue's reads and writes, the two orders the
// runners use, and each engine's form of an index update.
#include "storage/background_updates/background_update_store.h"

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace strata::storage {
namespace {

class BackgroundUpdateStoreTest : public strata::testing::EngineTest {
 protected:
  void SetUp() override {
    strata::testing::EngineTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    db_ = std::make_unique<strata::testing::ScratchDatabase>(engine());
    store_ = std::make_unique<BackgroundUpdateStore>(StoreOptions{engine(), {}, false});
  }
  Connection& conn() { return db_->conn(); }
  void CreateQueue(bool with_ordering) {
    conn().Execute(std::string("CREATE TABLE background_updates (update_name TEXT NOT NULL, "
                               "progress_json TEXT NOT NULL, depends_on TEXT") +
                   (with_ordering ? ", ordering INT NOT NULL DEFAULT 0" : "") +
                   ", CONSTRAINT background_updates_uniqueness UNIQUE (update_name))");
  }

  std::unique_ptr<strata::testing::ScratchDatabase> db_;
  std::unique_ptr<BackgroundUpdateStore> store_;
};

TEST_P(BackgroundUpdateStoreTest, NoTableListsNothing) {
  EXPECT_TRUE(store_->List(conn()).empty());
}

TEST_P(BackgroundUpdateStoreTest, QueueSaveProgressAndRemove) {
  CreateQueue(true);
  store_->Queue(conn(), "b", std::nullopt);
  store_->Queue(conn(), "a", std::string("b"));
  EXPECT_THROW(store_->Queue(conn(), "a", std::nullopt), DatabaseError);
  EXPECT_TRUE(store_->IsQueued(conn(), "a"));
  EXPECT_FALSE(store_->IsQueued(conn(), "c"));
  EXPECT_EQ(store_->Progress(conn(), "a"), std::optional<std::string>("{}"));
  EXPECT_EQ(store_->Progress(conn(), "c"), std::nullopt);
  store_->SaveProgress(conn(), "a", R"({"last":"x"})");
  EXPECT_EQ(store_->Progress(conn(), "a"), std::optional<std::string>(R"({"last":"x"})"));
  EXPECT_EQ(store_->Names(conn()), (std::vector<std::string>{"a", "b"}));
  store_->Remove(conn(), "b");
  EXPECT_EQ(store_->Names(conn()), (std::vector<std::string>{"a"}));
}

TEST_P(BackgroundUpdateStoreTest, ListsByOrderingThenName) {
  CreateQueue(true);
  conn().Execute(
      "INSERT INTO background_updates (update_name, progress_json, depends_on, ordering) VALUES "
      "('z', '{}', NULL, 1), ('y', '{}', 'z', 2), ('a', '{\"k\":1}', NULL, 2)");
  auto rows = store_->List(conn());
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].name, "z");
  EXPECT_EQ(rows[1].name, "a");
  EXPECT_EQ(rows[1].progress_json, "{\"k\":1}");
  EXPECT_EQ(rows[1].ordering, 2);
  EXPECT_EQ(rows[2].name, "y");
  EXPECT_EQ(rows[2].depends_on, std::optional<std::string>("z"));
  auto ordered = store_->InOrdering(conn());
  ASSERT_EQ(ordered.size(), 3u);
  EXPECT_EQ(ordered[1].name, "a");
  EXPECT_EQ(ordered[1].depends_on, std::nullopt);
}

TEST_P(BackgroundUpdateStoreTest, WithoutOrderingColumnListsInInsertionOrder) {
  CreateQueue(false);
  for (const char* name : {"m", "b", "x"}) store_->Queue(conn(), name, std::nullopt);
  auto rows = store_->List(conn());
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].name, "m");
  EXPECT_EQ(rows[1].name, "b");
  EXPECT_EQ(rows[2].name, "x");
  EXPECT_EQ(rows[2].ordering, 0);
  auto natural = store_->InNaturalOrder(conn());
  ASSERT_EQ(natural.size(), 3u);
  EXPECT_EQ(natural[0].name, "m");
  EXPECT_EQ(natural[2].name, "x");
}

TEST_P(BackgroundUpdateStoreTest, BuildsEachEnginesIndex) {
  conn().Execute("CREATE TABLE t (a INT, b INT)");
  store_->BuildIndex(conn(), {.index = "t_a", .table = "t", .columns = "a", .where = "b = 1"});
  EXPECT_TRUE(conn().IndexExists("t_a"));
  // Again: SQLite keeps it (IF NOT EXISTS), PostgreSQL drops and rebuilds it.
  store_->BuildIndex(conn(), {.index = "t_a", .table = "t", .columns = "a", .where = "b = 1"});
  EXPECT_TRUE(conn().IndexExists("t_a"));
  store_->BuildIndex(conn(), {.index = "t_b", .table = "t", .columns = "b", .psql_only = true});
  EXPECT_EQ(conn().IndexExists("t_b"), engine() == Engine::kPostgres);
  const auto partial = conn().QueryValue(
      engine() == Engine::kSqlite ? "SELECT sql FROM sqlite_master WHERE name = 't_a'"
                                  : "SELECT indexdef FROM pg_indexes WHERE indexname = 't_a'");
  ASSERT_TRUE(partial);
  // Synapse never gives SQLite the WHERE.
  EXPECT_EQ(partial->find("WHERE") != std::string::npos, engine() == Engine::kPostgres) << *partial;
  store_->BuildIndex(conn(), {.index = "t_u", .table = "t", .columns = "a, b", .unique = true});
  conn().Execute("INSERT INTO t (a, b) VALUES (1, 2)");
  EXPECT_THROW(conn().Execute("INSERT INTO t (a, b) VALUES (1, 2)"), DatabaseError);
}

TEST_P(BackgroundUpdateStoreTest, AppliedDeltaFilesByVersionThenFile) {
  conn().Execute("CREATE TABLE applied_schema_deltas (version INT NOT NULL, file TEXT NOT NULL)");
  conn().Execute(
      "INSERT INTO applied_schema_deltas (version, file) VALUES "
      "(56, '56/b.sql'), (55, '55/z.sql'), (56, '56/a.sql')");
  EXPECT_EQ(store_->AppliedDeltaFiles(conn()),
            (std::vector<std::string>{"55/z.sql", "56/a.sql", "56/b.sql"}));
}

STRATA_INSTANTIATE_ENGINES(BackgroundUpdateStoreTest);

}  // namespace
}  // namespace strata::storage
