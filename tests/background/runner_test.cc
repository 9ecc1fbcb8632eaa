// The runner's two historical behaviours, on real databases, with handlers that do real work on
// a table and record the order they ran in.
#include <gtest/gtest.h>

#include "background/updater.h"
#include "support/test_support.h"

namespace strata::background {
namespace {

using schema::BackgroundRunner;

class RunnerTest : public testing::EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    db_ = std::make_unique<testing::ScratchDatabase>(engine());
    conn().ExecuteScript(
        "CREATE TABLE background_updates (update_name TEXT NOT NULL, progress_json TEXT NOT NULL,"
        " depends_on TEXT, ordering INT NOT NULL DEFAULT 0,"
        " CONSTRAINT background_updates_uniqueness UNIQUE (update_name));"
        "CREATE TABLE work_log (seq INTEGER NOT NULL, update_name TEXT NOT NULL, items BIGINT);");
  }
  storage::Connection& conn() { return db_->conn(); }

  void Queue(const std::string& name, const char* depends_on, int ordering = 0) {
    conn().Execute(
        "INSERT INTO background_updates (update_name, progress_json, depends_on, ordering) "
        "VALUES (?, '{}', ?, ?)",
        {name, depends_on ? storage::Value(depends_on) : storage::Value(), ordering});
  }

  // An update that does `total` items in batches, logging each batch in work_log.
  void AddCounter(const std::string& name, int64_t total) {
    registry_.Register(
        name, [total](BatchContext& ctx, const nlohmann::json& progress, int64_t batch_size) {
          int64_t done = progress.value("done", int64_t{0});
          int64_t n = std::min(batch_size, total - done);
          ctx.conn().Execute(
              "INSERT INTO work_log (seq, update_name, items) "
              "SELECT COALESCE(MAX(seq), 0) + 1, ?, ? FROM work_log",
              {ctx.update_name(), n});
          if (done + n >= total) {
            ctx.Finish();
          } else {
            ctx.SaveProgress({{"done", done + n}});
          }
          return n;
        });
  }

  std::vector<std::string> Log() {
    std::vector<std::string> out;
    for (const auto& row : conn().Query("SELECT update_name FROM work_log ORDER BY seq", {})) {
      out.push_back(row.Text(0));
    }
    return out;
  }

  // A clock where every batch takes 10 ms, so batch sizing is deterministic.
  BackgroundUpdater::Clock FixedStepClock() {
    return [this] {
      return std::chrono::steady_clock::time_point() + (ticks_ += std::chrono::milliseconds(5));
    };
  }

  std::unique_ptr<testing::ScratchDatabase> db_;
  HandlerRegistry registry_;
  std::chrono::milliseconds ticks_{0};
};

TEST_P(RunnerTest, RoundRobinInterleavesEligibleUpdatesIgnoringEmptyDependency) {
  AddCounter("a_membership", 300);
  AddCounter("b_stats", 300);
  AddCounter("c_users", 100);
  Queue("a_membership", nullptr);
  Queue("b_stats", "");  // 1.4.0's stats_separated.sql: '' counts as no dependency
  Queue("c_users", "b_stats");
  BackgroundUpdater updater(conn(), registry_, BackgroundRunner::kRoundRobin, {}, FixedStepClock());
  auto report = updater.RunToCompletion();
  auto log = Log();
  ASSERT_GE(log.size(), 3u);
  EXPECT_EQ(log[0], "a_membership");
  EXPECT_EQ(log[1], "b_stats");      // interleaved, not after a_membership finished
  EXPECT_EQ(log.back(), "c_users");  // its dependency was pending when the queue was built
  EXPECT_EQ(report.completed.size(), 3u);
  EXPECT_TRUE(report.left.empty());
}

TEST_P(RunnerTest, OneAtATimeRunsByOrderingThenNameAndHonoursDependencies) {
  AddCounter("z_first_by_ordering", 250);
  AddCounter("a_membership", 250);
  AddCounter("b_stats", 250);
  Queue("b_stats", "a_membership");
  Queue("a_membership", nullptr);
  Queue("z_first_by_ordering", nullptr, -1);
  BackgroundUpdater updater(conn(), registry_, BackgroundRunner::kOneAtATime, {}, FixedStepClock());
  updater.RunToCompletion();
  auto log = Log();
  // Each update runs exclusively until it ends.
  std::vector<std::string> runs;
  for (const auto& name : log) {
    if (runs.empty() || runs.back() != name) runs.push_back(name);
  }
  EXPECT_EQ(runs, (std::vector<std::string>{"z_first_by_ordering", "a_membership", "b_stats"}));
}

TEST_P(RunnerTest, BatchesStartAt100ThenFollowMeasuredSpeed) {
  AddCounter("big", 100000);
  Queue("big", nullptr);
  BackgroundUpdater updater(conn(), registry_, BackgroundRunner::kOneAtATime, {}, FixedStepClock());
  auto first = updater.RunOneBatch();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->batch_size, 100);
  EXPECT_EQ(first->duration, std::chrono::milliseconds(5));
  auto second = updater.RunOneBatch();
  ASSERT_TRUE(second);
  // 100 items in 5 ms -> 20 items/ms -> 100 ms of work is 2000 items.
  EXPECT_EQ(second->batch_size, 2000);
}

