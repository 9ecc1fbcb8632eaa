// PublicRoomsCache: /publicRooms answers by query, as Synapse kept a response cache for its room
// list. An answer is served only while the room list is unchanged: everything that can change
// what the list shows (a state event: membership, name, topic, avatar, canonical alias, join
// rules, history visibility, guest access; publication; aliases; a room purged; a background
// update batch rewriting statistics) calls Changed(). Answers also lapse after kMaxAgeMs, for
// changes made behind this process's back (another process, an admin's SQL).
#pragma once

#include <atomic>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "storage/cache/lru_cache.h"

namespace strata::handlers {

class PublicRoomsCache {
 public:
  static constexpr size_t kCapacity = 512;
  static constexpr int64_t kMaxAgeMs = 10'000;

  // The room list may have changed: no answer computed before now is served again.
  void Changed() { ++version_; }
  // Read before computing an answer; pass to Store.
  uint64_t version() const { return version_.load(); }

  // Answers are kept as the response body (JSON text), so a hit costs no serialisation.
  std::optional<std::string> Find(const std::string& query, int64_t now_ms);
  // Keeps `answer`, computed from the list as of `version`, unless the list has changed since.
  void Store(const std::string& query, uint64_t version, int64_t now_ms, std::string answer);

  uint64_t hits() const { return answers_.hits(); }

 private:
  struct Answer {
    uint64_t version = 0;
    int64_t stored_ms = 0;
    std::string body;
  };
  std::atomic<uint64_t> version_{0};
  storage::LruCache<std::string, Answer> answers_{kCapacity};
};

}  // namespace strata::handlers
