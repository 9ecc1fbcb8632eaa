// StateStore on both engines, against the oldest and newest catalogued schemas:
// current_state_events.membership only from schema 56, state group ids from the PostgreSQL
// sequence where there is one and MAX()+1 elsewhere, and the reads.
#include "storage/state/state_store.h"

#include <gtest/gtest.h>

#include "storage/database.h"
#include "storage/events/event_store.h"
#include "storage/prepared_schema.h"
#include "support/test_support.h"

namespace strata::storage {
namespace {

class StateStoreTest : public testing::EngineTest {
 protected:
  void Prepare(const schema::Release& release) {
    db_ = std::make_unique<testing::ScratchDatabase>(engine());
    options_ = testing::PrepareForStores(db_->conn(), release);
    store_ = std::make_unique<StateStore>(options_);
  }
  Connection& conn() { return db_->conn(); }
  void Event(int64_t stream, const std::string& id) {
    EventRow row;
    row.stream_ordering = stream;
    row.depth = stream;
    row.event_id = id;
    row.type = "m.room.member";
    row.room_id = "!r:x";
    row.origin_server_ts = 1;
    row.sender = "@a:x";
    EventStore(options_).InsertEvent(conn(), row);
  }

  std::unique_ptr<testing::ScratchDatabase> db_;
  StoreOptions options_;
  std::unique_ptr<StateStore> store_;
};

TEST_P(StateStoreTest, CurrentStateReplacesAndWritesMembershipFromSchema56) {
  Prepare(testing::NewestSchemaRelease());
  ASSERT_TRUE(options_.features.current_state_membership);
  store_->ReplaceCurrentState(conn(), "$m1", "!r:x", "m.room.member", "@a:x", "invite");
  store_->ReplaceCurrentState(conn(), "$m2", "!r:x", "m.room.member", "@a:x", "join");
  store_->ReplaceCurrentState(conn(), "$n", "!r:x", "m.room.name", "", std::nullopt);
  auto rows = conn().Query(
      "SELECT event_id, membership FROM current_state_events WHERE room_id = ? ORDER BY "
      "event_id",
      {"!r:x"});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].Text(0), "$m2");
  EXPECT_EQ(rows[0].Text(1), "join");
  EXPECT_EQ(rows[1].Text(0), "$n");
  EXPECT_TRUE(rows[1].IsNull(1));
  EXPECT_EQ(store_->CurrentStateEventId(conn(), "!r:x", "m.room.member", "@a:x"), "$m2");
  EXPECT_FALSE(store_->CurrentStateEventId(conn(), "!r:x", "m.room.topic", "").has_value());
  EXPECT_EQ(store_->CurrentState(conn(), "!r:x").size(), 2u);
  EXPECT_TRUE(store_->CurrentState(conn(), "!nowhere:x").empty());
}

TEST_P(StateStoreTest, OldSchemaWritesCurrentStateWithoutMembership) {
  Prepare(testing::OldestSchemaRelease());
  ASSERT_FALSE(options_.features.current_state_membership);
  ASSERT_FALSE(conn().ColumnExists("current_state_events", "membership"));
  store_->ReplaceCurrentState(conn(), "$m", "!r:x", "m.room.member", "@a:x", "join");
  EXPECT_EQ(store_->CurrentStateEventId(conn(), "!r:x", "m.room.member", "@a:x"), "$m");
}

TEST_P(StateStoreTest, StateGroupsChainAndIdsGrow) {
  Prepare(testing::NewestSchemaRelease());
  const int64_t first = store_->NextStateGroup(conn());
  store_->InsertStateGroup(conn(), first, "!r:x", "$a", std::nullopt);
  store_->InsertStateGroupEntry(conn(), first, "!r:x", "m.room.create", "", "$a");
  store_->InsertEventToStateGroup(conn(), "$a", first);
  const int64_t second = store_->NextStateGroup(conn());
  EXPECT_GT(second, first);
  store_->InsertStateGroup(conn(), second, "!r:x", "$b", first);
  store_->InsertEventToStateGroup(conn(), "$b", second);
  EXPECT_EQ(store_->StateGroupOf(conn(), "$a"), first);
  EXPECT_EQ(store_->StateGroupOf(conn(), "$b"), second);
  EXPECT_FALSE(store_->StateGroupOf(conn(), "$c").has_value());
  EXPECT_EQ(conn().QueryInt("SELECT prev_state_group FROM state_group_edges WHERE state_group = ?",
                            {second}),
            first);
  EXPECT_EQ(conn().QueryInt("SELECT COUNT(*) FROM state_group_edges"), 1);
  EXPECT_EQ(
      conn().QueryInt("SELECT COUNT(*) FROM state_groups_state WHERE state_group = ?", {first}), 1);
}

