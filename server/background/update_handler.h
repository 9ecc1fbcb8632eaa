// What a background update handler is given and must do (facts §3.2).
//
// A handler runs one batch: it does up to `batch_size` items of work, then either records its
// progress (SaveProgress) or ends the update (Finish), and returns how many items it did. The
// runner wraps each batch, work and progress together, in one transaction, so a crash mid-batch
// loses only that batch and a restart resumes from the last saved progress.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "storage/background_updates/background_update_store.h"
#include "storage/database.h"
#include "storage/store_options.h"

namespace strata::background {

// Settings handlers read: the config's `stats` block and who "local" users are.
struct UpdateSettings {
  std::string server_name;
  bool stats_enabled = true;
  int64_t stats_bucket_size_ms = 24 * 3600 * 1000;
  // The wall clock handlers stamp rows with, in ms since the epoch; unset: the system clock.
  // Tests set it so that no handler reads the real time.
  std::function<int64_t()> now_ms;
};

class BatchContext {
 public:
  BatchContext(storage::Connection& conn, std::string update_name, const UpdateSettings& settings);

  storage::Connection& conn() { return conn_; }
  const std::string& update_name() const { return name_; }
  const UpdateSettings& settings() const { return settings_; }
  // What the stores a handler makes are told: the connection's engine. Handlers run on any
  // schema an upgrade passes through, so no schema features are read.
  const storage::StoreOptions& store_options() const { return options_; }
  // Now, in ms since the epoch, from settings().now_ms.
  int64_t NowMs() const;

  // Records progress_json for the next batch.
  void SaveProgress(const nlohmann::json& progress);
  // Ends the update: its row leaves background_updates.
  void Finish();
  bool finished() const { return finished_; }

 private:
  storage::Connection& conn_;
  std::string name_;
  const UpdateSettings& settings_;
  storage::StoreOptions options_;
  storage::BackgroundUpdateStore store_;
  bool finished_ = false;
};

// Does one batch; returns the number of items processed.
using UpdateHandler =
    std::function<int64_t(BatchContext& ctx, const nlohmann::json& progress, int64_t batch_size)>;

// The updates Strata knows, by name. Names not in here are "unknown": reported, left in the
// table, and passed over by the runner.
class HandlerRegistry {
 public:
  void Register(const std::string& name, UpdateHandler handler) {
    handlers_[name] = std::move(handler);
  }
  const UpdateHandler* Find(const std::string& name) const {
    auto it = handlers_.find(name);
    return it == handlers_.end() ? nullptr : &it->second;
  }
  const std::map<std::string, UpdateHandler>& all() const { return handlers_; }

  // Every handler Strata ships (handlers/*.cc).
  static const HandlerRegistry& Builtin();

 private:
  std::map<std::string, UpdateHandler> handlers_;
};

// Registration functions, one per handler family (handlers/*.cc).
void RegisterIndexUpdates(HandlerRegistry& registry);
void RegisterMembershipUpdates(HandlerRegistry& registry);
void RegisterStatsUpdates(HandlerRegistry& registry);
void RegisterDataFillUpdates(HandlerRegistry& registry);

}  // namespace strata::background
