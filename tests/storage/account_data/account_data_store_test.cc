// AccountDataStore on both engines: one stream over three tables, replace-on-put rows.
#include "storage/account_data/account_data_store.h"

#include <gtest/gtest.h>

#include "storage/prepared_schema.h"

namespace strata::storage {
namespace {

using nlohmann::json;

class AccountDataStoreTest : public testing::PreparedStoreTest {};

TEST_P(AccountDataStoreTest, StreamSpansTheTablesAndNeverInsertsThePositionRow) {
  PrepareNewest();
  const AccountDataStore store(Options());
  EXPECT_EQ(store.MaxStreamId(conn()), 0);
  EXPECT_EQ(store.NextStreamId(conn()), 1);
  // Synapse leaves account_data_max_stream_id empty; moving it never adds the row.
  EXPECT_EQ(conn().QueryInt("SELECT COUNT(*) FROM account_data_max_stream_id"), 0);
  EXPECT_EQ(store.MaxStreamId(conn()), 0);

  // Rows written behind the store's back: seen once the cached head is forgotten.
  conn().Execute(
      "INSERT INTO room_tags_revisions (user_id, room_id, stream_id) VALUES ('@a:x', '!r:x', 7)");
  EXPECT_EQ(store.MaxStreamId(conn()), 0);
  store.ForgetCachedNow();
  EXPECT_EQ(store.MaxStreamId(conn()), 7);
  conn().Execute("INSERT INTO account_data_max_stream_id (lock, stream_id) VALUES ('X', 10)");
  store.ForgetCachedNow();
  EXPECT_EQ(store.MaxStreamId(conn()), 10);
  EXPECT_EQ(store.NextStreamId(conn()), 11);
  EXPECT_EQ(conn().QueryInt("SELECT stream_id FROM account_data_max_stream_id"), 11);
  store.PutGlobal(conn(), "@a:x", "m.push_rules", 12, json::object());
  EXPECT_EQ(store.MaxStreamId(conn()), 12);
  store.PutForRoom(conn(), "@a:x", "!r:x", "m.tag", 13, json::object());
  EXPECT_EQ(store.MaxStreamId(conn()), 13);
}

// The cached head moves with every write through the store, and a rolled-back id is not kept.
TEST_P(AccountDataStoreTest, CachedStreamHeadSeesWritesAndRollbacks) {
  PrepareNewest();
  const AccountDataStore store(Options());
  EXPECT_EQ(store.MaxStreamId(conn()), 0);
  {
    Transaction txn(conn());
    store.PutGlobal(conn(), "@a:x", "m.x", store.NextStreamId(conn()), json::object());
    EXPECT_EQ(store.MaxStreamId(conn()), 1);  // the writer sees its own row
  }
  EXPECT_EQ(store.MaxStreamId(conn()), 0);  // rolled back
  store.PutForRoom(conn(), "@a:x", "!r:x", "m.y", 5, json::object());
  EXPECT_EQ(store.MaxStreamId(conn()), 5);
  EXPECT_EQ(store.NextStreamId(conn()), 6);
}

TEST_P(AccountDataStoreTest, PutReplacesAndGetReadsBack) {
  PrepareNewest();
  const AccountDataStore store(Options());
  EXPECT_FALSE(store.GetGlobal(conn(), "@a:x", "m.direct"));
  EXPECT_FALSE(store.GetForRoom(conn(), "@a:x", "!r:x", "m.fully_read"));

  store.PutGlobal(conn(), "@a:x", "m.direct", 1, json{{"v", 1}});
  store.PutGlobal(conn(), "@a:x", "m.direct", 2, json{{"v", 2}});
  EXPECT_EQ(json::parse(*store.GetGlobal(conn(), "@a:x", "m.direct")), (json{{"v", 2}}));
  EXPECT_EQ(conn().QueryInt("SELECT COUNT(*) FROM account_data"), 1);
  EXPECT_EQ(conn().QueryInt("SELECT stream_id FROM account_data"), 2);
  EXPECT_FALSE(store.GetGlobal(conn(), "@b:x", "m.direct"));

  store.PutForRoom(conn(), "@a:x", "!r:x", "m.fully_read", 3, json{{"event_id", "$1"}});
  store.PutForRoom(conn(), "@a:x", "!r:x", "m.fully_read", 4, json{{"event_id", "$2"}});
  store.PutForRoom(conn(), "@a:x", "!s:x", "m.fully_read", 5, json{{"event_id", "$9"}});
  EXPECT_EQ(json::parse(*store.GetForRoom(conn(), "@a:x", "!r:x", "m.fully_read")),
            (json{{"event_id", "$2"}}));
  EXPECT_EQ(conn().QueryInt("SELECT COUNT(*) FROM room_account_data"), 2);
  EXPECT_EQ(conn().QueryInt("SELECT stream_id FROM room_account_data WHERE room_id = '!r:x'"), 4);
  // Global and per-room data of one type are apart.
  EXPECT_FALSE(store.GetGlobal(conn(), "@a:x", "m.fully_read"));
  EXPECT_FALSE(store.GetForRoom(conn(), "@a:x", "!r:x", "m.direct"));
}

TEST_P(AccountDataStoreTest, RowsBetweenStreamIdsInStreamOrder) {
  PrepareNewest();
  const AccountDataStore store(Options());
  EXPECT_TRUE(store.GlobalBetween(conn(), "@a:x", 0, 100).empty());
  EXPECT_TRUE(store.ForRoomBetween(conn(), "@a:x", "!r:x", 0, 100).empty());
  store.PutGlobal(conn(), "@a:x", "t3", 3, json{{"n", 3}});
  store.PutGlobal(conn(), "@a:x", "t1", 1, json{{"n", 1}});
  store.PutGlobal(conn(), "@a:x", "t2", 2, json{{"n", 2}});
  store.PutGlobal(conn(), "@b:x", "t4", 4, json::object());
  auto global = store.GlobalBetween(conn(), "@a:x", 1, 3);
  ASSERT_EQ(global.size(), 2u);
  EXPECT_EQ(global[0].type, "t2");
  EXPECT_EQ(json::parse(global[0].content), (json{{"n", 2}}));
  EXPECT_EQ(global[1].type, "t3");

  store.PutForRoom(conn(), "@a:x", "!r:x", "m.tag", 5, json::object());
  store.PutForRoom(conn(), "@a:x", "!s:x", "m.tag", 6, json::object());
  store.PutForRoom(conn(), "@a:x", "!r:x", "m.fully_read", 7, json{{"event_id", "$e"}});
  auto room = store.ForRoomBetween(conn(), "@a:x", "!r:x", 4, 7);
  ASSERT_EQ(room.size(), 2u);
  EXPECT_EQ(room[0].type, "m.tag");
  EXPECT_EQ(room[1].type, "m.fully_read");
  EXPECT_TRUE(store.ForRoomBetween(conn(), "@a:x", "!r:x", 7, 9).empty());
}

STRATA_INSTANTIATE_ENGINES(AccountDataStoreTest);

}  // namespace
}  // namespace strata::storage
