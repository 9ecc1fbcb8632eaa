// Who is typing in which room, in memory only (as Synapse kept it): a user types until they
// say they stopped or their timeout passes. Every change moves a serial, the typing stream
// position /sync tokens carry, so a sync knows which rooms changed since its token.
// Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace strata::handlers {

class TypingTracker {
 public:
  // Starts (timeout_ms > 0 from now_ms) or stops typing. Returns true if anything changed
  // that a sync should see (a new typer, a stop, not a mere renewal).
  bool Set(const std::string& room_id, const std::string& user_id, bool typing, int64_t now_ms,
           int64_t timeout_ms);

  struct RoomTyping {
    int64_t serial = 0;  // when this room's typers last changed
    std::vector<std::string> user_ids;
  };
  // The room's state as it is, or nullopt if nobody ever typed there since start-up. Expires
  // nothing: read Serial(now) first, so the room's serial is not past the one read.
  std::optional<RoomTyping> Room(const std::string& room_id);
  // The current serial, after expiring lapsed typers.
  int64_t Serial(int64_t now_ms);
  // Milliseconds until the next timeout of a typer in one of `room_ids` lapses, or nullopt if
  // nobody is typing there.
  std::optional<int64_t> NextExpiryIn(int64_t now_ms, const std::vector<std::string>& room_ids);

 private:
  void ExpireLocked(int64_t now_ms);
  struct Entry {
    int64_t serial = 0;
    std::map<std::string, int64_t> until_ms;  // user -> when their typing lapses
  };
  std::mutex mu_;
  int64_t serial_ = 0;
  std::map<std::string, Entry> rooms_;
};

}  // namespace strata::handlers
