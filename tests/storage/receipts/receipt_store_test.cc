// ReceiptStore on both engines: receipts in both tables, their stream, and the event and
// notification rows a receipt reads and drops.
#include "storage/receipts/receipt_store.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "storage/prepared_schema.h"

namespace strata::storage {
namespace {

class ReceiptStoreTest : public testing::PreparedStoreTest {
 protected:
  void AddEvent(int64_t stream, int64_t topological, const std::string& event_id,
                const std::string& room_id, int64_t received_ts = 0) {
    conn().Execute(
        "INSERT INTO events (stream_ordering, topological_ordering, event_id, type, room_id, "
        "processed, outlier, received_ts) VALUES (?, ?, ?, 'm.room.message', ?, ?, ?, ?)",
        {stream, topological, event_id, room_id, true, false, received_ts});
  }
  int64_t Count(const std::string& table) {
    return conn().QueryInt("SELECT COUNT(*) FROM " + table).value_or(-1);
  }
};

TEST_P(ReceiptStoreTest, ReplaceWritesBothTablesAtTheNextStreamId) {
  PrepareNewest();
  const ReceiptStore store(Options());
  EXPECT_EQ(store.MaxStreamId(conn()), 0);
  EXPECT_EQ(store.ReplaceReceipt(conn(), "!r:x", "m.read", "@a:x", "$1", R"({"ts":1})"), 1);
  EXPECT_EQ(store.ReplaceReceipt(conn(), "!r:x", "m.read", "@b:x", "$1", R"({"ts":2})"), 2);
  EXPECT_EQ(store.ReplaceReceipt(conn(), "!r:x", "m.read", "@a:x", "$2", R"({"ts":3})"), 3);
  EXPECT_EQ(store.MaxStreamId(conn()), 3);
  EXPECT_EQ(Count("receipts_linearized"), 2);
  EXPECT_EQ(Count("receipts_graph"), 2);
  auto graph = conn().Query(
      "SELECT event_ids, data FROM receipts_graph WHERE user_id = '@a:x' AND room_id = '!r:x'");
  ASSERT_EQ(graph.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(graph[0].Text(0)), nlohmann::json::array({"$2"}));
  EXPECT_EQ(graph[0].Text(1), R"({"ts":3})");
}

// The cached head moves with every receipt, forgets a rolled-back one, and sees rows written
// behind the store's back once told to forget.
TEST_P(ReceiptStoreTest, CachedStreamHeadSeesWritesAndRollbacks) {
  PrepareNewest();
  const ReceiptStore store(Options());
  EXPECT_EQ(store.MaxStreamId(conn()), 0);
  {
    Transaction txn(conn());
    EXPECT_EQ(store.ReplaceReceipt(conn(), "!r:x", "m.read", "@a:x", "$1", "{}"), 1);
    EXPECT_EQ(store.MaxStreamId(conn()), 1);
  }
  EXPECT_EQ(store.MaxStreamId(conn()), 0);
  EXPECT_EQ(store.ReplaceReceipt(conn(), "!r:x", "m.read", "@a:x", "$1", "{}"), 1);
  EXPECT_EQ(store.MaxStreamId(conn()), 1);
  conn().Execute(
      "INSERT INTO receipts_linearized (stream_id, room_id, receipt_type, user_id, event_id, "
      "data) VALUES (9, '!r:x', 'm.read', '@b:x', '$1', '{}')");
  EXPECT_EQ(store.MaxStreamId(conn()), 1);
  store.ForgetCachedNow();
  EXPECT_EQ(store.MaxStreamId(conn()), 9);
}

TEST_P(ReceiptStoreTest, ReceiptsBetweenIsHalfOpenAndInStreamOrder) {
  PrepareNewest();
  const ReceiptStore store(Options());
  EXPECT_TRUE(store.ReceiptsBetween(conn(), "!r:x", 0, 100).empty());
  store.ReplaceReceipt(conn(), "!r:x", "m.read", "@a:x", "$1", "{}");           // 1
  store.ReplaceReceipt(conn(), "!other:x", "m.read", "@a:x", "$9", "{}");       // 2
  store.ReplaceReceipt(conn(), "!r:x", "m.read", "@b:x", "$2", R"({"ts":5})");  // 3
  store.ReplaceReceipt(conn(), "!r:x", "m.read", "@c:x", "$3", "{}");           // 4
  auto receipts = store.ReceiptsBetween(conn(), "!r:x", 1, 4);
  ASSERT_EQ(receipts.size(), 2u);
  EXPECT_EQ(receipts[0].user_id, "@b:x");
  EXPECT_EQ(receipts[0].event_id, "$2");
  EXPECT_EQ(receipts[0].receipt_type, "m.read");
  EXPECT_EQ(receipts[0].data, R"({"ts":5})");
  EXPECT_EQ(receipts[1].user_id, "@c:x");
  EXPECT_EQ(store.ReceiptsBetween(conn(), "!r:x", 0, 4).size(), 3u);
  EXPECT_TRUE(store.ReceiptsBetween(conn(), "!r:x", 4, 10).empty());
}

TEST_P(ReceiptStoreTest, ReceiptStreamOrderingNeedsTheEventInTheRoom) {
  PrepareNewest();
  const ReceiptStore store(Options());
  EXPECT_FALSE(store.ReceiptStreamOrdering(conn(), "!r:x", "m.read", "@a:x"));
  AddEvent(5, 2, "$e", "!r:x");
  store.ReplaceReceipt(conn(), "!r:x", "m.read", "@a:x", "$e", "{}");
  EXPECT_EQ(store.ReceiptStreamOrdering(conn(), "!r:x", "m.read", "@a:x"), 5);
  EXPECT_FALSE(store.ReceiptStreamOrdering(conn(), "!r:x", "m.other", "@a:x"));
  // A receipt at an event that is not stored (or not in this room) has no ordering.
  store.ReplaceReceipt(conn(), "!s:x", "m.read", "@a:x", "$e", "{}");
  EXPECT_FALSE(store.ReceiptStreamOrdering(conn(), "!s:x", "m.read", "@a:x"));
}

TEST_P(ReceiptStoreTest, EventPositions) {
  PrepareNewest();
  const ReceiptStore store(Options());
  EXPECT_FALSE(store.EventPositionAnywhere(conn(), "$e"));
  EXPECT_EQ(store.NewestStreamOrderingReceivedBefore(conn(), 1000), 0);
  AddEvent(5, 2, "$e", "!r:x", 100);
  AddEvent(6, 3, "$f", "!r:x", 200);
  EXPECT_EQ(store.EventPositionInRoom(conn(), "!r:x", "$e"), (EventPosition{2, 5}));
  EXPECT_FALSE(store.EventPositionInRoom(conn(), "!s:x", "$e"));
  EXPECT_EQ(store.EventPositionAnywhere(conn(), "$f"), (EventPosition{3, 6}));
  EXPECT_EQ(store.NewestStreamOrderingReceivedBefore(conn(), 200), 5);  // strictly before
  EXPECT_EQ(store.NewestStreamOrderingReceivedBefore(conn(), 201), 6);
  EXPECT_EQ(store.NewestStreamOrderingReceivedBefore(conn(), 100), 0);
}

TEST_P(ReceiptStoreTest, DropNotificationsKeepsRecentHighlightsAndLaterRows) {
  PrepareNewest();
  const ReceiptStore store(Options());
  const std::string insert =
      "INSERT INTO event_push_actions (room_id, event_id, user_id, actions, stream_ordering, "
      "notif, highlight) VALUES (?, ?, ?, '[]', ?, 1, ?)";
  conn().Execute(insert, {"!r:x", "$1", "@a:x", 1, 0});  // dropped
  conn().Execute(insert, {"!r:x", "$2", "@a:x", 2, 1});  // old highlight: dropped
  conn().Execute(insert, {"!r:x", "$3", "@a:x", 3, 1});  // recent highlight: kept
  conn().Execute(insert, {"!r:x", "$4", "@a:x", 4, 0});  // dropped
  conn().Execute(insert, {"!r:x", "$5", "@a:x", 5, 0});  // after the receipt: kept
  conn().Execute(insert, {"!r:x", "$1", "@b:x", 1, 0});  // another user: kept
  conn().Execute(insert, {"!s:x", "$6", "@a:x", 1, 0});  // another room: kept
  const std::string summary =
      "INSERT INTO event_push_summary (user_id, room_id, notif_count, stream_ordering) "
      "VALUES (?, ?, 1, ?)";
  conn().Execute(summary, {"@a:x", "!r:x", 3});  // dropped
  conn().Execute(summary, {"@a:x", "!r:x", 5});  // kept
  conn().Execute(summary, {"@a:x", "!s:x", 1});  // kept

  store.DropNotificationsUpTo(conn(), "!r:x", "@a:x", 4, 2);
  std::vector<std::string> left;
  for (const auto& row : conn().Query(
           "SELECT room_id, event_id, user_id FROM event_push_actions ORDER BY room_id, event_id, "
           "user_id")) {
    left.push_back(row.Text(0) + row.Text(1) + row.Text(2));
  }
  EXPECT_EQ(left,
            (std::vector<std::string>{"!r:x$1@b:x", "!r:x$3@a:x", "!r:x$5@a:x", "!s:x$6@a:x"}));
  EXPECT_EQ(Count("event_push_summary"), 2);
  EXPECT_EQ(conn().QueryInt("SELECT MIN(stream_ordering) FROM event_push_summary WHERE room_id = "
                            "'!r:x'"),
            5);
}

STRATA_INSTANTIATE_ENGINES(ReceiptStoreTest);

}  // namespace
}  // namespace strata::storage
