// DirectoryStore on both engines, over the newest release's real schema: aliases, published
// rooms, and the public room list as 1.5+ (stats tables) and <= 1.4 (stream and state) read it.
#include "storage/directory/directory_store.h"

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

class DirectoryStoreTest : public testing::EngineTest {
 protected:
  void SetUp() override {
    testing::EngineTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    db_ = std::make_unique<testing::ScratchDatabase>(engine());
    const schema::Catalogue& catalogue = schema::Catalogue::Builtin();
    auto prepared = schema::PrepareDatabase(conn(), catalogue, catalogue.newest());
    ASSERT_TRUE(prepared.ok()) << prepared.status().message();
    store_ = std::make_unique<DirectoryStore>(StoreOptions::Read(conn(), false));
  }

  Connection& conn() { return db_->conn(); }
  void Exec(const std::string& sql, const Params& params = {}) { conn().Execute(sql, params); }

  // A room in the stats tables as the 1.5+ list reads it.
  void StatsRoom(const std::string& room_id, bool is_public, int64_t joined,
                 const std::string& join_rules, const std::string& history_visibility = "shared",
                 const std::optional<std::string>& name = {}) {
    Exec("INSERT INTO rooms (room_id, is_public, creator) VALUES (?, ?, ?)",
         {room_id, is_public, "@c:example.com"});
    Exec(
        "INSERT INTO room_stats_state (room_id, name, join_rules, history_visibility, "
        "guest_access) VALUES (?, ?, ?, ?, ?)",
        {room_id, name, join_rules, history_visibility, "can_join"});
    Exec(
        "INSERT INTO room_stats_current (room_id, current_state_events, joined_members, "
        "invited_members, left_members, banned_members, local_users_in_room, "
        "completed_delta_stream_id) VALUES (?, 0, ?, 0, 0, 0, 0, 0)",
        {room_id, joined});
  }
  std::vector<std::string> Ids(const DirectoryStore::PublicRoomsQuery& q) {
    std::vector<std::string> ids;
    for (const auto& row : store_->ListPublicRoomsInStats(conn(), q)) ids.push_back(row.room_id);
    return ids;
  }

  std::unique_ptr<testing::ScratchDatabase> db_;
  std::unique_ptr<DirectoryStore> store_;
};

TEST_P(DirectoryStoreTest, AliasesAreWrittenFoundAndDeletedWithTheirServers) {
  EXPECT_FALSE(store_->FindAlias(conn(), "#a:example.com"));
  EXPECT_FALSE(store_->RoomOfAlias(conn(), "#a:example.com"));
  EXPECT_TRUE(store_->AliasServers(conn(), "#a:example.com").empty());

  {
    Transaction txn(conn());
    store_->InsertAlias(conn(), "#a:example.com", "!r:example.com", "@u:example.com",
                        "example.com");
    txn.Commit();
  }
  auto alias = store_->FindAlias(conn(), "#a:example.com");
  ASSERT_TRUE(alias);
  EXPECT_EQ(alias->room_id, "!r:example.com");
  EXPECT_EQ(alias->creator, "@u:example.com");
  EXPECT_EQ(store_->RoomOfAlias(conn(), "#a:example.com"), "!r:example.com");
  // A second server row for the same name counts once.
  Exec("INSERT INTO room_alias_servers (room_alias, server) VALUES ('#a:example.com', ?)",
       {"example.com"});
  EXPECT_EQ(store_->AliasServers(conn(), "#a:example.com"),
            std::vector<std::string>{"example.com"});

  // The alias is unique: a second insert fails and leaves the first.
  EXPECT_THROW(store_->InsertAlias(conn(), "#a:example.com", "!other:example.com", "@v:x", "x"),
               DatabaseError);
  EXPECT_EQ(store_->RoomOfAlias(conn(), "#a:example.com"), "!r:example.com");

  store_->DeleteAlias(conn(), "#a:example.com");
  EXPECT_FALSE(store_->FindAlias(conn(), "#a:example.com"));
  EXPECT_TRUE(store_->AliasServers(conn(), "#a:example.com").empty());
}

