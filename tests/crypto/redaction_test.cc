// The redaction algorithm as the spec's room version pages define it (v1-5 alike, v6 drops the
// m.room.aliases exemption).
#include "crypto/redaction.h"

#include <gtest/gtest.h>

namespace strata::crypto {
namespace {

using nlohmann::json;

json Redact(const json& event, std::string_view version) {
  const RoomVersion* v = FindRoomVersion(version);
  EXPECT_NE(v, nullptr);
  Result<json> out = RedactEvent(event, *v);
  EXPECT_TRUE(out.ok()) << out.status().message();
  return out.ok() ? *out : json();
}

json EventOfType(std::string_view type, json content) {
  return {{"event_id", "$e:x"},
          {"type", type},
          {"room_id", "!r:x"},
          {"sender", "@u:x"},
          {"state_key", ""},
          {"content", std::move(content)},
          {"hashes", {{"sha256", "h"}}},
          {"signatures", {{"x", {{"ed25519:1", "s"}}}}},
          {"depth", 4},
          {"prev_events", json::array({"$p:x"})},
          {"prev_state", json::array()},
          {"auth_events", json::array({"$a:x"})},
          {"origin", "x"},
          {"origin_server_ts", 1234},
          {"membership", "join"},
          {"unsigned", {{"age_ts", 1}}},
          {"custom_top_level", "dropped"},
          {"redacts", "$other:x"}};
}

TEST(Redaction, KeepsExactlyTheSpecTopLevelKeys) {
  json redacted = Redact(EventOfType("m.room.message", {{"body", "hi"}}), "5");
  json expected = EventOfType("m.room.message", json::object());
  expected.erase("unsigned");
  expected.erase("custom_top_level");
  expected.erase("redacts");  // not on the list up to v6 (MSC2174 came later)
  EXPECT_EQ(redacted, expected);
}

TEST(Redaction, ContentKeysKeptPerEventType) {
  const std::pair<const char*, json> cases[] = {
      {"m.room.member", {{"membership", "join"}}},
      {"m.room.create", {{"creator", "@u:x"}}},
      {"m.room.join_rules", {{"join_rule", "public"}}},
      {"m.room.history_visibility", {{"history_visibility", "shared"}}},
      {"m.room.power_levels",
       {{"ban", 50},
        {"events", {{"m.room.name", 50}}},
        {"events_default", 0},
        {"kick", 50},
        {"redact", 50},
        {"state_default", 50},
        {"users", {{"@u:x", 100}}},
        {"users_default", 0}}},
  };
  for (const auto& [type, kept] : cases) {
    json content = kept;
    content["displayname"] = "extra";
    content["invite"] = 0;
    content["notifications"] = {{"room", 50}};
    for (std::string_view version : {"1", "2", "3", "4", "5", "6"}) {
      EXPECT_EQ(Redact(EventOfType(type, content), version)["content"], kept)
          << type << " in v" << version;
    }
  }
}

TEST(Redaction, AliasesKeptUpToV5AndDroppedInV6) {
  json event = EventOfType("m.room.aliases", {{"aliases", {"#a:x"}}, {"other", 1}});
  for (std::string_view version : {"1", "2", "3", "4", "5"}) {
    EXPECT_EQ(Redact(event, version)["content"], json({{"aliases", {"#a:x"}}})) << version;
  }
  EXPECT_EQ(Redact(event, "6")["content"], json::object());
}

TEST(Redaction, OtherTypesLoseAllContent) {
  for (std::string_view type : {"m.room.message", "m.room.name", "m.room.topic",
                                "m.room.canonical_alias", "org.example.custom"}) {
    json event = EventOfType(type, {{"membership", "join"}, {"name", "n"}, {"body", "b"}});
    EXPECT_EQ(Redact(event, "5")["content"], json::object()) << type;
  }
}

TEST(Redaction, MissingOrOddContentBecomesEmptyObject) {
  json no_content = EventOfType("m.room.member", nullptr);
  no_content.erase("content");
  EXPECT_EQ(Redact(no_content, "5")["content"], json::object());
  EXPECT_EQ(Redact(EventOfType("m.room.member", "a string"), "5")["content"], json::object());
  json no_type = EventOfType("m.room.member", {{"membership", "join"}});
  no_type.erase("type");
  EXPECT_EQ(Redact(no_type, "5")["content"], json::object());
}

TEST(Redaction, RejectsNonObjects) {
  EXPECT_EQ(RedactEvent(json::array(), DefaultRoomVersion()).status().code(),
            Status::Code::kInvalidArgument);
}

TEST(Redaction, IsIdempotent) {
  json once = Redact(EventOfType("m.room.power_levels", {{"ban", 1}, {"x", 2}}), "6");
  EXPECT_EQ(Redact(once, "6"), once);
}

}  // namespace
}  // namespace strata::crypto
