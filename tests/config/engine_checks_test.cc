#include "storage/engine_checks.h"

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace strata::storage {
namespace {

using strata::testing::ScratchDatabase;

const EngineProblem* Find(const std::vector<EngineProblem>& problems, const std::string& check) {
  for (const auto& p : problems) {
    if (p.check == check) return &p;
  }
  return nullptr;
}

std::string Dump(const std::vector<EngineProblem>& problems) {
  std::string out;
  for (const auto& p : problems) {
    out += "  [" + p.check + (p.fatal ? " fatal] " : "] ") + p.message + "\n";
  }
  return out;
}

class EngineChecksTest : public strata::testing::EngineTest {};

TEST_P(EngineChecksTest, ACorrectlyMadeDatabasePasses) {
  ScratchDatabase db(engine());
  EngineCheckOptions options;
  options.new_database = IsNewDatabase(db.conn());
  EXPECT_TRUE(options.new_database);
  auto problems = CheckEngine(db.conn(), options);
  for (const auto& p : problems) EXPECT_FALSE(p.fatal) << Dump(problems);
  if (engine() == Engine::kSqlite) {
    const EngineProblem* p = Find(problems, "sqlite_not_recommended");
    ASSERT_NE(p, nullptr) << Dump(problems);
    EXPECT_NE(p->message.find("not recommended for use outside a test environment"),
              std::string::npos);
    EXPECT_EQ(problems.size(), 1u) << Dump(problems);
  } else {
    EXPECT_TRUE(problems.empty()) << Dump(problems);
  }
}

TEST_P(EngineChecksTest, SchemaVersionTableMarksAnExistingDatabase) {
  ScratchDatabase db(engine());
  EXPECT_TRUE(IsNewDatabase(db.conn()));
  db.conn().ExecuteScript(
      "CREATE TABLE schema_version (Lock CHAR(1) NOT NULL DEFAULT 'X' UNIQUE, version INTEGER "
      "NOT NULL, upgraded BOOL NOT NULL, CHECK (Lock='X'));");
  EXPECT_FALSE(IsNewDatabase(db.conn()));
}

TEST_P(EngineChecksTest, OnlyTheNamedChecksRun) {
  ScratchDatabase db(engine());
  EngineCheckOptions options;
  options.only = std::vector<std::string>{"postgres_min_version", "sqlite_min_version"};
  EXPECT_TRUE(CheckEngine(db.conn(), options).empty());
}

STRATA_INSTANTIATE_ENGINES(EngineChecksTest);

class PostgresLocaleTest : public ::testing::Test {
 protected:
  void SetUp() override { STRATA_SKIP_WITHOUT_POSTGRES(); }
};

TEST_F(PostgresLocaleTest, NewDatabaseWithAnotherLocaleIsRefused) {
  ScratchDatabase db(Engine::kPostgres, "C.UTF-8");
  ASSERT_TRUE(IsNewDatabase(db.conn()));
  EngineCheckOptions options;
  options.new_database = true;
  auto problems = CheckEngine(db.conn(), options);
  const EngineProblem* p = Find(problems, "postgres_locale");
  ASSERT_NE(p, nullptr) << Dump(problems);
  EXPECT_TRUE(p->fatal);
  EXPECT_EQ(p->message.rfind("Database is incorrectly configured:\n\n"
                             "    - 'COLLATE' is set to 'C.UTF-8'. Should be 'C'\n"
                             "    - 'CTYPE' is set to 'C.UTF-8'. Should be 'C'\n\n"
                             "See docs/postgres.md for more information.",
                             0),
            0u)
      << p->message;
  EXPECT_NE(p->message.find("LC_COLLATE='C'"), std::string::npos) << "says how to fix it";
}

TEST_F(PostgresLocaleTest, ExistingDatabaseWithAnotherLocaleOnlyWarns) {
  ScratchDatabase db(Engine::kPostgres, "C.UTF-8");
  db.conn().ExecuteScript(
      "CREATE TABLE schema_version (Lock CHAR(1) NOT NULL DEFAULT 'X' UNIQUE, version INTEGER "
      "NOT NULL, upgraded BOOL NOT NULL, CHECK (Lock='X'));");
  EngineCheckOptions options;
  options.new_database = IsNewDatabase(db.conn());
  ASSERT_FALSE(options.new_database);
  auto problems = CheckEngine(db.conn(), options);
  ASSERT_EQ(problems.size(), 2u) << Dump(problems);
  for (const auto& p : problems) {
    EXPECT_FALSE(p.fatal) << p.message;
    EXPECT_EQ(p.check, "postgres_locale");
  }
  EXPECT_EQ(
      problems[0].message.rfind("Database has incorrect collation of 'C.UTF-8'. Should be 'C'", 0),
      0u)
      << problems[0].message;
  EXPECT_EQ(
      problems[1].message.rfind("Database has incorrect ctype of 'C.UTF-8'. Should be 'C'", 0), 0u)
      << problems[1].message;
}

TEST_F(PostgresLocaleTest, ChecksOnlyRead) {
  ScratchDatabase db(Engine::kPostgres, "C.UTF-8");
  auto& conn = db.conn();
  EngineCheckOptions options;
  options.new_database = true;
  CheckEngine(conn, options);
  EXPECT_FALSE(conn.InTransaction());
  EXPECT_EQ(conn.QueryInt("SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'"), 0);
}

}  // namespace
}  // namespace strata::storage
