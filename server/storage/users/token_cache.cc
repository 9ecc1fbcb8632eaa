#include "storage/users/token_cache.h"

namespace strata::storage {

void TokenCache::Fill(const std::string& token, const TokenOwner& owner, uint64_t begun) {
  if (forgotten_.load() != begun) return;
  entries_.Put(token, owner);
  // Forgotten while putting: the entry may be the old row; drop it.
  if (forgotten_.load() != begun) entries_.Erase(token);
}

void TokenCache::ForgetUser(Connection& conn, const std::string& user_id) {
  ForgetUserNow(user_id);
  conn.AtTransactionEnd([this, user_id] { ForgetUserNow(user_id); });
}

void TokenCache::ForgetTokenId(Connection& conn, int64_t token_id) {
  ForgetTokenIdNow(token_id);
  conn.AtTransactionEnd([this, token_id] { ForgetTokenIdNow(token_id); });
}

void TokenCache::ForgetUserNow(const std::string& user_id) {
  ++forgotten_;
  entries_.EraseIf([&](const auto&, const TokenOwner& owner) { return owner.user_id == user_id; });
}

void TokenCache::ForgetTokenIdNow(int64_t token_id) {
  ++forgotten_;
  entries_.EraseIf(
      [&](const auto&, const TokenOwner& owner) { return owner.token_id == token_id; });
}

}  // namespace strata::storage
