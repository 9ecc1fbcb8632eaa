// State that lives only in memory and may be lost on restart, as Synapse kept it before 1.14
// persisted UI-auth sessions: user-interactive auth sessions, shared-secret registration
// nonces, and rate limiter buckets. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "config/homeserver_config.h"

namespace strata::handlers {

// Synapse's token bucket: `burst_count` actions at once, refilled at `per_second`. A bucket
// that has refilled to capacity is the same as no bucket, so once many keys are held the full
// ones are dropped: keys a client chooses (rc_login.failed_attempts is keyed by any user id
// sent) cannot grow memory without bound.
class RateLimiter {
 public:
  explicit RateLimiter(config::RateLimit limit) : limit_(limit) {}
  // 0 if the action may go ahead (and counts it); otherwise milliseconds until it may.
  int64_t Acquire(const std::string& key, int64_t now_ms) { return Check(key, now_ms, true); }
  // As Acquire, with `update` false only looking (Synapse's ratelimit(update=False)), and
  // with `limit` replacing the configured one for this key (a ratelimit_override row).
  int64_t Check(const std::string& key, int64_t now_ms, bool update,
                std::optional<config::RateLimit> limit = std::nullopt);
  // How many keys have a bucket held.
  size_t size();

  // Held keys at which the first sweep for full buckets runs.
  static constexpr size_t kSweepAt = 1024;

 private:
  struct Bucket {
    double tokens = 0;
    int64_t updated_ms = 0;
    int64_t full_ms = 0;  // when it will have refilled to capacity
  };
  config::RateLimit limit_;
  std::mutex mu_;
  std::map<std::string, Bucket> buckets_;
  size_t next_sweep_ = kSweepAt;
};

class TransientStore {
 public:
  // A new UI-auth session id.
  std::string NewSession(int64_t now_ms);
  bool SessionExists(const std::string& session, int64_t now_ms);
  void MarkStageDone(const std::string& session, const std::string& stage);
  bool StageDone(const std::string& session, const std::string& stage);

  // Shared-secret registration nonces: valid for 60 s, usable once.
  std::string NewNonce(int64_t now_ms);
  bool ConsumeNonce(const std::string& nonce, int64_t now_ms);

  // Event ids sent per (access token id, room, txn id), so a retried send is not repeated.
  std::optional<std::string> TxnEvent(const std::string& key);
  void RememberTxn(const std::string& key, const std::string& event_id);
  // Drops the entry if it still names `event_id` (a send whose commit failed).
  void ForgetTxn(const std::string& key, const std::string& event_id);

 private:
  void Expire(int64_t now_ms);
  std::mutex mu_;
  struct Session {
    int64_t created_ms = 0;
    std::set<std::string> done;
  };
  std::map<std::string, Session> sessions_;
  std::map<std::string, int64_t> nonces_;
  std::map<std::string, std::string> txns_;
};

}  // namespace strata::handlers
