// Store-test set-up: a database prepared to a catalogued release's schema and the StoreOptions
// a server would read from it, as free functions and as a fixture over a scratch database on
// each engine (newest release, or an older full schema for schema-dependent SQL).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "schema/catalogue.h"
#include "schema/prepare_database.h"
#include "storage/store_options.h"
#include "support/test_support.h"

namespace strata::testing {

// The oldest schema the catalogue knows (no current_state_events.membership, no
// rooms.room_version) and the newest (both).
inline const schema::Release& OldestSchemaRelease() {
  return schema::Catalogue::Builtin().releases().front();
}
inline const schema::Release& NewestSchemaRelease() {
  return schema::Catalogue::Builtin().newest();
}

// Prepares `conn` to `release` and reads its options. Fails the test if preparing fails.
inline storage::StoreOptions PrepareForStores(storage::Connection& conn,
                                              const schema::Release& release,
                                              const std::string& server_name = "localhost") {
  schema::PrepareOptions options;
  options.server_name = server_name;
  auto report = schema::PrepareDatabase(conn, schema::Catalogue::Builtin(), release, options);
  EXPECT_TRUE(report.ok()) << report.status().message();
  return storage::StoreOptions::Read(conn, false);
}

class PreparedStoreTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    db_ = std::make_unique<ScratchDatabase>(engine());
  }
  // The newest release's schema, as `strata` prepares a new database.
  void PrepareNewest() { PrepareForStores(conn(), NewestSchemaRelease(), "example.com"); }
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
