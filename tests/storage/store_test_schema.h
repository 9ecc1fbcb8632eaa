// For the store tests: a scratch database prepared to a catalogued release's schema, and the
// StoreOptions a server would read from it.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "schema/catalogue.h"
#include "schema/prepare_database.h"
#include "storage/store_options.h"

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
                                              const schema::Release& release) {
  schema::PrepareOptions options;
  options.server_name = "localhost";
  auto report = schema::PrepareDatabase(conn, schema::Catalogue::Builtin(), release, options);
  EXPECT_TRUE(report.ok()) << report.status().message();
  return storage::StoreOptions::Read(conn, false);
}

}  // namespace strata::testing
