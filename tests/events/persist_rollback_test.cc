// events::Persist writes an event to a dozen tables in one transaction. With a connection that
// fails the Nth statement (for every N the write issues), the database must be exactly as it was
// before: nothing half-written. Both engines.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crypto/signing_key.h"
#include "events/event_store.h"
#include "schema/catalogue.h"
#include "schema/prepare_database.h"
#include "storage/stores.h"
#include "support/fault_injecting_connection.h"
#include "support/test_support.h"

namespace strata::events {
namespace {

using testing::FaultInjectingConnection;
using testing::ScratchDatabase;

// Every table's rows as sorted text: equal dumps mean equal databases.
std::map<std::string, std::vector<std::string>> Dump(storage::Connection& conn) {
  const char* list = conn.engine() == storage::Engine::kSqlite
                         ? "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
                         : "SELECT table_name FROM information_schema.tables "
                           "WHERE table_schema = current_schema() ORDER BY table_name";
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& table : conn.Query(list)) {
    auto& rows = out[table.Text(0)];
    for (const auto& row : conn.Query("SELECT * FROM " + table.Text(0))) {
      std::string line;
      for (size_t i = 0; i < row.size(); ++i) {
        line += row.IsNull(i) ? std::string("NULL") : "'" + row.Text(i) + "'";
        line += '|';
      }
      rows.push_back(line);
    }
    std::sort(rows.begin(), rows.end());
  }
  return out;
}

class PersistRollbackTest : public testing::EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    db_ = std::make_unique<ScratchDatabase>(engine());
    schema::PrepareOptions options;
    options.server_name = "localhost";
    const auto& catalogue = schema::Catalogue::Builtin();
    auto prepared = schema::PrepareDatabase(db_->conn(), catalogue, catalogue.newest(), options);
    ASSERT_TRUE(prepared.ok()) << prepared.status().message();
    stores_ = std::make_unique<storage::Stores>(storage::StoreOptions::Read(db_->conn(), false));
    ctx_ = EventContext{"localhost", crypto::SigningKey::Generate(),
                        [] { return int64_t{1700000000000}; }};
  }

  // Persists `draft` with the Nth statement failing, for N = 1, 2, ... until a run issues fewer
  // than N statements (and so succeeds). After every failed run the database must equal its
  // state before; the successful run must change it. Returns how many statements it took.
  int64_t PersistThroughEveryFault(const EventDraft& draft) {
    storage::Connection& real = db_->conn();
    const auto before = Dump(real);
    FaultInjectingConnection conn(real);
    for (int64_t n = 1; n < 1000; ++n) {
      conn.Arm(n);
      std::optional<Result<StoredEvent>> result;
      try {
        result.emplace(Persist(*stores_, conn, *ctx_, draft));
      } catch (const storage::DatabaseError& e) {
        EXPECT_TRUE(conn.failed()) << "a real database error: " << e.what();
      }
      if (!conn.failed()) {
        EXPECT_TRUE(result && result->ok())
            << draft.type << ": " << (result ? result->status().message() : "threw");
        EXPECT_GT(n, 1) << "the write issued no statement";
        EXPECT_NE(Dump(real), before) << draft.type << ": the successful write changed nothing";
        EXPECT_FALSE(real.InTransaction());
        return n - 1;
      }
      EXPECT_FALSE(result && result->ok()) << "statement " << n << " failed but Persist succeeded";
      EXPECT_FALSE(real.InTransaction()) << "left a transaction open after statement " << n;
      EXPECT_EQ(Dump(real), before) << draft.type << ": half-written after statement " << n
                                    << " failed: " << conn.failed_sql();
      if (::testing::Test::HasFailure()) return -1;
    }
    ADD_FAILURE() << "Persist never finished";
    return -1;
  }

  std::unique_ptr<ScratchDatabase> db_;
  std::unique_ptr<storage::Stores> stores_;
  std::optional<EventContext> ctx_;  // no default SigningKey
};

TEST_P(PersistRollbackTest, EveryWriteRollsBackWholeWhenAnyStatementFails) {
  const std::string room = "!r:localhost", alice = "@alice:localhost";
  EventDraft create;
  create.room_id = room;
  create.type = "m.room.create";
  create.sender = alice;
  create.state_key = "";
  create.content = {{"creator", alice}};
  create.room_version = "5";
  EXPECT_GT(PersistThroughEveryFault(create), 5);

  EventDraft join;
  join.room_id = room;
  join.type = "m.room.member";
  join.sender = alice;
  join.state_key = alice;
  join.content = {{"membership", "join"}};
  EXPECT_GT(PersistThroughEveryFault(join), 5);

  EventDraft message;
  message.room_id = room;
  message.type = "m.room.message";
  message.sender = alice;
  message.content = {{"msgtype", "m.text"}, {"body", "hello"}};
  message.txn_id = "t1";
  EXPECT_GT(PersistThroughEveryFault(message), 3);

  EXPECT_EQ(MembershipOf(*stores_, db_->conn(), room, alice), "join");
  EXPECT_EQ(db_->conn().QueryInt("SELECT COUNT(*) FROM events WHERE room_id = ?", {room}), 3);
}

STRATA_INSTANTIATE_ENGINES(PersistRollbackTest);

}  // namespace
}  // namespace strata::events