TEST_P(RunnerTest, UnknownUpdatesAreLeftAndReportedAndTheirDependentsWait) {
  AddCounter("known", 10);
  AddCounter("dependent", 10);
  Queue("synapse_only_update", nullptr);
  Queue("known", nullptr);
  Queue("dependent", "synapse_only_update");
  BackgroundUpdater updater(conn(), registry_, BackgroundRunner::kOneAtATime, {}, FixedStepClock());
  auto report = updater.RunToCompletion();
  EXPECT_EQ(report.completed, (std::vector<std::string>{"known"}));
  ASSERT_EQ(report.left.size(), 2u);
  for (const auto& u : report.left) {
    if (u.name == "synapse_only_update") {
      EXPECT_EQ(u.state, PendingUpdate::State::kUnknown);
    } else {
      EXPECT_EQ(u.name, "dependent");
      EXPECT_EQ(u.state, PendingUpdate::State::kWaiting);
      EXPECT_NE(u.why.find("synapse_only_update"), std::string::npos);
    }
  }
}

TEST_P(RunnerTest, RestartResumesFromSavedProgress) {
  AddCounter("long", 350);
  Queue("long", nullptr);
  {
    BackgroundUpdater first(conn(), registry_, BackgroundRunner::kRoundRobin, {}, FixedStepClock());
    ASSERT_TRUE(first.RunOneBatch());
  }
  EXPECT_EQ(conn().QueryValue("SELECT progress_json FROM background_updates", {}),
            R"({"done":100})");
  BackgroundUpdater second(conn(), registry_, BackgroundRunner::kRoundRobin, {}, FixedStepClock());
  second.RunToCompletion();
  EXPECT_EQ(conn().QueryInt("SELECT SUM(items) FROM work_log", {}), 350);
  EXPECT_EQ(conn().QueryInt("SELECT COUNT(*) FROM background_updates", {}), 0);
}

TEST_P(RunnerTest, AFailingBatchRollsBackAndIsPassedOver) {
  registry_.Register("broken", [](BatchContext& ctx, const nlohmann::json&, int64_t) -> int64_t {
    ctx.SaveProgress({{"half", "done"}});
    ctx.conn().Execute("INSERT INTO no_such_table VALUES (1)");
    return 1;
  });
  AddCounter("fine", 10);
  Queue("broken", nullptr);
  Queue("fine", nullptr);
  BackgroundUpdater updater(conn(), registry_, BackgroundRunner::kRoundRobin, {}, FixedStepClock());
  auto report = updater.RunToCompletion();
  EXPECT_EQ(report.completed, (std::vector<std::string>{"fine"}));
  EXPECT_EQ(conn().QueryValue("SELECT progress_json FROM background_updates", {}), "{}");
  ASSERT_EQ(report.left.size(), 1u);
  EXPECT_NE(report.left[0].why.find("failed"), std::string::npos);
}

// The serving server's runner: a failure is kept (and published) until a retry is asked for,
// and then the update runs again, here to completion once its cause is gone.
TEST_P(RunnerTest, AFailedUpdateRunsAgainOnceRetried) {
  for (auto mode : {BackgroundRunner::kRoundRobin, BackgroundRunner::kOneAtATime}) {
    bool broken = true;
    HandlerRegistry registry;
    registry.Register("flaky",
                      [&broken](BatchContext& ctx, const nlohmann::json&, int64_t) -> int64_t {
                        if (broken) ctx.conn().Execute("INSERT INTO no_such_table VALUES (1)");
                        ctx.Finish();
                        return 1;
                      });
    Queue("flaky", nullptr);
    BackgroundUpdater updater(conn(), registry, mode, {}, FixedStepClock());
    EXPECT_THROW(updater.RunOneBatch(), storage::DatabaseError);
    ASSERT_EQ(updater.failures().size(), 1u);
    EXPECT_NE(updater.failures().at("flaky").find("no_such_table"), std::string::npos);
    EXPECT_FALSE(updater.RunOneBatch());  // passed over while failed
    broken = false;
    EXPECT_FALSE(updater.RunOneBatch());  // still: nobody asked for a retry

    FailureBoard board;
    board.Publish(updater.failures());
    EXPECT_EQ(board.Failures().size(), 1u);
    board.RequestRetry("flaky");
    EXPECT_TRUE(board.Failures().empty());
    board.Publish(updater.failures());  // published before the runner took the retry
    EXPECT_TRUE(board.Failures().empty());
    for (const auto& name : board.TakeRetries()) updater.Retry(name);
    auto batch = updater.RunOneBatch();
    ASSERT_TRUE(batch);
    EXPECT_EQ(batch->update, "flaky");
    EXPECT_TRUE(batch->finished);
    EXPECT_TRUE(updater.failures().empty());
    EXPECT_EQ(conn().QueryInt("SELECT COUNT(*) FROM background_updates", {}), 0);
  }
}

STRATA_INSTANTIATE_ENGINES(RunnerTest);

}  // namespace
}  // namespace strata::background