TEST_P(DirectoryStoreTest, PublishingSetsIsPublicAndAppendsToTheStream) {
  EXPECT_FALSE(store_->IsPublic(conn(), "!r:example.com"));
  Exec("INSERT INTO rooms (room_id, is_public, creator) VALUES ('!r:example.com', ?, 'c')",
       {false});
  EXPECT_EQ(store_->IsPublic(conn(), "!r:example.com"), false);

  store_->SetPublic(conn(), "!r:example.com", true);
  EXPECT_EQ(store_->IsPublic(conn(), "!r:example.com"), true);
  store_->SetPublic(conn(), "!r:example.com", false);
  EXPECT_EQ(store_->IsPublic(conn(), "!r:example.com"), false);

  std::vector<std::string> stream;
  for (const auto& row : conn().Query(
           "SELECT stream_id, room_id, visibility, appservice_id FROM public_room_list_stream "
           "ORDER BY stream_id")) {
    stream.push_back(row.Text(0) + " " + row.Text(1) + " " + std::to_string(row.Bool(2)) +
                     (row.IsNull(3) ? "" : " as"));
  }
  EXPECT_EQ(stream, (std::vector<std::string>{"1 !r:example.com 1", "2 !r:example.com 0"}));
  EXPECT_EQ(store_->PublicRoomListStreamPosition(conn()), 2);
}

TEST_P(DirectoryStoreTest, StatsListHasPublishedJoinableRoomsWithMembersByJoinedThenId) {
  StatsRoom("!a", true, 5, "public");
  StatsRoom("!b", true, 5, "invite", "world_readable");  // readable counts as listed
  StatsRoom("!c", true, 9, "public");
  StatsRoom("!d", true, 0, "public");   // nobody joined (the 1.4-1.12 bug's symptom)
  StatsRoom("!e", false, 7, "public");  // not published
  StatsRoom("!f", true, 3, "invite");   // neither joinable nor readable

  DirectoryStore::PublicRoomsQuery q;
  EXPECT_EQ(store_->CountPublicRoomsInStats(conn(), q.source), 3);
  EXPECT_EQ(Ids(q), (std::vector<std::string>{"!c", "!b", "!a"}));

  auto rows = store_->ListPublicRoomsInStats(conn(), q);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].joined_members, 9);
  EXPECT_EQ(rows[0].guest_access, "can_join");
  EXPECT_EQ(rows[1].history_visibility, "world_readable");
  EXPECT_FALSE(rows[0].topic);

  q.limit = 2;
  EXPECT_EQ(Ids(q), (std::vector<std::string>{"!c", "!b"}));
  q.limit.reset();
  // After (5, "!b") forwards: smaller counts, or the same count and a smaller id.
  q.since = DirectoryStore::StatsCursor{5, "!b", true};
  EXPECT_EQ(Ids(q), (std::vector<std::string>{"!a"}));
  // Before (5, "!a") backwards, ascending.
  q.since = DirectoryStore::StatsCursor{5, "!a", false};
  EXPECT_EQ(Ids(q), (std::vector<std::string>{"!b", "!c"}));
}

TEST_P(DirectoryStoreTest, StatsListSearchesNameTopicAndAliasIgnoringCase) {
  StatsRoom("!a", true, 1, "public", "shared", std::string("Cheese Lovers"));
  StatsRoom("!b", true, 2, "public", "shared", std::string("Bread"));
  Exec("UPDATE room_stats_state SET topic = 'all about CHEESE' WHERE room_id = '!b'");
  StatsRoom("!c", true, 3, "public", "shared", std::string("Wine"));

  DirectoryStore::PublicRoomsQuery q;
  q.search_term = "cHeEsE";
  EXPECT_EQ(Ids(q), (std::vector<std::string>{"!b", "!a"}));
  // The estimate ignores the search term.
  EXPECT_EQ(store_->CountPublicRoomsInStats(conn(), q.source), 3);
}

