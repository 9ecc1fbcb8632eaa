#include "app/homeserver_main.h"

#include <signal.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

#include "app/offline_upgrade.h"
#include "background/updater.h"
#include "config/command_line.h"
#include "config/generate_config.h"
#include "config/homeserver_config.h"
#include "config/startup_checks.h"
#include "crypto/signing_key.h"
#include "handlers/services.h"
#include "http/routes/mount.h"
#include "http/server_app.h"
#include "schema/catalogue.h"
#include "schema/prepare_database.h"
#include "storage/connection_pool.h"
#include "storage/engine_checks.h"
#include "storage/open_database.h"
#include "util/logging.h"

namespace strata::app {
namespace {

constexpr const char* kProgram = "strata";

void PrintReleases(const schema::Catalogue& catalogue) {
  for (const auto& r : catalogue.releases()) {
    std::cout << r.name << "\tschema " << r.schema_version << "\t"
              << (r.runner == schema::BackgroundRunner::kRoundRobin ? "round-robin updates"
                                                                    : "one-at-a-time updates")
              << "\t"
              << (r.directory == schema::RoomDirectorySource::kCurrentState
                      ? "directory from current state"
                      : "directory from stats tables")
              << "\n";
  }
}

// Test hooks for crash-recovery tests: kill -9 ourselves at a chosen point of a migration.
//   STRATA_CRASH_BEFORE_DELTA=<file>   while upgrading, just before applying that schema file
//   STRATA_CRASH_IN_BATCH=<update>:<n> inside the n-th batch of that update, before its commit
//   STRATA_SLOW_DELTA=<file>:<ms>      sleep that long before applying the file (so a test can
//                                      watch the 503 maintenance answers)
void DeltaHooks(const std::string& file) {
  static const char* crash = std::getenv("STRATA_CRASH_BEFORE_DELTA");
  if (crash && file == crash) ::raise(SIGKILL);
  static const char* slow = std::getenv("STRATA_SLOW_DELTA");
  if (slow) {
    std::string spec = slow;
    auto colon = spec.rfind(':');
    if (colon != std::string::npos && spec.substr(0, colon) == file) {
      std::this_thread::sleep_for(std::chrono::milliseconds(std::atoi(spec.c_str() + colon + 1)));
    }
  }
}

void InstallBatchCrashHook(background::BackgroundUpdater& updater) {
  const char* spec = std::getenv("STRATA_CRASH_IN_BATCH");
  if (!spec) return;
  std::string text = spec;
  auto colon = text.rfind(':');
  if (colon == std::string::npos) return;
  std::string update = text.substr(0, colon);
  int n = std::atoi(text.c_str() + colon + 1);
  auto seen = std::make_shared<int>(0);
  updater.SetBeforeCommitHook([update, n, seen](const background::BatchRecord& batch) {
    if (batch.update == update && ++*seen == n) ::raise(SIGKILL);
  });
}

background::UpdateSettings UpdateSettingsFrom(const config::HomeserverConfig& config) {
  background::UpdateSettings settings;
  settings.server_name = config.server_name;
  settings.stats_enabled = config.stats.enabled;
  settings.stats_bucket_size_ms = config.stats.bucket_size_ms;
  return settings;
}

// Runs background updates while serving, Synapse's polite way: one batch of ~100 ms, then a
// one-second pause, until none is left or the server stops.
class PoliteUpdater {
 public:
  // `enabled` is the admin API's pause switch (background_updates/enabled); `failures` is where
  // failed updates are published and start_job's retries arrive; `after_batch` runs after each
  // batch that did work (statistics and the room list may have changed).
  PoliteUpdater(storage::DatabaseSettings settings, schema::BackgroundRunner mode,
                background::UpdateSettings update_settings, const std::atomic<bool>& enabled,
                background::FailureBoard& failures, std::function<void()> after_batch)
      : enabled_(enabled),
        failures_(failures),
        after_batch_(std::move(after_batch)),
        thread_([this, settings, mode, update_settings] { Run(settings, mode, update_settings); }) {
  }
  ~PoliteUpdater() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  void Run(const storage::DatabaseSettings& settings, schema::BackgroundRunner mode,
           const background::UpdateSettings& update_settings) {
    auto conn = storage::OpenDatabase(settings);
    if (!conn.ok()) {
      STRATA_LOG(Error, "strata.background") << "cannot open the database for background "
                                                "updates: "
                                             << conn.status().message();
      return;
    }
    background::BackgroundUpdater updater(**conn, background::HandlerRegistry::Builtin(), mode,
                                          update_settings);
    InstallBatchCrashHook(updater);
    bool idle = false;
    while (true) {
      {
        std::unique_lock lock(mu_);
        if (cv_.wait_for(lock, background::kBatchInterval, [this] { return stop_; })) return;
      }
      if (!enabled_.load()) continue;
      for (const auto& name : failures_.TakeRetries()) {
        STRATA_LOG(Info, "strata.background") << "Retrying background update " << name;
        updater.Retry(name);
      }
      try {
        auto batch = updater.RunOneBatch();
        if (!batch) {
          // Stay alive, idle: the admin API's start_job queues new updates (or retries failed
          // ones) while serving, and they must run without a restart.
          if (!idle) {
            STRATA_LOG(Info, "strata.background")
                << (updater.failures().empty()
                        ? "No more background updates to do; waiting for new ones."
                        : "No more background updates to do but failed ones; waiting for new "
                          "ones or a retry (start_job).");
          }
          idle = true;
        } else {
          idle = false;
          after_batch_();
          if (batch->finished) {
            STRATA_LOG(Info, "strata.background")
                << "background update " << batch->update << " finished";
          }
        }
      } catch (const std::exception& e) {
        STRATA_LOG(Error, "strata.background") << "Error doing update: " << e.what();
      }
      failures_.Publish(updater.failures());
    }
  }

