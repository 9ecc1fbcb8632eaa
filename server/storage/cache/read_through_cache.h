// ReadThroughCache: what a store read, remembered until a write that changes it.
//
// The store asks Get(conn, key, load): a hit costs no query; a miss runs `load` and keeps what
// it returned. Writers call Forget(conn, key) (or ForgetAll) twice over: at once, and again
// when their transaction ends, so a reader on another connection that read the old rows before
// the commit cannot leave them cached; a fill is also refused if anything was forgotten while
// its load ran.
//
// A transaction that has written what some cache holds (it queued a forget) reads past every
// cache: its own uncommitted rows must not be cached for others, and what others cached must
// not hide those rows from it.
//
// REQUIRES: a load sees what was committed before it began (autocommit, or PostgreSQL's READ
// COMMITTED); a snapshot older than the load (REPEATABLE READ) could cache rows already
// forgotten.
#pragma once

#include <atomic>
#include <cstdint>
#include <utility>

#include "storage/cache/lru_cache.h"
#include "storage/database.h"

namespace strata::storage {

template <typename Key, typename Value>
class ReadThroughCache {
 public:
  explicit ReadThroughCache(size_t capacity) : entries_(capacity) {}

  template <typename Load>
  Value Get(Connection& conn, const Key& key, Load&& load) {
    if (conn.HasQueuedForTransactionEnd()) return load();
    if (auto hit = entries_.Get(key)) return *std::move(hit);
    const uint64_t begun = forgotten_.load();
    Value value = load();
    if (forgotten_.load() != begun) return value;
    entries_.Put(key, value);
    // Forgotten while putting: the entry may hold the old rows; drop it.
    if (forgotten_.load() != begun) Erase(key);
    return value;
  }

  void Forget(Connection& conn, const Key& key) {
    ForgetNow(key);
    conn.AtTransactionEnd([this, key] { ForgetNow(key); });
  }
  void ForgetAll(Connection& conn) {
    ForgetAllNow();
    conn.AtTransactionEnd([this] { ForgetAllNow(); });
  }
  // For writes made on a connection the cache never saw (background updates, after each
  // committed batch).
  void ForgetAllNow() {
    ++forgotten_;
    entries_.Clear();
  }

  size_t size() const { return entries_.size(); }
  uint64_t hits() const { return entries_.hits(); }
  uint64_t misses() const { return entries_.misses(); }

 private:
  void ForgetNow(const Key& key) {
    ++forgotten_;
    Erase(key);
  }
  void Erase(const Key& key) { entries_.Erase(key); }

  LruCache<Key, Value> entries_;
  std::atomic<uint64_t> forgotten_{0};
};

}  // namespace strata::storage
