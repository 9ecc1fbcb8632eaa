// ConnectionPool on real databases: readers beside an open write transaction (PostgreSQL; SQLite
// has one shared connection) and many writers through AcquireWriter at once.
#include "storage/connection_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <vector>

#include "support/test_support.h"

namespace strata::storage {
namespace {

using namespace std::chrono_literals;
using testing::ScratchDatabase;

// Connections as the server opens them: SQLite files switched to write-ahead logging.
ConnectionPool::Factory WalFactory(const ScratchDatabase& db) {
  return [&db]() -> Result<std::unique_ptr<Connection>> {
    auto conn = db.Connect();
    if (conn->engine() == Engine::kSqlite) conn->Query("PRAGMA journal_mode = WAL");
    return conn;
  };
}

class ConnectionPoolTest : public testing::EngineTest {};

TEST_P(ConnectionPoolTest, ReadersProceedWhileAWriterHoldsATransaction) {
  if (GetParam() == Engine::kSqlite) GTEST_SKIP() << "SQLite serves from one shared connection";
  ScratchDatabase db(GetParam());
  db.conn().ExecuteScript("CREATE TABLE t (id BIGINT PRIMARY KEY)");
  db.conn().Execute("INSERT INTO t VALUES (1)");
  auto pool = ConnectionPool::Open(WalFactory(db), 4);
  ASSERT_TRUE(pool.ok()) << pool.status().message();
  ConnectionPool& p = **pool;

  std::promise<void> written;
  std::promise<void> readers_done;
  auto writer = std::async(std::launch::async, [&] {
    auto conn = p.AcquireWriter();
    Transaction txn(*conn);
    conn->Execute("INSERT INTO t VALUES (2)");
    written.set_value();
    // Hold the transaction open until the readers have finished (or given up).
    readers_done.get_future().wait_for(10s);
    txn.Commit();
  });
  written.get_future().wait();
  std::vector<std::future<int64_t>> readers;
  for (int i = 0; i < 3; ++i) {
    readers.push_back(std::async(std::launch::async, [&] {
      auto conn = p.Acquire();
      return conn->QueryInt("SELECT COUNT(*) FROM t").value_or(-1);
    }));
  }
  for (auto& r : readers) {
    ASSERT_EQ(r.wait_for(5s), std::future_status::ready) << "a reader waited for the writer";
    EXPECT_EQ(r.get(), 1) << "a reader saw the uncommitted row";
  }
  readers_done.set_value();
  writer.get();
  EXPECT_EQ(p.Acquire()->QueryInt("SELECT COUNT(*) FROM t"), 2);
}

TEST_P(ConnectionPoolTest, ConcurrentWritersNeverCollide) {
  ScratchDatabase db(GetParam());
  db.conn().ExecuteScript(
      "CREATE TABLE ids (id BIGINT PRIMARY KEY, who TEXT); CREATE TABLE log (line TEXT)");
  auto pool = ConnectionPool::Open(WalFactory(db), 4);
  ASSERT_TRUE(pool.ok()) << pool.status().message();
  ConnectionPool& p = **pool;

  constexpr int kWriters = 4;
  constexpr int kEach = 40;
  std::atomic<bool> writing{true};
  std::vector<std::future<void>> work;
  // MAX()+1 allocations in transactions under the writer lock, as the event store does.
  for (int w = 0; w < kWriters; ++w) {
    work.push_back(std::async(std::launch::async, [&p, w] {
      for (int i = 0; i < kEach; ++i) {
        auto conn = p.AcquireWriter();
        Transaction txn(*conn);
        const int64_t next = conn->QueryInt("SELECT COALESCE(MAX(id), 0) + 1 FROM ids").value();
        conn->Execute("INSERT INTO ids VALUES (?, ?)", {next, std::to_string(w)});
        txn.Commit();
      }
    }));
  }
  // Single autocommit writes outside the writer lock wait for the write lock instead of failing.
  work.push_back(std::async(std::launch::async, [&p] {
    for (int i = 0; i < kEach; ++i) {
      p.Acquire()->Execute("INSERT INTO log VALUES (?)", {std::to_string(i)});
    }
  }));
  // Readers all along.
  std::atomic<int64_t> reads{0};
  for (int r = 0; r < 2; ++r) {
    work.push_back(std::async(std::launch::async, [&] {
      while (writing) {
        auto conn = p.Acquire();
        const int64_t n = conn->QueryInt("SELECT COUNT(*) FROM ids").value();
        const int64_t max = conn->QueryInt("SELECT COALESCE(MAX(id), 0) FROM ids").value();
        if (max < n) throw std::runtime_error("ids went backwards");
        ++reads;
      }
    }));
  }
  for (int i = 0; i < kWriters + 1; ++i) {
    EXPECT_NO_THROW(work[i].get());  // a DatabaseError here would be SQLITE_BUSY or a clash
  }
  writing = false;
  for (size_t i = kWriters + 1; i < work.size(); ++i) EXPECT_NO_THROW(work[i].get());

  auto conn = p.Acquire();
  EXPECT_EQ(conn->QueryInt("SELECT COUNT(*) FROM ids"), kWriters * kEach);
  EXPECT_EQ(conn->QueryInt("SELECT MAX(id) FROM ids"), kWriters * kEach);  // no gaps, no clash
  EXPECT_EQ(conn->QueryInt("SELECT COUNT(*) FROM log"), kEach);
  EXPECT_GT(reads.load(), 0);
}

STRATA_INSTANTIATE_ENGINES(ConnectionPoolTest);

}  // namespace
}  // namespace strata::storage
