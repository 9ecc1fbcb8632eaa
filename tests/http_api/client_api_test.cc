// Drives the client-server and admin APIs through a real HttpServer with httplib::Client, on
// SQLite and PostgreSQL, with the schema of a chosen release.
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "http_api/api_server.h"

namespace strata {
namespace {

using nlohmann::json;
using testing::ApiServer;

class ClientApiTest : public testing::EngineTest {};
STRATA_INSTANTIATE_ENGINES(ClientApiTest);

TEST_P(ClientApiTest, RegisterLoginWhoamiLogout) {
  ApiServer api(engine(), testing::NewestRelease());
  const std::string token = api.Register("alice", "alicepass1");
  ASSERT_FALSE(token.empty());
  auto who = api.Call("GET", "/_matrix/client/v3/account/whoami", "", token);
  EXPECT_EQ(who.status, 200);
  EXPECT_EQ(who.body["user_id"], "@alice:test.local");
  // The hash is Synapse's bcrypt format, stored once.
  auto hash = api.conn().QueryValue("SELECT password_hash FROM users WHERE name = ?",
                                    {"@alice:test.local"});
  ASSERT_TRUE(hash);
  EXPECT_EQ(hash->rfind("$2b$04$", 0), 0u);

  auto bad =
      api.Call("POST", "/_matrix/client/r0/login",
               json{{"type", "m.login.password"}, {"user", "alice"}, {"password", "no"}}.dump());
  EXPECT_EQ(bad.status, 403);
  auto login = api.Call("POST", "/_matrix/client/r0/login",
                        json{{"type", "m.login.password"},
                             {"identifier", {{"type", "m.id.user"}, {"user", "@alice:test.local"}}},
                             {"password", "alicepass1"}}
                            .dump());
  ASSERT_EQ(login.status, 200) << login.body.dump();
  const std::string token2 = login.body["access_token"];
  EXPECT_EQ(api.Call("POST", "/_matrix/client/r0/logout", "", token2).status, 200);
  EXPECT_EQ(api.Call("GET", "/_matrix/client/r0/account/whoami", "", token2).body["errcode"],
            "M_UNKNOWN_TOKEN");
  EXPECT_EQ(api.Call("GET", "/_matrix/client/r0/account/whoami").body["errcode"],
            "M_MISSING_TOKEN");
  // The first token still works.
  EXPECT_EQ(api.Call("GET", "/_matrix/client/r0/account/whoami", "", token).status, 200);
  // Taken names are refused.
  EXPECT_EQ(api.Call("GET", "/_matrix/client/r0/register/available?username=alice").body["errcode"],
            "M_USER_IN_USE");
}

TEST_P(ClientApiTest, BadInputGetsMatrixErrors) {
  ApiServer api(engine(), testing::NewestRelease());
  const std::string token = api.Register("bob");
  struct Case {
    std::string method, path, body;
    int status;
    std::string errcode;
  };
  const std::vector<Case> cases = {
      {"POST", "/_matrix/client/r0/login", "{not json", 400, "M_NOT_JSON"},
      {"POST", "/_matrix/client/r0/login", "[1,2]", 400, "M_BAD_JSON"},
      {"POST", "/_matrix/client/r0/login", R"({"type":"m.login.password","user":"bob"})", 400,
       "M_MISSING_PARAM"},
      {"POST", "/_matrix/client/r0/login", R"({"type":"m.login.password","user":5,"password":"x"})",
       400, "M_BAD_JSON"},
      {"POST", "/_matrix/client/r0/createRoom", R"({"name": 7})", 400, "M_BAD_JSON"},
      {"POST", "/_matrix/client/r0/createRoom", R"({"preset": "nope"})", 400, "M_INVALID_PARAM"},
      {"POST", "/_matrix/client/r0/createRoom", R"({"room_version": "99"})", 400,
       "M_UNSUPPORTED_ROOM_VERSION"},
      {"PUT", "/_matrix/client/r0/rooms/!nope:test.local/send/m.room.message/t1", R"({"body":"x"})",
       403, "M_FORBIDDEN"},
      {"POST", "/_matrix/client/r0/join/!nope:test.local", "", 404, "M_NOT_FOUND"},
      {"POST", "/_matrix/client/r0/join/%23nope:test.local", "", 404, "M_NOT_FOUND"},
      {"GET", "/_matrix/client/r0/rooms/!nope:test.local/messages?dir=x", "", 400,
       "M_INVALID_PARAM"},
      {"GET", "/_matrix/client/r0/sync?timeout=abc", "", 400, "M_INVALID_PARAM"},
      {"GET", "/_matrix/client/r0/sync?since=garbage", "", 400, "M_INVALID_PARAM"},
      {"POST", "/_matrix/client/r0/rooms/!nope:test.local/invite", R"({})", 400, "M_MISSING_PARAM"},
      {"GET", "/_matrix/client/r0/directory/room/%23missing:test.local", "", 404, "M_NOT_FOUND"},
      {"POST", "/_matrix/client/r0/publicRooms", R"({"limit": "ten"})", 400, "M_BAD_JSON"},
      {"POST", "/_matrix/client/r0/publicRooms", R"({"since": "!!!"})", 400, "M_INVALID_PARAM"},
      {"POST", "/_matrix/client/r0/publicRooms",
       R"({"include_all_networks": true, "third_party_instance_id": "a|b"})", 400,
       "M_INVALID_PARAM"},
      {"GET", "/_synapse/admin/v2/users", "", 403, "M_FORBIDDEN"},
  };
  for (const auto& c : cases) {
    auto r = api.Call(c.method, c.path, c.body, token);
    EXPECT_EQ(r.status, c.status) << c.method << " " << c.path << " " << c.body << " -> "
                                  << r.body.dump();
    EXPECT_EQ(r.body.value("errcode", ""), c.errcode) << c.path << " " << c.body;
  }
  // An oversized event is refused and nothing is written.
  auto room = api.Call("POST", "/_matrix/client/r0/createRoom", json::object(), token);
  ASSERT_EQ(room.status, 200);
  const std::string room_id = room.body["room_id"];
  const int64_t before = api.conn().QueryInt("SELECT COUNT(*) FROM events").value_or(0);
  auto big = api.Call("PUT", "/_matrix/client/r0/rooms/" + room_id + "/send/m.room.message/big",
                      json{{"body", std::string(70000, 'x')}}, token);
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(big.body.value("errcode", ""), "M_TOO_LARGE");
  EXPECT_EQ(api.conn().QueryInt("SELECT COUNT(*) FROM events").value_or(0), before);
}

TEST_P(ClientApiTest, RoomsMessagesAndSync) {
  ApiServer api(engine(), testing::NewestRelease());
  const std::string alice = api.Register("alice");
  const std::string bob = api.Register("bob");
  auto created = api.Call("POST", "/_matrix/client/v3/createRoom",
                          json{{"preset", "public_chat"},
                               {"room_alias_name", "lobby"},
                               {"name", "Lobby"},
                               {"topic", "chat"}},
                          alice);
  ASSERT_EQ(created.status, 200) << created.body.dump();
  const std::string room = created.body["room_id"];
  EXPECT_EQ(created.body["room_alias"], "#lobby:test.local");
  // Stored as Synapse 1.18 stores it: membership column filled, room version recorded.
  EXPECT_EQ(api.conn().QueryValue("SELECT membership FROM current_state_events WHERE room_id = ? "
                                  "AND state_key = ?",
                                  {room, "@alice:test.local"}),
            std::optional<std::string>("join"));
  EXPECT_EQ(api.conn().QueryValue("SELECT room_version FROM rooms WHERE room_id = ?", {room}),
            std::optional<std::string>("5"));

  auto joined = api.Call("POST", "/_matrix/client/r0/join/%23lobby:test.local", "", bob);
  ASSERT_EQ(joined.status, 200) << joined.body.dump();
  EXPECT_EQ(joined.body["room_id"], room);

  auto initial = api.Call("GET", "/_matrix/client/r0/sync", "", bob);
  ASSERT_EQ(initial.status, 200);
  ASSERT_TRUE(initial.body["rooms"]["join"].contains(room));
  const std::string since = initial.body["next_batch"];

  // A long poll is woken by a new message.
  std::thread sender([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    for (int i = 0; i < 20; ++i) {
      auto sent = api.Call(
          "PUT", "/_matrix/client/r0/rooms/" + room + "/send/m.room.message/t" + std::to_string(i),
          json{{"msgtype", "m.text"}, {"body", "m" + std::to_string(i)}}, alice);
      EXPECT_EQ(sent.status, 200);
    }
  });
  const auto start = std::chrono::steady_clock::now();
  auto woken = api.Call("GET", "/_matrix/client/r0/sync?timeout=20000&since=" + since, "", bob);
  sender.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  ASSERT_EQ(woken.status, 200);
  ASSERT_TRUE(woken.body["rooms"]["join"].contains(room)) << woken.body.dump();

  // All 20 in order through incremental syncs with a large timeline limit.
  auto all =
      api.Call("GET",
               "/_matrix/client/r0/sync?since=" + since +
                   "&filter=%7B%22room%22%3A%7B%22timeline%22%3A%7B%22limit%22%3A50%7D%7D%7D",
               "", bob);
  std::vector<std::string> bodies;
  for (const auto& e : all.body["rooms"]["join"][room]["timeline"]["events"]) {
    bodies.push_back(e["content"]["body"]);
  }
  ASSERT_EQ(bodies.size(), 20u);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(bodies[i], "m" + std::to_string(i));

  // The same transaction id gives the same event.
  auto again = api.Call("PUT", "/_matrix/client/r0/rooms/" + room + "/send/m.room.message/t0",
                        json{{"msgtype", "m.text"}, {"body", "m0"}}, alice);
  auto first =
      api.Call("GET", "/_matrix/client/r0/rooms/" + room + "/messages?dir=b&limit=30", "", alice);
  ASSERT_EQ(first.status, 200);
  int copies = 0;
  for (const auto& e : first.body["chunk"]) copies += e["content"].value("body", "") == "m0";
  EXPECT_EQ(copies, 1);
  EXPECT_EQ(first.body["chunk"][0]["content"]["body"], "m19");
  // Paging forwards from the end of a backwards page returns the following events.
  auto page =
      api.Call("GET", "/_matrix/client/r0/rooms/" + room + "/messages?dir=b&limit=5", "", alice);
  auto older = api.Call("GET",
                        "/_matrix/client/r0/rooms/" + room +
                            "/messages?dir=b&limit=5&from=" + page.body["end"].get<std::string>(),
                        "", alice);
  EXPECT_EQ(older.body["chunk"][0]["content"]["body"], "m14");

  auto name = api.Call("GET", "/_matrix/client/r0/rooms/" + room + "/state/m.room.name/", "", bob);
  EXPECT_EQ(name.body["name"], "Lobby");
  // Bob (power 0) may not kick; alice may.
  EXPECT_EQ(api.Call("POST", "/_matrix/client/r0/rooms/" + room + "/kick",
                     json{{"user_id", "@alice:test.local"}}, bob)
                .status,
            403);
  EXPECT_EQ(api.Call("POST", "/_matrix/client/r0/rooms/" + room + "/ban",
                     json{{"user_id", "@bob:test.local"}}, alice)
                .status,
            200);
  EXPECT_EQ(api.Call("POST", "/_matrix/client/r0/join/" + room, "", bob).status, 403);
  auto left = api.Call(
      "GET", "/_matrix/client/r0/sync?since=" + all.body["next_batch"].get<std::string>(), "", bob);
  EXPECT_TRUE(left.body["rooms"]["leave"].contains(room)) << left.body.dump();
}

// publicRooms: a room whose stats say 0 joined members is missing as 1.5+ and listed as 1.4.
TEST_P(ClientApiTest, PublicRoomsBothWays) {
  for (const std::string& release : {std::string("1.4.0"), testing::NewestRelease()}) {
    SCOPED_TRACE(release);
    ApiServer api(engine(), release);
    const std::string alice = api.Register("alice");
    std::vector<std::string> rooms;
    for (const char* name : {"Alpha", "Beta", "Gamma"}) {
      auto r = api.Call("POST", "/_matrix/client/r0/createRoom",
                        json{{"visibility", "public"}, {"name", name}, {"room_alias_name", name}},
                        alice);
      ASSERT_EQ(r.status, 200) << r.body.dump();
      rooms.push_back(r.body["room_id"]);
    }
    auto listed = api.Call("GET", "/_matrix/client/r0/publicRooms", "", alice);
    ASSERT_EQ(listed.status, 200) << listed.body.dump();
    EXPECT_EQ(listed.body["chunk"].size(), 3u);
    EXPECT_EQ(listed.body["total_room_count_estimate"], 3);
    EXPECT_EQ(listed.body["chunk"][0].contains("aliases"), release == "1.4.0");
    // The stats engine kept joined_members up to date incrementally.
    EXPECT_EQ(api.conn().QueryInt("SELECT joined_members FROM room_stats_current WHERE room_id = ?",
                                  {rooms[0]}),
              std::optional<int64_t>(1));

    // The 1.4-1.12 bug's trace: stats say nobody is joined.
    api.conn().Execute("UPDATE room_stats_current SET joined_members = 0 WHERE room_id = ?",
                       {rooms[1]});
    api.ForgetCached();
    auto after = api.Call("GET", "/_matrix/client/r0/publicRooms", "", alice);
    bool beta_listed = false;
    for (const auto& e : after.body["chunk"]) beta_listed |= e["room_id"] == rooms[1];
    EXPECT_EQ(beta_listed, release == "1.4.0");

    // Paging and search.
    auto page1 = api.Call("POST", "/_matrix/client/r0/publicRooms", json{{"limit", 1}}, alice);
    ASSERT_EQ(page1.status, 200);
    ASSERT_EQ(page1.body["chunk"].size(), 1u);
    ASSERT_TRUE(page1.body.contains("next_batch"));
    auto page2 = api.Call("POST", "/_matrix/client/r0/publicRooms",
                          json{{"limit", 1}, {"since", page1.body["next_batch"]}}, alice);
    ASSERT_EQ(page2.body["chunk"].size(), 1u);
    EXPECT_NE(page2.body["chunk"][0]["room_id"], page1.body["chunk"][0]["room_id"]);
    EXPECT_TRUE(page2.body.contains("prev_batch"));
    auto search = api.Call("POST", "/_matrix/client/r0/publicRooms",
                           json{{"filter", {{"generic_search_term", "gAm"}}}}, alice);
    ASSERT_EQ(search.body["chunk"].size(), 1u);
    EXPECT_EQ(search.body["chunk"][0]["name"], "Gamma");

    // Unpublishing removes a room; unauthenticated access is refused by default.
    EXPECT_EQ(api.Call("PUT", "/_matrix/client/r0/directory/list/room/" + rooms[2],
                       json{{"visibility", "private"}}, alice)
                  .status,
              200);
    auto unpublished = api.Call("GET", "/_matrix/client/r0/publicRooms", "", alice);
    for (const auto& e : unpublished.body["chunk"]) EXPECT_NE(e["room_id"], rooms[2]);
    EXPECT_EQ(api.Call("GET", "/_matrix/client/r0/publicRooms").status, 401);
  }
}

TEST_P(ClientApiTest, AdminApi) {
  ApiServer api(engine(), testing::NewestRelease());
  // Shared-secret registration of an admin.
  auto nonce = api.Call("GET", "/_synapse/admin/v1/register");
  ASSERT_EQ(nonce.status, 200);
  const std::string n = nonce.body["nonce"];
  std::string message = n + '\0' + "root" + '\0' + "rootpw" + '\0' + "admin";
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  HMAC(EVP_sha1(), "s3cret", 6, reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), digest, &len);
  std::string mac;
  char buf[3];
  for (unsigned i = 0; i < len; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", digest[i]);
    mac += buf;
  }
  auto reg = api.Call(
      "POST", "/_synapse/admin/v1/register",
      json{
          {"nonce", n}, {"username", "root"}, {"password", "rootpw"}, {"admin", true}, {"mac", mac}}
          .dump());
  ASSERT_EQ(reg.status, 200) << reg.body.dump();
  const std::string root = reg.body["access_token"];
  const std::string carol = api.Register("carol");
  api.Call("POST", "/_matrix/client/r0/createRoom", json{{"name", "Zeta"}}, carol);
  api.Call("POST", "/_matrix/client/r0/createRoom", json{{"name", "Eta"}}, carol);

