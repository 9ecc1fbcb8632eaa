// Event content hashes, reference hashes, ids and signatures: the spec's "Event Signing" test
// vectors, and real events written by Synapse v1.2.1 (shared/reference/real-synapse).
#include "crypto/event_hashing.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "crypto/spec_vectors.h"
#include "support/test_support.h"
#include "util/base64.h"

namespace strata::crypto {
namespace {

using nlohmann::json;
using testing::kSpecKeyId;
using testing::kSpecServerName;
using testing::SpecSigningKey;

const RoomVersion& Version(std::string_view id) {
  const RoomVersion* version = FindRoomVersion(id);
  EXPECT_NE(version, nullptr) << id;
  return *version;
}

// --- The spec's "Event Signing" vectors (appendices, Cryptographic Test Vectors) ---

constexpr const char* kSpecMinimalEvent = R"({
  "room_id": "!x:domain", "sender": "@a:domain", "origin": "domain",
  "origin_server_ts": 1000000, "signatures": {}, "hashes": {}, "type": "X", "content": {},
  "prev_events": [], "auth_events": [], "depth": 3, "unsigned": {"age_ts": 1000000}})";

constexpr const char* kSpecRedactableEvent = R"({
  "content": {"body": "Here is the message content"}, "event_id": "$0:domain",
  "origin": "domain", "origin_server_ts": 1000000, "type": "m.room.message",
  "room_id": "!r:domain", "sender": "@u:domain", "signatures": {},
  "unsigned": {"age_ts": 1000000}})";

TEST(EventHashing, SpecVectorMinimalEvent) {
  // The minimal event has no event_id, so its signature is the same in every room version.
  for (std::string_view v : {"1", "5", "6"}) {
    json event = json::parse(kSpecMinimalEvent);
    ASSERT_TRUE(HashAndSignEvent(event, Version(v), kSpecServerName, SpecSigningKey()).ok());
    EXPECT_EQ(event, json::parse(R"({
      "auth_events": [], "content": {}, "depth": 3,
      "hashes": {"sha256": "5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos"},
      "origin": "domain", "origin_server_ts": 1000000, "prev_events": [],
      "room_id": "!x:domain", "sender": "@a:domain",
      "signatures": {"domain": {"ed25519:1":
        "KxwGjPSDEtvnFgU00fwFz+l6d2pJM6XBIaMEn81SXPTRl16AqLAYqfIReFGZlHi5KLjAWbOoMszkwsQma+lYAg"}},
      "type": "X", "unsigned": {"age_ts": 1000000}})"))
        << "room version " << v;
  }
}

TEST(EventHashing, SpecVectorRedactableEvent) {
  // Carries "event_id": a v1-2 event. The signature covers the redacted form (body removed).
  json event = json::parse(kSpecRedactableEvent);
  ASSERT_TRUE(HashAndSignEvent(event, Version("1"), kSpecServerName, SpecSigningKey()).ok());
  EXPECT_EQ(event["hashes"], json::parse(R"({"sha256":
      "onLKD1bGljeBWQhWZ1kaP9SorVmRQNdN5aM2JYU2n/g"})"));
  EXPECT_EQ(event["signatures"], json::parse(R"({"domain": {"ed25519:1":
      "Wm+VzmOUOz08Ds+0NTWb1d4CZrVsJSikkeRxh6aCcUwu6pNC78FunoD7KNWzqFn241eYHYMGCA5McEiVPdhzBA"}})"));
  EXPECT_EQ(event["content"]["body"], "Here is the message content");
  EXPECT_EQ(event["unsigned"]["age_ts"], 1000000);
}

