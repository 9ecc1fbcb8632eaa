// EventStore on both engines, against the newest catalogued schema: what each write puts in
// its table and what the reads give back, including missing rows.
#include "storage/events/event_store.h"

#include <gtest/gtest.h>

#include "storage/database.h"
#include "storage/prepared_schema.h"
#include "support/test_support.h"

namespace strata::storage {
namespace {

class EventStoreTest : public testing::EngineTest {
 protected:
  void SetUp() override {
    testing::EngineTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    db_ = std::make_unique<testing::ScratchDatabase>(engine());
    store_ = std::make_unique<EventStore>(
        testing::PrepareForStores(db_->conn(), testing::NewestSchemaRelease()));
  }
  Connection& conn() { return db_->conn(); }

  void Event(int64_t stream, const std::string& id, const std::string& room = "!r:x",
             bool outlier = false) {
    EventRow row;
    row.stream_ordering = stream;
    row.depth = stream * 10;
    row.event_id = id;
    row.type = "m.room.message";
    row.room_id = room;
    row.origin_server_ts = 1000 + stream;
    row.sender = "@a:x";
    row.contains_url = stream % 2 == 0;
    store_->InsertEvent(conn(), row);
    if (outlier) conn().Execute("UPDATE events SET outlier = ? WHERE event_id = ?", {true, id});
  }

  std::unique_ptr<testing::ScratchDatabase> db_;
  std::unique_ptr<EventStore> store_;
};

TEST_P(EventStoreTest, InsertEventWritesTheRowAsSynapseDid) {
  Event(4, "$e4");
  auto rows = conn().Query(
      "SELECT stream_ordering, topological_ordering, depth, type, room_id, processed, outlier, "
      "origin_server_ts, received_ts, sender, contains_url, content FROM events WHERE event_id "
      "= ?",
      {"$e4"});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].Int(0), 4);
  EXPECT_EQ(rows[0].Int(1), 40);
  EXPECT_EQ(rows[0].Int(2), 40);
  EXPECT_EQ(rows[0].Text(3), "m.room.message");
  EXPECT_EQ(rows[0].Text(4), "!r:x");
  EXPECT_TRUE(rows[0].Bool(5));
  EXPECT_FALSE(rows[0].Bool(6));
  EXPECT_EQ(rows[0].Int(7), 1004);
  EXPECT_EQ(rows[0].Int(8), 1004);
  EXPECT_EQ(rows[0].Text(9), "@a:x");
  EXPECT_TRUE(rows[0].Bool(10));
  EXPECT_TRUE(rows[0].IsNull(11));  // content stays NULL: the event is in event_json
}

TEST_P(EventStoreTest, MaxStreamOrderingAndDepth) {
  EXPECT_EQ(store_->MaxStreamOrdering(conn()), 0);
  EXPECT_EQ(store_->NextDepth(conn(), "!r:x"), 1);
  Event(3, "$a");
  Event(7, "$b");
  Event(9, "$c", "!other:x");
  EXPECT_EQ(store_->MaxStreamOrdering(conn()), 9);
  EXPECT_EQ(store_->NextDepth(conn(), "!r:x"), 71);
}

TEST_P(EventStoreTest, EventJsonRoundTripsAndMissingIsEmpty) {
  EXPECT_FALSE(store_->EventJson(conn(), "$nope").has_value());
  store_->InsertEventJson(conn(), "$e", "!r:x", R"({"txn_id":"t"})", R"({"type":"m.x"})", 3);
  EXPECT_EQ(store_->EventJson(conn(), "$e").value_or(""), R"({"type":"m.x"})");
  auto rows = conn().Query(
      "SELECT room_id, internal_metadata, format_version FROM event_json WHERE event_id = ?",
      {"$e"});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].Text(0), "!r:x");
  EXPECT_EQ(rows[0].Text(1), R"({"txn_id":"t"})");
  EXPECT_EQ(rows[0].Int(2), 3);
}

// Event JSON is cached per event: an event written (or rolled back) through the store is seen
// as it is at once, a row changed behind the store's back only after ForgetCachedNow.
TEST_P(EventStoreTest, CachedEventJsonSeesWritesAndRollbacks) {
  {
    Transaction txn(conn());
    store_->InsertEventJson(conn(), "$r", "!r:x", "{}", R"({"type":"m.x"})", 3);
    EXPECT_TRUE(store_->EventJson(conn(), "$r").has_value());  // the writer sees its own row
  }
  EXPECT_FALSE(store_->EventJson(conn(), "$r").has_value());  // rolled back
  store_->InsertEventJson(conn(), "$r", "!r:x", "{}", R"({"type":"m.x"})", 3);
  EXPECT_EQ(store_->EventJson(conn(), "$r").value_or(""), R"({"type":"m.x"})");

  conn().Execute("DELETE FROM event_json WHERE event_id = '$r'");
  EXPECT_TRUE(store_->EventJson(conn(), "$r").has_value());
  store_->ForgetCachedNow();
  EXPECT_FALSE(store_->EventJson(conn(), "$r").has_value());
}