  auto users = api.Call("GET", "/_synapse/admin/v2/users?limit=1", "", root);
  ASSERT_EQ(users.status, 200) << users.body.dump();
  EXPECT_EQ(users.body["total"], 2);
  EXPECT_EQ(users.body["users"].size(), 1u);
  EXPECT_EQ(users.body["next_token"], "1");
  auto put = api.Call("PUT", "/_synapse/admin/v2/users/@dave:test.local",
                      json{{"password", "davepw"}, {"admin", false}}, root);
  EXPECT_EQ(put.status, 201) << put.body.dump();
  EXPECT_EQ(
      api.Call("GET", "/_synapse/admin/v1/users/@dave:test.local/admin", "", root).body["admin"],
      false);
  auto rooms = api.Call("GET", "/_synapse/admin/v1/rooms?order_by=name", "", root);
  ASSERT_EQ(rooms.status, 200) << rooms.body.dump();
  ASSERT_EQ(rooms.body["rooms"].size(), 2u);
  EXPECT_EQ(rooms.body["rooms"][0]["name"], "Eta");
  EXPECT_EQ(rooms.body["total_rooms"], 2);
  EXPECT_EQ(api.Call("GET", "/_synapse/admin/v1/rooms?order_by=bogus", "", root).status, 400);

  EXPECT_EQ(api.Call("POST", "/_synapse/admin/v1/deactivate/@carol:test.local", "{}", root).status,
            200);
  EXPECT_EQ(api.Call("GET", "/_matrix/client/r0/account/whoami", "", carol).status, 401);
  auto schema = api.Call("GET", "/_synapse/admin/v1/schema", "", root);
  EXPECT_EQ(schema.body["behaves_as"], testing::NewestRelease());
  // A new database still has the population queued (no runner here): a second is refused.
  auto queued = api.Call("POST", "/_synapse/admin/v1/background_updates/start_job",
                         json{{"job_name", "populate_stats_process_rooms"}}, root);
  EXPECT_EQ(queued.status, 400);
  api.conn().Execute("DELETE FROM background_updates WHERE update_name LIKE 'populate_stats%'");
  auto job = api.Call("POST", "/_synapse/admin/v1/background_updates/start_job",
                      json{{"job_name", "populate_stats_process_rooms"}}, root);
  EXPECT_EQ(job.status, 200) << job.body.dump();
  EXPECT_EQ(api.conn().QueryValue("SELECT depends_on FROM background_updates WHERE "
                                  "update_name = 'populate_stats_process_users'"),
            std::optional<std::string>("populate_stats_process_rooms"));
  auto status = api.Call("GET", "/_synapse/admin/v1/background_updates/status", "", root);
  EXPECT_TRUE(status.body["current_updates"]["master"].contains("populate_stats_process_rooms"));
}

}  // namespace
}  // namespace strata