TEST(EventHashing, EventSignatureSurvivesRedactionButNotTampering) {
  SigningKey key = SpecSigningKey();
  json event = json::parse(kSpecRedactableEvent);
  ASSERT_TRUE(HashAndSignEvent(event, Version("1"), kSpecServerName, key).ok());
  const RoomVersion& v1 = Version("1");
  EXPECT_TRUE(VerifyEventSignature(event, v1, kSpecServerName, kSpecKeyId, key.public_key()).ok());

  json edited_body = event;  // content the signature does not cover: still verifies...
  edited_body["content"]["body"] = "something else";
  EXPECT_TRUE(
      VerifyEventSignature(edited_body, v1, kSpecServerName, kSpecKeyId, key.public_key()).ok());
  // ...but the content hash catches it.
  EXPECT_TRUE(CheckContentHash(event, v1).ok());
  EXPECT_EQ(CheckContentHash(edited_body, v1).code(), Status::Code::kInvalidArgument);

  json edited_sender = event;
  edited_sender["sender"] = "@mallory:domain";
  EXPECT_FALSE(
      VerifyEventSignature(edited_sender, v1, kSpecServerName, kSpecKeyId, key.public_key()).ok());
}

TEST(EventHashing, HashAndSignLeavesEventUntouchedOnError) {
  json event = json::parse(R"({"type":"m.room.message","content":{"n":1.5}})");
  json before = event;
  EXPECT_FALSE(HashAndSignEvent(event, Version("6"), kSpecServerName, SpecSigningKey()).ok());
  EXPECT_EQ(event, before);
}

TEST(EventHashing, StrictnessFollowsRoomVersion) {
  json event =
      json::parse(R"({"type":"m.room.message","content":{"n":1.5,"big":9007199254740993}})");
  EXPECT_TRUE(ComputeContentHash(event, Version("5")).ok());
  EXPECT_EQ(ComputeContentHash(event, Version("6")).status().code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(CanonicalModeFor(Version("5")), CanonicalMode::kCompat);
  EXPECT_EQ(CanonicalModeFor(Version("6")), CanonicalMode::kStrict);
}

TEST(EventHashing, EventIdFormatPerRoomVersion) {
  json event = json::parse(kSpecMinimalEvent);
  ASSERT_TRUE(AddContentHash(event, Version("3")).ok());

  Result<std::string> hash = ComputeReferenceHash(event, Version("3"));
  ASSERT_TRUE(hash.ok());
  ASSERT_EQ(hash->size(), 32u);

  Result<std::string> v3 = ComputeEventId(event, Version("3"));
  Result<std::string> v4 = ComputeEventId(event, Version("4"));
  ASSERT_TRUE(v3.ok() && v4.ok());
  EXPECT_EQ(*v3, "$" + Base64Encode(*hash));
  EXPECT_EQ(*v4, "$" + Base64UrlEncode(*hash));
  EXPECT_EQ(v3->size(), 44u);  // "$" + 43 characters of unpadded base64 of 32 bytes
  EXPECT_EQ(v3->find_first_of("-_:"), std::string::npos);
  EXPECT_EQ(v4->find_first_of("+/:"), std::string::npos);
  EXPECT_EQ(*ComputeEventId(event, Version("5")), *v4);
  EXPECT_EQ(*ComputeEventId(event, Version("6")), *v4);

  // v1-2: the id is carried, not derived.
  EXPECT_EQ(ComputeEventId(event, Version("1")).status().code(), Status::Code::kInvalidArgument);
  event["event_id"] = "$abc:domain";
  EXPECT_EQ(*ComputeEventId(event, Version("2")), "$abc:domain");
  // ... and for v3+ a stray event_id does not change the derived id.
  EXPECT_EQ(*ComputeEventId(event, Version("4")), *v4);
}

// Expected values computed independently with Python's hashlib and the spec's canonical_json
// (json.dumps(ensure_ascii=False, separators=(',', ':'), sort_keys=True)); the event was chosen
// so that its reference hash has both '+' and '/' in standard base64, telling v3 from v4 ids.
TEST(EventHashing, IndependentVectorTellsV3FromV4Ids) {
  json event = json::parse(R"({"room_id": "!x:domain", "sender": "@a:domain",
      "origin": "domain", "origin_server_ts": 1000001, "type": "m.room.message",
      "content": {"body": "hello"}, "prev_events": [], "auth_events": [], "depth": 3})");
  ASSERT_TRUE(AddContentHash(event, Version("3")).ok());
  EXPECT_EQ(event["hashes"]["sha256"], "U2kqgn1QgSs50DJmgygNKCpmYA0Inej158IVbqHw2SM");
  EXPECT_EQ(*ComputeEventId(event, Version("3")), "$40+xZm7b/6hUWYqiiDtnGdPsOgBID7ob3cAlCRbnJu0");
  EXPECT_EQ(*ComputeEventId(event, Version("4")), "$40-xZm7b_6hUWYqiiDtnGdPsOgBID7ob3cAlCRbnJu0");
  EXPECT_EQ(*ComputeEventId(event, Version("6")), "$40-xZm7b_6hUWYqiiDtnGdPsOgBID7ob3cAlCRbnJu0");
}

