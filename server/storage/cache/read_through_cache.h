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
#include <memory>
#include <utility>

#include "storage/cache/lru_cache.h"
#include "storage/database.h"

namespace strata::storage {

template <typename Key, typename Value>
class ReadThroughCache {
 public:
  explicit ReadThroughCache(size_t capacity) : shared_(std::make_shared<Shared>(capacity)) {}

  template <typename Load>
  Value Get(Connection& conn, const Key& key, Load&& load) {
    if (conn.HasQueuedForTransactionEnd()) return load();
    Shared& s = *shared_;
    if (auto hit = s.entries.Get(key)) return *std::move(hit);
    const uint64_t begun = s.forgotten.load();
    Value value = load();
    if (s.forgotten.load() != begun) return value;
    s.entries.Put(key, value);
    // Forgotten while putting: the entry may hold the old rows; drop it.
    if (s.forgotten.load() != begun) s.entries.Erase(key);
    return value;
  }

  // The forget queued for the transaction's end holds the cache weakly: a cache (or its
  // store) gone before the transaction ends has nothing left to forget.
  void Forget(Connection& conn, const Key& key) {
    shared_->ForgetNow(key);
    conn.AtTransactionEnd([weak = std::weak_ptr<Shared>(shared_), key] {
      if (auto s = weak.lock()) s->ForgetNow(key);
    });
  }
  void ForgetAll(Connection& conn) {
    shared_->ForgetAllNow();
    conn.AtTransactionEnd([weak = std::weak_ptr<Shared>(shared_)] {
      if (auto s = weak.lock()) s->ForgetAllNow();
    });
  }
  // For writes made on a connection the cache never saw (background updates, after each
  // committed batch).
  void ForgetAllNow() { shared_->ForgetAllNow(); }

  size_t size() const { return shared_->entries.size(); }
  uint64_t hits() const { return shared_->entries.hits(); }
  uint64_t misses() const { return shared_->entries.misses(); }

 private:
  struct Shared {
    explicit Shared(size_t capacity) : entries(capacity) {}
    void ForgetNow(const Key& key) {
      ++forgotten;
      entries.Erase(key);
    }
    void ForgetAllNow() {
      ++forgotten;
      entries.Clear();
    }
    LruCache<Key, Value> entries;
    std::atomic<uint64_t> forgotten{0};
  };
  std::shared_ptr<Shared> shared_;
};

}  // namespace strata::storage
