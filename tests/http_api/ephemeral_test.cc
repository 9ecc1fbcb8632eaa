// Typing, read receipts and read markers: stored where Synapse stored them and delivered by
// /sync (initial, incremental, waking long-polls), on both engines.
#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "http_api/api_server.h"

namespace strata {
namespace {

using nlohmann::json;
using testing::ApiServer;

class EphemeralTest : public testing::EngineTest {};
STRATA_INSTANTIATE_ENGINES(EphemeralTest);

const std::string kR0 = "/_matrix/client/r0";

// The ephemeral event of `type` for `room` in a sync body, or null.
json Ephemeral(const json& sync, const std::string& room, const std::string& type) {
  const json& join = sync["rooms"]["join"];
  if (!join.contains(room)) return nullptr;
  for (const auto& e : join[room]["ephemeral"]["events"]) {
    if (e["type"] == type) return e;
  }
  return nullptr;
}

json RoomAccountData(const json& sync, const std::string& room, const std::string& type) {
  const json& join = sync["rooms"]["join"];
  if (!join.contains(room)) return nullptr;
  for (const auto& e : join[room]["account_data"]["events"]) {
    if (e["type"] == type) return e["content"];
  }
  return nullptr;
}

struct Room {
  std::string id;
  std::vector<std::string> events;  // the messages alice sent, oldest first
};

Room MakeRoom(ApiServer& api, const std::string& alice, const std::string& bob, int messages) {
  auto created = api.Call("POST", kR0 + "/createRoom", json{{"preset", "public_chat"}}, alice);
  EXPECT_EQ(created.status, 200) << created.body.dump();
  Room room{created.body.value("room_id", ""), {}};
  EXPECT_EQ(api.Call("POST", kR0 + "/join/" + room.id, "", bob).status, 200);
  for (int i = 0; i < messages; ++i) {
    auto sent =
        api.Call("PUT", kR0 + "/rooms/" + room.id + "/send/m.room.message/m" + std::to_string(i),
                 json{{"msgtype", "m.text"}, {"body", "hello " + std::to_string(i)}}, alice);
    EXPECT_EQ(sent.status, 200) << sent.body.dump();
    room.events.push_back(sent.body.value("event_id", ""));
  }
  return room;
}

TEST_P(EphemeralTest, TypingReachesSyncAndLapses) {
  ApiServer api(engine(), testing::NewestRelease());
  const std::string alice = api.Register("alice");
  const std::string bob = api.Register("bob");
  const Room room = MakeRoom(api, alice, bob, 1);
  const std::string since = api.Call("GET", kR0 + "/sync", "", bob).body["next_batch"];

  // A long poll is woken by alice starting to type.
  std::thread typer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    auto r = api.Call("PUT", kR0 + "/rooms/" + room.id + "/typing/@alice:test.local",
                      json{{"typing", true}, {"timeout", 30000}}, alice);
    EXPECT_EQ(r.status, 200) << r.body.dump();
  });
  const auto start = std::chrono::steady_clock::now();
  auto woken = api.Call("GET", kR0 + "/sync?timeout=20000&since=" + since, "", bob);
  typer.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  json typing = Ephemeral(woken.body, room.id, "m.typing");
  ASSERT_FALSE(typing.is_null()) << woken.body.dump();
  EXPECT_EQ(typing["content"]["user_ids"], json::array({"@alice:test.local"}));
  // The initial sync shows who is typing now, too.
  EXPECT_EQ(Ephemeral(api.Call("GET", kR0 + "/sync", "", bob).body, room.id,
                      "m.typing")["content"]["user_ids"],
            json::array({"@alice:test.local"}));

  // Stopping is news: an empty list.
  const std::string after_start = woken.body["next_batch"];
  EXPECT_EQ(api.Call("PUT", kR0 + "/rooms/" + room.id + "/typing/@alice:test.local",
                     json{{"typing", false}}, alice)
                .status,
            200);
  auto stopped = api.Call("GET", kR0 + "/sync?since=" + after_start, "", bob);
  EXPECT_EQ(Ephemeral(stopped.body, room.id, "m.typing")["content"]["user_ids"], json::array());
  // Nothing new after that: an incremental sync without the room.
  auto quiet = api.Call("GET", kR0 + "/sync?since=" + stopped.body["next_batch"].get<std::string>(),
                        "", bob);
  EXPECT_FALSE(quiet.body["rooms"]["join"].contains(room.id)) << quiet.body.dump();

