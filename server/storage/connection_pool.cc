#include "storage/connection_pool.h"

#include <algorithm>
#include <stdexcept>

namespace strata::storage {

Result<std::unique_ptr<ConnectionPool>> ConnectionPool::Open(const Factory& factory, size_t size) {
  std::vector<std::unique_ptr<Connection>> conns;
  auto first = factory();
  if (!first.ok()) return first.status();
  const bool sqlite = (*first)->engine() == Engine::kSqlite;
  // An in-memory database has no file for another connection to open.
  const bool in_memory =
      sqlite && (*first)
                    ->QueryValue("SELECT file FROM pragma_database_list WHERE name = 'main'")
                    .value_or("")
                    .empty();
  conns.push_back(std::move(first).value());
  const size_t want = !sqlite     ? std::max<size_t>(size, 1)
                      : in_memory ? 1
                                  : 1 + std::min(size > 0 ? size - 1 : 0, kMaxSqliteReaders);
  while (conns.size() < want) {
    auto next = factory();
    if (!next.ok()) return next.status();
    conns.push_back(std::move(next).value());
  }
  const bool reserve_writer = sqlite && conns.size() > 1;
  return std::unique_ptr<ConnectionPool>(new ConnectionPool(std::move(conns), reserve_writer));
}

ConnectionPool::ConnectionPool(std::vector<std::unique_ptr<Connection>> connections)
    : ConnectionPool(std::move(connections), false) {}

ConnectionPool::ConnectionPool(std::vector<std::unique_ptr<Connection>> connections,
                               bool reserve_writer)
    : owned_(std::move(connections)) {
  if (owned_.empty()) throw std::invalid_argument("ConnectionPool needs a connection");
  engine_ = owned_.front()->engine();
  for (auto& c : owned_) free_.push_back(c.get());
  if (reserve_writer) {
    reserved_writer_ = free_.front();
    free_.erase(free_.begin());
  }
}

ConnectionPool::Lease::Lease(ConnectionPool* pool, Connection* conn,
                             std::unique_lock<std::mutex> writer)
    : pool_(pool), conn_(conn), writer_(std::move(writer)) {}

ConnectionPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), conn_(other.conn_), writer_(std::move(other.writer_)) {
  other.pool_ = nullptr;
  other.conn_ = nullptr;
}

ConnectionPool::Lease::~Lease() {
  if (pool_ == nullptr) return;
  if (conn_->InTransaction()) {
    try {
      conn_->Rollback();
    } catch (...) {  // a broken connection has nothing left to roll back
    }
  }
  pool_->Release(conn_);
}

ConnectionPool::Lease ConnectionPool::Acquire() {
  std::unique_lock lock(mu_);
  available_.wait(lock, [&] { return !free_.empty(); });
  Connection* conn = free_.back();
  free_.pop_back();
  return Lease(this, conn, {});
}

ConnectionPool::Lease ConnectionPool::AcquireWriter() {
  std::unique_lock writer(writer_mu_);
  if (reserved_writer_ != nullptr) return Lease(this, reserved_writer_, std::move(writer));
  std::unique_lock lock(mu_);
  available_.wait(lock, [&] { return !free_.empty(); });
  Connection* conn = free_.back();
  free_.pop_back();
  return Lease(this, conn, std::move(writer));
}

void ConnectionPool::Release(Connection* conn) {
  if (conn == reserved_writer_) return;  // the lease's writer lock goes with it
  {
    std::lock_guard lock(mu_);
    free_.push_back(conn);
  }
  available_.notify_one();
}

}  // namespace strata::storage
