#include "handlers/public_rooms_cache.h"

namespace strata::handlers {

std::optional<std::string> PublicRoomsCache::Find(const std::string& query, int64_t now_ms) {
  auto answer = answers_.Get(query);
  if (!answer || answer->version != version_.load() || now_ms - answer->stored_ms > kMaxAgeMs ||
      now_ms < answer->stored_ms) {
    return std::nullopt;
  }
  return std::move(answer->body);
}

void PublicRoomsCache::Store(const std::string& query, uint64_t version, int64_t now_ms,
                             std::string answer) {
  if (version != version_.load()) return;
  answers_.Put(query, Answer{version, now_ms, std::move(answer)});
}

}  // namespace strata::handlers