  // A timeout lapsing wakes a long poll with the typer gone.
  EXPECT_EQ(api.Call("PUT", kR0 + "/rooms/" + room.id + "/typing/@alice:test.local",
                     json{{"typing", true}, {"timeout", 300}}, alice)
                .status,
            200);
  auto typing_again =
      api.Call("GET", kR0 + "/sync?since=" + quiet.body["next_batch"].get<std::string>(), "", bob);
  EXPECT_EQ(Ephemeral(typing_again.body, room.id, "m.typing")["content"]["user_ids"],
            json::array({"@alice:test.local"}));
  const auto lapse_start = std::chrono::steady_clock::now();
  auto lapsed = api.Call(
      "GET",
      kR0 + "/sync?timeout=10000&since=" + typing_again.body["next_batch"].get<std::string>(), "",
      bob);
  EXPECT_LT(std::chrono::steady_clock::now() - lapse_start, std::chrono::seconds(5));
  EXPECT_EQ(Ephemeral(lapsed.body, room.id, "m.typing")["content"]["user_ids"], json::array())
      << lapsed.body.dump();

  // Refusals.
  const std::string typing_path = kR0 + "/rooms/" + room.id + "/typing/";
  EXPECT_EQ(api.Call("PUT", typing_path + "@bob:test.local", json{{"typing", true}}, alice).status,
            403);
  EXPECT_EQ(api.Call("PUT", typing_path + "@alice:test.local", json{{"typing", "yes"}}, alice)
                .body.value("errcode", ""),
            "M_BAD_JSON");
  const std::string carol = api.Register("carol");
  EXPECT_EQ(api.Call("PUT", typing_path + "@carol:test.local", json{{"typing", true}}, carol)
                .body.value("errcode", ""),
            "M_FORBIDDEN");
}

TEST_P(EphemeralTest, ReceiptsStoredAsSynapseAndSynced) {
  ApiServer api(engine(), testing::NewestRelease());
  const std::string alice = api.Register("alice");
  const std::string bob = api.Register("bob");
  const Room room = MakeRoom(api, alice, bob, 3);
  const std::string alice_since = api.Call("GET", kR0 + "/sync", "", alice).body["next_batch"];

  // Bob reads the second message, while alice waits in a long poll.
  std::thread reader([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    auto r = api.Call("POST", kR0 + "/rooms/" + room.id + "/receipt/m.read/" + room.events[1],
                      json::object(), bob);
    EXPECT_EQ(r.status, 200) << r.body.dump();
  });
  auto woken = api.Call("GET", kR0 + "/sync?timeout=20000&since=" + alice_since, "", alice);
  reader.join();
  json receipt = Ephemeral(woken.body, room.id, "m.receipt");
  ASSERT_FALSE(receipt.is_null()) << woken.body.dump();
  const json& read = receipt["content"][room.events[1]]["m.read"]["@bob:test.local"];
  ASSERT_TRUE(read.contains("ts")) << receipt.dump();
  EXPECT_TRUE(read["ts"].is_number_integer());

  // Synapse's tables: one linearized row with a stream id, one graph row with the id list.
  auto rows = api.conn().Query(
      "SELECT stream_id, event_id, data FROM receipts_linearized WHERE room_id = ? AND "
      "user_id = ? AND receipt_type = 'm.read'",
      {room.id, "@bob:test.local"});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].Int(0), 1);
  EXPECT_EQ(rows[0].Text(1), room.events[1]);
  EXPECT_TRUE(json::parse(rows[0].Text(2)).contains("ts"));
  EXPECT_EQ(api.conn().QueryValue("SELECT event_ids FROM receipts_graph WHERE room_id = ? AND "
                                  "user_id = ? AND receipt_type = 'm.read'",
                                  {room.id, "@bob:test.local"}),
            std::optional<std::string>(json::array({room.events[1]}).dump()));

  // A receipt for an older event does not move it back; a newer one does, with a new id.
  EXPECT_EQ(
      api.Call("POST", kR0 + "/rooms/" + room.id + "/receipt/m.read/" + room.events[0], "", bob)
          .status,
      200);
  EXPECT_EQ(api.conn().QueryValue("SELECT event_id FROM receipts_linearized WHERE user_id = ?",
                                  {"@bob:test.local"}),
            std::optional<std::string>(room.events[1]));
  EXPECT_EQ(
      api.Call("POST", kR0 + "/rooms/" + room.id + "/receipt/m.read/" + room.events[2], "", bob)
          .status,
      200);
  EXPECT_EQ(api.conn().QueryInt("SELECT stream_id FROM receipts_linearized WHERE user_id = ?",
                                {"@bob:test.local"}),
            std::optional<int64_t>(2));
  auto next = api.Call("GET", kR0 + "/sync?since=" + woken.body["next_batch"].get<std::string>(),
                       "", alice);
  json newer = Ephemeral(next.body, room.id, "m.receipt");
  ASSERT_FALSE(newer.is_null()) << next.body.dump();
  EXPECT_TRUE(newer["content"].contains(room.events[2]));
  EXPECT_FALSE(newer["content"].contains(room.events[1]));  // only what changed
  // An initial sync carries every receipt of the room.
  EXPECT_TRUE(
      Ephemeral(api.Call("GET", kR0 + "/sync", "", alice).body, room.id, "m.receipt")["content"]
          .contains(room.events[2]));

  // Refusals, none of which writes a row.
  const std::string base = kR0 + "/rooms/" + room.id + "/receipt/";
  EXPECT_EQ(api.Call("POST", base + "m.read/$nosuchevent", "", bob).status, 404);
  EXPECT_EQ(api.Call("POST", base + "m.unknown/" + room.events[2], "", bob).status, 400);
  EXPECT_EQ(
      api.Call("POST", kR0 + "/rooms/!nope:test.local/receipt/m.read/" + room.events[2], "", bob)
          .status,
      404);
  const std::string carol = api.Register("carol");
  EXPECT_EQ(api.Call("POST", base + "m.read/" + room.events[2], "", carol).status, 403);
  EXPECT_EQ(api.conn().QueryInt("SELECT COUNT(*) FROM receipts_linearized"),
            std::optional<int64_t>(1));
}

