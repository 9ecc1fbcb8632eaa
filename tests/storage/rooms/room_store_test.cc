// RoomStore on both engines: rooms.room_version is written from schema 57 and left out before.
#include "storage/rooms/room_store.h"

#include <gtest/gtest.h>

#include "storage/prepared_schema.h"
#include "support/test_support.h"

namespace strata::storage {
namespace {

class RoomStoreTest : public testing::EngineTest {};

TEST_P(RoomStoreTest, NewestSchemaStoresTheRoomVersion) {
  testing::ScratchDatabase db(engine());
  const auto options = testing::PrepareForStores(db.conn(), testing::NewestSchemaRelease());
  ASSERT_TRUE(options.features.rooms_room_version);
  RoomStore store(options);
  store.InsertRoom(db.conn(), "!r:x", "@a:x", "10");
  auto rows = db.conn().Query("SELECT is_public, creator, room_version FROM rooms");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_FALSE(rows[0].Bool(0));
  EXPECT_EQ(rows[0].Text(1), "@a:x");
  EXPECT_EQ(rows[0].Text(2), "10");
  EXPECT_THROW(store.InsertRoom(db.conn(), "!r:x", "@b:x", "10"), DatabaseError);
}

TEST_P(RoomStoreTest, OldSchemaHasNoRoomVersionColumn) {
  testing::ScratchDatabase db(engine());
  const auto options = testing::PrepareForStores(db.conn(), testing::OldestSchemaRelease());
  ASSERT_FALSE(options.features.rooms_room_version);
  ASSERT_FALSE(db.conn().ColumnExists("rooms", "room_version"));
  RoomStore store(options);
  store.InsertRoom(db.conn(), "!r:x", "@a:x", "5");
  EXPECT_EQ(db.conn().QueryValue("SELECT creator FROM rooms WHERE room_id = ?", {"!r:x"}), "@a:x");
}

STRATA_INSTANTIATE_ENGINES(RoomStoreTest);

}  // namespace
}  // namespace strata::storage
