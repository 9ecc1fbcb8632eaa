// /publicRooms is answered from a response cache, and every change to what the list shows is
// seen at once: a name, a join, an alias, unpublishing. On both engines.
#include <nlohmann/json.hpp>

#include "http_api/api_server.h"

namespace strata {
namespace {

using nlohmann::json;
using testing::ApiServer;

class PublicRoomsCacheTest : public testing::EngineTest {};
STRATA_INSTANTIATE_ENGINES(PublicRoomsCacheTest);

const std::string kR0 = "/_matrix/client/r0";

json OnlyRoom(ApiServer& api, const std::string& token) {
  auto r = api.Call("GET", kR0 + "/publicRooms?limit=10", "", token);
  EXPECT_EQ(r.status, 200) << r.body.dump();
  if (r.body["chunk"].size() != 1) return nullptr;
  return r.body["chunk"][0];
}

TEST_P(PublicRoomsCacheTest, ChangesToTheListAreSeenAtOnce) {
  ApiServer api(engine(), testing::NewestRelease());
  const std::string alice = api.Register("alice");
  const std::string bob = api.Register("bob");
  auto created =
      api.Call("POST", kR0 + "/createRoom",
               json{{"preset", "public_chat"}, {"visibility", "public"}, {"name", "One"}}, alice);
  ASSERT_EQ(created.status, 200) << created.body.dump();
  const std::string room = created.body["room_id"];

  ASSERT_EQ(OnlyRoom(api, alice)["name"], "One");
  const uint64_t hits = api.services().public_rooms.hits();
  EXPECT_EQ(OnlyRoom(api, alice)["name"], "One");
  EXPECT_EQ(api.services().public_rooms.hits(), hits + 1);  // the second came from the cache

  ASSERT_EQ(
      api.Call("PUT", kR0 + "/rooms/" + room + "/state/m.room.name/", json{{"name", "Two"}}, alice)
          .status,
      200);
  EXPECT_EQ(OnlyRoom(api, alice)["name"], "Two");

  EXPECT_EQ(OnlyRoom(api, alice)["num_joined_members"], 1);
  ASSERT_EQ(api.Call("POST", kR0 + "/join/" + room, "", bob).status, 200);
  EXPECT_EQ(OnlyRoom(api, alice)["num_joined_members"], 2);

  ASSERT_EQ(
      api.Call("PUT", kR0 + "/directory/room/%23two:test.local", json{{"room_id", room}}, alice)
          .status,
      200);
  ASSERT_EQ(api.Call("PUT", kR0 + "/rooms/" + room + "/state/m.room.canonical_alias/",
                     json{{"alias", "#two:test.local"}}, alice)
                .status,
            200);
  EXPECT_EQ(OnlyRoom(api, alice)["canonical_alias"], "#two:test.local");

  ASSERT_EQ(
      api.Call("PUT", kR0 + "/directory/list/room/" + room, json{{"visibility", "private"}}, alice)
          .status,
      200);
  EXPECT_TRUE(OnlyRoom(api, alice).is_null());
}

}  // namespace
}  // namespace strata
