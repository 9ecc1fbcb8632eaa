// Services: what every handler needs, built once by the server at start-up and shared by all
// request threads. Everything in it is thread-safe or read-only after construction.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "background/updater.h"
#include "config/homeserver_config.h"
#include "crypto/signing_key.h"
#include "events/event_store.h"
#include "events/notifier.h"
#include "handlers/public_rooms_cache.h"
#include "schema/catalogue.h"
#include "storage/connection_pool.h"
#include "storage/group_commit.h"
#include "storage/stores.h"
#include "util/clock.h"

namespace strata::handlers {

class RateLimiter;
class TransientStore;
class TypingTracker;

struct Services {
  // REQUIRES: the database has been prepared for `release` (PrepareDatabase) before this
  // is built; the schema's optional columns are read once here.
  Services(storage::ConnectionPool& pool, const config::HomeserverConfig& config,
           const schema::Release& release, crypto::SigningKey key,
           std::function<int64_t()> now_ms = nullptr);
  ~Services();

  storage::ConnectionPool& db;
  // Event sends share transactions through this (handlers/send_event.h).
  storage::GroupCommit event_writes{db};
  const config::HomeserverConfig& config;
  const schema::Release& release;
  // The SQL of every data area, chosen once for this database and release.
  const storage::Stores stores;
  events::EventContext event_context;  // server name, key, schema features, clock
  events::Notifier notifier;
  // Synapse's rc_* limiters: rc_login.address by client IP, rc_login.account and
  // rc_login.failed_attempts by user id, rc_registration by IP, rc_message by user id.
  std::unique_ptr<RateLimiter> login_limiter;
  std::unique_ptr<RateLimiter> login_account_limiter;
  std::unique_ptr<RateLimiter> login_failed_limiter;
  std::unique_ptr<RateLimiter> registration_limiter;
  std::unique_ptr<RateLimiter> message_limiter;
  std::unique_ptr<TransientStore> transient;  // UIA sessions, nonces, txn ids: in memory only
  std::unique_ptr<TypingTracker> typing;      // who is typing where: in memory only
  // The admin API's background_updates/enabled switch; the background runner should honour it.
  std::atomic<bool> background_updates_enabled{true};
  // Failed background updates, published by the serving runner; start_job asks for retries.
  background::FailureBoard background_failures;
  // /publicRooms answers; whatever changes the room list calls public_rooms.Changed().
  PublicRoomsCache public_rooms;

  int64_t NowMs() const { return event_context.now_ms(); }
  const std::string& server_name() const { return event_context.server_name; }
};

}  // namespace strata::handlers
