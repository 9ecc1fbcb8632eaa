// StatsStore on both engines, over real schemas: the 1.4+ separated tables on the newest
// release's, the pre-1.4 tables (room_stats, room_state, user_stats, room_stats_earliest_token,
// stats_stream_pos) on the newest release that still had them.
#include "storage/stats/stats_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "schema/catalogue.h"
#include "schema/prepare_database.h"
#include "support/test_support.h"

namespace strata::storage {
namespace {

using Column = StatsStore::StateColumn;

const schema::Release& NewestLegacyStatsRelease() {
  const schema::Release* found = nullptr;
  for (const auto& release : schema::Catalogue::Builtin().releases()) {
    if (release.stats == schema::StatsEngine::kLegacy) found = &release;
  }
  return *found;
}

class StatsStoreTest : public testing::EngineTest {
 protected:
  void Prepare(const schema::Release& release, bool legacy_stats) {
    db_ = std::make_unique<testing::ScratchDatabase>(engine());
    auto prepared = schema::PrepareDatabase(conn(), schema::Catalogue::Builtin(), release);
    ASSERT_TRUE(prepared.ok()) << prepared.status().message();
    store_ = std::make_unique<StatsStore>(StoreOptions::Read(conn(), legacy_stats));
  }

  Connection& conn() { return db_->conn(); }
  void Exec(const std::string& sql, const Params& params = {}) { conn().Execute(sql, params); }
  std::string Row(const std::string& sql, const Params& params = {}) {
    auto rows = conn().Query(sql, params);
    if (rows.empty()) return "<none>";
    std::string out;
    for (size_t i = 0; i < rows[0].size(); ++i) {
      out += (i ? " " : "") + (rows[0].IsNull(i) ? std::string("NULL") : rows[0].Text(i));
    }
    return out;
  }
  void State(const std::string& room, const std::string& event_id, const std::string& type,
             const std::string& state_key, const std::optional<std::string>& membership = {}) {
    if (store_options_membership_) {
      Exec(
          "INSERT INTO current_state_events (event_id, room_id, type, state_key, membership) "
          "VALUES (?, ?, ?, ?, ?)",
          {event_id, room, type, state_key, membership});
    } else {
      Exec(
          "INSERT INTO current_state_events (event_id, room_id, type, state_key) "
          "VALUES (?, ?, ?, ?)",
          {event_id, room, type, state_key});
    }
  }
  void Member(const std::string& room, const std::string& event_id, const std::string& user,
              const std::string& membership) {
    Exec(
        "INSERT INTO room_memberships (event_id, user_id, sender, room_id, membership) VALUES "
        "(?, ?, ?, ?, ?)",
        {event_id, user, user, room, membership});
  }
  void Json(const std::string& event_id, const std::string& json) {
    Exec("INSERT INTO event_json (event_id, room_id, internal_metadata, json) VALUES (?, ?, ?, ?)",
         {event_id, "!r", "{}", json});
  }

