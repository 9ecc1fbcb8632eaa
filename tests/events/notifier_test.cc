// The Notifier's one-shot subscriptions: what wakes a parked poll and what does not.
#include "events/notifier.h"

#include <gtest/gtest.h>

#include <thread>

namespace strata::events {
namespace {

TEST(NotifierTest, AnEventWakesOnlyTheSubscribersOfItsKeys) {
  Notifier n;
  int bob_woken = 0;
  int carol_woken = 0;
  const uint64_t g = n.generation();
  EXPECT_NE(n.Subscribe(g, {"!bob-room", "@bob:x"}, [&] { ++bob_woken; }), 0u);
  EXPECT_NE(n.Subscribe(g, {"!carol-room", "@carol:x"}, [&] { ++carol_woken; }), 0u);

  n.Notify(5, {"!alice-room"});
  EXPECT_EQ(bob_woken, 0);
  EXPECT_EQ(carol_woken, 0);
  EXPECT_EQ(n.subscribers(), 2u);
  EXPECT_EQ(n.position(), 5);

  n.Notify(6, {"!bob-room"});
  EXPECT_EQ(bob_woken, 1);
  EXPECT_EQ(carol_woken, 0);
  EXPECT_EQ(n.subscribers(), 1u);

  // One-shot: a second change in bob's room finds nobody to wake.
  n.Notify(7, {"!bob-room"});
  EXPECT_EQ(bob_woken, 1);

  n.Poke("@carol:x");
  EXPECT_EQ(carol_woken, 1);
  EXPECT_EQ(n.subscribers(), 0u);
}

TEST(NotifierTest, AChangeBeforeSubscribingWakesAtOnce) {
  Notifier n;
  const uint64_t g = n.generation();
  n.Notify(3, {"!room"});  // lands while the poll is still looking
  int woken = 0;
  EXPECT_EQ(n.Subscribe(g, {"!room"}, [&] { ++woken; }), 0u);
  EXPECT_EQ(woken, 1);
  EXPECT_EQ(n.subscribers(), 0u);

  // A change elsewhere in between does not count.
  const uint64_t g2 = n.generation();
  n.Notify(4, {"!elsewhere"});
  EXPECT_NE(n.Subscribe(g2, {"!room"}, [&] { ++woken; }), 0u);
  EXPECT_EQ(woken, 1);
}

TEST(NotifierTest, UnscopedChangesWakeEveryoneAndUnsubscribeDisarms) {
  Notifier n;
  int a = 0;
  int b = 0;
  const uint64_t g = n.generation();
  const uint64_t id_a = n.Subscribe(g, {"!a"}, [&] { ++a; });
  n.Subscribe(g, {"!b"}, [&] { ++b; });
  n.Unsubscribe(id_a);
  n.Unsubscribe(id_a);  // harmless twice
  n.Poke();
  EXPECT_EQ(a, 0);
  EXPECT_EQ(b, 1);
}

TEST(NotifierTest, BlockingWaitersSeeScopedNotifies) {
  Notifier n;
  const uint64_t g = n.generation();
  std::thread notifier([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    n.Notify(9, {"!mine"});
  });
  const auto started = std::chrono::steady_clock::now();
  n.WaitForChange(g, std::chrono::seconds(10), {"!mine"});
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  notifier.join();
  EXPECT_EQ(n.position(), 9);
}

}  // namespace
}  // namespace strata::events
