#include "handlers/services.h"

#include "handlers/transient.h"
#include "handlers/typing.h"
#include "storage/stores.h"

namespace strata::handlers {
namespace {

storage::StoreOptions ReadStoreOptions(storage::ConnectionPool& pool, const schema::Release& rel) {
  auto conn = pool.Acquire();
  return storage::StoreOptions::Read(*conn, rel.stats == schema::StatsEngine::kLegacy);
}

}  // namespace

Services::Services(storage::ConnectionPool& pool, const config::HomeserverConfig& cfg,
                   const schema::Release& rel, crypto::SigningKey key,
                   std::function<int64_t()> now_ms)
    : db(pool),
      config(cfg),
      release(rel),
      stores(ReadStoreOptions(pool, rel)),
      event_context{cfg.server_name, std::move(key), now_ms ? now_ms : WallClockMs},
      login_limiter(std::make_unique<RateLimiter>(cfg.rc_login.address)),
      login_account_limiter(std::make_unique<RateLimiter>(cfg.rc_login.account)),
      login_failed_limiter(std::make_unique<RateLimiter>(cfg.rc_login.failed_attempts)),
      registration_limiter(std::make_unique<RateLimiter>(cfg.rc_registration)),
      message_limiter(std::make_unique<RateLimiter>(cfg.rc_message)),
      transient(std::make_unique<TransientStore>()),
      typing(std::make_unique<TypingTracker>()) {
  auto conn = db.Acquire();
  notifier.Notify(events::MaxStreamOrdering(stores, *conn));
}

Services::~Services() = default;

}  // namespace strata::handlers
