// Notifier: wakes long-polling /sync requests when something they may return has been stored.
// Positions are stream orderings; Notify is called after the writing transaction commits.
//
// Changes are scoped by key (a room id, a user id) so that one event wakes only the polls that
// can see it; unscoped changes wake everyone. Two ways to wait: a thread blocks in
// WaitForChange, or a parked request Subscribes a one-shot callback and holds no thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace strata::events {

class Notifier {
 public:
  explicit Notifier(int64_t position = 0) : position_(position) {}
  // Records that everything up to `position` is stored and wakes all waiters.
  void Notify(int64_t position);
  // As Notify, but the change concerns only `keys` (an event's room, and for a membership its
  // target user): waiters for other keys sleep on.
  void Notify(int64_t position, const std::vector<std::string>& keys);
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

  // A one-shot wake-up for a parked request: `wake` runs once, on the notifying thread, at the
  // first change after `generation` that concerns `keys` (or everything); if there already was
  // one it runs at once, on this thread, and 0 is returned. `wake` must be quick and must not
  // call back into the Notifier. Otherwise returns an id for Unsubscribe.
  uint64_t Subscribe(uint64_t generation, const std::set<std::string>& keys,
                     std::function<void()> wake);
  // Drops a subscription that has not fired; harmless for one that has (or for 0).
  void Unsubscribe(uint64_t id);
  // Subscriptions armed and not yet fired.
  size_t subscribers() const;

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  int64_t position_;
  uint64_t pokes_ = 0;
  uint64_t unscoped_ = 0;                   // generation of the last Notify or Poke()
  std::map<std::string, uint64_t> scoped_;  // key -> generation of its last Poke(key)

  struct Subscriber {
    std::set<std::string> keys;
    std::function<void()> wake;
  };
  bool ChangedSinceLocked(uint64_t generation, const std::set<std::string>& keys) const;
  // Takes the subscribers of `keys` (all of them when `keys` is null) out of the tables and
  // returns their callbacks, to be called once mu_ is released.
  std::vector<std::function<void()>> TakeLocked(const std::vector<std::string>* keys);
  static void Run(std::vector<std::function<void()>>& wakes);

  uint64_t next_subscriber_ = 1;
  std::unordered_map<uint64_t, Subscriber> subscribers_;
  std::unordered_map<std::string, std::unordered_set<uint64_t>> subscribers_by_key_;
};

}  // namespace strata::events
