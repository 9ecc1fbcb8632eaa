// TokenCache: access tokens already looked up, so an authenticated request (a woken /sync
// above all) costs no query for its token. Shared by the stores that change what a lookup
// returns: UserStore (token deletion, deactivation) and UserListing (admin flag).
//
// Only tokens that exist are cached (an unknown token must not fill the cache). Writers call
// Forget... twice over: at once, and again when their transaction ends, so a reader on another
// connection that read the old row before the commit cannot leave it cached; a fill is also
// refused if anything was forgotten while its query ran (Begin/Fill).
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include "storage/cache/lru_cache.h"
#include "storage/database.h"
#include "storage/users/token_owner.h"

namespace strata::storage {

class TokenCache {
 public:
  static constexpr size_t kCapacity = 50000;

  std::optional<TokenOwner> Find(const std::string& token) { return entries_.Get(token); }
  // Read before querying; pass to Fill.
  uint64_t Begin() const { return forgotten_.load(); }
  void Fill(const std::string& token, const TokenOwner& owner, uint64_t begun);

  // Forget now and when `conn`'s transaction ends (at once if none is open).
  void ForgetUser(Connection& conn, const std::string& user_id);
  void ForgetTokenId(Connection& conn, int64_t token_id);

  uint64_t hits() const { return entries_.hits(); }
  uint64_t misses() const { return entries_.misses(); }

 private:
  void ForgetUserNow(const std::string& user_id);
  void ForgetTokenIdNow(int64_t token_id);

  LruCache<std::string, TokenOwner> entries_{kCapacity};
  std::atomic<uint64_t> forgotten_{0};
};

}  // namespace strata::storage
