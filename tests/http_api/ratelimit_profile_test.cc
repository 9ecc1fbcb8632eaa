// Synapse's rc_* limits (429 M_LIMIT_EXCEEDED with retry_after_ms), and profile changes
// reaching the user's rooms as new m.room.member events, on both engines.
#include <nlohmann/json.hpp>

#include "http_api/api_server.h"

namespace strata {
namespace {

using nlohmann::json;
using testing::ApiServer;

class RateLimitTest : public testing::EngineTest {};
STRATA_INSTANTIATE_ENGINES(RateLimitTest);
class ProfileTest : public testing::EngineTest {};
STRATA_INSTANTIATE_ENGINES(ProfileTest);

const std::string kR0 = "/_matrix/client/r0";

void ExpectLimited(const ApiServer::Reply& r, int64_t max_retry_ms) {
  EXPECT_EQ(r.status, 429) << r.body.dump();
  EXPECT_EQ(r.body.value("errcode", ""), "M_LIMIT_EXCEEDED");
  ASSERT_TRUE(r.body.contains("retry_after_ms")) << r.body.dump();
  EXPECT_GT(r.body["retry_after_ms"].get<int64_t>(), 0);
  EXPECT_LE(r.body["retry_after_ms"].get<int64_t>(), max_retry_ms);
}

json Login(const std::string& user, const std::string& password) {
  return {{"type", "m.login.password"}, {"user", user}, {"password", password}};
}

TEST_P(RateLimitTest, MessagesPerUserWithSynapsesOverrides) {
  // 0.1/s: a refused action waits up to 10 s.
  ApiServer api(engine(), testing::NewestRelease(), [](config::HomeserverConfig& c) {
    c.rc_message = {0.1, 4};
  });
  const std::string alice = api.Register("alice");
  auto created = api.Call("POST", kR0 + "/createRoom", json{{"preset", "public_chat"}}, alice);
  ASSERT_EQ(created.status, 200);  // the room counts once
  const std::string room = created.body["room_id"];
  auto send = [&](const std::string& token, const std::string& txn) {
    return api.Call("PUT", kR0 + "/rooms/" + room + "/send/m.room.message/" + txn,
                    json{{"msgtype", "m.text"}, {"body", txn}}, token);
  };
  for (int i = 0; i < 3; ++i) EXPECT_EQ(send(alice, "a" + std::to_string(i)).status, 200);
  const int64_t before = api.conn().QueryInt("SELECT COUNT(*) FROM events").value_or(0);
  ExpectLimited(send(alice, "a3"), 10001);
  ExpectLimited(
      api.Call("PUT", kR0 + "/rooms/" + room + "/state/m.room.topic/", json{{"topic", "t"}}, alice),
      10001);
  EXPECT_EQ(api.conn().QueryInt("SELECT COUNT(*) FROM events").value_or(0), before);
  // A retried transaction is answered from memory, not refused.
  EXPECT_EQ(send(alice, "a0").status, 200);

  // Per user: bob has his own bucket.
  const std::string bob = api.Register("bob");
  EXPECT_EQ(api.Call("POST", kR0 + "/join/" + room, "", bob).status, 200);
  EXPECT_EQ(send(bob, "b0").status, 200);

  // Being a server admin exempts nobody (as on Synapse); a ratelimit_override row does:
  // NULL messages_per_second means no limit, a value replaces rc_message for that user.
  const std::string carol = api.Register("carol");
  api.conn().Execute("UPDATE users SET admin = 1 WHERE name = ?", {"@carol:test.local"});
  EXPECT_EQ(api.Call("POST", kR0 + "/join/" + room, "", carol).status, 200);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(send(carol, "c" + std::to_string(i)).status, 200);
  ExpectLimited(send(carol, "c3"), 10001);
  api.conn().Execute(
      "INSERT INTO ratelimit_override (user_id, messages_per_second, burst_count) "
      "VALUES (?, NULL, NULL)",
      {"@carol:test.local"});
  for (int i = 4; i < 10; ++i) EXPECT_EQ(send(carol, "c" + std::to_string(i)).status, 200);
  // dave's override: 1 a second, bursts of 1. His join uses it up; a send right after waits
  // at most a second, not rc_message's ten.
  const std::string dave = api.Register("dave");
  api.conn().Execute(
      "INSERT INTO ratelimit_override (user_id, messages_per_second, burst_count) "
      "VALUES (?, 1, 1)",
      {"@dave:test.local"});
  EXPECT_EQ(api.Call("POST", kR0 + "/join/" + room, "", dave).status, 200);
  ExpectLimited(send(dave, "d0"), 1001);
}

TEST_P(RateLimitTest, LoginByAddressAccountAndFailures) {
  ApiServer api(engine(), testing::NewestRelease(), [](config::HomeserverConfig& c) {
    c.rc_login.account = {0.1, 2};
    c.rc_login.failed_attempts = {0.1, 2};
  });
  api.Register("alice", "alicepass1");
  api.Register("bob", "bobpass1");
  const std::string path = kR0 + "/login";
  // rc_login.account: successful logins per account.
  EXPECT_EQ(api.Call("POST", path, Login("alice", "alicepass1"), "").status, 200);
  EXPECT_EQ(api.Call("POST", path, Login("@alice:test.local", "alicepass1"), "").status, 200);
  ExpectLimited(api.Call("POST", path, Login("alice", "alicepass1"), ""), 10001);
  // rc_login.failed_attempts: after two failures even the right password waits; only
  // failures count, and only for that account.
  EXPECT_EQ(api.Call("POST", path, Login("bob", "wrong"), "").status, 403);
  EXPECT_EQ(api.Call("POST", path, Login("bob", "wrong"), "").status, 403);
  ExpectLimited(api.Call("POST", path, Login("bob", "bobpass1"), ""), 10001);
  ExpectLimited(api.Call("POST", path, Login("bob", "wrong"), ""), 10001);

  // rc_login.address: per client address, whatever the account.
  ApiServer by_address(engine(), testing::NewestRelease(), [](config::HomeserverConfig& c) {
    c.rc_login.address = {0.1, 3};
  });
  by_address.Register("carol", "carolpass1");
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(by_address.Call("POST", path, Login("carol", "carolpass1"), "").status, 200);
  }
  ExpectLimited(by_address.Call("POST", path, Login("nobody", "x"), ""), 10001);
}

// A new displayname/avatar reaches every joined room as a member event, seen through /sync;
// the stats and user directory stay as the release keeps them.
TEST_P(ProfileTest, ChangesSendMemberEventsToJoinedRooms) {
  for (const std::string& release : {std::string("1.3.0"), testing::NewestRelease()}) {
    SCOPED_TRACE(release);
    ApiServer api(engine(), release);
    const std::string alice = api.Register("alice");
    const std::string bob = api.Register("bob");
    std::vector<std::string> rooms;
    for (int i = 0; i < 2; ++i) {
      auto created = api.Call("POST", kR0 + "/createRoom", json{{"preset", "public_chat"}}, alice);
      ASSERT_EQ(created.status, 200) << created.body.dump();
      rooms.push_back(created.body["room_id"]);
      ASSERT_EQ(api.Call("POST", kR0 + "/join/" + rooms.back(), "", bob).status, 200);
    }
    // A room alice has left gets nothing.
    auto left = api.Call("POST", kR0 + "/createRoom", json::object(), alice);
    const std::string left_room = left.body["room_id"];
    ASSERT_EQ(api.Call("POST", kR0 + "/rooms/" + left_room + "/leave", "", alice).status, 200);
    // As Synapse's user directory had her.
    api.conn().Execute(
        "INSERT INTO user_directory (user_id, room_id, display_name, avatar_url) "
        "VALUES (?, NULL, ?, NULL)",
        {"@alice:test.local", "alice"});
    const bool stats = release == testing::NewestRelease();
    auto joined_members = [&](const std::string& room) {
      return api.conn().QueryInt("SELECT joined_members FROM room_stats_current WHERE room_id = ?",
                                 {room});
    };
    if (stats) {
      ASSERT_EQ(joined_members(rooms[0]), std::optional<int64_t>(2));
    }

    const std::string since = api.Call("GET", kR0 + "/sync", "", bob).body["next_batch"];
    const int64_t events_before = api.conn().QueryInt("SELECT COUNT(*) FROM events").value_or(0);
    ASSERT_EQ(api.Call("PUT", kR0 + "/profile/@alice:test.local/displayname",
                       json{{"displayname", "Alice A."}}, alice)
                  .status,
              200);
    ASSERT_EQ(api.Call("PUT", kR0 + "/profile/@alice:test.local/avatar_url",
                       json{{"avatar_url", "mxc://test.local/abc"}}, alice)
                  .status,
              200);
    // Two changes, two joined rooms: four member events; none in the room she left.
    EXPECT_EQ(api.conn().QueryInt("SELECT COUNT(*) FROM events").value_or(0), events_before + 4);
    auto synced = api.Call("GET", kR0 + "/sync?since=" + since, "", bob);
    for (const auto& room : rooms) {
      ASSERT_TRUE(synced.body["rooms"]["join"].contains(room)) << synced.body.dump();
      const json& timeline = synced.body["rooms"]["join"][room]["timeline"]["events"];
      ASSERT_EQ(timeline.size(), 2u) << timeline.dump();
      EXPECT_EQ(timeline[1]["type"], "m.room.member");
      EXPECT_EQ(timeline[1]["state_key"], "@alice:test.local");
      EXPECT_EQ(timeline[1]["content"], json({{"membership", "join"},
                                              {"displayname", "Alice A."},
                                              {"avatar_url", "mxc://test.local/abc"}}));
      if (stats) {
        EXPECT_EQ(joined_members(room), std::optional<int64_t>(2));
      }
    }
    EXPECT_FALSE(synced.body["rooms"]["join"].contains(left_room));
    auto members = api.Call("GET", kR0 + "/rooms/" + rooms[0] + "/members", "", bob);
    bool seen = false;
    for (const auto& m : members.body["chunk"]) {
      if (m["state_key"] == "@alice:test.local") {
        seen = true;
        EXPECT_EQ(m["content"]["displayname"], "Alice A.");
      }
    }
    EXPECT_TRUE(seen);
    auto dir =
        api.conn().Query("SELECT display_name, avatar_url FROM user_directory WHERE user_id = ?",
                         {"@alice:test.local"});
    ASSERT_EQ(dir.size(), 1u);
    EXPECT_EQ(dir[0].Text(0), "Alice A.");
    EXPECT_EQ(dir[0].Text(1), "mxc://test.local/abc");
    EXPECT_EQ(api.conn()
                  .QueryInt("SELECT COUNT(*) FROM user_directory_search WHERE user_id = ?",
                            {"@alice:test.local"})
                  .value_or(0),
              1);

    // Setting the same name again says nothing new in the rooms.
    const int64_t events_after = api.conn().QueryInt("SELECT COUNT(*) FROM events").value_or(0);
    EXPECT_EQ(api.Call("PUT", kR0 + "/profile/@alice:test.local/displayname",
                       json{{"displayname", "Alice A."}}, alice)
                  .status,
              200);
    EXPECT_EQ(api.conn().QueryInt("SELECT COUNT(*) FROM events").value_or(0), events_after);
    // Someone else's profile is not ours to set.
    EXPECT_EQ(api.Call("PUT", kR0 + "/profile/@alice:test.local/displayname",
                       json{{"displayname", "Mallory"}}, bob)
                  .status,
              403);
  }
}

// Refused requests (403, 404) spend nothing of rc_message: only stored events count.
TEST_P(RateLimitTest, RefusedRequestsSpendNoMessageBudget) {
  ApiServer api(engine(), testing::NewestRelease(), [](config::HomeserverConfig& c) {
    c.rc_message = {0.1, 2};
  });
  const std::string alice = api.Register("alice");
  const std::string nope = kR0 + "/rooms/!nope:test.local";
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(api.Call("PUT", nope + "/send/m.room.message/n" + std::to_string(i),
                       json{{"body", "x"}}, alice)
                  .status,
              403);
    EXPECT_EQ(api.Call("PUT", nope + "/state/m.room.topic/", json{{"topic", "x"}}, alice).status,
              403);
    EXPECT_EQ(api.Call("POST", nope + "/join", "", alice).status, 404);
  }
  auto created = api.Call("POST", kR0 + "/createRoom", json::object(), alice);
  ASSERT_EQ(created.status, 200) << created.body.dump();
  const std::string send = kR0 + "/rooms/" + std::string(created.body["room_id"]) + "/send/m.t/";
  EXPECT_EQ(api.Call("PUT", send + "a", json{{"body", "a"}}, alice).status, 200);
  ExpectLimited(api.Call("PUT", send + "b", json{{"body", "b"}}, alice), 10001);
}

