// ConnectionPool: how request threads get a database Connection.
//
// A Connection serves one thread at a time (database.h), so request handlers borrow one for
// the length of a unit of work and give it back. SQLite gets one shared connection (its writes
// are serialised by the file lock anyway, and a second connection would only add SQLITE_BUSY);
// PostgreSQL gets `size` connections.
//
// Writers additionally take the pool's single writer lock (AcquireWriter): stream orderings,
// state group ids and other MAX()+1 allocations are then race-free across connections, which
// is what "one writer per database" means for Strata. Synapse did the same with its in-process
// id generators.
//
// Promises:
//  - Acquire blocks until a connection is free; leases return it on destruction.
//  - A thread holding a lease must not acquire a second one (that could deadlock).
//  - A connection is handed out with no transaction open; a lease that ends inside one rolls
//    it back first.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "storage/database.h"
#include "util/status.h"

namespace strata::storage {

class ConnectionPool {
 public:
  using Factory = std::function<Result<std::unique_ptr<Connection>>()>;

  // Opens the connections now, so a bad database is reported at start-up. `size` is ignored
  // on SQLite (always 1); at least 1 on PostgreSQL.
  static Result<std::unique_ptr<ConnectionPool>> Open(const Factory& factory, size_t size);
  // A pool over connections the caller already opened (tests, tools).
  explicit ConnectionPool(std::vector<std::unique_ptr<Connection>> connections);

  Engine engine() const { return engine_; }

  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Connection& operator*() const { return *conn_; }
    Connection* operator->() const { return conn_; }
    Connection& get() const { return *conn_; }

   private:
    friend class ConnectionPool;
    Lease(ConnectionPool* pool, Connection* conn, std::unique_lock<std::mutex> writer);
    ConnectionPool* pool_;
    Connection* conn_;
    std::unique_lock<std::mutex> writer_;
  };

  Lease Acquire();
  // A connection plus the writer lock (taken first, so writers queue in order).
  Lease AcquireWriter();

 private:
  void Release(Connection* conn);

  Engine engine_;
  std::vector<std::unique_ptr<Connection>> owned_;
  std::mutex mu_;
  std::condition_variable available_;
  std::vector<Connection*> free_;
  std::mutex writer_mu_;
};

}  // namespace strata::storage
