// Notifier: wakes long-polling /sync requests when something they may return has been stored.
// Positions are stream orderings; Notify is called after the writing transaction commits.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>

namespace strata::events {

class Notifier {
 public:
  explicit Notifier(int64_t position = 0) : position_(position) {}
  // Records that everything up to `position` is stored and wakes all waiters.
  void Notify(int64_t position);
  // Wakes waiters without a new position (e.g. account data changed).
  void Poke();
  // As Poke, but wakes only waiters listening for `key` (a room id for its typing and
  // receipts, a user id for their account data) or for everything.
  void Poke(const std::string& key);
  // Returns once the position is past `after`, Poke is called, or `timeout` passes; returns
  // the position then.
  int64_t WaitPast(int64_t after, std::chrono::milliseconds timeout);
  int64_t position() const;
  // A count of Notify and Poke calls so far. Read it before looking for news, then pass it to
  // WaitForChange: a change made in between is not missed.
  uint64_t generation() const;
  // Returns once Notify or Poke has been called since `generation` was read, or `timeout`
  // passes.
  void WaitForChange(uint64_t generation, std::chrono::milliseconds timeout);
  // As WaitForChange, but a Poke(key) for a key not in `keys` is no change.
  void WaitForChange(uint64_t generation, std::chrono::milliseconds timeout,
                     const std::set<std::string>& keys);

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  int64_t position_;
  uint64_t pokes_ = 0;
  uint64_t unscoped_ = 0;                   // generation of the last Notify or Poke()
  std::map<std::string, uint64_t> scoped_;  // key -> generation of its last Poke(key)
};

}  // namespace strata::events