// The stream's head and each room's newest ordering are cached: an event written through the
// store moves both at once, a rolled-back one is forgotten, a row written behind the store's
// back is seen after ForgetCachedNow.
TEST_P(EventStoreTest, CachedStreamPositionsSeeWritesAndRollbacks) {
  EXPECT_EQ(store_->MaxStreamOrdering(conn()), 0);
  EXPECT_EQ(store_->RoomMaxStreamOrdering(conn(), "!r:x"), 0);
  {
    Transaction txn(conn());
    Event(5, "$five");
    EXPECT_EQ(store_->MaxStreamOrdering(conn()), 5);  // the writer sees its own row
    EXPECT_EQ(store_->RoomMaxStreamOrdering(conn(), "!r:x"), 5);
  }
  EXPECT_EQ(store_->MaxStreamOrdering(conn()), 0);  // rolled back
  EXPECT_EQ(store_->RoomMaxStreamOrdering(conn(), "!r:x"), 0);
  Event(3, "$three");
  Event(6, "$six", "!other:x");
  EXPECT_EQ(store_->MaxStreamOrdering(conn()), 6);
  EXPECT_EQ(store_->RoomMaxStreamOrdering(conn(), "!r:x"), 3);
  EXPECT_EQ(store_->RoomMaxStreamOrdering(conn(), "!other:x"), 6);

  conn().Execute(
      "INSERT INTO events (stream_ordering, topological_ordering, event_id, type, room_id, "
      "processed, outlier) VALUES (8, 8, '$behind', 'm.x', '!r:x', ?, ?)",
      {true, false});
  EXPECT_EQ(store_->MaxStreamOrdering(conn()), 6);
  EXPECT_EQ(store_->RoomMaxStreamOrdering(conn(), "!r:x"), 3);
  store_->ForgetCachedNow();
  EXPECT_EQ(store_->MaxStreamOrdering(conn()), 8);
  EXPECT_EQ(store_->RoomMaxStreamOrdering(conn(), "!r:x"), 8);
}

TEST_P(EventStoreTest, RoomHasEventsBetweenIsHalfOpen) {
  Event(2, "$a");
  Event(4, "$b");
  Event(5, "$c", "!other:x");
  Event(9, "$d");
  EXPECT_FALSE(store_->RoomHasEventsBetween(conn(), "!r:x", 9, 20));  // nothing newer
  EXPECT_TRUE(store_->RoomHasEventsBetween(conn(), "!r:x", 8, 9));    // the newest itself
  EXPECT_TRUE(store_->RoomHasEventsBetween(conn(), "!r:x", 1, 5));    // newest lies beyond
  EXPECT_FALSE(store_->RoomHasEventsBetween(conn(), "!r:x", 4, 8));   // a gap before it
  EXPECT_FALSE(store_->RoomHasEventsBetween(conn(), "!r:x", 5, 5));   // empty window
  EXPECT_FALSE(store_->RoomHasEventsBetween(conn(), "!none:x", 0, 20));
}

TEST_P(EventStoreTest, GraphRowsAndForwardExtremities) {
  store_->InsertEdges(conn(), "$new", "!r:x", {"$p1", "$p2"});
  store_->InsertAuth(conn(), "$new", "!r:x", {"$create", "$pl"});
  EXPECT_EQ(conn().QueryInt("SELECT COUNT(*) FROM event_edges WHERE event_id = ? AND room_id = ? "
                            "AND is_state = ?",
                            {"$new", "!r:x", false}),
            2);
  EXPECT_EQ(conn().QueryInt("SELECT COUNT(*) FROM event_auth WHERE event_id = ?", {"$new"}), 2);

  EXPECT_TRUE(store_->ForwardExtremities(conn(), "!r:x").empty());
  conn().Execute("INSERT INTO event_forward_extremities (event_id, room_id) VALUES (?, ?)",
                 {"$p1", "!r:x"});
  conn().Execute("INSERT INTO event_forward_extremities (event_id, room_id) VALUES (?, ?)",
                 {"$p2", "!r:x"});
  conn().Execute("INSERT INTO event_forward_extremities (event_id, room_id) VALUES (?, ?)",
                 {"$q", "!other:x"});
  EXPECT_EQ(store_->ForwardExtremities(conn(), "!r:x").size(), 2u);
  store_->ReplaceForwardExtremities(conn(), "!r:x", "$new");
  EXPECT_EQ(store_->ForwardExtremities(conn(), "!r:x"), std::vector<std::string>{"$new"});
  EXPECT_EQ(store_->ForwardExtremities(conn(), "!other:x"), std::vector<std::string>{"$q"});
}

TEST_P(EventStoreTest, RoomEventsWindowOrderLimitAndOutliers) {
  for (int i = 1; i <= 6; ++i) Event(i, "$e" + std::to_string(i));
  Event(7, "$out", "!r:x", /*outlier=*/true);
  Event(8, "$elsewhere", "!other:x");
  auto ids = [](const std::vector<StreamEvent>& v) {
    std::vector<std::string> out;
    for (const auto& e : v) out.push_back(e.event_id + "@" + std::to_string(e.stream_ordering));
    return out;
  };
  EXPECT_EQ(ids(store_->RoomEvents(conn(), "!r:x", 1, 8, true, 3)),
            (std::vector<std::string>{"$e6@6", "$e5@5", "$e4@4"}));
  EXPECT_EQ(ids(store_->RoomEvents(conn(), "!r:x", 1, 4, false, 10)),
            (std::vector<std::string>{"$e2@2", "$e3@3", "$e4@4"}));
  EXPECT_EQ(store_->CountRoomEvents(conn(), "!r:x", 2, 7), 5);  // outliers count here
  EXPECT_EQ(store_->CountRoomEvents(conn(), "!r:x", 8, 100), 0);
}

TEST_P(EventStoreTest, ReferenceHashAndRoomDepth) {
  EXPECT_FALSE(store_->ReferenceHash(conn(), "$e").has_value());
  store_->InsertRoomDepth(conn(), "!r:x", 1);
  EXPECT_EQ(conn().QueryInt("SELECT min_depth FROM room_depth WHERE room_id = ?", {"!r:x"}), 1);
}

STRATA_INSTANTIATE_ENGINES(EventStoreTest);

}  // namespace
}  // namespace strata::storage
