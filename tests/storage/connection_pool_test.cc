// ConnectionPool on real databases: readers beside an open write transaction (PostgreSQL's
// pool, SQLite's readers in write-ahead-log mode) and many writers through AcquireWriter at once.
#include "storage/connection_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/test_support.h"

namespace strata::storage {
namespace {

using namespace std::chrono_literals;
using testing::ScratchDatabase;

// Connections as the server opens them: SQLite files switched to write-ahead logging.
ConnectionPool::Factory WalFactory(const ScratchDatabase& db) {
  return [&db]() -> Result<std::unique_ptr<Connection>> { return db.ConnectServing(); };
}

class ConnectionPoolTest : public testing::EngineTest {};

TEST_P(ConnectionPoolTest, ReadersProceedWhileAWriterHoldsATransaction) {
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

TEST_P(ConnectionPoolTest, SqliteInMemoryHasOnlyOneConnection) {
  if (GetParam() != Engine::kSqlite) GTEST_SKIP() << "an SQLite case";
  auto pool = ConnectionPool::Open([] { return OpenSqlite(":memory:"); }, 4);
  ASSERT_TRUE(pool.ok()) << pool.status().message();
  {
    auto writer = (*pool)->AcquireWriter();
    writer->ExecuteScript("CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1);");
  }
  // The reader is the same connection, so it sees the writer's table.
  EXPECT_EQ((*pool)->Acquire()->QueryInt("SELECT COUNT(*) FROM t"), 1);
}

TEST_P(ConnectionPoolTest, ConcurrentWritersNeverCollide) {
  ScratchDatabase db(GetParam());
  // No key on `ids`: an id handed out twice is stored twice (and seen below), not refused.
  db.conn().ExecuteScript("CREATE TABLE ids (id BIGINT, who TEXT); CREATE TABLE log (line TEXT)");
  auto pool = ConnectionPool::Open(WalFactory(db), 4);
  ASSERT_TRUE(pool.ok()) << pool.status().message();
  ConnectionPool& p = **pool;

  constexpr int kWriters = 4;
  constexpr int kEach = 40;
  std::atomic<bool> writing{true};
  std::vector<std::future<std::vector<int64_t>>> writers;
  // MAX()+1 allocations in transactions under the writer lock, as the event store does. Each
  // writer returns the ids it committed.
  for (int w = 0; w < kWriters; ++w) {
    writers.push_back(std::async(std::launch::async, [&p, w] {
      std::vector<int64_t> mine;
      for (int i = 0; i < kEach; ++i) {
        auto conn = p.AcquireWriter();
        Transaction txn(*conn);
        const int64_t next = conn->QueryInt("SELECT COALESCE(MAX(id), 0) + 1 FROM ids").value();
        conn->Execute("INSERT INTO ids VALUES (?, ?)", {next, std::to_string(w)});
        txn.Commit();
        mine.push_back(next);
      }
      return mine;
    }));
  }
  std::vector<std::future<void>> others;
  // Single autocommit writes outside the writer lock wait for the write lock instead of failing.
  others.push_back(std::async(std::launch::async, [&p] {
    for (int i = 0; i < kEach; ++i) {
      p.Acquire()->Execute("INSERT INTO log VALUES (?)", {std::to_string(i)});
    }
  }));
  // Readers all along: every committed state they see is 1..n, each id once (one statement,
  // one snapshot). Two writers given the same MAX()+1 show as a duplicate; a write lost or
  // committed out of order shows as a gap.
  std::atomic<int64_t> reads{0};
  for (int r = 0; r < 2; ++r) {
    others.push_back(std::async(std::launch::async, [&] {
      while (writing) {
        auto conn = p.Acquire();
        const auto rows =
            conn->Query("SELECT COUNT(*), COUNT(DISTINCT id), COALESCE(MAX(id), 0) FROM ids");
        const int64_t n = rows.at(0).Int(0), distinct = rows.at(0).Int(1), max = rows.at(0).Int(2);
        if (distinct != n) throw std::runtime_error("an id was handed out twice");
        if (max != n) throw std::runtime_error("a gap in the ids: a write was lost");
        ++reads;
      }
    }));
  }
  std::set<int64_t> handed_out;
  size_t committed = 0;
  for (auto& w : writers) {
    std::vector<int64_t> mine;
    EXPECT_NO_THROW(mine = w.get());  // a DatabaseError here would be SQLITE_BUSY or a clash
    committed += mine.size();
    handed_out.insert(mine.begin(), mine.end());
  }
  EXPECT_NO_THROW(others[0].get());
  writing = false;
  for (size_t i = 1; i < others.size(); ++i) EXPECT_NO_THROW(others[i].get());

  // Every commit got its own id, 1..N with no gap, and every one of them is in the table once,
  // with the writer that got it.
  EXPECT_EQ(committed, size_t{kWriters * kEach});
  EXPECT_EQ(handed_out.size(), committed) << "the same id went to two commits";
  ASSERT_FALSE(handed_out.empty());
  EXPECT_EQ(*handed_out.begin(), 1);
  EXPECT_EQ(*handed_out.rbegin(), kWriters * kEach);
  auto conn = p.Acquire();
  EXPECT_EQ(conn->QueryInt("SELECT COUNT(*) FROM ids"), kWriters * kEach);
  EXPECT_EQ(conn->QueryInt("SELECT COUNT(DISTINCT id) FROM ids"), kWriters * kEach);
  EXPECT_EQ(conn->QueryInt("SELECT MAX(id) FROM ids"), kWriters * kEach);
  for (int w = 0; w < kWriters; ++w) {
    EXPECT_EQ(conn->QueryInt("SELECT COUNT(*) FROM ids WHERE who = ?", {std::to_string(w)}), kEach)
        << "writer " << w << " lost a write";
  }
  EXPECT_EQ(conn->QueryInt("SELECT COUNT(*) FROM log"), kEach);
  EXPECT_GT(reads.load(), 0);
}

STRATA_INSTANTIATE_ENGINES(ConnectionPoolTest);

}  // namespace
}  // namespace strata::storage
