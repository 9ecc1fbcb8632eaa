#include "handlers/typing.h"

#include <algorithm>

namespace strata::handlers {

void TypingTracker::ExpireLocked(int64_t now_ms) {
  for (auto& [room, entry] : rooms_) {
    const size_t erased =
        std::erase_if(entry.until_ms, [&](const auto& u) { return u.second <= now_ms; });
    if (erased > 0) entry.serial = ++serial_;
  }
}

bool TypingTracker::Set(const std::string& room_id, const std::string& user_id, bool typing,
                        int64_t now_ms, int64_t timeout_ms) {
  std::lock_guard lock(mu_);
  ExpireLocked(now_ms);
  Entry& entry = rooms_[room_id];
  bool changed = false;
  if (typing) {
    changed = entry.until_ms.count(user_id) == 0;
    entry.until_ms[user_id] = now_ms + std::max<int64_t>(timeout_ms, 1);
  } else {
    changed = entry.until_ms.erase(user_id) > 0;
  }
  if (changed) entry.serial = ++serial_;
  return changed;
}

std::optional<TypingTracker::RoomTyping> TypingTracker::Room(const std::string& room_id) {
  std::lock_guard lock(mu_);
  auto it = rooms_.find(room_id);
  if (it == rooms_.end()) return std::nullopt;
  RoomTyping out{it->second.serial, {}};
  for (const auto& [user, until] : it->second.until_ms) out.user_ids.push_back(user);
  return out;
}

int64_t TypingTracker::Serial(int64_t now_ms) {
  std::lock_guard lock(mu_);
  ExpireLocked(now_ms);
  return serial_;
}

std::optional<int64_t> TypingTracker::NextExpiryIn(int64_t now_ms,
                                                   const std::vector<std::string>& room_ids) {
  std::lock_guard lock(mu_);
  std::optional<int64_t> next;
  for (const auto& room_id : room_ids) {
    auto it = rooms_.find(room_id);
    if (it == rooms_.end()) continue;
    for (const auto& [user, until] : it->second.until_ms) {
      const int64_t in = std::max<int64_t>(until - now_ms, 0);
      if (!next || in < *next) next = in;
    }
  }
  return next;
}

}  // namespace strata::handlers
