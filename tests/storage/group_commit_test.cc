// GroupCommit on real databases, through a real ConnectionPool: work queued while a batch runs
// shares the next commit, every result is durable when Run returns, a failing piece of work
// loses only its own rows, and what work queues for the transaction's end runs after commit.
#include "storage/group_commit.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <stdexcept>
#include <thread>
#include <vector>

#include "support/test_support.h"

namespace strata::storage {
namespace {

using namespace std::chrono_literals;
using testing::ScratchDatabase;

class GroupCommitTest : public testing::EngineTest {
 protected:
  void SetUp() override {
    testing::EngineTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    db_ = std::make_unique<ScratchDatabase>(GetParam());
    db_->conn().ExecuteScript("CREATE TABLE t (id BIGINT PRIMARY KEY)");
    auto pool = ConnectionPool::Open(
        [this]() -> Result<std::unique_ptr<Connection>> {
          auto conn = db_->ConnectServing();
          // For the deferred foreign key of AFailedCommitFailsTheWholeBatch.
          if (conn->engine() == Engine::kSqlite) conn->Execute("PRAGMA foreign_keys = ON");
          return conn;
        },
        4);
    ASSERT_TRUE(pool.ok()) << pool.status().message();
    pool_ = std::move(*pool);
    commit_ = std::make_unique<GroupCommit>(*pool_);
  }
  // Rows as a connection outside the pool sees them: only what was committed.
  int64_t CommittedRows() {
    return db_->Connect()->QueryInt("SELECT COUNT(*) FROM t").value_or(-1);
  }
  // Starts `n` threads that each Run `work(i)` while the first batch is held open by a piece of
  // work that waits until all of them have called Run; returns their futures.
  template <typename Work>
  std::vector<std::future<void>> QueueBehindABlockedBatch(int n, Work work) {
    std::promise<void> started;
    std::promise<void> release;
    auto held = release.get_future().share();
    std::atomic<int> calling{0};
    auto first = std::async(std::launch::async, [&] {
      commit_->Run([&](Connection& conn) {
        conn.Execute("INSERT INTO t VALUES (0)");
        started.set_value();
        held.wait();
      });
    });
    started.get_future().wait();
    std::vector<std::future<void>> out;
    for (int i = 1; i <= n; ++i) {
      out.push_back(std::async(std::launch::async, [this, i, work, &calling] {
        ++calling;
        commit_->Run([&](Connection& conn) { work(conn, i); });
      }));
    }
    while (calling.load() < n) std::this_thread::sleep_for(1ms);
    // They have called Run; give them time to reach the queue before the batch ends.
    std::this_thread::sleep_for(300ms);
    release.set_value();
    first.get();
    return out;
  }

  std::unique_ptr<ScratchDatabase> db_;
  std::unique_ptr<ConnectionPool> pool_;
  std::unique_ptr<GroupCommit> commit_;
};

TEST_P(GroupCommitTest, WorkQueuedDuringABatchSharesTheNextCommit) {
  auto queued = QueueBehindABlockedBatch(
      8, [](Connection& conn, int i) { conn.Execute("INSERT INTO t VALUES (?)", {i}); });
  for (auto& f : queued) f.get();
  EXPECT_EQ(CommittedRows(), 9);
  EXPECT_EQ(commit_->items(), 9u);
  EXPECT_EQ(commit_->batches(), 2u);  // the blocked one, then the eight together
}

TEST_P(GroupCommitTest, ResultsAreCommittedWhenRunReturns) {
  std::vector<std::future<int64_t>> sends;
  for (int t = 0; t < 8; ++t) {
    sends.push_back(std::async(std::launch::async, [this, t] {
      int64_t seen = 0;
      for (int i = 0; i < 10; ++i) {
        const int64_t id = t * 100 + i;
        EXPECT_EQ(commit_->Run([&](Connection& conn) {
          conn.Execute("INSERT INTO t VALUES (?)", {id});
          return id;
        }),
                  id);
        // Durable for everyone once Run has returned.
        seen += db_->Connect()->QueryInt("SELECT COUNT(*) FROM t WHERE id = ?", {id}).value_or(0);
      }
      return seen;
    }));
  }
  for (auto& f : sends) EXPECT_EQ(f.get(), 10);
  EXPECT_EQ(CommittedRows(), 80);
  EXPECT_EQ(commit_->items(), 80u);
  EXPECT_LE(commit_->batches(), commit_->items());
}

TEST_P(GroupCommitTest, FailingWorkLosesOnlyItsOwnRows) {
  // Work 3 inserts a row and then fails on a duplicate key (on PostgreSQL that aborts the
  // transaction until the savepoint is undone); work 5 throws its own error.
  std::atomic<int> database_errors{0};
  std::atomic<int> other_errors{0};
  auto queued = QueueBehindABlockedBatch(6, [](Connection& conn, int i) {
    conn.Execute("INSERT INTO t VALUES (?)", {i});
    if (i == 3) conn.Execute("INSERT INTO t VALUES (0)");
    if (i == 5) throw std::runtime_error("refused");
  });
  for (auto& f : queued) {
    try {
      f.get();
    } catch (const DatabaseError&) {
      ++database_errors;
    } catch (const std::runtime_error&) {
      ++other_errors;
    }
  }
  EXPECT_EQ(database_errors.load(), 1);
  EXPECT_EQ(other_errors.load(), 1);
  std::vector<int64_t> kept;
  for (const auto& row : db_->Connect()->Query("SELECT id FROM t ORDER BY id"))
    kept.push_back(row.Int(0));
  EXPECT_EQ(kept, (std::vector<int64_t>{0, 1, 2, 4, 6}));
}

TEST_P(GroupCommitTest, TransactionEndWorkRunsAfterTheCommit) {
  std::atomic<int64_t> seen_at_end{-1};
  commit_->Run([&](Connection& conn) {
    conn.Execute("INSERT INTO t VALUES (7)");
    conn.AtTransactionEnd([&] { seen_at_end = CommittedRows(); });
  });
  EXPECT_EQ(seen_at_end.load(), 1);
}

TEST_P(GroupCommitTest, AFailedCommitFailsTheWholeBatch) {
  // A foreign key checked only at COMMIT, on both engines.
  db_->conn().ExecuteScript(
      "CREATE TABLE parent (id BIGINT PRIMARY KEY);"
      "CREATE TABLE child (id BIGINT REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED);");
  auto queued = QueueBehindABlockedBatch(3, [](Connection& conn, int i) {
    conn.Execute("INSERT INTO t VALUES (?)", {i});
    if (i == 2) conn.Execute("INSERT INTO child VALUES (42)");  // no parent 42
  });
  int failed = 0;
  for (auto& f : queued) {
    try {
      f.get();
    } catch (const DatabaseError&) {
      ++failed;
    }
  }
  EXPECT_EQ(failed, 3);
  EXPECT_EQ(CommittedRows(), 1);  // only the blocked first batch's row
  EXPECT_EQ(commit_->batches(), 1u);
}

STRATA_INSTANTIATE_ENGINES(GroupCommitTest);

}  // namespace
}  // namespace strata::storage
