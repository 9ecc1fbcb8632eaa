// GroupCommit: concurrent writers share one transaction, and so one commit (one fsync).
//
// A send used to be one transaction of its own behind the writer lock; with SQLite's
// synchronous=FULL each waited for its own fsync. Here the first caller to arrive while no
// batch is running leads: it takes the pool's writer, runs every queued piece of work in turn,
// each in its own savepoint, and commits once; everyone whose work was in the batch returns
// after that commit. Synapse's per-room persistence queue batched events the same way.
//
// Promises:
//  - Run returns only after the transaction holding the work's writes has committed: an
//    answer given from its result is durable.
//  - Work runs in the order callers queued it, on the writer connection, inside a savepoint;
//    later work in a batch sees earlier work's writes.
//  - If the work throws, only its own writes are undone and the exception reaches its caller
//    alone; the rest of the batch still commits. If the commit fails, every caller of the
//    batch gets that error and none of its writes are kept.
//  - What the work queues with Connection::AtTransactionEnd runs after the batch's commit (or
//    rollback): the place for notifications that others may now read the writes.
//  - The work runs on whichever thread leads, not necessarily the caller's.
//
// REQUIRES: the caller holds no lease of the pool (the leader needs the writer), and the work
// does not call Run again.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <type_traits>
#include <utility>

#include "storage/connection_pool.h"

namespace strata::storage {

class GroupCommit {
 public:
  explicit GroupCommit(ConnectionPool& pool, size_t max_batch = kDefaultMaxBatch);

  template <typename Work>
  std::invoke_result_t<Work&, Connection&> Run(Work&& work) {
    using Result = std::invoke_result_t<Work&, Connection&>;
    if constexpr (std::is_void_v<Result>) {
      Submit([&](Connection& conn) { work(conn); });
    } else {
      std::optional<Result> result;
      Submit([&](Connection& conn) { result.emplace(work(conn)); });
      return std::move(*result);
    }
  }

  // Committed batches and the work they held, since start (for benchmarks and metrics).
  uint64_t batches() const;
  uint64_t items() const;

  static constexpr size_t kDefaultMaxBatch = 64;

 private:
  struct Item {
    std::function<void(Connection&)> run;
    std::exception_ptr error;
    bool done = false;
  };
  void Submit(std::function<void(Connection&)> run);
  // Runs up to max_batch_ queued items as one transaction. Called with mu_ held; releases it
  // while the batch runs.
  void Lead(std::unique_lock<std::mutex>& lock);

  ConnectionPool& pool_;
  const size_t max_batch_;
  mutable std::mutex mu_;
  std::condition_variable finished_;
  std::deque<Item*> queue_;
  bool leading_ = false;
  uint64_t batches_ = 0;
  uint64_t items_ = 0;
};

}  // namespace strata::storage
