// Helpers for upgrade tests: act as a release on a database the way `strata` does.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "background/updater.h"
#include "schema/catalogue.h"
#include "schema/prepare_database.h"
#include "storage/database.h"

namespace strata::testing {

inline const schema::Release& ReleaseNamed(const std::string& name) {
  const schema::Release* r = schema::Catalogue::Builtin().Find(name);
  if (!r) throw std::runtime_error("no catalogued release " + name);
  return *r;
}

// Prepares the schema as `release` and, if asked, runs every background update to completion
// with that release's runner. Fails the test on a refused upgrade.
inline schema::PrepareReport ActAs(storage::Connection& conn, const std::string& release,
                                   bool run_updates = true,
                                   const std::string& server_name = "localhost") {
  const auto& r = ReleaseNamed(release);
  schema::PrepareOptions options;
  options.server_name = server_name;
  auto report = schema::PrepareDatabase(conn, schema::Catalogue::Builtin(), r, options);
  EXPECT_TRUE(report.ok()) << release << ": " << report.status().message();
  if (!report.ok()) return {};
  if (run_updates) {
    background::UpdateSettings settings;
    settings.server_name = server_name;
    background::BackgroundUpdater updater(conn, background::HandlerRegistry::Builtin(), r.runner,
                                          settings);
    updater.RunToCompletion();
  }
  return *report;
}

}  // namespace strata::testing
