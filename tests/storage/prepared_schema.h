// A fixture for store tests: a scratch database on each engine, prepared with the newest
// catalogued release's schema (or an older full schema, for schema-dependent SQL).
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "schema/catalogue.h"
#include "schema/prepare_database.h"
#include "storage/store_options.h"
#include "support/test_support.h"

namespace strata::testing {

class PreparedStoreTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    db_ = std::make_unique<ScratchDatabase>(engine());
  }
  // The newest release's schema, as `strata` prepares a new database.
  void PrepareNewest() {
    const auto& catalogue = schema::Catalogue::Builtin();
    schema::PrepareOptions options;
    options.server_name = "example.com";
    auto report = schema::PrepareDatabase(conn(), catalogue, catalogue.newest(), options);
    ASSERT_TRUE(report.ok()) << report.status().message();
  }
  // Synapse's full schema `n` alone, as a database made before the deltas that follow it.
  void PrepareFullSchema(int n) {
    for (const auto& [name, sql] : schema::Catalogue::Builtin().FullSchema(n, engine())) {
      conn().ExecuteScript(sql);
    }
  }
  // The options a server would read from this database.
  storage::StoreOptions Options() { return storage::StoreOptions::Read(conn(), false); }
  storage::Connection& conn() { return db_->conn(); }

  std::unique_ptr<ScratchDatabase> db_;
};

}  // namespace strata::testing
