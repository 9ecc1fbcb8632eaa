#include "storage/group_commit.h"

#include <vector>

namespace strata::storage {

GroupCommit::GroupCommit(ConnectionPool& pool, size_t max_batch)
    : pool_(pool), max_batch_(max_batch == 0 ? 1 : max_batch) {}

void GroupCommit::Submit(std::function<void(Connection&)> run) {
  Item item{std::move(run), nullptr, false};
  std::unique_lock lock(mu_);
  queue_.push_back(&item);
  while (!item.done) {
    if (!leading_) {
      Lead(lock);
    } else {
      finished_.wait(lock);
    }
  }
  if (item.error) std::rethrow_exception(item.error);
}

void GroupCommit::Lead(std::unique_lock<std::mutex>& lock) {
  leading_ = true;
  std::vector<Item*> batch;
  while (!queue_.empty() && batch.size() < max_batch_) {
    batch.push_back(queue_.front());
    queue_.pop_front();
  }
  lock.unlock();
  bool committed = false;
  try {
    auto writer = pool_.AcquireWriter();
    Transaction txn(*writer);
    for (Item* item : batch) {
      try {
        Transaction savepoint(*writer);
        item->run(*writer);
        savepoint.Commit();
      } catch (...) {
        item->error = std::current_exception();
      }
    }
    txn.Commit();
    committed = true;
  } catch (...) {
    // The writer, the transaction or its commit failed: nothing of the batch is kept.
    for (Item* item : batch) item->error = std::current_exception();
  }
  lock.lock();
  if (committed) {
    ++batches_;
    items_ += batch.size();
  }
  for (Item* item : batch) item->done = true;
  leading_ = false;
  finished_.notify_all();
}

uint64_t GroupCommit::batches() const {
  std::lock_guard lock(mu_);
  return batches_;
}

uint64_t GroupCommit::items() const {
  std::lock_guard lock(mu_);
  return items_;
}

}  // namespace strata::storage
