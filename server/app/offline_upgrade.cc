#include "app/offline_upgrade.h"

#include <map>

#include "background/updater.h"
#include "schema/prepare_database.h"

namespace strata::app {

int RunOfflineUpgrade(storage::Connection& conn, const schema::Catalogue& catalogue,
                      const schema::Release& release, const OfflineUpgradeOptions& options,
                      std::ostream& out, std::ostream& err) {
  schema::PrepareOptions prepare;
  prepare.server_name = options.settings.server_name;
  prepare.on_progress = [&](const std::string& file, size_t, size_t) {
    if (options.before_delta) options.before_delta(file);
  };
  auto report = schema::PrepareDatabase(conn, catalogue, release, prepare);
  if (!report.ok()) {
    err << "strata: " << report.status().message() << "\n";
    return 1;
  }
  out << "Database: " << conn.Describe() << "\n";
  out << "Behaving as Synapse " << release.name << " (schema version " << release.schema_version
      << ")\n";
  if (report->new_database) {
    out << "New database: created from full schema " << release.full_schema << "\n";
  } else {
    out << "Upgraded from schema version " << *report->from_version << "\n";
  }
  out << "Schema version: " << report->to_version << "\n";
  out << "Applied " << report->applied.size() << " schema file(s)\n";
  for (const auto& file : report->applied) out << "  " << file << "\n";

  const auto& registry = background::HandlerRegistry::Builtin();
  std::vector<background::PendingUpdate> left;
  if (options.run_background_updates) {
    out << "Running background updates ("
        << (release.runner == schema::BackgroundRunner::kRoundRobin ? "round robin, as <= 1.12"
                                                                    : "one at a time, as >= 1.13")
        << ")\n";
    background::BackgroundUpdater updater(conn, registry, release.runner, options.settings);
    if (options.prepare_updater) options.prepare_updater(updater);
    std::map<std::string, int64_t> batches;
    std::map<std::string, int64_t> items;
    auto run = updater.RunToCompletion([&](const background::BatchRecord& batch) {
      ++batches[batch.update];
      items[batch.update] += batch.items;
      if (batch.finished) {
        out << "  ran " << batch.update << ": " << batches[batch.update] << " batch(es), "
            << items[batch.update] << " item(s)\n";
      }
    });
    out << "Background updates run: " << run.completed.size() << "\n";
    left = run.left;  // carries failures too
  } else {
    left = background::ListPendingUpdates(conn, registry);
  }
  out << "Background updates left: " << left.size() << "\n";
  for (const auto& u : left) {
    out << "  " << u.name;
    if (!u.why.empty()) out << ": " << u.why;
    out << "\n";
  }
  return 0;
}

}  // namespace strata::app
