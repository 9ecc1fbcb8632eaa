// The in-memory parts /sync and the limits rely on: rate limiter buckets are dropped once
// full, typing expiry is looked up only in the rooms asked about, and a keyed Poke wakes only
// the long polls listening for its key.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "events/notifier.h"
#include "handlers/transient.h"
#include "handlers/typing.h"

namespace strata {
namespace {

using namespace std::chrono_literals;

TEST(RateLimiterMemory, FullBucketsAreDroppedOnceManyKeysAreHeld) {
  handlers::RateLimiter limiter(config::RateLimit{1, 3});  // full again 3 s after use
  const size_t many = handlers::RateLimiter::kSweepAt - 2;
  for (size_t i = 0; i < many; ++i) EXPECT_EQ(limiter.Acquire("@u" + std::to_string(i), 1000), 0);
  // "busy" is emptied just before the sweep: not full, so it stays, limited.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.Acquire("busy", 99900), 0);
  EXPECT_EQ(limiter.size(), many + 1);
  EXPECT_EQ(limiter.Acquire("@new", 100000), 0);  // reaches kSweepAt: the full ones go
  EXPECT_EQ(limiter.size(), 2u);
  EXPECT_GT(limiter.Acquire("busy", 100000), 0);
  // A dropped key starts again with a full bucket, as it would have had.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.Acquire("@u1", 100000), 0);
  EXPECT_GT(limiter.Acquire("@u1", 100000), 0);
}

TEST(TypingMemory, ExpiryOnlyInTheRoomsAskedAbout) {
  handlers::TypingTracker typing;
  EXPECT_TRUE(typing.Set("!a", "@x", true, 0, 100));
  EXPECT_TRUE(typing.Set("!b", "@y", true, 0, 500));
  EXPECT_EQ(typing.NextExpiryIn(0, {"!b"}), std::optional<int64_t>(500));
  EXPECT_EQ(typing.NextExpiryIn(0, {"!a", "!b"}), std::optional<int64_t>(100));
  EXPECT_EQ(typing.NextExpiryIn(0, {"!c"}), std::nullopt);
  // Reading a room never moves its serial past the serial read before it.
  const int64_t serial = typing.Serial(50);
  auto a = typing.Room("!a");
  ASSERT_TRUE(a);
  EXPECT_LE(a->serial, serial);
  EXPECT_EQ(a->user_ids, std::vector<std::string>{"@x"});
  // Once lapsed, the serial read after it covers the room's change.
  const int64_t later = typing.Serial(150);
  EXPECT_GT(later, serial);
  EXPECT_EQ(typing.Room("!a")->serial, later);
  EXPECT_TRUE(typing.Room("!a")->user_ids.empty());
}

TEST(NotifierMemory, KeyedPokesWakeOnlyTheirListeners) {
  events::Notifier notifier;
  const uint64_t generation = notifier.generation();
  notifier.Poke("!other:x");
  auto start = std::chrono::steady_clock::now();
  notifier.WaitForChange(generation, 200ms, {"!mine:x", "@me:x"});
  EXPECT_GE(std::chrono::steady_clock::now() - start, 190ms);  // not woken
  // Without keys, any change counts.
  start = std::chrono::steady_clock::now();
  notifier.WaitForChange(generation, 5s);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
  // Its own key, an unkeyed Poke and a new event all wake it.
  for (int how = 0; how < 3; ++how) {
    const uint64_t g = notifier.generation();
    std::thread poker([&] {
      std::this_thread::sleep_for(50ms);
      if (how == 0) notifier.Poke("@me:x");
      if (how == 1) notifier.Poke();
      if (how == 2) notifier.Notify(7);
    });
    start = std::chrono::steady_clock::now();
    notifier.WaitForChange(g, 5s, {"!mine:x", "@me:x"});
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s) << how;
    poker.join();
  }
}

}  // namespace
}  // namespace strata
