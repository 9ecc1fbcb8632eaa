// `strata --upgrade-only [--run-background-updates]`: prepare the schema as a release would,
// optionally run every pending background update to completion at full speed (like Synapse's
// update_synapse_database --run-background-updates), print what was done, and exit.
#pragma once

#include <functional>
#include <ostream>

#include "background/updater.h"
#include "schema/catalogue.h"
#include "storage/database.h"

namespace strata::app {

struct OfflineUpgradeOptions {
  bool run_background_updates = false;
  background::UpdateSettings settings;  // server_name and the stats block
  // Called before each schema file is applied (progress display, crash-test hooks).
  std::function<void(const std::string& file)> before_delta;
  // Called with the updater before it runs (crash-test hooks).
  std::function<void(background::BackgroundUpdater&)> prepare_updater;
};

// Returns the process exit status: 0 done, 1 refused or failed (the message says why).
int RunOfflineUpgrade(storage::Connection& conn, const schema::Catalogue& catalogue,
                      const schema::Release& release, const OfflineUpgradeOptions& options,
                      std::ostream& out, std::ostream& err);

}  // namespace strata::app