TEST_P(EphemeralTest, ReadMarkersAreRoomAccountData) {
  ApiServer api(engine(), testing::NewestRelease());
  const std::string alice = api.Register("alice");
  const std::string bob = api.Register("bob");
  const Room room = MakeRoom(api, alice, bob, 3);
  const std::string since = api.Call("GET", kR0 + "/sync", "", bob).body["next_batch"];
  const std::string path = kR0 + "/rooms/" + room.id + "/read_markers";

  auto set = api.Call("POST", path,
                      json{{"m.fully_read", room.events[1]}, {"m.read", room.events[2]}}, bob);
  ASSERT_EQ(set.status, 200) << set.body.dump();
  EXPECT_EQ(api.conn().QueryValue("SELECT content FROM room_account_data WHERE user_id = ? AND "
                                  "room_id = ? AND account_data_type = 'm.fully_read'",
                                  {"@bob:test.local", room.id}),
            std::optional<std::string>(json{{"event_id", room.events[1]}}.dump()));
  EXPECT_EQ(api.conn().QueryValue("SELECT event_id FROM receipts_linearized WHERE user_id = ?",
                                  {"@bob:test.local"}),
            std::optional<std::string>(room.events[2]));

  auto incremental = api.Call("GET", kR0 + "/sync?since=" + since, "", bob);
  EXPECT_EQ(RoomAccountData(incremental.body, room.id, "m.fully_read"),
            json({{"event_id", room.events[1]}}))
      << incremental.body.dump();
  EXPECT_FALSE(Ephemeral(incremental.body, room.id, "m.receipt").is_null());
  EXPECT_EQ(RoomAccountData(api.Call("GET", kR0 + "/sync", "", bob).body, room.id, "m.fully_read"),
            json({{"event_id", room.events[1]}}));
  // Readable through the account data endpoint too.
  EXPECT_EQ(
      api.Call("GET", kR0 + "/user/@bob:test.local/rooms/" + room.id + "/account_data/m.fully_read",
               "", bob)
          .body,
      json({{"event_id", room.events[1]}}));

  // The marker only moves forwards.
  EXPECT_EQ(api.Call("POST", path, json{{"m.fully_read", room.events[0]}}, bob).status, 200);
  EXPECT_EQ(api.conn().QueryValue("SELECT content FROM room_account_data WHERE user_id = ? AND "
                                  "account_data_type = 'm.fully_read'",
                                  {"@bob:test.local"}),
            std::optional<std::string>(json{{"event_id", room.events[1]}}.dump()));
  EXPECT_EQ(api.Call("POST", path, json{{"m.fully_read", room.events[2]}}, bob).status, 200);
  auto moved = api.Call(
      "GET", kR0 + "/sync?since=" + incremental.body["next_batch"].get<std::string>(), "", bob);
  EXPECT_EQ(RoomAccountData(moved.body, room.id, "m.fully_read"),
            json({{"event_id", room.events[2]}}));

  // Refusals.
  EXPECT_EQ(api.Call("POST", path, json::object(), bob).body.value("errcode", ""),
            "M_MISSING_PARAM");
  EXPECT_EQ(api.Call("POST", path, json{{"m.fully_read", 5}}, bob).body.value("errcode", ""),
            "M_BAD_JSON");
  EXPECT_EQ(api.Call("POST", path, json{{"m.fully_read", "$nosuchevent"}}, bob).status, 404);
}

