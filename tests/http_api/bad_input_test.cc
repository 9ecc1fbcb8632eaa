// A list of bad requests: each gets a 4xx Matrix error (errcode and a message naming the
// problem), never a 5xx, and writes no event.
#include <nlohmann/json.hpp>

#include "http_api/api_server.h"

namespace strata {
namespace {

using nlohmann::json;
using testing::ApiServer;

class BadInputTest : public testing::EngineTest {};
STRATA_INSTANTIATE_ENGINES(BadInputTest);

struct Case {
  std::string method, path, body;
  int status;
  std::string errcode;
  std::string mentions;  // a word the error message must contain ("" for any)
};

TEST_P(BadInputTest, EveryBadRequestGetsA4xxAndWritesNothing) {
  ApiServer api(engine(), testing::NewestRelease());
  const std::string token = api.Register("bob");
  auto created = api.Call("POST", "/_matrix/client/r0/createRoom",
                          json{{"preset", "public_chat"}, {"room_alias_name", "here"}}, token);
  ASSERT_EQ(created.status, 200);
  const std::string room = created.body["room_id"];
  auto sent = api.Call("PUT", "/_matrix/client/r0/rooms/" + room + "/send/m.room.message/t0",
                       json{{"msgtype", "m.text"}, {"body", "hi"}}, token);
  const std::string event = sent.body["event_id"];
  const std::string r0 = "/_matrix/client/r0";
  const std::string in_room = r0 + "/rooms/" + room;
  const std::string nope = r0 + "/rooms/!nope:test.local";
  const std::string big(70000, 'x');
  // 40 invitees of 1,000 characters: their invites are small, but trusted_private_chat gives
  // each power 100 in one m.room.power_levels event of some 41,000 bytes, to which a 30,000
  // byte override is merged.
  json big_power_levels = {{"preset", "trusted_private_chat"},
                           {"invite", json::array()},
                           {"power_level_content_override", {{"x", std::string(30000, 'p')}}}};
  for (int i = 0; i < 40; ++i) {
    big_power_levels["invite"].push_back("@" + std::to_string(i) + std::string(1000, 'u') +
                                         ":test.local");
  }

  const std::vector<Case> cases = {
      // Not JSON, or not an object.
      {"POST", r0 + "/createRoom", "{\"preset\": ", 400, "M_NOT_JSON", ""},
      {"POST", r0 + "/createRoom", "\xff\xfe", 400, "M_NOT_JSON", ""},
      {"POST", r0 + "/createRoom", "[1]", 400, "M_BAD_JSON", ""},
      {"PUT", in_room + "/send/m.room.message/t1", "\"text\"", 400, "M_BAD_JSON", ""},
      {"PUT", in_room + "/state/m.room.topic/", "{", 400, "M_NOT_JSON", ""},
      {"PUT", in_room + "/typing/@bob:test.local", "nope", 400, "M_NOT_JSON", ""},
      {"POST", in_room + "/read_markers", "[]", 400, "M_BAD_JSON", ""},
      {"POST", r0 + "/user/@bob:test.local/filter", "5", 400, "M_BAD_JSON", ""},
      // Wrong types.
      {"POST", r0 + "/createRoom", R"({"name": 7})", 400, "M_BAD_JSON", "name"},
      {"POST", r0 + "/createRoom", R"({"invite": "@a:test.local"})", 400, "M_BAD_JSON", "invite"},
      {"POST", r0 + "/createRoom", R"({"initial_state": [{"type": 1}]})", 400, "M_BAD_JSON",
       "initial_state"},
      {"PUT", in_room + "/typing/@bob:test.local", R"({"typing": "yes"})", 400, "M_BAD_JSON",
       "typing"},
      {"PUT", in_room + "/typing/@bob:test.local", R"({"typing": true, "timeout": "soon"})", 400,
       "M_BAD_JSON", "timeout"},
      {"POST", in_room + "/read_markers", R"({"m.fully_read": 3})", 400, "M_BAD_JSON",
       "m.fully_read"},
      {"PUT", r0 + "/profile/@bob:test.local/displayname", R"({"displayname": 5})", 400,
       "M_BAD_JSON", "displayname"},
      {"PUT", r0 + "/directory/room/%23x:test.local", R"({"room_id": 5})", 400, "M_BAD_JSON",
       "room_id"},
      {"POST", r0 + "/publicRooms", R"({"limit": "ten"})", 400, "M_BAD_JSON", "limit"},
      {"POST", r0 + "/publicRooms", R"({"filter": []})", 400, "M_BAD_JSON", "filter"},
      {"POST", r0 + "/login", R"({"type": "m.login.password", "user": 5, "password": "x"})", 400,
       "M_BAD_JSON", ""},
      {"GET", r0 + "/publicRooms?limit=many", "", 400, "M_INVALID_PARAM", "limit"},
      {"GET", in_room + "/messages?limit=x", "", 400, "M_INVALID_PARAM", "limit"},
      {"GET", r0 + "/sync?full_state=maybe", "", 400, "M_INVALID_PARAM", "full_state"},
      {"GET", r0 + "/sync?filter=%7Bbad", "", 400, "M_NOT_JSON", "filter"},
      // Missing fields.
      {"PUT", in_room + "/typing/@bob:test.local", "{}", 400, "M_BAD_JSON", "typing"},
      {"POST", in_room + "/read_markers", "{}", 400, "M_MISSING_PARAM", "m.fully_read"},
      {"POST", in_room + "/invite", "{}", 400, "M_MISSING_PARAM", "user_id"},
      {"PUT", r0 + "/directory/room/%23x:test.local", "{}", 400, "M_MISSING_PARAM", "room_id"},
      {"POST", r0 + "/login", R"({"type": "m.login.password", "user": "bob"})", 400,
       "M_MISSING_PARAM", "password"},
      {"GET", r0 + "/register/available", "", 400, "M_MISSING_PARAM", "username"},
      // Unknown rooms, events, aliases, filters.
      {"PUT", nope + "/send/m.room.message/t2", R"({"body": "x"})", 403, "M_FORBIDDEN", ""},
      {"PUT", nope + "/state/m.room.topic/", R"({"topic": "x"})", 403, "M_FORBIDDEN", ""},
      {"GET", nope + "/messages", "", 403, "M_FORBIDDEN", ""},
      {"GET", nope + "/state", "", 403, "M_FORBIDDEN", ""},
      {"POST", nope + "/join", "", 404, "M_NOT_FOUND", ""},
      {"POST", nope + "/leave", "", 404, "M_NOT_FOUND", ""},
      {"POST", nope + "/receipt/m.read/" + event, "", 404, "M_NOT_FOUND", "!nope:test.local"},
      {"POST", nope + "/read_markers", json{{"m.fully_read", event}}.dump(), 404, "M_NOT_FOUND",
       "!nope:test.local"},
      {"PUT", nope + "/typing/@bob:test.local", R"({"typing": true})", 404, "M_NOT_FOUND",
       "!nope:test.local"},
      {"POST", in_room + "/receipt/m.read/$nosuchevent", "", 404, "M_NOT_FOUND", "$nosuchevent"},
      // A good m.read with a bad m.fully_read (and the other way round) writes neither.
      {"POST", in_room + "/read_markers",
       json{{"m.read", event}, {"m.fully_read", "$bogus"}}.dump(), 404, "M_NOT_FOUND", "$bogus"},
      {"POST", in_room + "/read_markers",
       json{{"m.read", "$bogus"}, {"m.fully_read", event}}.dump(), 404, "M_NOT_FOUND", "$bogus"},
      {"POST", r0 + "/join/%23nosuchalias:test.local", "", 404, "M_NOT_FOUND", ""},
      {"GET", r0 + "/directory/room/%23nosuchalias:test.local", "", 404, "M_NOT_FOUND", ""},
      {"GET", r0 + "/user/@bob:test.local/filter/12345", "", 404, "M_NOT_FOUND", ""},
      {"POST", r0 + "/join/not-a-room", "", 400, "M_INVALID_PARAM", "not-a-room"},
      // Invitees must be full user ids, as the invite endpoint requires.
      {"POST", r0 + "/createRoom", R"({"invite": ["@nocolon"]})", 400, "M_INVALID_PARAM",
       "@nocolon"},
      {"POST", r0 + "/createRoom", R"({"invite": ["@ok:test.local", "x:test.local"]})", 400,
       "M_INVALID_PARAM", "x:test.local"},
      // Oversized: an event over 65536 bytes, a profile field over 256 characters.
      {"PUT", in_room + "/send/m.room.message/t3", json{{"body", big}}.dump(), 413, "M_TOO_LARGE",
       ""},
      {"PUT", in_room + "/state/m.room.topic/", json{{"topic", big}}.dump(), 413, "M_TOO_LARGE",
       ""},
      {"POST", r0 + "/createRoom", json{{"topic", big}}.dump(), 413, "M_TOO_LARGE", ""},
      // Each part fits; the power levels they merge into, or the creation content with the
      // creator added, do not.
      {"POST", r0 + "/createRoom", big_power_levels.dump(), 413, "M_TOO_LARGE", ""},
      {"POST", r0 + "/createRoom",
       json{{"creation_content", {{"x", std::string(65520, 'c')}}}}.dump(), 413, "M_TOO_LARGE", ""},
      {"PUT", r0 + "/profile/@bob:test.local/displayname",
       json{{"displayname", std::string(300, 'b')}}.dump(), 400, "M_INVALID_PARAM", "displayname"},
      // Unknown endpoints and methods.
      {"GET", r0 + "/no_such_endpoint", "", 404, "M_UNRECOGNIZED", ""},
      {"GET", "/_matrix/client/v3/rooms/" + room + "/no_such_thing", "", 404, "M_UNRECOGNIZED", ""},
      {"DELETE", r0 + "/createRoom", "", 405, "M_UNRECOGNIZED", ""},
      {"GET", r0 + "/login/extra", "", 404, "M_UNRECOGNIZED", ""},
  };
  const int64_t events = api.conn().QueryInt("SELECT COUNT(*) FROM events").value_or(0);
  const int64_t state = api.conn().QueryInt("SELECT COUNT(*) FROM state_events").value_or(0);
  const int64_t rooms = api.conn().QueryInt("SELECT COUNT(*) FROM rooms").value_or(0);
  for (const auto& c : cases) {
    SCOPED_TRACE(c.method + " " + c.path + " " + c.body.substr(0, 80));
    auto r = api.Call(c.method, c.path, c.body, token);
    EXPECT_EQ(r.status, c.status) << r.body.dump();
    EXPECT_EQ(r.body.value("errcode", ""), c.errcode) << r.body.dump();
    ASSERT_TRUE(r.body.is_object());
    const std::string error = r.body.value("error", "");
    EXPECT_FALSE(error.empty());
    if (!c.mentions.empty()) {
      EXPECT_NE(error.find(c.mentions), std::string::npos) << error;
    }
  }
  // Nothing was half-written.
  EXPECT_EQ(api.conn().QueryInt("SELECT COUNT(*) FROM events").value_or(0), events);
  EXPECT_EQ(api.conn().QueryInt("SELECT COUNT(*) FROM state_events").value_or(0), state);
  EXPECT_EQ(api.conn().QueryInt("SELECT COUNT(*) FROM rooms").value_or(0), rooms);
  EXPECT_EQ(api.conn().QueryInt("SELECT COUNT(*) FROM receipts_linearized").value_or(0), 0);
  EXPECT_EQ(api.conn().QueryInt("SELECT COUNT(*) FROM room_account_data").value_or(0), 0);
}

// Another server's directory: no federation, answered as Synapse answers when it cannot
// fetch a remote list; the own server name is the local list.
TEST_P(BadInputTest, PublicRoomsOfAnotherServer) {
  ApiServer api(engine(), testing::NewestRelease());
  const std::string token = api.Register("bob");
  for (const std::string method : {"GET", "POST"}) {
    auto remote = api.Call(method, "/_matrix/client/r0/publicRooms?server=matrix.org", "{}", token);
    EXPECT_EQ(remote.status, 502) << remote.body.dump();
    EXPECT_EQ(remote.body.value("errcode", ""), "M_UNKNOWN");
    EXPECT_NE(remote.body.value("error", "").find("matrix.org"), std::string::npos);
    auto own = api.Call(method, "/_matrix/client/r0/publicRooms?server=test.local", "{}", token);
    EXPECT_EQ(own.status, 200) << own.body.dump();
  }
  // Without a token, a remote server is never asked for: 401 first.
  EXPECT_EQ(api.Call("GET", "/_matrix/client/r0/publicRooms?server=matrix.org").status, 401);
}

}  // namespace
}  // namespace strata
