// ConnectionPool: how request threads get a database Connection.
//
// A Connection serves one thread at a time (database.h), so request handlers borrow one for
// the length of a unit of work and give it back. PostgreSQL gets `size` interchangeable
// connections. SQLite gets one writer connection and up to kMaxSqliteReaders more for reads:
// in write-ahead-log mode a reader never waits for the writer's transaction (a group commit's
// batch, its fsync), and sees everything committed before its statement began.
//
// Writers take the pool's single writer lock (AcquireWriter): stream orderings, state group
// ids and other MAX()+1 allocations are then race-free across connections, which is what "one
// writer per database" means for Strata. Synapse did the same with its in-process id
// generators. On SQLite the writer lock comes with the writer connection.
//
// Promises:
//  - Acquire blocks until a connection is free; leases return it on destruction.
//  - A thread holding a lease must not acquire a second one (that could deadlock).
//  - A connection is handed out with no transaction open; a lease that ends inside one rolls
//    it back first.
//  - An autocommit write through Acquire is allowed (SQLite makes it wait for the file's
//    write lock), but allocations and multi-statement writes belong to AcquireWriter.
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

  // Opens the connections now, so a bad database is reported at start-up. PostgreSQL: `size`
  // connections (at least 1). SQLite: the writer and min(size - 1, kMaxSqliteReaders)
  // readers; no readers for ":memory:", which another connection could not see.
  static Result<std::unique_ptr<ConnectionPool>> Open(const Factory& factory, size_t size);
  // A pool over connections the caller already opened (tests, tools), all interchangeable.
  explicit ConnectionPool(std::vector<std::unique_ptr<Connection>> connections);

  static constexpr size_t kMaxSqliteReaders = 4;

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
  // reserve_writer (SQLite with readers): the first connection serves AcquireWriter only, the
  // rest serve Acquire.
  ConnectionPool(std::vector<std::unique_ptr<Connection>> connections, bool reserve_writer);
  void Release(Connection* conn);

  Engine engine_;
  std::vector<std::unique_ptr<Connection>> owned_;
  std::mutex mu_;
  std::condition_variable available_;
  std::vector<Connection*> free_;
  Connection* reserved_writer_ = nullptr;  // not in free_: handed out with writer_mu_ only
  std::mutex writer_mu_;
};

}  // namespace strata::storage
