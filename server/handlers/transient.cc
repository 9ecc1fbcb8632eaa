#include "handlers/transient.h"

#include <algorithm>

#include "crypto/tokens.h"

namespace strata::handlers {
namespace {
constexpr int64_t kSessionLifetimeMs = 30 * 60 * 1000;
constexpr int64_t kNonceLifetimeMs = 60 * 1000;
}  // namespace

int64_t RateLimiter::Check(const std::string& key, int64_t now_ms, bool update,
                           std::optional<config::RateLimit> limit) {
  const config::RateLimit l = limit.value_or(limit_);
  if (l.per_second <= 0) return 0;
  std::lock_guard lock(mu_);
  Bucket current = buckets_.count(key) ? buckets_[key] : Bucket{};
  const double capacity = std::max(1, l.burst_count);
  if (current.updated_ms == 0) current.tokens = capacity;
  current.tokens =
      std::min(capacity, current.tokens + (now_ms - current.updated_ms) / 1000.0 * l.per_second);
  current.updated_ms = now_ms;
  int64_t wait = 0;
  if (current.tokens >= 1.0) {
    current.tokens -= 1.0;
  } else {
    wait = static_cast<int64_t>((1.0 - current.tokens) / l.per_second * 1000.0) + 1;
  }
  if (!update) return wait;
  current.full_ms =
      now_ms + static_cast<int64_t>((capacity - current.tokens) / l.per_second * 1000.0);
  buckets_[key] = current;
  if (buckets_.size() >= next_sweep_) {
    std::erase_if(buckets_, [&](const auto& b) { return b.second.full_ms <= now_ms; });
    // Sweep again when the map has doubled, so busy keys do not make every insert a sweep.
    next_sweep_ = std::max(kSweepAt, buckets_.size() * 2);
  }
  return wait;
}

size_t RateLimiter::size() {
  std::lock_guard lock(mu_);
  return buckets_.size();
}

void TransientStore::Expire(int64_t now_ms) {
  std::erase_if(sessions_,
                [&](const auto& s) { return now_ms - s.second.created_ms > kSessionLifetimeMs; });
  std::erase_if(nonces_, [&](const auto& n) { return now_ms - n.second > kNonceLifetimeMs; });
}

std::string TransientStore::NewSession(int64_t now_ms) {
  std::lock_guard lock(mu_);
  Expire(now_ms);
  std::string id = crypto::RandomLetters(24);
  sessions_[id].created_ms = now_ms;
  return id;
}

bool TransientStore::SessionExists(const std::string& session, int64_t now_ms) {
  std::lock_guard lock(mu_);
  Expire(now_ms);
  return sessions_.count(session) > 0;
}

void TransientStore::MarkStageDone(const std::string& session, const std::string& stage) {
  std::lock_guard lock(mu_);
  auto it = sessions_.find(session);
  if (it != sessions_.end()) it->second.done.insert(stage);
}

bool TransientStore::StageDone(const std::string& session, const std::string& stage) {
  std::lock_guard lock(mu_);
  auto it = sessions_.find(session);
  return it != sessions_.end() && it->second.done.count(stage) > 0;
}

std::string TransientStore::NewNonce(int64_t now_ms) {
  std::lock_guard lock(mu_);
  Expire(now_ms);
  std::string nonce = crypto::RandomUrlSafeToken(24);
  nonces_[nonce] = now_ms;
  return nonce;
}

bool TransientStore::ConsumeNonce(const std::string& nonce, int64_t now_ms) {
  std::lock_guard lock(mu_);
  Expire(now_ms);
  return nonces_.erase(nonce) > 0;
}

std::optional<std::string> TransientStore::TxnEvent(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = txns_.find(key);
  if (it == txns_.end()) return std::nullopt;
  return it->second;
}

void TransientStore::RememberTxn(const std::string& key, const std::string& event_id) {
  std::lock_guard lock(mu_);
  txns_[key] = event_id;
}

void TransientStore::ForgetTxn(const std::string& key, const std::string& event_id) {
  std::lock_guard lock(mu_);
  auto it = txns_.find(key);
  if (it != txns_.end() && it->second == event_id) txns_.erase(it);
}

}  // namespace strata::handlers