  const std::atomic<bool>& enabled_;
  background::FailureBoard& failures_;
  const std::function<void()> after_batch_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

// The server's signing key. A configured signing_key_path must exist (a lost key changes the
// server's identity, so Strata does not quietly replace it); without one, the key lives beside
// the config as <server_name>.signing.key and is created on first start.
Result<crypto::SigningKey> LoadOrCreateSigningKey(const config::HomeserverConfig& config,
                                                  const std::vector<std::string>& config_paths) {
  if (!config.signing_key_path.empty()) return crypto::SigningKey::Load(config.signing_key_path);
  std::filesystem::path dir =
      config_paths.empty() ? "." : std::filesystem::path(config_paths.front()).parent_path();
  std::string path = (dir / (config.server_name + ".signing.key")).string();
  if (std::filesystem::exists(path)) return crypto::SigningKey::Load(path);
  crypto::SigningKey key = crypto::SigningKey::Generate();
  if (Status s = key.Save(path); !s.ok()) return s;
  STRATA_LOG(Info, "strata") << "Generated signing key " << path;
  return key;
}

// Process limits for a server that holds thousands of clients. Each held connection is a
// file descriptor: the soft open-file limit is raised to the hard one, as Synapse does with its
// default soft_file_limit of 0. (Memory: the server links jemalloc; see server/CMakeLists.txt.)
void SetProcessLimits() {
  rlimit files{};
  if (::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &files) != 0) {
      STRATA_LOG(Warning, "strata") << "Could not raise the open-file limit to " << files.rlim_max;
    }
  }
}

int WaitForStopSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  int sig = 0;
  sigwait(&set, &sig);
  return sig;
}

}  // namespace