  std::unique_ptr<testing::ScratchDatabase> db_;
  std::unique_ptr<StatsStore> store_;
  bool store_options_membership_ = true;
};

class SeparatedStatsStoreTest : public StatsStoreTest {
 protected:
  void SetUp() override {
    StatsStoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    Prepare(schema::Catalogue::Builtin().newest(), false);
  }
};

class LegacyStatsStoreTest : public StatsStoreTest {
 protected:
  void SetUp() override {
    StatsStoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    Prepare(NewestLegacyStatsRelease(), true);
    store_options_membership_ = conn().ColumnExists("current_state_events", "membership");
  }
};

// --- Reads both engines make ------------------------------------------------------------------

TEST_P(SeparatedStatsStoreTest, StateDeltasAfterAPositionComeOldestFirst) {
  Exec(
      "INSERT INTO current_state_delta_stream (stream_id, room_id, type, state_key, event_id, "
      "prev_event_id) VALUES (5, '!r', 'm.room.name', '', '$n2', '$n1'), "
      "(3, '!r', 'm.room.name', '', '$n1', NULL), (7, '!r', 'm.room.member', '@u', NULL, '$m')");
  auto deltas = store_->StateDeltasAfter(conn(), 3);
  ASSERT_EQ(deltas.size(), 2u);
  EXPECT_EQ(deltas[0].stream_id, 5);
  EXPECT_EQ(deltas[0].event_id, "$n2");
  EXPECT_EQ(deltas[0].prev_event_id, "$n1");
  EXPECT_EQ(deltas[1].state_key, "@u");
  EXPECT_FALSE(deltas[1].event_id);
  EXPECT_EQ(store_->NewestStateDelta(conn()), 7);
}

TEST_P(SeparatedStatsStoreTest, AnEmptyDeltaStreamHasNoNewestDelta) {
  EXPECT_FALSE(store_->NewestStateDelta(conn()));
  EXPECT_TRUE(store_->StateDeltasAfter(conn(), 0).empty());
}

TEST_P(SeparatedStatsStoreTest, EventContentIsAnObjectOrEmpty) {
  Json("$ok", R"({"type":"m.room.name","content":{"name":"N"}})");
  Json("$bad", "not json");
  Json("$str", R"({"content":"x"})");
  EXPECT_EQ(store_->EventContent(conn(), "$ok"), nlohmann::json({{"name", "N"}}));
  EXPECT_EQ(store_->EventContent(conn(), "$bad"), nlohmann::json::object());
  EXPECT_EQ(store_->EventContent(conn(), "$str"), nlohmann::json::object());
  EXPECT_EQ(store_->EventContent(conn(), "$missing"), nlohmann::json::object());
}

// --- 1.4+ tables --------------------------------------------------------------------------------

TEST_P(SeparatedStatsStoreTest, ThePositionIsStatsIncrementalPosition) {
  EXPECT_TRUE(store_->HasPositionTable(conn()));
  store_->SetPosition(conn(), 42);
  EXPECT_EQ(store_->Position(conn()), 42);
  EXPECT_EQ(Row("SELECT stream_id FROM stats_incremental_position"), "42");
}

TEST_P(SeparatedStatsStoreTest, IncrementalDeltasMakeRowsThenMoveCounts) {
  store_->ApplyRoomStateDelta(conn(), "!r", 3, 1);
  store_->ApplyRoomStateDelta(conn(), "!r", 4, 1);
  store_->ApplyRoomStateDelta(conn(), "!r", 6, -1);
  EXPECT_EQ(Row("SELECT current_state_events, joined_members, completed_delta_stream_id FROM "
                "room_stats_current WHERE room_id = '!r'"),
            "1 0 6");
  EXPECT_EQ(Row("SELECT name, is_federatable FROM room_stats_state WHERE room_id = '!r'"),
            "NULL NULL");

  for (const char* m : {"join", "join", "invite", "leave", "ban", "knock", ""}) {
    store_->AddMembershipCount(conn(), "!r", m, 1);
  }
  store_->AddMembershipCount(conn(), "!r", "invite", -1);
  store_->AddLocalUsersInRoom(conn(), "!r", 2);
  EXPECT_EQ(Row("SELECT joined_members, invited_members, left_members, banned_members, "
                "local_users_in_room FROM room_stats_current WHERE room_id = '!r'"),
            "2 0 1 1 2");

  store_->AddJoinedRooms(conn(), "@u:example.com", 1, 8);
  store_->AddJoinedRooms(conn(), "@u:example.com", 1, 9);
  EXPECT_EQ(Row("SELECT joined_rooms, completed_delta_stream_id FROM user_stats_current"), "2 9");

  store_->SetFederatable(conn(), "!r", false);
  store_->SetRoomStateColumn(conn(), "!r", Column::kGuestAccess, std::string("can_join"));
  store_->SetRoomStateColumn(conn(), "!r", Column::kName, std::string("Room"));
  store_->SetRoomStateColumn(conn(), "!r", Column::kName, std::nullopt);
  store_->SetRoomStateColumn(conn(), "!r", Column::kCanonicalAlias, std::string("#a:x"));
  EXPECT_EQ(Row("SELECT name, canonical_alias, guest_access, is_federatable FROM "
                "room_stats_state WHERE room_id = '!r'"),
            std::string("NULL #a:x can_join ") + (engine() == Engine::kPostgres ? "f" : "0"));
}

TEST_P(SeparatedStatsStoreTest, RecomputedRowsOverwriteAndHistoricalTotalsStartAtZero) {
  State("!r", "$c", "m.room.create", "");
  State("!r", "$j1", "m.room.member", "@a:example.com", std::string("join"));
  State("!r", "$j2", "m.room.member", "@b:remote.org", std::string("join"));
  State("!r", "$i", "m.room.member", "@c:example.com", std::string("invite"));
  State("!r", "$old", "m.room.member", "@d:example.com");  // membership not yet filled
  State("!r", "$n", "m.room.name", "");
  State("!r", "$pl", "m.room.power_levels", "");
  const auto counts = store_->MembershipCounts(conn(), "!r");
  EXPECT_EQ(counts, (std::map<std::string, int64_t>{{"invite", 1}, {"join", 2}}));
  EXPECT_EQ(store_->CountLocalJoined(conn(), "!r", "example.com"), 1);
  EXPECT_EQ(store_->CountCurrentState(conn(), "!r"), 7);
  EXPECT_EQ(store_->CountJoinedRooms(conn(), "@a:example.com"), 1);
  auto state = store_->DirectoryStateOf(conn(), "!r");
  std::sort(state.begin(), state.end());
  EXPECT_EQ(state, (std::vector<std::pair<std::string, std::string>>{{"m.room.create", "$c"},
                                                                     {"m.room.name", "$n"}}));

  StatsStore::RoomCounts c;
  c.current_state_events = 7;
  c.joined = 2;
  c.invited = 1;
  c.local_users = 1;
  store_->UpsertRoomStatsCurrent(conn(), "!r", c, 10);
  c.joined = 3;
  store_->UpsertRoomStatsCurrent(conn(), "!r", c, 11);
  EXPECT_EQ(Row("SELECT current_state_events, joined_members, invited_members, "
                "local_users_in_room, completed_delta_stream_id FROM room_stats_current"),
            "7 3 1 1 11");

  store_->UpsertRoomStatsHistorical(conn(), "!r", 1000, 500, c);
  Exec("UPDATE room_stats_historical SET total_events = 4");
  c.joined = 4;
  store_->UpsertRoomStatsHistorical(conn(), "!r", 1000, 500, c);
  store_->UpsertRoomStatsHistorical(conn(), "!r", 1500, 500, c);
  EXPECT_EQ(Row("SELECT COUNT(*) FROM room_stats_historical"), "2");
  EXPECT_EQ(Row("SELECT bucket_size, joined_members, total_events, total_event_bytes FROM "
                "room_stats_historical WHERE end_ts = 1000"),
            "500 4 4 0");

  StatsStore::RoomStateRow row;
  row.name = "Room";
  row.is_federatable = false;
  store_->UpsertRoomStatsState(conn(), "!r", row);
  row.name.reset();
  row.topic = "T";
  store_->UpsertRoomStatsState(conn(), "!r", row);
  EXPECT_EQ(Row("SELECT COUNT(*), MAX(name), MAX(topic) FROM room_stats_state"), "1 NULL T");

  store_->UpsertUserStatsCurrent(conn(), "@a:example.com", 1, 10);
  store_->UpsertUserStatsCurrent(conn(), "@a:example.com", 2, 12);
  store_->UpsertUserStatsHistorical(conn(), "@a:example.com", 1000, 500, 1);
  store_->UpsertUserStatsHistorical(conn(), "@a:example.com", 1000, 500, 2);
  EXPECT_EQ(Row("SELECT joined_rooms, completed_delta_stream_id FROM user_stats_current"), "2 12");
  EXPECT_EQ(Row("SELECT COUNT(*), MAX(joined_rooms), MAX(invites_sent) FROM "
                "user_stats_historical"),
            "1 2 0");
}

TEST_P(SeparatedStatsStoreTest, PopulationKeysComeInOrderAfterTheSavedOne) {
  State("!b", "$b", "m.room.create", "");
  State("!a", "$a1", "m.room.create", "");
  State("!a", "$a2", "m.room.name", "");
  State("!c", "$c", "m.room.create", "");
  EXPECT_EQ(store_->RoomsWithStateAfter(conn(), "", 2), (std::vector<std::string>{"!a", "!b"}));
  EXPECT_EQ(store_->RoomsWithStateAfter(conn(), "!b", 2), std::vector<std::string>{"!c"});
  Exec("INSERT INTO users (name, creation_ts) VALUES ('@b:x', 1), ('@a:x', 2)");
  EXPECT_EQ(store_->UsersAfter(conn(), "", 10), (std::vector<std::string>{"@a:x", "@b:x"}));
  EXPECT_EQ(store_->UsersAfter(conn(), "@a:x", 10), std::vector<std::string>{"@b:x"});
}

TEST_P(SeparatedStatsStoreTest, ThePre14PositionTableIsAbsent) {
  const StatsStore legacy(StoreOptions{engine(), {}, /*legacy_stats=*/true});
  EXPECT_FALSE(legacy.HasPositionTable(conn()));
}

// --- Pre-1.4 tables -----------------------------------------------------------------------------

TEST_P(LegacyStatsStoreTest, ThePositionIsStatsStreamPosAndStartsNull) {
  EXPECT_TRUE(store_->HasPositionTable(conn()));
  EXPECT_FALSE(store_->Position(conn()));
  store_->SetPosition(conn(), 7);
  EXPECT_EQ(store_->Position(conn()), 7);
  EXPECT_EQ(Row("SELECT stream_id FROM stats_stream_pos"), "7");
  const StatsStore separated(StoreOptions{engine(), {}, /*legacy_stats=*/false});
  EXPECT_FALSE(separated.HasPositionTable(conn()));
}

TEST_P(LegacyStatsStoreTest, RoomStateColumnsGoToRoomState) {
  store_->EnsureRoomStateRow(conn(), "!r");
  store_->EnsureRoomStateRow(conn(), "!r");
  store_->SetRoomStateColumn(conn(), "!r", Column::kJoinRules, std::string("public"));
  store_->SetRoomStateColumn(conn(), "!r", Column::kTopic, std::string("T"));
  EXPECT_EQ(Row("SELECT COUNT(*), MAX(join_rules), MAX(topic), MAX(name) FROM room_state"),
            "1 public T NULL");
  EXPECT_FALSE(conn().TableExists("room_stats_state"));
}

TEST_P(LegacyStatsStoreTest, BucketDeltasNeedABucketAndOpenNewerOnesCopyingAbsoluteFields) {
  // No bucket yet: nothing changes (only the population pass makes rows).
  store_->AddToRoomBucket(conn(), "!r", 100, 100, "join", 1);
  EXPECT_EQ(Row("SELECT COUNT(*) FROM room_stats"), "0");

  StatsStore::RoomBucket b;
  b.ts = 100;
  b.bucket_size = 100;
  b.current_state_events = 4;
  b.joined = 2;
  b.left = 1;
  b.state_events = 9;
  store_->UpsertRoomBucket(conn(), "!r", b);
  b.joined = 3;
  store_->UpsertRoomBucket(conn(), "!r", b);  // overwrites the bucket at ts 100
  store_->AddToRoomBucket(conn(), "!r", 100, 100, "invite", 1);
  store_->AddToRoomBucket(conn(), "!r", 200, 100, "join", 1);    // opens bucket 200
  store_->AddToRoomBucket(conn(), "!r", 150, 100, "leave", -1);  // older: the newest bucket
  store_->AddToRoomBucket(conn(), "!r", 200, 100, "knock", 1);   // counts nowhere
  std::vector<std::string> buckets;
  for (const auto& row : conn().Query(
           "SELECT ts, bucket_size, current_state_events, joined_members, invited_members, "
           "left_members, banned_members, state_events FROM room_stats ORDER BY ts")) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) line += (i ? " " : "") + row.Text(i);
    buckets.push_back(line);
  }
  EXPECT_EQ(buckets, (std::vector<std::string>{"100 100 4 3 1 1 0 9", "200 100 4 4 1 0 0 9"}));