TEST(EventHashing, ReferenceHashCoversRedactedFormOnly) {
  json event = json::parse(kSpecRedactableEvent);
  event.erase("event_id");
  const RoomVersion& v5 = Version("5");
  std::string id = *ComputeEventId(event, v5);

  json different_body = event;  // stripped by redaction: same id
  different_body["content"]["body"] = "other";
  EXPECT_EQ(*ComputeEventId(different_body, v5), id);
  json with_unsigned = event;
  with_unsigned["unsigned"]["transaction_id"] = "t1";
  EXPECT_EQ(*ComputeEventId(with_unsigned, v5), id);

  json different_ts = event;  // kept by redaction: a different id
  different_ts["origin_server_ts"] = 1000001;
  EXPECT_NE(*ComputeEventId(different_ts, v5), id);
  json different_hash = event;
  different_hash["hashes"] = {{"sha256", "AAAA"}};
  EXPECT_NE(*ComputeEventId(different_hash, v5), id);
}

TEST(EventHashing, NewServerScopedEventIdShape) {
  std::string a = NewServerScopedEventId("example.org");
  std::string b = NewServerScopedEventId("example.org");
  EXPECT_NE(a, b);
  ASSERT_EQ(a.size(), 1 + 18 + 1 + 11u);
  EXPECT_EQ(a[0], '$');
  EXPECT_TRUE(a.ends_with(":example.org"));
}

// --- Real events written by Synapse v1.2.1 in a room of version 4 (from event_json of
// shared/reference/real-synapse/datasets/v1.2.1-small.sqlite.gz; event ids from its events table)

struct RealEvent {
  const char* event_id;
  const char* json;
};

