// /sync long polls parked by the serving core: woken by what they can see and nothing else,
// answered empty at their timeout, and closed promptly at stop without losing a send.
#include <chrono>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "http_api/api_server.h"

namespace strata {
namespace {

using nlohmann::json;
using testing::ApiServer;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class LongPollTest : public testing::EngineTest {};
STRATA_INSTANTIATE_ENGINES(LongPollTest);

const std::string kR0 = "/_matrix/client/r0";

std::string CreateRoom(ApiServer& api, const std::string& token) {
  auto created = api.Call("POST", kR0 + "/createRoom", json{{"preset", "private_chat"}}, token);
  EXPECT_EQ(created.status, 200) << created.body.dump();
  return created.body.value("room_id", "");
}

std::string Send(ApiServer& api, const std::string& token, const std::string& room,
                 const std::string& txn) {
  auto sent = api.Call("PUT", kR0 + "/rooms/" + room + "/send/m.room.message/" + txn,
                       json{{"msgtype", "m.text"}, {"body", txn}}, token);
  EXPECT_EQ(sent.status, 200) << sent.body.dump();
  return sent.body.value("event_id", "");
}

void WaitForHeld(ApiServer& api, size_t n) {
  const auto deadline = Clock::now() + 20s;
  while (api.http().polls_held() < n && Clock::now() < deadline) std::this_thread::sleep_for(2ms);
  ASSERT_EQ(api.http().polls_held(), n);
}

TEST_P(LongPollTest, AHeldPollIsNotWokenByAnEventItCannotSee) {
  ApiServer api(engine(), testing::NewestRelease());
  const std::string alice = api.Register("alice");
  const std::string bob = api.Register("bob");
  const std::string alices_room = CreateRoom(api, alice);
  const std::string bobs_room = CreateRoom(api, bob);
  const std::string since = api.Call("GET", kR0 + "/sync", "", bob).body["next_batch"];

  const auto started = Clock::now();
  auto poll = std::async(std::launch::async, [&] {
    return api.Call("GET", kR0 + "/sync?timeout=1500&since=" + since, "", bob);
  });
  WaitForHeld(api, 1);
  for (int i = 0; i < 5; ++i) Send(api, alice, alices_room, "not-for-bob-" + std::to_string(i));
  // Bob's poll was not even looked at again: alice's sends did not wake it.
  EXPECT_EQ(poll.wait_for(300ms), std::future_status::timeout);
  EXPECT_EQ(api.http().polls_resumed(), 0u);
  EXPECT_EQ(api.services().notifier.subscribers(), 1u);

  auto answered = poll.get();
  EXPECT_GE(Clock::now() - started, 1500ms);
  EXPECT_EQ(api.http().polls_resumed(), 1u);  // at its timeout
  ASSERT_EQ(answered.status, 200) << answered.body.dump();
  EXPECT_TRUE(answered.body["rooms"]["join"].empty()) << answered.body.dump();

  // A message in bob's own room does wake him, well before the timeout.
  const std::string next = answered.body["next_batch"];
  const auto asked = Clock::now();
  auto woken = std::async(std::launch::async, [&] {
    return api.Call("GET", kR0 + "/sync?timeout=20000&since=" + next, "", bob);
  });
  WaitForHeld(api, 1);
  const std::string event = Send(api, bob, bobs_room, "for-bob");
  auto got = woken.get();
  EXPECT_LT(Clock::now() - asked, 10s);
  ASSERT_EQ(got.status, 200);
  const auto& timeline = got.body["rooms"]["join"][bobs_room]["timeline"]["events"];
  ASSERT_EQ(timeline.size(), 1u) << got.body.dump();
  EXPECT_EQ(timeline[0]["event_id"], event);
}

TEST_P(LongPollTest, AnInviteWakesTheInvitee) {
  ApiServer api(engine(), testing::NewestRelease());
  const std::string alice = api.Register("alice");
  const std::string bob = api.Register("bob");
  const std::string room = CreateRoom(api, alice);
  const std::string since = api.Call("GET", kR0 + "/sync", "", bob).body["next_batch"];
  auto poll = std::async(std::launch::async, [&] {
    return api.Call("GET", kR0 + "/sync?timeout=20000&since=" + since, "", bob);
  });
  WaitForHeld(api, 1);
  auto invited = api.Call("POST", kR0 + "/rooms/" + room + "/invite",
                          json{{"user_id", "@bob:test.local"}}, alice);
  ASSERT_EQ(invited.status, 200) << invited.body.dump();
  ASSERT_EQ(poll.wait_for(10s), std::future_status::ready);
  auto got = poll.get();
  EXPECT_TRUE(got.body["rooms"]["invite"].contains(room)) << got.body.dump();
}

TEST_P(LongPollTest, APollReturnsAtItsTimeoutWithAnEmptyValidResponse) {
  ApiServer api(engine(), testing::NewestRelease());
  const std::string bob = api.Register("bob");
  CreateRoom(api, bob);
  const std::string since = api.Call("GET", kR0 + "/sync", "", bob).body["next_batch"];
  const auto started = Clock::now();
  auto r = api.Call("GET", kR0 + "/sync?timeout=800&since=" + since, "", bob);
  const auto took = Clock::now() - started;
  EXPECT_GE(took, 800ms);
  EXPECT_LT(took, 5s);
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["next_batch"], since);
  for (const char* section : {"join", "invite", "leave"}) {
    EXPECT_TRUE(r.body["rooms"][section].is_object());
    EXPECT_TRUE(r.body["rooms"][section].empty()) << section;
  }
  EXPECT_TRUE(r.body["account_data"]["events"].empty());
  EXPECT_TRUE(r.body["to_device"]["events"].is_array());
  EXPECT_EQ(api.http().polls_held(), 0u);
}

TEST_P(LongPollTest, StopWithPollsHeldIsPromptAndKeepsAcknowledgedSends) {
  auto api = std::make_unique<ApiServer>(engine(), testing::NewestRelease());
  const std::string alice = api->Register("alice");
  const std::string bob = api->Register("bob");
  const std::string alices_room = CreateRoom(*api, alice);
  CreateRoom(*api, bob);
  const std::string since = api->Call("GET", kR0 + "/sync", "", bob).body["next_batch"];
  std::vector<std::future<ApiServer::Reply>> polls;
  for (int i = 0; i < 20; ++i) {
    polls.push_back(std::async(std::launch::async, [&] {
      return api->Call("GET", kR0 + "/sync?timeout=60000&since=" + since, "", bob);
    }));
  }
  WaitForHeld(*api, 20);
  std::vector<std::string> acknowledged;
  for (int i = 0; i < 5; ++i)
    acknowledged.push_back(Send(*api, alice, alices_room, "m" + std::to_string(i)));

  const auto started = Clock::now();
  api->http().Stop();
  EXPECT_LT(Clock::now() - started, 3s);
  for (auto& p : polls) EXPECT_EQ(p.get().status, 0);  // closed: the client asks again
  for (const auto& id : acknowledged) {
    EXPECT_EQ(api->conn().QueryInt("SELECT COUNT(*) FROM events WHERE event_id = ?", {id}), 1)
        << id;
  }
}

}  // namespace
}  // namespace strata
