#include "background/updater.h"

#include <chrono>
#include <set>
#include <utility>

#include "util/clock.h"

namespace strata::background {

using storage::Connection;

BatchContext::BatchContext(Connection& conn, std::string update_name,
                           const UpdateSettings& settings)
    : conn_(conn),
      name_(std::move(update_name)),
      settings_(settings),
      options_{conn.engine(), {}, false},
      store_(options_) {}

int64_t BatchContext::NowMs() const {
  if (settings_.now_ms) return settings_.now_ms();
  return WallClockMs();
}

void BatchContext::SaveProgress(const nlohmann::json& progress) {
  store_.SaveProgress(conn_, name_, progress.dump());
}

void BatchContext::Finish() {
  store_.Remove(conn_, name_);
  finished_ = true;
}

std::vector<PendingUpdate> ListPendingUpdates(Connection& conn, const HandlerRegistry& registry) {
  std::vector<PendingUpdate> out;
  const storage::BackgroundUpdateStore store(storage::StoreOptions{conn.engine(), {}, false});
  std::set<std::string> names;
  for (auto& row : store.List(conn)) {
    PendingUpdate u;
    u.name = std::move(row.name);
    u.progress_json = std::move(row.progress_json);
    u.depends_on = std::move(row.depends_on);
    u.ordering = row.ordering;
    names.insert(u.name);
    out.push_back(std::move(u));
  }
  for (auto& u : out) {
    if (!registry.Find(u.name)) {
      u.state = PendingUpdate::State::kUnknown;
      u.why = "Strata has no handler for this update; left in the table";
    } else if (u.depends_on && !u.depends_on->empty() && names.count(*u.depends_on)) {
      u.state = PendingUpdate::State::kWaiting;
      u.why = "waits for " + *u.depends_on;
      if (!registry.Find(*u.depends_on)) u.why += ", which Strata has no handler for";
    }
  }
  return out;
}

BackgroundUpdater::BackgroundUpdater(Connection& conn, const HandlerRegistry& registry,
                                     schema::BackgroundRunner mode, UpdateSettings settings,
                                     Clock clock)
    : conn_(conn),
      registry_(registry),
      mode_(mode),
      settings_(std::move(settings)),
      clock_(std::move(clock)),
      store_(storage::StoreOptions{conn.engine(), {}, false}) {}

std::optional<std::string> BackgroundUpdater::PickRoundRobin() {
  if (queue_.empty()) {
    // Built only when empty, as Synapse did: an update whose dependency is pending now is not
    // added until the queue next runs dry.
    auto rows = store_.InNaturalOrder(conn_);
    std::set<std::string> in_flight;
    for (const auto& row : rows) in_flight.insert(row.name);
    for (const auto& row : rows) {
      const std::string& name = row.name;
      if (!registry_.Find(name) || failed_.count(name)) continue;
      if (!row.depends_on || !in_flight.count(*row.depends_on)) queue_.push_back(name);
    }
  }
  if (queue_.empty()) return std::nullopt;
  std::string name = queue_.front();
  queue_.pop_front();
  queue_.push_back(name);
  return name;
}

std::optional<std::string> BackgroundUpdater::PickOneAtATime() {
  if (current_) {
    if (store_.IsQueued(conn_, *current_)) return current_;
    current_.reset();  // someone removed it under us
  }
  auto rows = store_.InOrdering(conn_);
  std::set<std::string> pending;
  for (const auto& row : rows) pending.insert(row.name);
  for (const auto& row : rows) {
    const std::string& name = row.name;
    if (!registry_.Find(name) || failed_.count(name)) continue;
    const std::string dep = row.depends_on.value_or("");
    if (dep.empty() || !pending.count(dep)) {
      current_ = name;
      return current_;
    }
  }
  return std::nullopt;
}

int64_t BackgroundUpdater::NextBatchSize(const std::string& update,
                                         std::chrono::milliseconds desired) const {
  auto it = performance_.find(update);
  if (it == performance_.end() || it->second.avg_duration_ms == 0) {
    return kMinimumBatchSize;  // no measurement yet: Synapse's speed estimate is 0 -> clamped
  }
  const Performance& p = it->second;
  if (p.total_items == 0) return kDefaultBatchSize;
  auto size =
      static_cast<int64_t>(static_cast<double>(desired.count()) * p.avg_items / p.avg_duration_ms);
  return std::max(size, kMinimumBatchSize);
}

std::optional<BatchRecord> BackgroundUpdater::RunOneBatch(std::chrono::milliseconds desired) {
  std::optional<std::string> name;
  std::optional<std::string> progress_text;
  // A picked update may have vanished (ended elsewhere); pick again until one is really there.
  for (int attempt = 0; attempt < 1000; ++attempt) {
    name = mode_ == schema::BackgroundRunner::kRoundRobin ? PickRoundRobin() : PickOneAtATime();
    if (!name) return std::nullopt;
    progress_text = store_.Progress(conn_, *name);
    if (progress_text) break;
    std::erase(queue_, *name);
    if (current_ == name) current_.reset();
  }
  if (!progress_text) return std::nullopt;

  nlohmann::json progress = nlohmann::json::parse(*progress_text, nullptr, false);
  if (progress.is_discarded() || !progress.is_object()) {
    failed_[*name] = "progress_json is not a JSON object: " + *progress_text;
    std::erase(queue_, *name);
    current_.reset();
    throw storage::DatabaseError("background update " + *name + ": " + failed_[*name]);
  }

  BatchRecord record;
  record.update = *name;
  record.batch_size = NextBatchSize(*name, desired);
  const UpdateHandler& handler = *registry_.Find(*name);
  auto start = clock_();
  try {
    storage::Transaction txn(conn_);
    BatchContext ctx(conn_, *name, settings_);
    record.items = handler(ctx, progress, record.batch_size);
    record.finished = ctx.finished();
    if (before_commit_) before_commit_(record);
    txn.Commit();
  } catch (const std::exception& e) {
    failed_[*name] = e.what();
    std::erase(queue_, *name);
    if (current_ == name) current_.reset();
    throw storage::DatabaseError("background update " + *name +
                                 " failed (batch rolled back): " + e.what());
  }
  record.duration = std::chrono::duration_cast<std::chrono::microseconds>(clock_() - start);

  Performance& perf = performance_[*name];
  const double duration_ms = static_cast<double>(record.duration.count()) / 1000.0;
  perf.total_items += record.items;
  perf.avg_items += 0.1 * (static_cast<double>(record.items) - perf.avg_items);
  perf.avg_duration_ms += 0.1 * (duration_ms - perf.avg_duration_ms);

  if (record.finished) {
    std::erase(queue_, *name);
    if (current_ == name) current_.reset();
  }
  return record;
}

void BackgroundUpdater::Retry(const std::string& name) {
  failed_.erase(name);
  queue_.clear();  // rebuilt on the next pick, now with `name` in it
}

RunReport BackgroundUpdater::RunToCompletion(
    const std::function<void(const BatchRecord&)>& on_batch,
    const std::function<bool()>& should_stop) {
  RunReport report;
  while (!should_stop || !should_stop()) {
    std::optional<BatchRecord> batch;
    try {
      batch = RunOneBatch();
    } catch (const storage::DatabaseError&) {
      continue;  // recorded in failed_; the runner passes over it from now on
    }
    if (!batch) break;
    ++report.batches;
    report.items[batch->update] += batch->items;
    if (batch->finished) report.completed.push_back(batch->update);
    if (on_batch) on_batch(*batch);
  }
  report.left = ListPendingUpdates(conn_, registry_);
  for (auto& u : report.left) {
    if (auto it = failed_.find(u.name); it != failed_.end()) {
      u.state = PendingUpdate::State::kWaiting;
      u.why = "failed: " + it->second;
    }
  }
  return report;
}

void FailureBoard::Publish(const std::map<std::string, std::string>& failures) {
  std::lock_guard lock(mu_);
  failures_.clear();
  for (const auto& [name, error] : failures) {
    if (!retries_.count(name)) failures_.emplace(name, error);
  }
}

void FailureBoard::RequestRetry(const std::string& name) {
  std::lock_guard lock(mu_);
  failures_.erase(name);
  retries_.insert(name);
}

std::set<std::string> FailureBoard::TakeRetries() {
  std::lock_guard lock(mu_);
  return std::exchange(retries_, {});
}

std::map<std::string, std::string> FailureBoard::Failures() const {
  std::lock_guard lock(mu_);
  return failures_;
}

}  // namespace strata::background
