#include "events/notifier.h"

#include <algorithm>

namespace strata::events {

void Notifier::Notify(int64_t position) {
  {
    std::lock_guard lock(mu_);
    position_ = std::max(position_, position);
    unscoped_ = ++pokes_;
  }
  cv_.notify_all();
}

void Notifier::Poke() {
  {
    std::lock_guard lock(mu_);
    unscoped_ = ++pokes_;
  }
  cv_.notify_all();
}

void Notifier::Poke(const std::string& key) {
  {
    std::lock_guard lock(mu_);
    scoped_[key] = ++pokes_;
  }
  cv_.notify_all();
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
  cv_.wait_for(lock, timeout, [&] {
    if (unscoped_ > generation) return true;
    return std::any_of(keys.begin(), keys.end(), [&](const std::string& key) {
      auto it = scoped_.find(key);
      return it != scoped_.end() && it->second > generation;
    });
  });
}

}  // namespace strata::events