// A room that refuses the new member event does not fail the profile change, which is saved
// already: the other rooms get theirs.
TEST_P(ProfileTest, ARoomRefusingTheMemberEventIsSkipped) {
  ApiServer api(engine(), testing::NewestRelease());
  const std::string alice = api.Register("alice");
  std::vector<std::string> rooms;
  for (int i = 0; i < 3; ++i) {
    auto created = api.Call("POST", kR0 + "/createRoom", json::object(), alice);
    ASSERT_EQ(created.status, 200) << created.body.dump();
    rooms.push_back(created.body["room_id"]);
  }
  // The middle room has lost its create event from the current state: the auth rules refuse
  // every event there.
  api.conn().Execute(
      "DELETE FROM current_state_events WHERE room_id = ? AND type = 'm.room.create'", {rooms[1]});
  EXPECT_GE(
      api.Call("PUT", kR0 + "/rooms/" + rooms[1] + "/send/m.t/x", json{{"b", 1}}, alice).status,
      400);
  auto members = [&](const std::string& room) {
    return api.conn()
        .QueryInt("SELECT COUNT(*) FROM events WHERE room_id = ? AND type = 'm.room.member'",
                  {room})
        .value_or(-1);
  };
  const int64_t before[3] = {members(rooms[0]), members(rooms[1]), members(rooms[2])};
  auto set = api.Call("PUT", kR0 + "/profile/@alice:test.local/displayname",
                      json{{"displayname", "Alice A."}}, alice);
  EXPECT_EQ(set.status, 200) << set.body.dump();
  EXPECT_EQ(api.Call("GET", kR0 + "/profile/@alice:test.local").body.value("displayname", ""),
            "Alice A.");
  EXPECT_EQ(members(rooms[0]), before[0] + 1);
  EXPECT_EQ(members(rooms[1]), before[1]);
  EXPECT_EQ(members(rooms[2]), before[2] + 1);
}

}  // namespace
}  // namespace strata