  Exec(
      "INSERT INTO user_stats (user_id, ts, bucket_size, public_rooms, private_rooms) VALUES "
      "('@u', 100, 100, 1, 2)");
  store_->AddToUserBucket(conn(), "@u", 300, 100, /*public_rooms=*/true, 1);
  store_->AddToUserBucket(conn(), "@u", 300, 100, /*public_rooms=*/false, -1);
  store_->AddToUserBucket(conn(), "@nobody", 300, 100, true, 1);
  EXPECT_EQ(Row("SELECT COUNT(*) FROM user_stats"), "2");
  EXPECT_EQ(Row("SELECT public_rooms, private_rooms FROM user_stats WHERE ts = 300"), "2 1");
}

TEST_P(LegacyStatsStoreTest, PopulationReads) {
  State("!a", "$a1", "m.room.create", "");
  State("!a", "$j", "m.room.member", "@x:example.com");
  State("!a", "$i", "m.room.member", "@y:example.com");
  State("!b", "$b1", "m.room.create", "");
  Member("!a", "$j", "@x:example.com", "join");
  Member("!a", "$i", "@y:example.com", "invite");
  EXPECT_EQ(store_->JoinedMembers(conn(), "!a"), std::vector<std::string>{"@x:example.com"});
  EXPECT_EQ(store_->CountMembers(conn(), "!a", "invite"), 1);
  EXPECT_EQ(store_->CountMembers(conn(), "!a", "ban"), 0);
  EXPECT_EQ(store_->CurrentStateEventId(conn(), "!a", "m.room.create"), "$a1");
  EXPECT_FALSE(store_->CurrentStateEventId(conn(), "!a", "m.room.member"));
  EXPECT_EQ(store_->CountStateEvents(conn(), "!a"), 0);

  EXPECT_EQ(store_->RoomsWithoutEarliestToken(conn()), (std::vector<std::string>{"!a", "!b"}));
  store_->InsertEarliestToken(conn(), "!a", 5);
  EXPECT_EQ(store_->EarliestToken(conn(), "!a"), 5);
  EXPECT_FALSE(store_->EarliestToken(conn(), "!b"));
  EXPECT_EQ(store_->RoomsWithoutEarliestToken(conn()), std::vector<std::string>{"!b"});

  Exec("DELETE FROM background_updates");
  EXPECT_FALSE(store_->PopulationQueued(conn()));
  Exec(
      "INSERT INTO background_updates (update_name, progress_json) VALUES "
      "('populate_stats_cleanup', '{}')");
  EXPECT_TRUE(store_->PopulationQueued(conn()));

  EXPECT_FALSE(store_->ReceivedTsFrom(conn(), 1));
  Exec(
      "INSERT INTO events (stream_ordering, topological_ordering, event_id, type, room_id, "
      "processed, outlier, received_ts) VALUES (4, 1, '$e4', 't', '!a', ?, ?, 4000), "
      "(9, 2, '$e9', 't', '!a', ?, ?, 9000)",
      {true, false, true, false});
  EXPECT_EQ(store_->ReceivedTsFrom(conn(), 1), 4000);
  EXPECT_EQ(store_->ReceivedTsFrom(conn(), 5), 9000);
  EXPECT_FALSE(store_->ReceivedTsFrom(conn(), 10));
}

STRATA_INSTANTIATE_ENGINES(SeparatedStatsStoreTest);
STRATA_INSTANTIATE_ENGINES(LegacyStatsStoreTest);

}  // namespace
}  // namespace strata::storage