TEST_P(StateStoreTest, StateGroupIdsFollowTheEngine) {
  Prepare(testing::NewestSchemaRelease());
  // A group written by someone else with a high id: MAX()+1 follows it, the sequence does not.
  conn().Execute("INSERT INTO state_groups (id, room_id, event_id) VALUES (?, ?, ?)",
                 {41, "!r:x", "$x"});
  const int64_t next = store_->NextStateGroup(conn());
  if (options_.features.state_group_sequence) {
    EXPECT_EQ(engine(), Engine::kPostgres);
    EXPECT_LT(next, 41);
  } else {
    EXPECT_EQ(next, 42);
  }
}

TEST_P(StateStoreTest, StateEventsDeltasAndMembers) {
  Prepare(testing::NewestSchemaRelease());
  for (int i = 1; i <= 4; ++i) {
    const std::string id = "$s" + std::to_string(i);
    Event(i, id);
    store_->InsertStateEvent(conn(), id, "!r:x", "m.room.member", "@u" + std::to_string(5 - i),
                             i > 1 ? std::optional<std::string>("$s1") : std::nullopt);
    store_->ReplaceCurrentState(conn(), id, "!r:x", "m.room.member", "@u" + std::to_string(5 - i),
                                "join");
  }
  EXPECT_EQ(store_->StateEventsBetween(conn(), "!r:x", 1, 4),
            (std::vector<std::string>{"$s2", "$s3"}));
  EXPECT_EQ(store_->MemberEventIds(conn(), "!r:x"),
            (std::vector<std::string>{"$s4", "$s3", "$s2", "$s1"}));  // by state_key
  EXPECT_EQ(store_->MembershipStreamOrdering(conn(), "!r:x", "@u2"), 3);
  EXPECT_FALSE(store_->MembershipStreamOrdering(conn(), "!r:x", "@nobody").has_value());
  EXPECT_EQ(conn().QueryValue("SELECT prev_state FROM state_events WHERE event_id = ?", {"$s3"}),
            "$s1");

  store_->InsertCurrentStateDelta(conn(), 9, "!r:x", "m.room.member", "@u1", "$s4", "$s1");
  auto rows = conn().Query(
      "SELECT stream_id, type, state_key, event_id, prev_event_id FROM "
      "current_state_delta_stream");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].Int(0), 9);
  EXPECT_EQ(rows[0].Text(3), "$s4");
  EXPECT_EQ(rows[0].Text(4), "$s1");
}

// Current state is cached per room: a write through the store is seen at once by every
// connection, a write that bypasses it only after ForgetCachedNow, and a transaction that has
// changed state reads its own rows, never a cached copy another connection filled.
TEST_P(StateStoreTest, CachedCurrentStateSeesEveryWriteThroughTheStore) {
  Prepare(testing::NewestSchemaRelease());
  store_->ReplaceCurrentState(conn(), "$n1", "!r:x", "m.room.name", "", std::nullopt);
  EXPECT_EQ(store_->CurrentStateEventId(conn(), "!r:x", "m.room.name", ""), "$n1");

  // Bypassing the store: the cached state stays until told.
  conn().Execute("UPDATE current_state_events SET event_id = '$raw' WHERE room_id = '!r:x'");
  EXPECT_EQ(store_->CurrentStateEventId(conn(), "!r:x", "m.room.name", ""), "$n1");
  store_->ForgetCachedNow();
  EXPECT_EQ(store_->CurrentStateEventId(conn(), "!r:x", "m.room.name", ""), "$raw");

  auto other = db_->Connect();
  {
    Transaction txn(conn());
    store_->ReplaceCurrentState(conn(), "$n2", "!r:x", "m.room.name", "", std::nullopt);
    store_->ReplaceCurrentState(conn(), "$t", "!r:x", "m.room.topic", "", std::nullopt);
    if (engine() == Engine::kPostgres) {
      // Another connection reads the committed state (and may cache it)...
      EXPECT_EQ(store_->CurrentStateEventId(*other, "!r:x", "m.room.name", ""), "$raw");
    }
    // ...while the writer reads its own.
    EXPECT_EQ(store_->CurrentStateEventId(conn(), "!r:x", "m.room.name", ""), "$n2");
    EXPECT_EQ(store_->CurrentState(conn(), "!r:x").size(), 2u);
    txn.Commit();
  }
  EXPECT_EQ(store_->CurrentStateEventId(*other, "!r:x", "m.room.name", ""), "$n2");
  EXPECT_EQ(store_->CurrentStateEventId(conn(), "!r:x", "m.room.topic", ""), "$t");

  // A rolled-back change leaves the committed state to be read.
  {
    Transaction txn(conn());
    store_->ReplaceCurrentState(conn(), "$n3", "!r:x", "m.room.name", "", std::nullopt);
  }
  EXPECT_EQ(store_->CurrentStateEventId(*other, "!r:x", "m.room.name", ""), "$n2");
}

STRATA_INSTANTIATE_ENGINES(StateStoreTest);

}  // namespace
}  // namespace strata::storage
