#include "handlers/ratelimit.h"

#include "handlers/api_error.h"
#include "handlers/transient.h"

namespace strata::handlers {

ApiError LimitExceeded(int64_t retry_after_ms) {
  return ApiError(429, "M_LIMIT_EXCEEDED", "Too Many Requests",
                  nlohmann::json{{"retry_after_ms", retry_after_ms}});
}

void RatelimitMessage(Services& s, const Requester& r, bool update) {
  std::optional<config::RateLimit> override_limit;
  {
    auto conn = s.db.Acquire();
    auto rows = conn->Query(
        "SELECT messages_per_second, burst_count FROM ratelimit_override WHERE user_id = ?",
        {r.user_id});
    if (!rows.empty()) {
      if (rows[0].IsNull(0) || rows[0].Int(0) == 0) return;  // exempt
      override_limit = config::RateLimit{static_cast<double>(rows[0].Int(0)),
                                         rows[0].IsNull(1) ? 0 : static_cast<int>(rows[0].Int(1))};
    }
  }
  if (int64_t wait = s.message_limiter->Check(r.user_id, s.NowMs(), update, override_limit);
      wait > 0) {
    throw LimitExceeded(wait);
  }
}

}  // namespace strata::handlers
