// The event auth rules (events/auth_rules.h) as one table: every rule, allowed and refused,
// run in every room version the server supports. The rules read the room only through the
// StateLookup, so each row names the state it needs on top of a base room: the create event
// (creator @c:x, the version under test) and the members listed.
#include "events/auth_rules.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "crypto/room_versions.h"

namespace strata::events {
namespace {

using nlohmann::json;
using Code = Status::Code;

struct Row {
  std::string rule;
  EventDraft draft;
  // Room state other than the create event, as (type, state_key) -> content.
  std::map<StateKey, json> state;
  Code want;
  bool no_create = false;  // the room does not exist
};

json Member(const std::string& membership) {
  return {{"membership", membership}};
}

EventDraft Draft(const std::string& type, const std::string& sender,
                 std::optional<std::string> state_key, json content) {
  EventDraft d;
  d.room_id = "!r:x";
  d.type = type;
  d.sender = sender;
  d.state_key = std::move(state_key);
  d.content = std::move(content);
  return d;
}

EventDraft Membership(const std::string& sender, const std::string& target,
                      const std::string& membership) {
  return Draft("m.room.member", sender, target, Member(membership));
}

const StateKey kPower{"m.room.power_levels", ""};
const StateKey kJoinRules{"m.room.join_rules", ""};
StateKey MemberKey(const std::string& user) {
  return {"m.room.member", user};
}

// Levels: @c:x 100, @mod:x 50, everyone else 0; invite 0, kick 50, ban 50, state 50, events 0.
json Power(json overrides = json::object()) {
  json p = {{"users", {{"@c:x", 100}, {"@mod:x", 50}}},
            {"users_default", 0},
            {"events_default", 0},
            {"state_default", 50},
            {"invite", 0},
            {"kick", 50},
            {"ban", 50}};
  p.update(overrides);
  return p;
}

// A room with power levels and @c:x, @mod:x and @a:x joined, plus `extra`.
std::map<StateKey, json> Room(std::map<StateKey, json> extra = {}) {
  std::map<StateKey, json> s = {{kPower, Power()},
                                {kJoinRules, {{"join_rule", "invite"}}},
                                {MemberKey("@c:x"), Member("join")},
                                {MemberKey("@mod:x"), Member("join")},
                                {MemberKey("@a:x"), Member("join")}};
  for (auto& [k, v] : extra) s[k] = std::move(v);
  return s;
}

std::vector<Row> Table() {
  const Code ok = Code::kOk, refused = Code::kFailedPrecondition;
  return {
      // m.room.create
      {"create: a new room",
       Draft("m.room.create", "@c:x", "", {{"creator", "@c:x"}}),
       {},
       ok,
       true},
      {"create: the room exists", Draft("m.room.create", "@c:x", "", {{"creator", "@c:x"}}), Room(),
       refused},
      {"any event: unknown room",
       Draft("m.room.message", "@c:x", std::nullopt, {}),
       {},
       Code::kNotFound,
       true},

      // join
      {"join: the creator's first join", Membership("@c:x", "@c:x", "join"), {}, ok},
      {"join: another user", Membership("@a:x", "@b:x", "join"), Room(), refused},
      {"join: banned", Membership("@b:x", "@b:x", "join"),
       Room({{MemberKey("@b:x"), Member("ban")}, {kJoinRules, {{"join_rule", "public"}}}}),
       refused},
      {"join: already joined (a profile change)", Membership("@a:x", "@a:x", "join"), Room(), ok},
      {"join: public room", Membership("@b:x", "@b:x", "join"),
       Room({{kJoinRules, {{"join_rule", "public"}}}}), ok},
      {"join: invite-only, invited", Membership("@b:x", "@b:x", "join"),
       Room({{MemberKey("@b:x"), Member("invite")}}), ok},
      {"join: invite-only, not invited", Membership("@b:x", "@b:x", "join"), Room(), refused},
      {"join: no join rules at all, not invited",
       Membership("@b:x", "@b:x", "join"),
       {{kPower, Power()}, {MemberKey("@c:x"), Member("join")}},
       refused},
      {"join: no join rules at all, invited",
       Membership("@b:x", "@b:x", "join"),
       {{kPower, Power()},
        {MemberKey("@c:x"), Member("join")},
        {MemberKey("@b:x"), Member("invite")}},
       ok},
      {"join: a join rule that is not a string", Membership("@b:x", "@b:x", "join"),
       Room({{kJoinRules, {{"join_rule", 7}}}}), refused},
      {"join: invite-only, left", Membership("@b:x", "@b:x", "join"),
       Room({{MemberKey("@b:x"), Member("leave")}}), refused},

      // invite
      {"invite: allowed", Membership("@a:x", "@b:x", "invite"), Room(), ok},
      {"invite: sender not joined", Membership("@b:x", "@d:x", "invite"), Room(), refused},
      {"invite: target already joined", Membership("@a:x", "@mod:x", "invite"), Room(), refused},
      {"invite: target banned", Membership("@c:x", "@b:x", "invite"),
       Room({{MemberKey("@b:x"), Member("ban")}}), refused},
      {"invite: sender below the invite level", Membership("@a:x", "@b:x", "invite"),
       Room({{kPower, Power({{"invite", 50}})}}), refused},
      {"invite: sender at the invite level", Membership("@mod:x", "@b:x", "invite"),
       Room({{kPower, Power({{"invite", 50}})}}), ok},

      // leave (own)
      {"leave: joined", Membership("@a:x", "@a:x", "leave"), Room(), ok},
      {"leave: rejecting an invite", Membership("@b:x", "@b:x", "leave"),
       Room({{MemberKey("@b:x"), Member("invite")}}), ok},
      {"leave: not in the room", Membership("@b:x", "@b:x", "leave"), Room(), refused},
      {"leave: banned", Membership("@b:x", "@b:x", "leave"),
       Room({{MemberKey("@b:x"), Member("ban")}}), refused},

      // kick and unban (leave of another user)
      {"kick: allowed", Membership("@mod:x", "@a:x", "leave"), Room(), ok},
      {"kick: sender not joined", Membership("@b:x", "@a:x", "leave"), Room(), refused},
      {"kick: sender below the kick level", Membership("@a:x", "@mod:x", "leave"), Room(), refused},
      {"kick: target at the sender's level", Membership("@mod:x", "@mod2:x", "leave"),
       Room({{kPower, Power({{"users", {{"@c:x", 100}, {"@mod:x", 50}, {"@mod2:x", 50}}}})},
             {MemberKey("@mod2:x"), Member("join")}}),
       refused},
      {"kick: levels given as strings", Membership("@mod:x", "@a:x", "leave"),
       Room({{kPower, Power({{"kick", "50"}, {"users", {{"@mod:x", "50"}}}})}}), ok},
      {"unban: at the ban level", Membership("@mod:x", "@b:x", "leave"),
       Room({{MemberKey("@b:x"), Member("ban")}}), ok},
      {"unban: below the ban level", Membership("@a:x", "@b:x", "leave"),
       Room({{MemberKey("@b:x"), Member("ban")}}), refused},

      // ban
      {"ban: allowed", Membership("@mod:x", "@a:x", "ban"), Room(), ok},
      {"ban: sender not joined", Membership("@b:x", "@a:x", "ban"), Room(), refused},
      {"ban: sender below the ban level", Membership("@a:x", "@b:x", "ban"), Room(), refused},
      {"ban: target at the sender's level", Membership("@mod:x", "@mod:x", "ban"), Room(), refused},
      {"ban: a user not in the room", Membership("@c:x", "@b:x", "ban"), Room(), ok},

      {"membership: unknown value", Membership("@a:x", "@a:x", "knock-knock"), Room(),
       Code::kInvalidArgument},

      // other events
      {"message: joined", Draft("m.room.message", "@a:x", std::nullopt, {{"body", "hi"}}), Room(),
       ok},
      {"message: not joined", Draft("m.room.message", "@b:x", std::nullopt, {{"body", "hi"}}),
       Room(), refused},
      {"message: invited is not joined",
       Draft("m.room.message", "@b:x", std::nullopt, {{"body", "hi"}}),
       Room({{MemberKey("@b:x"), Member("invite")}}), refused},
      {"message: below events_default",
       Draft("m.room.message", "@a:x", std::nullopt, {{"body", "hi"}}),
       Room({{kPower, Power({{"events_default", 10}})}}), refused},
      {"message: per-type level below",
       Draft("m.room.message", "@a:x", std::nullopt, {{"body", "hi"}}),
       Room({{kPower, Power({{"events", {{"m.room.message", 20}}}})}}), refused},
      {"state: below state_default", Draft("m.room.name", "@a:x", "", {{"name", "n"}}), Room(),
       refused},
      {"state: at state_default", Draft("m.room.name", "@mod:x", "", {{"name", "n"}}), Room(), ok},
      {"state: per-type level lowers it", Draft("m.room.name", "@a:x", "", {{"name", "n"}}),
       Room({{kPower, Power({{"events", {{"m.room.name", 0}}}})}}), ok},
      {"state: no power levels yet, anyone joined",
       Draft("m.room.name", "@a:x", "", {{"name", "n"}}),
       {{MemberKey("@a:x"), Member("join")}},
       ok},
      {"state: another user's state key", Draft("m.custom", "@c:x", "@a:x", json::object()), Room(),
       refused},
      {"state: own user state key", Draft("m.custom", "@mod:x", "@mod:x", json::object()), Room(),
       ok},
      {"power levels: raising a user above one's own",
       Draft("m.room.power_levels", "@mod:x", "", Power({{"users", {{"@a:x", 60}}}})), Room(),
       refused},
      {"power levels: raising a user to one's own",
       Draft("m.room.power_levels", "@mod:x", "",
             Power({{"users", {{"@c:x", 100}, {"@mod:x", 50}, {"@a:x", 50}}}})),
       Room(), ok},
      {"power levels: keeping a higher user where they are",
       Draft("m.room.power_levels", "@mod:x", "",
             Power({{"users", {{"@c:x", 100}, {"@mod:x", 50}}}})),
       Room({{kPower, Power({{"state_default", 50}, {"events", {{"m.room.power_levels", 50}}}})}}),
       ok},
  };
}

class AuthRulesTest : public ::testing::TestWithParam<std::string> {};

TEST_P(AuthRulesTest, EveryRule) {
  const std::string version = GetParam();
  for (const Row& row : Table()) {
    std::map<StateKey, json> state = row.state;
    if (!row.no_create) {
      state[{"m.room.create", ""}] = {{"creator", "@c:x"}, {"room_version", version}};
    }
    Status got = Status::Internal("threw");
    try {
      got = CheckAuth(row.draft, [&](const std::string& type, const std::string& key) {
        auto it = state.find({type, key});
        return it == state.end() ? json() : it->second;
      });
    } catch (const std::exception& e) {
      ADD_FAILURE() << row.rule << " (room version " << version << ") threw: " << e.what();
      continue;
    }
    EXPECT_EQ(got.code(), row.want)
        << row.rule << " (room version " << version << "): " << got.message();
  }
}

TEST_P(AuthRulesTest, TheCreatorHasLevel100UntilThereArePowerLevels) {
  const json create = {{"creator", "@c:x"}, {"room_version", GetParam()}};
  EXPECT_EQ(UserPowerLevel(json(), create, "@c:x"), 100);
  EXPECT_EQ(UserPowerLevel(json(), create, "@a:x"), 0);
  EXPECT_EQ(UserPowerLevel(Power(), create, "@mod:x"), 50);
  EXPECT_EQ(UserPowerLevel(Power({{"users_default", 7}}), create, "@a:x"), 7);
}

std::vector<std::string> SupportedVersions() {
  std::vector<std::string> ids;
  for (const auto& v : crypto::KnownRoomVersions()) ids.emplace_back(v.id);
  return ids;
}

INSTANTIATE_TEST_SUITE_P(RoomVersions, AuthRulesTest, ::testing::ValuesIn(SupportedVersions()),
                         [](const auto& info) { return "v" + info.param; });

}  // namespace
}  // namespace strata::events