constexpr RealEvent kRealEvents[] = {
    {"$X_O_GGH_imEkVShLtANd_ZlTxuk3d-F5QsjeLYOf5Zo",
     R"({"auth_events": [], "prev_events": [], "type": "m.room.create", "room_id": "!rxAQKWUvxckbTQxCPS:localhost", "sender": "@alice:localhost", "content": {"room_version": "4", "creator": "@alice:localhost"}, "depth": 1, "prev_state": [], "state_key": "", "origin": "localhost", "origin_server_ts": 1795683256216, "hashes": {"sha256": "ArzrkttasUc8mO6qbZ+ZzyqketZJX2OX/0f+1i5Wwe8"}, "signatures": {"localhost": {"ed25519:a_ruzg": "tlisQHu3Bm4oR+l+e2DqXAoLqh8PCzhk2IL1fGey4jHUJz4VIF9jXvgPyuL14NUpVV6OLsMLH60rdqKPdRx1Bw"}}, "unsigned": {"age_ts": 1795683256216}})"},
    {"$84un3VnUa5ZaA-efnCPPGhH2Zerw4jG-8-lS9bUiU2M",
     R"({"auth_events": ["$UQ9sPJgMPF0FG8Ie_XxG5QSh8Kw2iegm0M8JS5KAp8M", "$X_O_GGH_imEkVShLtANd_ZlTxuk3d-F5QsjeLYOf5Zo", "$IF5r9HI_5O5OFWR_hly-p5LivT_2IZ6ZloZ4lVMNusg"], "prev_events": ["$M8TGDwcFGQmH1uqQszrlrg5jhsjkQVXHJ63EEAhLKE8"], "type": "m.room.aliases", "room_id": "!rxAQKWUvxckbTQxCPS:localhost", "sender": "@alice:localhost", "content": {"aliases": ["#public1:localhost"]}, "depth": 9, "prev_state": [], "state_key": "localhost", "origin": "localhost", "origin_server_ts": 1795683256664, "hashes": {"sha256": "J+CmWJB7N+o5u97eueWbmRu0nlYEFXGpDyGxjP52pWI"}, "signatures": {"localhost": {"ed25519:a_ruzg": "WEHZM6tIyXLhjh/biHNkOxZYo3zcHYHZPuHNicIZN3vuIq96nfcZQMR/JRSI7OUj3yC5KL8jgT0Q5K7jrHlCDQ"}}, "unsigned": {"age_ts": 1795683256664}})"},
    {"$lyBKNcXqblkB-Kp-s_jZq58p9o-_coWXDd6xTK_KA7E",
     R"({"auth_events": ["$UQ9sPJgMPF0FG8Ie_XxG5QSh8Kw2iegm0M8JS5KAp8M", "$X_O_GGH_imEkVShLtANd_ZlTxuk3d-F5QsjeLYOf5Zo", "$RwzHz2vFSzSXTneVifXxcGjrXnnai-AnKmCrXq03SH0"], "prev_events": ["$84un3VnUa5ZaA-efnCPPGhH2Zerw4jG-8-lS9bUiU2M"], "type": "m.room.member", "room_id": "!rxAQKWUvxckbTQxCPS:localhost", "sender": "@bob:localhost", "content": {"membership": "join", "displayname": "bob", "avatar_url": null}, "depth": 10, "prev_state": [], "state_key": "@bob:localhost", "origin": "localhost", "origin_server_ts": 1795683258749, "hashes": {"sha256": "RkK1J6SuFKBRr1RKWvGAGvGsjnpywLoHq++lNTJX7dg"}, "signatures": {"localhost": {"ed25519:a_ruzg": "PA03waj6xsVPn9rUjedypq1j9YV8vPxmVw6FyC94PWdwueq1AWsUK+kFyb4q+ZUdzID00mLZlT3mU2pfrLkqCQ"}}, "unsigned": {"age_ts": 1795683258749}})"},
};

TEST(EventHashing, RealSynapseEventsHashAndIdsMatch) {
  const RoomVersion& v4 = Version("4");
  for (const RealEvent& real : kRealEvents) {
    json event = json::parse(real.json);
    EXPECT_TRUE(CheckContentHash(event, v4).ok()) << real.event_id;
    Result<std::string> id = ComputeEventId(event, v4);
    ASSERT_TRUE(id.ok()) << id.status().message();
    EXPECT_EQ(*id, real.event_id);

    json tampered = event;  // a state key change alters both the content hash and the id
    tampered["state_key"] = "x";
    EXPECT_FALSE(CheckContentHash(tampered, v4).ok());
    EXPECT_NE(*ComputeEventId(tampered, v4), real.event_id);
  }
}

// Every event of the real dataset: its stored hash and id must be what Strata computes.
TEST(EventHashing, EveryEventOfTheRealSynapseDatasetMatches) {
  strata::testing::TempDir dir;
  std::string path = strata::testing::CopyDataset("v1.2.1-small.sqlite", dir);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  // Room versions come from each room's create event, as Synapse 1.2.1 kept no rooms column.
  const char* sql =
      "SELECT j.event_id, j.json, c.json FROM event_json j "
      "JOIN event_json c ON c.room_id = j.room_id "
      "JOIN events ce ON ce.event_id = c.event_id AND ce.type = 'm.room.create' "
      "ORDER BY j.event_id";
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  int checked = 0;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    std::string event_id = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    json event = json::parse(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 1)));
    json create = json::parse(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 2)));
    const RoomVersion* version =
        FindRoomVersion(create["content"].value("room_version", std::string("1")));
    ASSERT_NE(version, nullptr);
    EXPECT_TRUE(CheckContentHash(event, *version).ok()) << event_id;
    Result<std::string> id = ComputeEventId(event, *version);
    ASSERT_TRUE(id.ok()) << id.status().message();
    EXPECT_EQ(*id, event_id);
    ++checked;
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  EXPECT_EQ(checked, 40);  // every row of event_json
}

}  // namespace
}  // namespace strata::crypto