namespace strata {
namespace {

class LegacyStatsTest : public testing::EngineTest {};
STRATA_INSTANTIATE_ENGINES(LegacyStatsTest);

// Behaving as 1.2.1, statistics go to the schema-54 tables by the 1.1-1.3 engine's rules.
TEST_P(LegacyStatsTest, RoomCreatedAs121FillsTheOldTables) {
  ApiServer api(engine(), "1.2.1");
  const std::string alice = api.Register("alice");
  const std::string bob = api.Register("bob");
  auto created = api.Call(
      "POST", "/_matrix/client/r0/createRoom",
      json{{"preset", "public_chat"}, {"name", "Old times"}, {"topic", "before 1.4"}}, alice);
  ASSERT_EQ(created.status, 200) << created.body.dump();
  const std::string room = created.body["room_id"];
  auto& conn = api.conn();
  EXPECT_FALSE(conn.TableExists("room_stats_current"));

  auto state = conn.Query(
      "SELECT join_rules, history_visibility, name, topic, encryption FROM room_state "
      "WHERE room_id = ?",
      {room});
  ASSERT_EQ(state.size(), 1u);
  EXPECT_EQ(state[0].Text(0), "public");
  EXPECT_EQ(state[0].Text(1), "shared");
  EXPECT_EQ(state[0].Text(2), "Old times");
  EXPECT_EQ(state[0].Text(3), "before 1.4");
  EXPECT_TRUE(state[0].IsNull(4));
  // The position follows the state-delta stream.
  EXPECT_EQ(conn.QueryInt("SELECT stream_id FROM stats_stream_pos"),
            conn.QueryInt("SELECT MAX(stream_id) FROM current_state_delta_stream"));

  // The first room on a fresh database is taken by the population pass at its create event
  // (one current state event), then moved by deltas: the creator's join counts +1 joined and,
  // as 1.1-1.3 treated a missing previous membership as "leave", -1 left.
  const char* kLatest =
      "SELECT joined_members, left_members, current_state_events, state_events, bucket_size, ts "
      "FROM room_stats WHERE room_id = ? ORDER BY ts DESC LIMIT 1";
  auto stats = conn.Query(kLatest, {room});
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(stats[0].Int(0), 1);
  EXPECT_EQ(stats[0].Int(1), -1);
  EXPECT_EQ(stats[0].Int(2), 1);
  EXPECT_EQ(stats[0].Int(3), 1);
  EXPECT_EQ(stats[0].Int(4), 86400);
  EXPECT_EQ(stats[0].Int(5) % 86400, 0);
  EXPECT_EQ(
      conn.QueryInt("SELECT COUNT(*) FROM room_stats_earliest_token WHERE room_id = ?", {room}),
      std::optional<int64_t>(1));

  // A join in a later bucket opens a new bucket with the absolute values carried over.
  conn.Execute("UPDATE room_stats SET ts = ts - 86400 WHERE room_id = ?", {room});
  ASSERT_EQ(api.Call("POST", "/_matrix/client/r0/rooms/" + room + "/join", "", bob).status, 200);
  stats = conn.Query(kLatest, {room});
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(stats[0].Int(0), 2);
  EXPECT_EQ(stats[0].Int(1), -2);
  EXPECT_EQ(stats[0].Int(2), 1);
  EXPECT_EQ(conn.QueryInt("SELECT COUNT(*) FROM room_stats WHERE room_id = ?", {room}),
            std::optional<int64_t>(2));

  // A room created after the population pass gets room_state but no bucket: 1.1-1.3 only moved
  // subjects that already had one.
  auto later = api.Call("POST", "/_matrix/client/r0/createRoom", json{{"name", "Later"}}, bob);
  ASSERT_EQ(later.status, 200);
  const std::string later_room = later.body["room_id"];
  EXPECT_EQ(conn.QueryValue("SELECT name FROM room_state WHERE room_id = ?", {later_room}),
            std::optional<std::string>("Later"));
  EXPECT_EQ(conn.QueryInt("SELECT COUNT(*) FROM room_stats WHERE room_id = ?", {later_room}),
            std::optional<int64_t>(0));
  EXPECT_EQ(conn.QueryInt("SELECT stream_id FROM stats_stream_pos"),
            conn.QueryInt("SELECT MAX(stream_id) FROM current_state_delta_stream"));
}

// While the populate_stats chain is queued, the old engine waits for it to set the position.
TEST_P(LegacyStatsTest, WaitsForTheQueuedPopulationChain) {
  ApiServer api(engine(), "1.2.1");
  api.conn().Execute(
      "INSERT INTO background_updates (update_name, progress_json) "
      "VALUES ('populate_stats_createtables', '{}')");
  const std::string alice = api.Register("alice");
  auto created = api.Call("POST", "/_matrix/client/r0/createRoom", json{{"name", "N"}}, alice);
  ASSERT_EQ(created.status, 200);
  EXPECT_EQ(api.conn().QueryInt("SELECT stream_id FROM stats_stream_pos"), std::nullopt);
  EXPECT_EQ(api.conn().QueryInt("SELECT COUNT(*) FROM room_state"), std::optional<int64_t>(0));
}

// Behaving as 1.18.0 the separated engine's tables are used and the old ones are gone.
TEST_P(LegacyStatsTest, Release118UsesTheNewTables) {
  ApiServer api(engine(), testing::NewestRelease());
  const std::string alice = api.Register("alice");
  auto created = api.Call("POST", "/_matrix/client/r0/createRoom", json{{"name", "New"}}, alice);
  ASSERT_EQ(created.status, 200);
  const std::string room = created.body["room_id"];
  EXPECT_FALSE(api.conn().TableExists("room_state"));
  EXPECT_FALSE(api.conn().TableExists("stats_stream_pos"));
  EXPECT_EQ(api.conn().QueryInt("SELECT joined_members FROM room_stats_current WHERE room_id = ?",
                                {room}),
            std::optional<int64_t>(1));
  EXPECT_EQ(api.conn().QueryValue("SELECT name FROM room_stats_state WHERE room_id = ?", {room}),
            std::optional<std::string>("New"));
}

}  // namespace
}  // namespace strata