TEST_P(DirectoryStoreTest, StatsListSourcesAreTheRoomListOneNetworkOrAll) {
  StatsRoom("!pub", true, 1, "public");
  StatsRoom("!irc", false, 2, "public");
  StatsRoom("!xmpp", false, 3, "public");
  Exec(
      "INSERT INTO appservice_room_list (appservice_id, network_id, room_id) VALUES "
      "('bridge', 'irc', '!irc'), ('bridge', 'xmpp', '!xmpp')");

  DirectoryStore::PublicRoomsQuery q;
  EXPECT_EQ(Ids(q), (std::vector<std::string>{"!pub"}));
  q.source.appservice_id = "bridge";
  q.source.network_id = "irc";
  EXPECT_EQ(Ids(q), (std::vector<std::string>{"!irc"}));
  EXPECT_EQ(store_->CountPublicRoomsInStats(conn(), q.source), 1);
  q.source = {};
  q.source.include_all_networks = true;
  EXPECT_EQ(Ids(q), (std::vector<std::string>{"!xmpp", "!irc", "!pub"}));
}

TEST_P(DirectoryStoreTest, StreamListUsesEachRoomsNewestNonAppserviceRow) {
  Exec(
      "INSERT INTO public_room_list_stream (stream_id, room_id, visibility, appservice_id, "
      "network_id) VALUES (1, '!a', ?, NULL, NULL), (2, '!b', ?, NULL, NULL), "
      "(3, '!a', ?, NULL, NULL), (4, '!c', ?, NULL, NULL), (5, '!c', ?, 'as', 'net')",
      {true, true, false, true, false});
  auto published = store_->PublishedRoomsInStream(conn());
  std::sort(published.begin(), published.end());
  EXPECT_EQ(published, (std::vector<std::string>{"!b", "!c"}));
  EXPECT_EQ(store_->PublicRoomListStreamPosition(conn()), 5);

  // Joined members from room_memberships of current state, for every room ever listed.
  auto member = [&](const std::string& room, const std::string& user, const std::string& m) {
    const std::string event_id = "$" + room.substr(1) + user;
    Exec(
        "INSERT INTO current_state_events (event_id, room_id, type, state_key) VALUES "
        "(?, ?, 'm.room.member', ?)",
        {event_id, room, user});
    Exec(
        "INSERT INTO room_memberships (event_id, user_id, sender, room_id, membership) VALUES "
        "(?, ?, ?, ?, ?)",
        {event_id, user, user, room, m});
  };
  member("!a", "@x", "join");
  member("!b", "@x", "join");
  member("!b", "@y", "join");
  member("!b", "@z", "leave");
  member("!unlisted", "@x", "join");
  EXPECT_EQ(store_->JoinedMembersOfListedRooms(conn()),
            (std::map<std::string, int64_t>{{"!a", 1}, {"!b", 2}}));

  Exec(
      "INSERT INTO room_aliases (room_alias, room_id, creator) VALUES ('#z', '!b', 'c'), "
      "('#y', '!b', 'c'), ('#w', '!unlisted', 'c')");
  EXPECT_EQ(store_->AliasesOfListedRooms(conn()),
            (std::map<std::string, std::vector<std::string>>{{"!b", {"#y", "#z"}}}));
}

TEST_P(DirectoryStoreTest, AnEmptyStreamIsPositionZero) {
  EXPECT_EQ(store_->PublicRoomListStreamPosition(conn()), 0);
  EXPECT_TRUE(store_->PublishedRoomsInStream(conn()).empty());
}

STRATA_INSTANTIATE_ENGINES(DirectoryStoreTest);

}  // namespace
}  // namespace strata::storage