// A receipt clears what Synapse cleared: unhighlighted push actions up to it, highlights a
// month old, and the push summaries up to it; newer highlights and later rows stay.
TEST_P(EphemeralTest, ReceiptsClearPushActionsAndSummariesAsSynapse) {
  ApiServer api(engine(), testing::NewestRelease());
  const std::string alice = api.Register("alice");
  const std::string bob = api.Register("bob");
  const Room room = MakeRoom(api, alice, bob, 3);
  const std::string b = "@bob:test.local";
  auto ordering = [&](const std::string& event) {
    return api.conn()
        .QueryInt("SELECT stream_ordering FROM events WHERE event_id = ?", {event})
        .value_or(-1);
  };
  // The first message is two months old: its highlight has lapsed.
  api.conn().Execute("UPDATE events SET received_ts = ? WHERE event_id = ?",
                     {int64_t{1000}, room.events[0]});
  for (size_t i = 0; i < room.events.size(); ++i) {
    for (int highlight : {0, 1}) {
      api.conn().Execute(
          "INSERT INTO event_push_actions (room_id, event_id, user_id, profile_tag, actions, "
          "topological_ordering, stream_ordering, notif, highlight) VALUES (?, ?, ?, ?, '[]', "
          "0, ?, 1, ?)",
          {room.id, room.events[i], b, "tag" + std::to_string(highlight), ordering(room.events[i]),
           highlight});
    }
    api.conn().Execute(
        "INSERT INTO event_push_summary (user_id, room_id, notif_count, stream_ordering) "
        "VALUES (?, ?, 1, ?)",
        {b, room.id, ordering(room.events[i])});
  }
  ASSERT_EQ(api.Call("POST", kR0 + "/rooms/" + room.id + "/receipt/m.read/" + room.events[1],
                     json::object(), bob)
                .status,
            200);
  auto left = [&](const std::string& sql) {
    std::vector<std::string> out;
    for (const auto& row : api.conn().Query(sql, {b})) out.push_back(row.Text(0));
    return out;
  };
  // Left: the second message's (recent) highlight, and all of the third's.
  EXPECT_EQ(left("SELECT event_id || ':' || CAST(highlight AS TEXT) FROM event_push_actions "
                 "WHERE user_id = ? ORDER BY stream_ordering, highlight"),
            (std::vector<std::string>{room.events[1] + ":1", room.events[2] + ":0",
                                      room.events[2] + ":1"}));
  EXPECT_EQ(left("SELECT CAST(stream_ordering AS TEXT) FROM event_push_summary WHERE user_id = ?"),
            std::vector<std::string>{std::to_string(ordering(room.events[2]))});
}

// Account data shares one stream with room tags, continuing after the highest id any of
// Synapse's tables or its account_data_max_stream_id holds, and moving that row.
TEST_P(EphemeralTest, AccountDataStreamSpansSynapsesTables) {
  ApiServer api(engine(), testing::NewestRelease());
  const std::string bob = api.Register("bob");
  const std::string b = "@bob:test.local";
  api.conn().Execute(
      "INSERT INTO room_tags_revisions (user_id, room_id, stream_id) VALUES (?, '!r:x', 40)", {b});
  auto put = [&](const std::string& type) {
    return api.Call("PUT", kR0 + "/user/" + b + "/account_data/" + type, json{{"k", type}}, bob)
        .status;
  };
  auto stream_of = [&](const std::string& type) {
    return api.conn().QueryInt(
        "SELECT stream_id FROM account_data WHERE user_id = ? AND account_data_type = ?",
        {b, type});
  };
  ASSERT_EQ(put("a.one"), 200);
  EXPECT_EQ(stream_of("a.one"), std::optional<int64_t>(41));
  // Synapse left the row out on a new database and only ever moved an existing one.
  EXPECT_EQ(api.conn().QueryInt("SELECT COUNT(*) FROM account_data_max_stream_id"),
            std::optional<int64_t>(0));
  api.conn().Execute("INSERT INTO account_data_max_stream_id (stream_id) VALUES (60)");
  ASSERT_EQ(put("a.two"), 200);
  EXPECT_EQ(stream_of("a.two"), std::optional<int64_t>(61));
  EXPECT_EQ(api.conn().QueryInt("SELECT stream_id FROM account_data_max_stream_id"),
            std::optional<int64_t>(61));
  // /sync's token carries the same position.
  const std::string token = api.Call("GET", kR0 + "/sync", "", bob).body["next_batch"];
  EXPECT_NE(token.find("_61_0_0_0_0"), std::string::npos) << token;
}

}  // namespace
}  // namespace strata
