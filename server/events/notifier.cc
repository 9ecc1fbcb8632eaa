#include "events/notifier.h"

#include <algorithm>

namespace strata::events {

void Notifier::Notify(int64_t position) {
  std::vector<std::function<void()>> wakes;
  {
    std::lock_guard lock(mu_);
    position_ = std::max(position_, position);
    unscoped_ = ++pokes_;
    wakes = TakeLocked(nullptr);
  }
  cv_.notify_all();
  Run(wakes);
}

void Notifier::Notify(int64_t position, const std::vector<std::string>& keys) {
  std::vector<std::function<void()>> wakes;
  {
    std::lock_guard lock(mu_);
    position_ = std::max(position_, position);
    const uint64_t generation = ++pokes_;
    for (const auto& key : keys) scoped_[key] = generation;
    wakes = TakeLocked(&keys);
  }
  cv_.notify_all();
  Run(wakes);
}

void Notifier::Poke() {
  std::vector<std::function<void()>> wakes;
  {
    std::lock_guard lock(mu_);
    unscoped_ = ++pokes_;
    wakes = TakeLocked(nullptr);
  }
  cv_.notify_all();
  Run(wakes);
}

void Notifier::Poke(const std::string& key) {
  Notify(0, std::vector<std::string>{key});
}

int64_t Notifier::WaitPast(int64_t after, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  const uint64_t pokes = pokes_;
  cv_.wait_for(lock, timeout, [&] { return position_ > after || pokes_ != pokes; });
  return position_;
}

int64_t Notifier::position() const {
  std::lock_guard lock(mu_);
  return position_;
}

uint64_t Notifier::generation() const {
  std::lock_guard lock(mu_);
  return pokes_;
}

void Notifier::WaitForChange(uint64_t generation, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, timeout, [&] { return pokes_ != generation; });
}

void Notifier::WaitForChange(uint64_t generation, std::chrono::milliseconds timeout,
                             const std::set<std::string>& keys) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, timeout, [&] { return ChangedSinceLocked(generation, keys); });
}

uint64_t Notifier::Subscribe(uint64_t generation, const std::set<std::string>& keys,
                             std::function<void()> wake) {
  {
    std::lock_guard lock(mu_);
    if (!ChangedSinceLocked(generation, keys)) {
      const uint64_t id = next_subscriber_++;
      for (const auto& key : keys) subscribers_by_key_[key].insert(id);
      subscribers_.emplace(id, Subscriber{keys, std::move(wake)});
      return id;
    }
  }
  wake();
  return 0;
}

void Notifier::Unsubscribe(uint64_t id) {
  std::lock_guard lock(mu_);
  auto it = subscribers_.find(id);
  if (it == subscribers_.end()) return;
  for (const auto& key : it->second.keys) {
    auto set = subscribers_by_key_.find(key);
    if (set == subscribers_by_key_.end()) continue;
    set->second.erase(id);
    if (set->second.empty()) subscribers_by_key_.erase(set);
  }
  subscribers_.erase(it);
}

size_t Notifier::subscribers() const {
  std::lock_guard lock(mu_);
  return subscribers_.size();
}

bool Notifier::ChangedSinceLocked(uint64_t generation, const std::set<std::string>& keys) const {
  if (unscoped_ > generation) return true;
  return std::any_of(keys.begin(), keys.end(), [&](const std::string& key) {
    auto it = scoped_.find(key);
    return it != scoped_.end() && it->second > generation;
  });
}

std::vector<std::function<void()>> Notifier::TakeLocked(const std::vector<std::string>* keys) {
  std::vector<std::function<void()>> wakes;
  if (keys == nullptr) {
    wakes.reserve(subscribers_.size());
    for (auto& [id, sub] : subscribers_) wakes.push_back(std::move(sub.wake));
    subscribers_.clear();
    subscribers_by_key_.clear();
    return wakes;
  }
  std::vector<uint64_t> ids;
  for (const auto& key : *keys) {
    auto it = subscribers_by_key_.find(key);
    if (it == subscribers_by_key_.end()) continue;
    ids.insert(ids.end(), it->second.begin(), it->second.end());
  }
  for (uint64_t id : ids) {
    auto it = subscribers_.find(id);
    if (it == subscribers_.end()) continue;  // also listed under another of `keys`
    for (const auto& key : it->second.keys) {
      auto set = subscribers_by_key_.find(key);
      if (set == subscribers_by_key_.end()) continue;
      set->second.erase(id);
      if (set->second.empty()) subscribers_by_key_.erase(set);
    }
    wakes.push_back(std::move(it->second.wake));
    subscribers_.erase(it);
  }
  return wakes;
}

void Notifier::Run(std::vector<std::function<void()>>& wakes) {
  for (auto& wake : wakes) wake();
}

}  // namespace strata::events
