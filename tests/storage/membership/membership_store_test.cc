// MembershipStore on both engines: room_memberships rows and the current memberships read
// through current_state_events.
#include "storage/membership/membership_store.h"

#include <gtest/gtest.h>

#include "storage/database.h"
#include "storage/events/event_store.h"
#include "storage/prepared_schema.h"
#include "storage/state/state_store.h"
#include "support/test_support.h"

namespace strata::storage {
namespace {

class MembershipStoreTest : public testing::EngineTest {
 protected:
  void SetUp() override {
    testing::EngineTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    db_ = std::make_unique<testing::ScratchDatabase>(engine());
    options_ = testing::PrepareForStores(db_->conn(), testing::NewestSchemaRelease());
    store_ = std::make_unique<MembershipStore>(options_);
    state_ = std::make_unique<StateStore>(options_);
  }
  Connection& conn() { return db_->conn(); }

  // A member event that is the user's current one in the room.
  void Member(int64_t stream, const std::string& event_id, const std::string& room,
              const std::string& user, const std::string& membership) {
    EventRow event;
    event.stream_ordering = stream;
    event.depth = stream;
    event.event_id = event_id;
    event.type = "m.room.member";
    event.room_id = room;
    event.origin_server_ts = 1;
    event.sender = user;
    // A store made for one write and gone before the caller's transaction ends: the forget it
    // queued for that end must not touch it (read_through_cache.h).
    EventStore(options_).InsertEvent(conn(), event);
    MembershipRow row;
    row.event_id = event_id;
    row.user_id = user;
    row.sender = user;
    row.room_id = room;
    row.membership = membership;
    row.display_name = "Name";
    store_->InsertMembership(conn(), row);
    state_->ReplaceCurrentState(conn(), event_id, room, "m.room.member", user, membership);
  }

  std::unique_ptr<testing::ScratchDatabase> db_;
  StoreOptions options_;
  std::unique_ptr<MembershipStore> store_;
  std::unique_ptr<StateStore> state_;
};

TEST_P(MembershipStoreTest, InsertWritesTheRow) {
  Member(1, "$m", "!r:x", "@a:x", "join");
  auto rows = conn().Query(
      "SELECT user_id, sender, room_id, membership, forgotten, display_name, avatar_url FROM "
      "room_memberships WHERE event_id = ?",
      {"$m"});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].Text(0), "@a:x");
  EXPECT_EQ(rows[0].Text(3), "join");
  EXPECT_EQ(rows[0].Int(4), 0);
  EXPECT_EQ(rows[0].Text(5), "Name");
  EXPECT_TRUE(rows[0].IsNull(6));
}

TEST_P(MembershipStoreTest, CurrentMembershipFollowsCurrentState) {
  EXPECT_FALSE(store_->CurrentMembership(conn(), "!r:x", "@a:x").has_value());
  Member(1, "$m1", "!r:x", "@a:x", "join");
  EXPECT_EQ(store_->CurrentMembership(conn(), "!r:x", "@a:x"), "join");
  Member(2, "$m2", "!r:x", "@a:x", "leave");
  EXPECT_EQ(store_->CurrentMembership(conn(), "!r:x", "@a:x"), "leave");
}

TEST_P(MembershipStoreTest, JoinedRoomsAndForgetting) {
  Member(1, "$b", "!b:x", "@a:x", "join");
  Member(2, "$a", "!a:x", "@a:x", "join");
  Member(3, "$c", "!c:x", "@a:x", "leave");
  Member(4, "$d", "!d:x", "@other:x", "join");
  auto joined = store_->JoinedRooms(conn(), "@a:x");
  ASSERT_EQ(joined.size(), 2u);
  EXPECT_EQ(joined[0].room_id, "!a:x");
  EXPECT_EQ(joined[0].event_id, "$a");
  EXPECT_EQ(joined[1].room_id, "!b:x");

  auto all = store_->UnforgottenMemberships(conn(), "@a:x");
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[2].room_id, "!c:x");
  EXPECT_EQ(all[2].membership, "leave");
  EXPECT_EQ(all[2].stream_ordering, 3);
  store_->Forget(conn(), "@a:x", "!c:x");
  EXPECT_EQ(store_->UnforgottenMemberships(conn(), "@a:x").size(), 2u);
  EXPECT_EQ(store_->UnforgottenMemberships(conn(), "@other:x").size(), 1u);
}

TEST_P(MembershipStoreTest, JoinedOrInvitedRoomsFromCurrentState) {
  EXPECT_TRUE(store_->JoinedOrInvitedRooms(conn(), "@a:x").empty());
  int stream = 0;
  for (const char* membership : {"leave", "join", "ban", "invite"}) {
    ++stream;
    Member(stream, "$e" + std::to_string(stream), std::string("!") + membership + ":x", "@a:x",
           membership);
  }
  Member(5, "$other", "!other:x", "@b:x", "join");
  EXPECT_EQ(store_->JoinedOrInvitedRooms(conn(), "@a:x"),
            (std::vector<std::string>{"!invite:x", "!join:x"}));
}

// A user's memberships are cached: a member event or a forget through the store is seen at
// once, by every connection; a write that bypasses the store only after ForgetCachedNow.
TEST_P(MembershipStoreTest, CachedMembershipsSeeEveryWriteThroughTheStore) {
  Member(1, "$j", "!r:x", "@a:x", "join");
  EXPECT_EQ(store_->JoinedRooms(conn(), "@a:x").size(), 1u);

  conn().Execute("UPDATE room_memberships SET membership = 'ban' WHERE event_id = '$j'");
  EXPECT_EQ(store_->CurrentMembership(conn(), "!r:x", "@a:x"), "join");
  store_->ForgetCachedNow();
  EXPECT_EQ(store_->CurrentMembership(conn(), "!r:x", "@a:x"), "ban");

  auto other = db_->Connect();
  {
    Transaction txn(conn());
    Member(2, "$l", "!r:x", "@a:x", "leave");
    Member(3, "$k", "!s:x", "@a:x", "join");
    EXPECT_EQ(store_->CurrentMembership(conn(), "!r:x", "@a:x"), "leave");
    EXPECT_EQ(store_->JoinedRooms(conn(), "@a:x").size(), 1u);
    if (engine() == Engine::kPostgres) {
      EXPECT_EQ(store_->CurrentMembership(*other, "!r:x", "@a:x"), "ban");
    }
    txn.Commit();
  }
  EXPECT_EQ(store_->CurrentMembership(*other, "!r:x", "@a:x"), "leave");
  EXPECT_EQ(store_->UnforgottenMemberships(*other, "@a:x").size(), 2u);
  store_->Forget(conn(), "@a:x", "!r:x");
  auto left = store_->UnforgottenMemberships(*other, "@a:x");
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].room_id, "!s:x");
  // Forgetting hides a room from the sync list, not the membership itself.
  EXPECT_EQ(store_->CurrentMembership(*other, "!r:x", "@a:x"), "leave");
}

STRATA_INSTANTIATE_ENGINES(MembershipStoreTest);

}  // namespace
}  // namespace strata::storage