int HomeserverMain(int argc, char** argv) {
  SetProcessLimits();
  auto cl = config::ParseCommandLine(argc, argv);
  if (!cl.ok()) {
    std::cerr << kProgram << ": error: " << cl.status().message() << "\n"
              << config::UsageHint(kProgram) << "\n";
    return config::kUsageExitStatus;
  }
  if (cl->help) {
    std::cout << config::HelpText(kProgram);
    return 0;
  }
  const schema::Catalogue& catalogue = schema::Catalogue::Builtin();
  if (cl->version) {
    std::cout << http::ServerVersionString(catalogue.newest().name) << "\n";
    return 0;
  }
  if (cl->list_releases) {
    PrintReleases(catalogue);
    return 0;
  }
  if (cl->generate_config) return config::RunGenerateConfig(*cl, kProgram, std::cout, std::cerr);

  const schema::Release* release = &catalogue.newest();
  if (cl->as_release) {
    release = catalogue.Find(*cl->as_release);
    if (!release) {
      std::cerr << kProgram << ": error: --as-release " << *cl->as_release
                << " is not a catalogued release (see --list-releases)\n";
      return config::kUsageExitStatus;
    }
  }

  // Block the stop signals before any thread starts, so only sigwait() sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto loaded = config::LoadConfigFiles(cl->config_paths);
  config::CheckOptions check_options;
  check_options.only = catalogue.StartupChecks(*release);
  check_options.log_file_flag = cl->log_file.has_value();
  auto checked = config::CheckLoadedConfig(loaded, release->config_defaults, check_options);
  if (!checked.ok()) {
    std::cerr << kProgram << ": error: " << checked.status().message() << "\n";
    return 1;
  }
  const std::vector<config::Problem>& problems = *checked;
  for (const auto& p : problems) std::cerr << p.ToString() << "\n";
  if (config::HasErrors(problems)) return 1;

  if (!loaded.config.log_config.empty()) {
    std::vector<std::string> warnings;
    if (Status s = logging::ConfigureFromFile(loaded.config.log_config, &warnings); !s.ok()) {
      std::cerr << kProgram << ": error: log_config: " << s.message() << "\n";
      return 1;
    }
    for (const auto& w : warnings) std::cerr << kProgram << ": warning: " << w << "\n";
  }
  logging::ScopedRequest request_context("main");

  const storage::DatabaseSettings db_settings = loaded.config.database.ToSettings();
  auto conn = storage::OpenDatabase(db_settings);
  if (!conn.ok()) {
    std::cerr << kProgram << ": error: database: " << conn.status().message() << "\n";
    return 1;
  }
  storage::EngineCheckOptions engine_options;
  engine_options.new_database = storage::IsNewDatabase(**conn);
  engine_options.only = catalogue.StartupChecks(*release);
  for (const auto& p : storage::CheckEngine(**conn, engine_options)) {
    if (p.fatal) {
      std::cerr << kProgram << ": error: " << p.message << "\n";
      return 1;
    }
    STRATA_LOG(Warning, "strata.storage") << p.message;
  }

  const background::UpdateSettings update_settings = UpdateSettingsFrom(loaded.config);
  if (cl->upgrade_only) {
    OfflineUpgradeOptions options;
    options.run_background_updates = cl->run_background_updates;
    options.settings = update_settings;
    options.before_delta = DeltaHooks;
    options.prepare_updater = InstallBatchCrashHook;
    return RunOfflineUpgrade(**conn, catalogue, *release, options, std::cout, std::cerr);
  }

  // Serve 503 with progress while the schema is prepared, instead of Synapse's silence.
  http::HomeserverHttpOptions http_options;
  http_options.synapse_release = release->name;
  http::HomeserverHttp http(http_options);
  http.SetMaintenance(
      nlohmann::json{{"progress", "Preparing the database schema"}, {"release", release->name}});
  if (Status s = http.Start(loaded.config); !s.ok()) {
    std::cerr << kProgram << ": error: " << s.message() << "\n";
    return 1;
  }
  schema::PrepareOptions prepare;
  prepare.server_name = loaded.config.server_name;
  prepare.on_progress = [&](const std::string& file, size_t index, size_t total) {
    STRATA_LOG(Info, "strata.schema") << "Applying schema file " << file;
    http.SetMaintenance(nlohmann::json{{"progress", "Upgrading the database schema"},
                                       {"release", release->name},
                                       {"delta", file},
                                       {"step", index + 1},
                                       {"steps", total}});
    DeltaHooks(file);
  };
  auto prepared = schema::PrepareDatabase(**conn, catalogue, *release, prepare);
  if (!prepared.ok()) {
    http.Stop();
    std::cerr << kProgram << ": error: " << prepared.status().message() << "\n";
    return 1;
  }
  STRATA_LOG(Info, "strata.schema")
      << "Database at schema version " << prepared->to_version << " (" << prepared->applied.size()
      << " schema file(s) applied), behaving as Synapse " << release->name;
  (*conn).reset();  // request threads use the pool from here on

  auto key = LoadOrCreateSigningKey(loaded.config, cl->config_paths);
  if (!key.ok()) {
    http.Stop();
    std::cerr << kProgram << ": error: signing_key_path: " << key.status().message() << "\n";
    return 1;
  }
  auto pool =
      storage::ConnectionPool::Open([&] { return storage::OpenServingDatabase(db_settings); },
                                    static_cast<size_t>(loaded.config.database.cp_max));
  if (!pool.ok()) {
    http.Stop();
    std::cerr << kProgram << ": error: database: " << pool.status().message() << "\n";
    return 1;
  }
  handlers::Services services(**pool, loaded.config, *release, *key);
  http::MountAll(http.server(), services);
  http.SetMaintenance(std::nullopt);

  {
    PoliteUpdater updater(db_settings, release->runner, update_settings,
                          services.background_updates_enabled, services.background_failures,
                          [&services] {
                            // A batch committed on the updater's own connection: what the
                            // stores and the room list cached may be stale now.
                            services.stores.ForgetCachedNow();
                            services.public_rooms.Changed();
                          });
    int sig = WaitForStopSignal();
    STRATA_LOG(Info, "strata") << "Received signal " << sig << ": shutting down";
  }
  http.Stop();
  return 0;
}

}  // namespace strata::app
