// The background updater: runs the rows of `background_updates` to completion in batches, with
// either historical behaviour (facts §3.3):
//   round robin (<= 1.12.x): every eligible update runs, one batch each in turn;
//   one at a time (>= 1.13.0): the first eligible by (ordering, update_name), until it ends.
// Batches are sized as Synapse sizes them: 100 items first, then enough for the desired
// duration at the update's moving-average speed, never below 100.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "background/update_handler.h"
#include "schema/catalogue.h"
#include "storage/background_updates/background_update_store.h"
#include "storage/database.h"

namespace strata::background {

inline constexpr int64_t kMinimumBatchSize = 100;
inline constexpr int64_t kDefaultBatchSize = 100;
inline constexpr std::chrono::milliseconds kBatchDuration{100};   // work per batch
inline constexpr std::chrono::milliseconds kBatchInterval{1000};  // pause between batches

// One row of background_updates as the runner sees it.
struct PendingUpdate {
  std::string name;
  std::string progress_json;
  std::optional<std::string> depends_on;
  int ordering = 0;
  enum class State { kRunnable, kWaiting, kUnknown } state = State::kRunnable;
  std::string why;  // for kWaiting/kUnknown: what it waits for, or "no handler in Strata"
};

// Reads background_updates with each row's state. Reads only.
std::vector<PendingUpdate> ListPendingUpdates(storage::Connection& conn,
                                              const HandlerRegistry& registry);

struct BatchRecord {
  std::string update;
  int64_t batch_size = 0;
  int64_t items = 0;
  bool finished = false;
  std::chrono::microseconds duration{0};
};

struct RunReport {
  std::vector<std::string> completed;  // updates that ended, in order
  std::vector<PendingUpdate> left;     // rows still in the table, with why
  int64_t batches = 0;
  std::map<std::string, int64_t> items;  // per update
};

class BackgroundUpdater {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  BackgroundUpdater(storage::Connection& conn, const HandlerRegistry& registry,
                    schema::BackgroundRunner mode, UpdateSettings settings,
                    Clock clock = std::chrono::steady_clock::now);

  // Runs one batch of the update the mode picks, in one transaction. nullopt when nothing is
  // runnable (all done, or only unknown updates and those waiting on them are left).
  // Throws storage::DatabaseError if the batch failed (it was rolled back).
  std::optional<BatchRecord> RunOneBatch(std::chrono::milliseconds desired = kBatchDuration);

  // Runs batches back to back until nothing is runnable (the offline mode). `on_batch` sees
  // every batch, e.g. to print progress. Stops early if `should_stop` says so.
  RunReport RunToCompletion(const std::function<void(const BatchRecord&)>& on_batch = {},
                            const std::function<bool()>& should_stop = {});

  // Updates whose batch failed, with the error: passed over until Retry(name).
  const std::map<std::string, std::string>& failures() const { return failed_; }
  // Clears `name`'s failure so the runner picks it again (a no-op if it had not failed).
  void Retry(const std::string& name);

  // Fault injection for crash tests: called inside each batch's transaction, after the handler
  // ran and before the commit (a test hook may kill the process there).
  void SetBeforeCommitHook(std::function<void(const BatchRecord&)> hook) {
    before_commit_ = std::move(hook);
  }

 private:
  std::optional<std::string> PickRoundRobin();
  std::optional<std::string> PickOneAtATime();
  int64_t NextBatchSize(const std::string& update, std::chrono::milliseconds desired) const;

  struct Performance {  // moving averages, per update, as Synapse keeps them
    int64_t total_items = 0;
    double avg_items = 0;
    double avg_duration_ms = 0;
  };

  storage::Connection& conn_;
  const HandlerRegistry& registry_;
  schema::BackgroundRunner mode_;
  UpdateSettings settings_;
  Clock clock_;
  storage::BackgroundUpdateStore store_;
  std::deque<std::string> queue_;       // round robin
  std::optional<std::string> current_;  // one at a time
  std::map<std::string, Performance> performance_;
  std::map<std::string, std::string> failed_;  // update -> error; passed over until Retry
  std::function<void(const BatchRecord&)> before_commit_;
};

// What the serving server's updater thread and the admin API share: the updater publishes its
// failures here, start_job asks for a failed update to be retried, and the status endpoint
// reports failures. Thread-safe.
class FailureBoard {
 public:
  // Replaces the published failures, leaving out those with a retry not yet taken.
  void Publish(const std::map<std::string, std::string>& failures);
  // Forgets `name`'s failure now and asks the updater to run it again.
  void RequestRetry(const std::string& name);
  // The retries asked for since the last call, for the updater to apply.
  std::set<std::string> TakeRetries();
  std::map<std::string, std::string> Failures() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::string> failures_;
  std::set<std::string> retries_;
};

}  // namespace strata::background
