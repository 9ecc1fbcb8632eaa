#include "handlers/ratelimit.h"

#include "handlers/api_error.h"
#include "handlers/transient.h"
#include "storage/users/user_store.h"

namespace strata::handlers {

ApiError LimitExceeded(int64_t retry_after_ms) {
  return ApiError(429, "M_LIMIT_EXCEEDED", "Too Many Requests",
                  nlohmann::json{{"retry_after_ms", retry_after_ms}});
}

namespace {

// The user's ratelimit_override: nullopt for none, a zero rate for an exempt user.
std::optional<config::RateLimit> OverrideOf(Services& s, const std::string& user_id) {
  auto conn = s.db.Acquire();
  auto row = s.stores.users->FindRatelimitOverride(*conn, user_id);
  if (!row) return std::nullopt;
  if (row->messages_per_second.value_or(0) == 0) return config::RateLimit{0, 0};
  return config::RateLimit{static_cast<double>(*row->messages_per_second),
                           static_cast<int>(row->burst_count.value_or(0))};
}

}  // namespace

void RatelimitMessage(Services& s, const Requester& r, bool update) {
  if (int64_t wait =
          s.message_limiter->Check(r.user_id, s.NowMs(), update, OverrideOf(s, r.user_id));
      wait > 0) {
    throw LimitExceeded(wait);
  }
}

void CountMessage(Services& s, const Requester& r) {
  // The action is done: a bucket a concurrent action emptied stays empty, nothing is refused.
  s.message_limiter->Check(r.user_id, s.NowMs(), true, OverrideOf(s, r.user_id));
}

}  // namespace strata::handlers
