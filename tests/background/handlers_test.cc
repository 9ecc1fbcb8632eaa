// The index and data-fill background update handlers, on both engines. Each test builds the
// few Synapse tables its handler touches (with Synapse's column names), runs the handler in
// small batches the way the runner does (one transaction per batch, progress read back from
// background_updates), and checks the end state and that a batch resumes from saved progress.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "background/update_handler.h"
#include "background/updater.h"
#include "schema/catalogue.h"
#include "schema/prepare_database.h"
#include "support/test_support.h"

namespace strata::background {
namespace {

using nlohmann::json;
using storage::Engine;
using storage::Params;

class HandlersTest : public testing::EngineTest {
 protected:
  void SetUp() override {
    testing::EngineTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    db_ = std::make_unique<testing::ScratchDatabase>(engine());
    RegisterIndexUpdates(registry_);
    RegisterDataFillUpdates(registry_);
    settings_.server_name = "example.com";
    Exec(
        "CREATE TABLE background_updates (update_name TEXT NOT NULL, progress_json TEXT NOT "
        "NULL, depends_on TEXT, ordering INT NOT NULL DEFAULT 0, "
        "CONSTRAINT background_updates_uniqueness UNIQUE (update_name))");
  }

  storage::Connection& conn() { return db_->conn(); }
  void Exec(const std::string& sql, const Params& params = {}) { conn().Execute(sql, params); }
  int64_t Int(const std::string& sql, const Params& params = {}) {
    return conn().QueryInt(sql, params).value_or(-1);
  }
  std::optional<std::string> Text(const std::string& sql, const Params& params = {}) {
    return conn().QueryValue(sql, params);
  }

  // Runs the queue with the real runner; a handler that never ends fails the test instead of
  // hanging it.
  RunReport RunUpdater(schema::BackgroundRunner mode,
                       const std::function<void(const BatchRecord&)>& on_batch = {},
                       BackgroundUpdater::Clock clock = std::chrono::steady_clock::now) {
    BackgroundUpdater updater(conn(), registry_, mode, settings_, std::move(clock));
    int batches = 0;
    RunReport report = updater.RunToCompletion(on_batch, [&] { return ++batches > 200; });
    EXPECT_LE(batches, 200) << "the updates did not finish in 200 batches";
    return report;
  }

  void Queue(const std::string& name, const std::optional<std::string>& depends_on = {}) {
    Exec("INSERT INTO background_updates (update_name, progress_json, depends_on) VALUES (?, ?, ?)",
         {name, "{}", depends_on});
  }
  bool Pending(const std::string& name) {
    return Text("SELECT 1 FROM background_updates WHERE update_name = ?", {name}).has_value();
  }
  json Progress(const std::string& name) {
    auto text = Text("SELECT progress_json FROM background_updates WHERE update_name = ?", {name});
    return text ? json::parse(*text) : json();
  }

  struct Batch {
    int64_t items = 0;
    bool finished = false;
  };
  // One batch as the runner does it: the saved progress in, one transaction around the work.
  Batch RunBatch(const std::string& name, int64_t batch_size) {
    const UpdateHandler* handler = registry_.Find(name);
    EXPECT_NE(handler, nullptr) << name;
    if (!handler) return {};
    json progress = Progress(name);
    storage::Transaction txn(conn());
    BatchContext ctx(conn(), name, settings_);
    Batch batch{(*handler)(ctx, progress, batch_size), ctx.finished()};
    txn.Commit();
    return batch;
  }
  // Batches until the update ends; returns how many it took.
  int RunToEnd(const std::string& name, int64_t batch_size) {
    for (int batches = 1; batches <= 1000; ++batches) {
      if (RunBatch(name, batch_size).finished) {
        EXPECT_FALSE(Pending(name)) << name << " said it finished but its row is still there";
        return batches;
      }
    }
    ADD_FAILURE() << name << " did not finish in 1000 batches";
    return -1;
  }

  // The index's definition as the engine reports it, if the index exists.
  std::optional<std::string> IndexDefinition(const std::string& index) {
    if (engine() == Engine::kPostgres) {
      return Text("SELECT indexdef FROM pg_indexes WHERE indexname = ?", {index});
    }
    return Text("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", {index});
  }

  // Synapse's tables, reduced to the columns the handlers here read and write.
  void CreateCurrentStateEvents() {
    Exec(
        "CREATE TABLE current_state_events (event_id TEXT NOT NULL, room_id TEXT NOT NULL, "
        "type TEXT NOT NULL, state_key TEXT NOT NULL, membership TEXT, UNIQUE (event_id), "
        "UNIQUE (room_id, type, state_key))");
  }
  void CreateEventJson() {
    Exec(
        "CREATE TABLE event_json (event_id TEXT NOT NULL, room_id TEXT NOT NULL, "
        "internal_metadata TEXT NOT NULL, json TEXT NOT NULL, format_version INTEGER, "
        "UNIQUE (event_id))");
  }
  void CreateRooms() {
    Exec(
        "CREATE TABLE rooms (room_id TEXT PRIMARY KEY NOT NULL, is_public BOOLEAN, creator TEXT, "
        "room_version TEXT)");
  }
  void AddState(const std::string& room, const std::string& event_id, const std::string& type,
                const std::string& state_key, const std::optional<std::string>& membership = {}) {
    Exec(
        "INSERT INTO current_state_events (event_id, room_id, type, state_key, membership) "
        "VALUES (?, ?, ?, ?, ?)",
        {event_id, room, type, state_key, membership});
  }
  void AddEventJson(const std::string& room, const std::string& event_id, const std::string& body) {
    Exec("INSERT INTO event_json (event_id, room_id, internal_metadata, json) VALUES (?, ?, ?, ?)",
         {event_id, room, "{}", body});
  }

  std::unique_ptr<testing::ScratchDatabase> db_;
  HandlerRegistry registry_;
  UpdateSettings settings_;
};

// ---------------------------------------------------------------------------------------------
// Index updates

TEST_P(HandlersTest, ForgottenMembershipIndexIsPartialOnPostgresOnly) {
  Exec(
      "CREATE TABLE room_memberships (event_id TEXT NOT NULL, user_id TEXT NOT NULL, sender TEXT "
      "NOT NULL, room_id TEXT NOT NULL, membership TEXT NOT NULL, forgotten INTEGER DEFAULT 0, "
      "display_name TEXT, avatar_url TEXT, UNIQUE (event_id))");
  Queue("room_membership_forgotten_idx");

  Batch batch = RunBatch("room_membership_forgotten_idx", 100);

  EXPECT_TRUE(batch.finished);
  EXPECT_EQ(batch.items, 1);
  EXPECT_FALSE(Pending("room_membership_forgotten_idx"));
  auto def = IndexDefinition("room_memberships_user_room_forgotten");
  ASSERT_TRUE(def.has_value());
  EXPECT_NE(def->find("room_memberships"), std::string::npos);
  EXPECT_NE(def->find("user_id, room_id"), std::string::npos) << *def;
  if (engine() == Engine::kPostgres) {
    EXPECT_NE(def->find("WHERE (forgotten = 1)"), std::string::npos) << *def;
  } else {
    EXPECT_EQ(def->find("WHERE"), std::string::npos) << *def;
  }
}

TEST_P(HandlersTest, IndexUpdateReplacesAnOldDefinitionOnPostgresAndKeepsItOnSqlite) {
  Exec(
      "CREATE TABLE redactions (event_id TEXT NOT NULL, redacts TEXT NOT NULL, have_censored "
      "BOOLEAN NOT NULL DEFAULT FALSE, received_ts BIGINT, UNIQUE (event_id))");
  Exec("CREATE INDEX redactions_have_censored_ts ON redactions (event_id)");
  Queue("redactions_have_censored_ts_idx");

  EXPECT_TRUE(RunBatch("redactions_have_censored_ts_idx", 100).finished);

  auto def = IndexDefinition("redactions_have_censored_ts");
  ASSERT_TRUE(def.has_value());
  if (engine() == Engine::kPostgres) {
    EXPECT_NE(def->find("(received_ts) WHERE (NOT have_censored)"), std::string::npos) << *def;
  } else {
    // CREATE INDEX IF NOT EXISTS leaves an index of that name alone, as on Synapse's SQLite.
    EXPECT_NE(def->find("(event_id)"), std::string::npos) << *def;
  }
}

TEST_P(HandlersTest, StateGroupsRoomIndex) {
  Exec(
      "CREATE TABLE state_groups (id BIGINT PRIMARY KEY, room_id TEXT NOT NULL, event_id TEXT "
      "NOT NULL)");
  Queue("state_groups_room_id_idx");
  EXPECT_TRUE(RunBatch("state_groups_room_id_idx", 100).finished);
  auto def = IndexDefinition("state_groups_room_id_idx");
  ASSERT_TRUE(def.has_value());
  EXPECT_NE(def->find("(room_id)"), std::string::npos) << *def;
}

TEST_P(HandlersTest, PostgresOnlyUniqueIndexIsSkippedOnSqlite) {
  Exec("CREATE TABLE event_search (event_id TEXT, room_id TEXT, key TEXT, value TEXT)");
  Queue("event_search_event_id_idx");

  EXPECT_TRUE(RunBatch("event_search_event_id_idx", 100).finished);

  auto def = IndexDefinition("event_search_event_id_idx");
  if (engine() == Engine::kPostgres) {
    ASSERT_TRUE(def.has_value());
    EXPECT_NE(def->find("CREATE UNIQUE INDEX"), std::string::npos) << *def;
  } else {
    EXPECT_FALSE(def.has_value()) << *def;
  }
}

TEST_P(HandlersTest, UniqueIndexUpdateFailsOnDuplicatesAndLeavesTheRowQueued) {
  Exec("CREATE TABLE device_lists_remote_extremeties (user_id TEXT NOT NULL, stream_id TEXT)");
  Exec("INSERT INTO device_lists_remote_extremeties VALUES ('@a:x', '1'), ('@a:x', '2')");
  Queue("device_lists_remote_extremeties_unique_idx");

  EXPECT_THROW(RunBatch("device_lists_remote_extremeties_unique_idx", 100), storage::DatabaseError);

  EXPECT_TRUE(Pending("device_lists_remote_extremeties_unique_idx"));
  EXPECT_FALSE(IndexDefinition("device_lists_remote_extremeties_unique_idx").has_value());
}

TEST_P(HandlersTest, IndexUpdatesRunThroughTheUpdater) {
  Exec(
      "CREATE TABLE state_groups (id BIGINT PRIMARY KEY, room_id TEXT NOT NULL, event_id TEXT "
      "NOT NULL)");
  Exec("CREATE TABLE event_to_state_groups (event_id TEXT NOT NULL, state_group BIGINT NOT NULL)");
  Queue("state_groups_room_id_idx");
  Queue("event_to_state_groups_sg_index", "state_groups_room_id_idx");

  RunReport report = RunUpdater(schema::BackgroundRunner::kOneAtATime);

  EXPECT_EQ(report.completed, (std::vector<std::string>{"state_groups_room_id_idx",
                                                        "event_to_state_groups_sg_index"}));
  EXPECT_TRUE(report.left.empty());
  EXPECT_TRUE(IndexDefinition("event_to_state_groups_sg_index").has_value());
}

// ---------------------------------------------------------------------------------------------
// users_set_deactivated_flag

class DeactivatedFlagTest : public HandlersTest {
 protected:
  void SetUp() override {
    HandlersTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    Exec(
        "CREATE TABLE users (name TEXT, password_hash TEXT, creation_ts BIGINT, admin SMALLINT "
        "DEFAULT 0 NOT NULL, upgrade_ts BIGINT, is_guest SMALLINT DEFAULT 0 NOT NULL, "
        "appservice_id TEXT, consent_version TEXT, consent_server_notice_sent TEXT, user_type "
        "TEXT DEFAULT NULL, deactivated SMALLINT DEFAULT 0 NOT NULL, UNIQUE (name))");
    Exec(
        "CREATE TABLE access_tokens (id BIGINT PRIMARY KEY, user_id TEXT NOT NULL, device_id "
        "TEXT, token TEXT NOT NULL, last_used BIGINT, valid_until_ms BIGINT, UNIQUE (token))");
    Exec(
        "CREATE TABLE user_threepids (user_id TEXT NOT NULL, medium TEXT NOT NULL, address TEXT "
        "NOT NULL, validated_at BIGINT NOT NULL, added_at BIGINT NOT NULL)");
  }
  void AddUser(const std::string& name, const std::optional<std::string>& password,
               int is_guest = 0, const std::optional<std::string>& appservice = {}) {
    Exec("INSERT INTO users (name, password_hash, is_guest, appservice_id) VALUES (?, ?, ?, ?)",
         {name, password, is_guest, appservice});
  }
  bool Deactivated(const std::string& name) {
    return Int("SELECT deactivated FROM users WHERE name = ?", {name}) == 1;
  }
};

TEST_P(DeactivatedFlagTest, MarksPasswordlessUsersWithoutTokensOrThreepids) {
  AddUser("@a:example.com", std::nullopt);  // candidate, deactivated
  AddUser("@b:example.com", "hash");        // has a password
  AddUser("@c:example.com", std::nullopt);  // candidate with a token
  AddUser("@d:example.com", "");            // candidate with a threepid
  AddUser("@e:example.com", std::nullopt, /*is_guest=*/1);
  AddUser("@f:example.com", std::nullopt, 0, "bridge");
  AddUser("@g:example.com", "");            // candidate, deactivated
  AddUser("@h:example.com", std::nullopt);  // candidate, deactivated
  Exec("INSERT INTO access_tokens (id, user_id, token) VALUES (1, '@c:example.com', 't1')");
  Exec("INSERT INTO user_threepids VALUES ('@d:example.com', 'email', 'd@example.com', 1, 1)");
  Queue("users_set_deactivated_flag");

  // Five candidates (a, c, d, g, h) in pages of two: the third page is short and ends it.
  Batch first = RunBatch("users_set_deactivated_flag", 2);
  EXPECT_EQ(first.items, 2);
  EXPECT_FALSE(first.finished);
  EXPECT_EQ(Progress("users_set_deactivated_flag"), json({{"user_id", "@c:example.com"}}));

  // A candidate sorting before the saved key is not revisited: the walk resumes after it.
  AddUser("@0:example.com", std::nullopt);
  EXPECT_EQ(RunToEnd("users_set_deactivated_flag", 2), 2);

  EXPECT_TRUE(Deactivated("@a:example.com"));
  EXPECT_TRUE(Deactivated("@g:example.com"));
  EXPECT_TRUE(Deactivated("@h:example.com"));
  for (const char* kept : {"@0:example.com", "@b:example.com", "@c:example.com", "@d:example.com",
                           "@e:example.com", "@f:example.com"}) {
    EXPECT_FALSE(Deactivated(kept)) << kept;
  }
}

TEST_P(DeactivatedFlagTest, AFullLastPageTakesOneMoreEmptyBatch) {
  AddUser("@a:example.com", std::nullopt);
  AddUser("@b:example.com", std::nullopt);
  Queue("users_set_deactivated_flag");
  EXPECT_EQ(RunToEnd("users_set_deactivated_flag", 2), 2);
  EXPECT_TRUE(Deactivated("@a:example.com"));
  EXPECT_TRUE(Deactivated("@b:example.com"));
}

TEST_P(DeactivatedFlagTest, RunsThroughTheUpdaterInBatchesOfAtLeastOneHundred) {
  {
    storage::Transaction txn(conn());  // one commit, not 250 (SQLite syncs each)
    for (int i = 0; i < 250; ++i) {
      AddUser("@u" + std::to_string(1000 + i) + ":example.com", std::nullopt);
    }
    txn.Commit();
  }
  Queue("users_set_deactivated_flag");
  // The clock is read at the start and end of each batch, so every batch appears to take 100 ms
  // and the runner's estimate of the next batch stays at the 100-item floor.
  auto now = std::chrono::steady_clock::time_point{};
  auto clock = [&now] { return now += std::chrono::milliseconds(100); };

  std::vector<int64_t> sizes;
  RunReport report = RunUpdater(
      schema::BackgroundRunner::kRoundRobin,
      [&](const BatchRecord& batch) { sizes.push_back(batch.items); }, clock);

  EXPECT_EQ(sizes, (std::vector<int64_t>{100, 100, 50}));
  EXPECT_EQ(report.completed, std::vector<std::string>{"users_set_deactivated_flag"});
  EXPECT_EQ(Int("SELECT COUNT(*) FROM users WHERE deactivated = 1"), 250);
}

// ---------------------------------------------------------------------------------------------
// devices_last_seen

TEST_P(HandlersTest, DevicesLastSeenCopiesTheNewestUserIpsRow) {
  Exec(
      "CREATE TABLE devices (user_id TEXT NOT NULL, device_id TEXT NOT NULL, display_name TEXT, "
      "last_seen BIGINT, ip TEXT, user_agent TEXT, hidden BOOLEAN DEFAULT FALSE, "
      "CONSTRAINT device_uniqueness UNIQUE (user_id, device_id))");
  Exec(
      "CREATE TABLE user_ips (user_id TEXT NOT NULL, access_token TEXT NOT NULL, device_id TEXT, "
      "ip TEXT NOT NULL, user_agent TEXT NOT NULL, last_seen BIGINT NOT NULL)");
  for (const char* device : {"@a:x|D1", "@a:x|D2", "@b:x|D1", "@c:x|D9"}) {
    std::string d = device;
    Exec("INSERT INTO devices (user_id, device_id) VALUES (?, ?)",
         {d.substr(0, d.find('|')), d.substr(d.find('|') + 1)});
  }
  auto ip = [&](const char* user, const char* device, const char* addr, int64_t seen) {
    Exec("INSERT INTO user_ips VALUES (?, 'tok', ?, ?, ?, ?)",
         {user, device, addr, std::string("agent-") + addr, static_cast<long long>(seen)});
  };
  ip("@a:x", "D1", "10.0.0.1", 100);
  ip("@a:x", "D1", "10.0.0.2", 300);  // newest for @a:x/D1
  ip("@a:x", "D1", "10.0.0.3", 200);
  ip("@a:x", "D2", "10.0.0.4", 50);
  ip("@b:x", "D1", "10.0.0.5", 70);
  ip("@z:x", "D1", "10.0.0.6", 90);  // no such device
  Queue("devices_last_seen");

  EXPECT_EQ(RunBatch("devices_last_seen", 1).items, 1);
  EXPECT_EQ(Progress("devices_last_seen"),
            json({{"last_user_id", "@a:x"}, {"last_device_id", "D1"}}));

  // A newer row for a device already done is not picked up: the walk resumes after it.
  ip("@a:x", "D1", "10.9.9.9", 999);
  EXPECT_EQ(RunToEnd("devices_last_seen", 1), 3);  // @a:x/D2, @b:x/D1, then an empty page

  auto seen = [&](const char* user, const char* device) {
    auto rows = conn().Query(
        "SELECT last_seen, ip, user_agent FROM devices WHERE user_id = ? AND device_id = ?",
        {user, device});
    return rows.at(0).IsNull(0) ? std::string("null")
                                : rows[0].Text(0) + " " + rows[0].Text(1) + " " + rows[0].Text(2);
  };
  EXPECT_EQ(seen("@a:x", "D1"), "300 10.0.0.2 agent-10.0.0.2");
  EXPECT_EQ(seen("@a:x", "D2"), "50 10.0.0.4 agent-10.0.0.4");
  EXPECT_EQ(seen("@b:x", "D1"), "70 10.0.0.5 agent-10.0.0.5");
  EXPECT_EQ(seen("@c:x", "D9"), "null");
}

// ---------------------------------------------------------------------------------------------
// event_store_labels

TEST_P(HandlersTest, EventStoreLabelsFillsEventLabels) {
  CreateEventJson();
  Exec(
      "CREATE TABLE event_labels (event_id TEXT, label TEXT, room_id TEXT NOT NULL, "
      "topological_ordering BIGINT NOT NULL, PRIMARY KEY (event_id, label))");
  AddEventJson("!r", "$a",
               R"({"room_id":"!r","depth":3,"content":{"org.matrix.labels":["x","y","x",5]}})");
  AddEventJson("!r", "$b", R"({"room_id":"!r","depth":4,"content":{"body":"no labels"}})");
  AddEventJson("!r", "$c", "not json");
  AddEventJson("!r", "$d", R"({"room_id":"!r","content":{"org.matrix.labels":["nodepth"]}})");
  AddEventJson("!r", "$e", R"({"room_id":"!r","depth":7,"content":{"org.matrix.labels":["z"]}})");
  AddEventJson("!r", "$f",
               R"({"room_id":"!r","depth":8,"content":{"org.matrix.labels":["q","r"]}})");
  Exec("INSERT INTO event_labels VALUES ('$f', 'q', '!r', 8)");  // labelled already: skipped
  Queue("event_store_labels");

  EXPECT_EQ(RunBatch("event_store_labels", 2).items, 2);
  EXPECT_EQ(Progress("event_store_labels"), json({{"last_event_id", "$b"}}));
  // Five unlabelled events in pages of two, then an empty page ends it.
  EXPECT_EQ(RunToEnd("event_store_labels", 2), 3);

  std::vector<std::string> labels;
  for (const auto& row :
       conn().Query("SELECT event_id, label, room_id, topological_ordering FROM event_labels "
                    "ORDER BY event_id, label")) {
    labels.push_back(row.Text(0) + " " + row.Text(1) + " " + row.Text(2) + " " + row.Text(3));
  }
  EXPECT_EQ(labels, (std::vector<std::string>{"$a x !r 3", "$a y !r 3", "$e z !r 7", "$f q !r 8"}));
}

// ---------------------------------------------------------------------------------------------
// redactions_received_ts and event_fix_redactions_bytes

class RedactionsTest : public HandlersTest {
 protected:
  void SetUp() override {
    HandlersTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    Exec(
        "CREATE TABLE redactions (event_id TEXT NOT NULL, redacts TEXT NOT NULL, have_censored "
        "BOOLEAN NOT NULL DEFAULT FALSE, received_ts BIGINT, UNIQUE (event_id))");
  }
};

TEST_P(RedactionsTest, ReceivedTsComesFromTheEventThenOriginThenNow) {
  Exec(
      "CREATE TABLE events (stream_ordering INTEGER PRIMARY KEY, event_id TEXT NOT NULL, "
      "room_id TEXT NOT NULL, origin_server_ts BIGINT, received_ts BIGINT, UNIQUE (event_id))");
  Exec(
      "INSERT INTO events VALUES (1, '$r1', '!r', 50, 100), (2, '$r2', '!r', 200, NULL), "
      "(3, '$r3', '!r', NULL, NULL)");
  for (const char* id : {"$r1", "$r2", "$r3", "$r4"}) {
    Exec("INSERT INTO redactions (event_id, redacts) VALUES (?, '$target')", {id});
  }
  Queue("redactions_received_ts");
  settings_.now_ms = [] { return int64_t{1234567}; };  // the injected wall clock

  EXPECT_EQ(RunBatch("redactions_received_ts", 1).items, 1);
  EXPECT_EQ(Progress("redactions_received_ts"), json({{"last_event_id", "$r1"}}));
  Exec("UPDATE events SET received_ts = 999 WHERE event_id = '$r1'");  // behind the saved key
  EXPECT_EQ(RunToEnd("redactions_received_ts", 1), 4);

  auto received = [&](const char* id) {
    return conn().QueryInt("SELECT received_ts FROM redactions WHERE event_id = ?", {id});
  };
  EXPECT_EQ(received("$r1"), 100);
  EXPECT_EQ(received("$r2"), 200);
  EXPECT_EQ(received("$r3"), 1234567);        // "now", read from the injected clock
  EXPECT_FALSE(received("$r4").has_value());  // no event row: nothing to take it from
}

TEST_P(RedactionsTest, FixRedactionsBytesDecodesHexJsonOnPostgresAndDropsItsIndex) {
  CreateEventJson();
  AddEventJson("!r", "$censored_hex", R"(\x7b7d)");  // "{}" hex-encoded, as 1.4.0 could store it
  AddEventJson("!r", "$uncensored_hex", R"(\x7b7d)");
  AddEventJson("!r", "$censored_ok", R"({"a":1})");
  Exec(
      "INSERT INTO redactions (event_id, redacts, have_censored) VALUES "
      "('$x1', '$censored_hex', TRUE), ('$x2', '$uncensored_hex', FALSE), "
      "('$x3', '$censored_ok', TRUE)");
  Queue("event_fix_redactions_bytes_create_index");
  Queue("event_fix_redactions_bytes", "event_fix_redactions_bytes_create_index");

  RunReport report = RunUpdater(schema::BackgroundRunner::kOneAtATime);

  EXPECT_EQ(report.completed, (std::vector<std::string>{"event_fix_redactions_bytes_create_index",
                                                        "event_fix_redactions_bytes"}));
  EXPECT_FALSE(IndexDefinition("redactions_censored_redacts").has_value());
  auto json_of = [&](const char* id) {
    return Text("SELECT json FROM event_json WHERE event_id = ?", {id}).value_or("?");
  };
  EXPECT_EQ(json_of("$censored_hex"), engine() == Engine::kPostgres ? "{}" : R"(\x7b7d)");
  EXPECT_EQ(json_of("$uncensored_hex"), R"(\x7b7d)");
  EXPECT_EQ(json_of("$censored_ok"), R"({"a":1})");
}

// ---------------------------------------------------------------------------------------------
// remove_tombstoned_rooms_from_directory

TEST_P(HandlersTest, TombstonedPublicRoomsLeaveTheDirectory) {
  CreateRooms();
  CreateCurrentStateEvents();
  Exec(
      "CREATE TABLE public_room_list_stream (stream_id BIGINT NOT NULL, room_id TEXT NOT NULL, "
      "visibility BOOLEAN NOT NULL, appservice_id TEXT, network_id TEXT)");
  auto room = [&](const char* id, bool is_public) {
    Exec("INSERT INTO rooms (room_id, is_public, creator) VALUES (?, ?, '@c:example.com')",
         {id, is_public});
  };
  room("!a", true);   // tombstoned, public: removed
  room("!b", true);   // no tombstone
  room("!c", false);  // tombstoned but not published
  room("!d", true);   // tombstoned, public: removed
  room("!e", true);   // tombstone with a non-empty state_key does not count
  AddState("!a", "$ta", "m.room.tombstone", "");
  AddState("!c", "$tc", "m.room.tombstone", "");
  AddState("!d", "$td", "m.room.tombstone", "");
  AddState("!e", "$te", "m.room.tombstone", "x");
  Exec("INSERT INTO public_room_list_stream VALUES (5, '!a', TRUE, NULL, NULL)");
  Queue("remove_tombstoned_rooms_from_directory");

  EXPECT_EQ(RunBatch("remove_tombstoned_rooms_from_directory", 1).items, 1);
  EXPECT_EQ(Progress("remove_tombstoned_rooms_from_directory"), json({{"room_id", "!a"}}));
  EXPECT_EQ(RunToEnd("remove_tombstoned_rooms_from_directory", 1), 2);  // !d, then empty

  auto is_public = [&](const char* id) {
    return conn().Query("SELECT is_public FROM rooms WHERE room_id = ?", {id}).at(0).Bool(0);
  };
  EXPECT_FALSE(is_public("!a"));
  EXPECT_TRUE(is_public("!b"));
  EXPECT_FALSE(is_public("!c"));
  EXPECT_FALSE(is_public("!d"));
  EXPECT_TRUE(is_public("!e"));
  std::vector<std::string> stream;
  for (const auto& row : conn().Query(
           "SELECT stream_id, room_id, visibility, appservice_id IS NULL, network_id IS NULL "
           "FROM public_room_list_stream ORDER BY stream_id")) {
    stream.push_back(row.Text(0) + " " + row.Text(1) + " " + std::to_string(row.Bool(2)) +
                     std::to_string(row.Bool(3)) + std::to_string(row.Bool(4)));
  }
  EXPECT_EQ(stream, (std::vector<std::string>{"5 !a 111", "6 !a 011", "7 !d 011"}));
}

// ---------------------------------------------------------------------------------------------
// insert_room_retention

TEST_P(HandlersTest, RoomRetentionRowsFromCurrentState) {
  CreateCurrentStateEvents();
  CreateEventJson();
  Exec(
      "CREATE TABLE room_retention (room_id TEXT, event_id TEXT, min_lifetime BIGINT, "
      "max_lifetime BIGINT, PRIMARY KEY (room_id, event_id))");
  auto retention = [&](const char* room, const char* event_id, const char* content) {
    AddState(room, event_id, "m.room.retention", "");
    if (content) {
      AddEventJson(room, event_id,
                   std::string(R"({"type":"m.room.retention","content":)") + content + "}");
    }
  };
  retention("!a", "$a", R"({"min_lifetime":1000,"max_lifetime":2000})");
  retention("!b", "$b", R"({"max_lifetime":5000})");
  retention("!c", "$c", nullptr);  // no event JSON: an empty policy
  retention("!d", "$d", R"({"max_lifetime":"soon"})");
  retention("!e", "$e", R"({"min_lifetime":1})");
  AddState("!a", "$name", "m.room.name", "");
  // Written by the server while the update waited; kept as it is.
  Exec("INSERT INTO room_retention VALUES ('!b', '$b', NULL, 1)");
  Queue("insert_room_retention");

  EXPECT_EQ(RunBatch("insert_room_retention", 2).items, 2);
  EXPECT_EQ(Progress("insert_room_retention"), json({{"room_id", "!b"}}));
  // Five rooms in pages of two: the third page is short and ends it.
  EXPECT_EQ(RunToEnd("insert_room_retention", 2), 2);

  std::vector<std::string> rows;
  for (const auto& row :
       conn().Query("SELECT room_id, event_id, min_lifetime, max_lifetime FROM room_retention "
                    "ORDER BY room_id")) {
    rows.push_back(row.Text(0) + " " + row.Text(1) + " " + (row.IsNull(2) ? "-" : row.Text(2)) +
                   " " + (row.IsNull(3) ? "-" : row.Text(3)));
  }
  EXPECT_EQ(rows, (std::vector<std::string>{"!a $a 1000 2000", "!b $b - 1", "!c $c - -",
                                            "!d $d - -", "!e $e 1 -"}));
}

// ---------------------------------------------------------------------------------------------
// delete_old_current_state_events

TEST_P(HandlersTest, CurrentStateOfRoomsWithoutLocalMembersIsDeleted) {
  CreateCurrentStateEvents();
  Exec("CREATE TABLE event_forward_extremities (event_id TEXT NOT NULL, room_id TEXT NOT NULL)");
  Exec("CREATE TABLE device_lists_remote_extremeties (user_id TEXT NOT NULL, stream_id TEXT)");
  const char* member = "m.room.member";
  // !a: a local user joined: kept.
  AddState("!a", "$a1", member, "@alice:example.com", "join");
  AddState("!a", "$a2", member, "@bob:remote.org", "join");
  AddState("!a", "$a3", "m.room.create", "");
  // !b: only remote users joined; the local one left.
  AddState("!b", "$b1", member, "@bob:remote.org", "join");
  AddState("!b", "$b2", member, "@carol:other.org", "join");
  AddState("!b", "$b3", member, "@dave:example.com", "leave");
  // !c: a local join whose membership column was never filled (facts §4.2, #6924).
  AddState("!c", "$c1", member, "@erin:example.com");
  // !d: a local invite is not a join.
  AddState("!d", "$d1", member, "@erin:example.com", "invite");
  AddState("!d", "$d2", member, "@frank:far.net", "join");
  for (const char* room : {"!a", "!b", "!c", "!d"}) {
    Exec("INSERT INTO event_forward_extremities VALUES (?, ?)", {std::string("$fx") + room, room});
  }
  for (const char* user : {"@bob:remote.org", "@carol:other.org", "@frank:far.net", "@zed:z.org"}) {
    Exec("INSERT INTO device_lists_remote_extremeties VALUES (?, '1')", {user});
  }
  Queue("delete_old_current_state_events");

  RunBatch("delete_old_current_state_events", 2);
  EXPECT_EQ(Progress("delete_old_current_state_events"), json({{"last_room_id", "!b"}}));
  // Behind the saved key: !a is not looked at again even though it has no local member now.
  Exec("UPDATE current_state_events SET membership = 'leave' WHERE event_id = '$a1'");
  EXPECT_EQ(RunToEnd("delete_old_current_state_events", 2), 2);  // !c !d, then empty

  auto rooms_in = [&](const char* table) {
    std::vector<std::string> rooms;
    for (const auto& row :
         conn().Query(std::string("SELECT DISTINCT room_id FROM ") + table + " ORDER BY room_id")) {
      rooms.push_back(row.Text(0));
    }
    return rooms;
  };
  EXPECT_EQ(rooms_in("current_state_events"), std::vector<std::string>{"!a"});
  EXPECT_EQ(rooms_in("event_forward_extremities"), std::vector<std::string>{"!a"});
  std::vector<std::string> tracked;
  for (const auto& row :
       conn().Query("SELECT user_id FROM device_lists_remote_extremeties ORDER BY user_id")) {
    tracked.push_back(row.Text(0));
  }
  // bob still shares !a with us; zed was in none of the deleted rooms.
  EXPECT_EQ(tracked, (std::vector<std::string>{"@bob:remote.org", "@zed:z.org"}));
}

// ---------------------------------------------------------------------------------------------
// remove_dup_outbound_pokes

TEST_P(HandlersTest, DuplicateOutboundPokesCollapseToOneUnsentRow) {
  Exec(
      "CREATE TABLE device_lists_outbound_pokes (destination TEXT NOT NULL, stream_id BIGINT NOT "
      "NULL, user_id TEXT NOT NULL, device_id TEXT NOT NULL, sent BOOLEAN NOT NULL, ts BIGINT NOT "
      "NULL, opentracing_context TEXT)");
  auto poke = [&](const char* dest, int64_t stream, const char* user, const char* device, bool sent,
                  int64_t ts) {
    Exec("INSERT INTO device_lists_outbound_pokes VALUES (?, ?, ?, ?, ?, ?, 'ctx')",
         {dest, static_cast<long long>(stream), user, device, sent, static_cast<long long>(ts)});
  };
  poke("d1", 1, "@u1:x", "DEV", true, 10);
  poke("d1", 1, "@u1:x", "DEV", true, 30);
  poke("d1", 1, "@u1:x", "DEV", true, 20);
  poke("d2", 1, "@u1:x", "DEV", true, 40);  // not duplicated: left alone
  poke("d1", 2, "@u2:x", "DEV", false, 5);
  poke("d1", 2, "@u2:x", "DEV", true, 7);
  poke("d1", 10, "@u3:x", "DEV", true, 1);  // stream 10 sorts after 2 as a number
  poke("d1", 10, "@u3:x", "DEV", true, 2);
  Queue("remove_dup_outbound_pokes");

  EXPECT_EQ(RunBatch("remove_dup_outbound_pokes", 1).items, 1);
  EXPECT_EQ(Progress("remove_dup_outbound_pokes"), json({{"last_row",
                                                          {{"stream_id", 1},
                                                           {"destination", "d1"},
                                                           {"user_id", "@u1:x"},
                                                           {"device_id", "DEV"},
                                                           {"ts", 30},
                                                           {"sent", false}}}}));
  poke("d1", 1, "@u1:x", "DEV", true, 99);  // a new duplicate behind the saved key stays
  EXPECT_EQ(RunToEnd("remove_dup_outbound_pokes", 1), 3);

  std::vector<std::string> rows;
  for (const auto& row :
       conn().Query("SELECT stream_id, destination, user_id, sent, ts, opentracing_context IS NULL "
                    "FROM device_lists_outbound_pokes ORDER BY stream_id, destination, ts")) {
    rows.push_back(row.Text(0) + " " + row.Text(1) + " " + row.Text(2) + " " +
                   std::to_string(row.Bool(3)) + " " + row.Text(4) + " " +
                   std::to_string(row.Bool(5)));
  }
  EXPECT_EQ(rows,
            (std::vector<std::string>{"1 d1 @u1:x 0 30 1", "1 d1 @u1:x 1 99 0", "1 d2 @u1:x 1 40 0",
                                      "2 d1 @u2:x 0 7 1", "10 d1 @u3:x 0 2 1"}));
}

// ---------------------------------------------------------------------------------------------
// add_rooms_room_version_column

TEST_P(HandlersTest, RoomVersionComesFromTheCreateEvent) {
  CreateRooms();
  CreateCurrentStateEvents();
  CreateEventJson();
  Exec(
      "INSERT INTO rooms (room_id, is_public, creator) VALUES ('!a', TRUE, '@a:example.com'), "
      "('!b', FALSE, '@b:example.com'), ('!d', FALSE, '@d:example.com')");
  auto create = [&](const char* room, const char* content) {
    std::string event_id = std::string("$create") + room;
    AddState(room, event_id, "m.room.create", "");
    AddEventJson(room, event_id,
                 std::string(R"({"type":"m.room.create","content":)") + content + "}");
  };
  create("!a", R"({"creator":"@a:example.com","room_version":"5"})");
  create("!b", R"({"creator":"@b:example.com"})");
  create("!c", R"({"creator":"@c:example.com","room_version":"6"})");  // no rooms row yet
  AddState("!d", "$d-name", "m.room.name", "");                        // no create event
  Queue("add_rooms_room_version_column");

  RunBatch("add_rooms_room_version_column", 1);
  EXPECT_EQ(Progress("add_rooms_room_version_column"), json({{"room_id", "!a"}}));
  EXPECT_EQ(RunToEnd("add_rooms_room_version_column", 1), 3);  // !b, !c, then empty

  std::vector<std::string> rooms;
  for (const auto& row : conn().Query(
           "SELECT room_id, room_version, is_public, creator FROM rooms ORDER BY room_id")) {
    rooms.push_back(row.Text(0) + " " + (row.IsNull(1) ? "-" : row.Text(1)) + " " +
                    std::to_string(row.Bool(2)) + " " + row.Text(3));
  }
  EXPECT_EQ(rooms, (std::vector<std::string>{"!a 5 1 @a:example.com", "!b 1 0 @b:example.com",
                                             "!c 6 0 @c:example.com", "!d - 0 @d:example.com"}));
}

// ---------------------------------------------------------------------------------------------
// The 1.0-1.3 stats chain and retired updates

class LegacyStatsTest : public HandlersTest {
 protected:
  void SetUp() override {
    HandlersTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    CreateCurrentStateEvents();
    Exec(
        "CREATE TABLE current_state_delta_stream (stream_id BIGINT NOT NULL, room_id TEXT NOT "
        "NULL, type TEXT NOT NULL, state_key TEXT NOT NULL, event_id TEXT, prev_event_id TEXT)");
    AddState("!a", "$a1", "m.room.create", "");
    AddState("!a", "$a2", "m.room.name", "");
    AddState("!a", "$a3", "m.room.member", "@x:example.com", "join");
    AddState("!b", "$b1", "m.room.create", "");
    Exec(
        "INSERT INTO current_state_delta_stream VALUES (3, '!a', 'm.room.create', '', '$a1', "
        "NULL), (7, '!a', 'm.room.name', '', '$a2', NULL)");
  }
  void CreateLegacyStatsTables() {
    Exec(
        "CREATE TABLE stats_stream_pos (Lock CHAR(1) NOT NULL DEFAULT 'X' UNIQUE, stream_id "
        "BIGINT, CHECK (Lock='X'))");
    Exec("INSERT INTO stats_stream_pos (stream_id) VALUES (NULL)");
    Exec("CREATE TABLE room_stats_earliest_token (room_id TEXT NOT NULL, token BIGINT NOT NULL)");
    Exec("INSERT INTO room_stats_earliest_token VALUES ('!b', 1)");
  }
};

TEST_P(LegacyStatsTest, CreateTablesStagesUnprocessedRoomsAndCleanupMovesThePosition) {
  CreateLegacyStatsTables();
  Queue("populate_stats_createtables");
  Queue("populate_stats_cleanup");

  Batch create = RunBatch("populate_stats_createtables", 100);
  EXPECT_TRUE(create.finished);
  std::vector<std::string> staged;
  for (const auto& row :
       conn().Query("SELECT room_id, events FROM _temp_populate_stats_rooms ORDER BY room_id")) {
    staged.push_back(row.Text(0) + " " + row.Text(1));
  }
  EXPECT_EQ(staged, std::vector<std::string>{"!a 3"});  // !b already has an earliest token
  EXPECT_EQ(Text("SELECT position FROM _temp_populate_stats_position"), "7");
  EXPECT_TRUE(IndexDefinition("_temp_populate_stats_rooms_events").has_value());

  EXPECT_TRUE(RunBatch("populate_stats_cleanup", 100).finished);
  EXPECT_EQ(Int("SELECT stream_id FROM stats_stream_pos"), 7);
  EXPECT_FALSE(conn().TableExists("_temp_populate_stats_rooms"));
  EXPECT_FALSE(conn().TableExists("_temp_populate_stats_position"));
}

TEST_P(LegacyStatsTest, DisabledStatsStageNothing) {
  CreateLegacyStatsTables();
  settings_.stats_enabled = false;
  Queue("populate_stats_createtables");
  EXPECT_TRUE(RunBatch("populate_stats_createtables", 100).finished);
  EXPECT_FALSE(conn().TableExists("_temp_populate_stats_rooms"));
}

TEST_P(LegacyStatsTest, OnTheSeparatedStatsSchemaTheyEndWithoutWork) {
  // 1.4+ has no room_stats_earliest_token / stats_stream_pos; Synapse 1.4+ treats a leftover
  // populate_stats_cleanup as a no-op.
  Queue("populate_stats_createtables");
  Queue("populate_stats_cleanup");
  EXPECT_TRUE(RunBatch("populate_stats_createtables", 100).finished);
  EXPECT_TRUE(RunBatch("populate_stats_cleanup", 100).finished);
  EXPECT_FALSE(conn().TableExists("_temp_populate_stats_rooms"));
}

TEST_P(HandlersTest, RetiredUpdatesEndAtOnce) {
  for (const char* name : {"populate_stats_prepare", "refresh_tokens_device_index",
                           "device_lists_outbound_last_success_unique_idx",
                           "drop_device_lists_outbound_last_success_non_unique_idx"}) {
    Queue(name);
    Batch batch = RunBatch(name, 100);
    EXPECT_TRUE(batch.finished) << name;
    EXPECT_EQ(batch.items, 1) << name;
  }
  EXPECT_EQ(Int("SELECT COUNT(*) FROM background_updates"), 0);
}

// ---------------------------------------------------------------------------------------------
// On a database built as real 1.18.0 builds it

// A brand-new 1.18.0 database (Strata's schema data, checked against the real release
// elsewhere) with a few rows for the updates it queues, run by the 1.13+ runner.
class FreshReleaseTest : public HandlersTest {
 protected:
  void SetUp() override {
    HandlersTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    Exec("DROP TABLE background_updates");  // the release's own schema brings it
    const schema::Release* release = schema::Catalogue::Builtin().Find("1.18.0");
    ASSERT_NE(release, nullptr);
    schema::PrepareOptions options;
    options.server_name = "localhost";
    auto prepared =
        schema::PrepareDatabase(conn(), schema::Catalogue::Builtin(), *release, options);
    ASSERT_TRUE(prepared.ok()) << prepared.status().message();
    settings_.server_name = "localhost";
    // delete_old_current_state_events waits for current_state_events_membership (1.11+), which
    // a new database queues too; its handler is membership.cc's.
    RegisterMembershipUpdates(registry_);
  }
};

TEST_P(FreshReleaseTest, EveryQueuedUpdateOfOursCompletesOnTheRealSchema) {
  Exec(
      "INSERT INTO users (name, password_hash, creation_ts) VALUES "
      "('@alice:localhost', 'hash', 1), ('@ghost:localhost', NULL, 2)");
  Exec("INSERT INTO devices (user_id, device_id) VALUES ('@alice:localhost', 'DEV')");
  Exec(
      "INSERT INTO user_ips (user_id, access_token, device_id, ip, user_agent, last_seen) "
      "VALUES ('@alice:localhost', 'tok', 'DEV', '192.0.2.1', 'agent', 500)");
  Exec(
      "INSERT INTO rooms (room_id, is_public, creator) VALUES "
      "('!pub:localhost', TRUE, '@alice:localhost'), ('!gone:remote.org', FALSE, "
      "'@bob:remote.org')");
  Exec(
      "INSERT INTO current_state_events (event_id, room_id, type, state_key, membership) VALUES "
      "('$tomb', '!pub:localhost', 'm.room.tombstone', '', NULL), "
      "('$alice', '!pub:localhost', 'm.room.member', '@alice:localhost', NULL), "
      "('$bob', '!gone:remote.org', 'm.room.member', '@bob:remote.org', NULL)");
  Exec(
      "INSERT INTO room_memberships (event_id, user_id, sender, room_id, membership) VALUES "
      "('$alice', '@alice:localhost', '@alice:localhost', '!pub:localhost', 'join'), "
      "('$bob', '@bob:remote.org', '@bob:remote.org', '!gone:remote.org', 'join')");
  Exec(
      "INSERT INTO events (stream_ordering, topological_ordering, event_id, type, room_id, "
      "processed, outlier, origin_server_ts, received_ts) VALUES "
      "(1, 1, '$red', 'm.room.redaction', '!pub:localhost', TRUE, FALSE, 1000, 1234)");
  Exec("INSERT INTO redactions (event_id, redacts, have_censored) VALUES ('$red', '$x', FALSE)");

  RunReport report = RunUpdater(schema::BackgroundRunner::kOneAtATime);

  const std::set<std::string> completed(report.completed.begin(), report.completed.end());
  for (const char* name :
       {"users_set_deactivated_flag", "devices_last_seen", "event_store_labels",
        "redactions_received_ts", "redactions_have_censored_ts_idx",
        "remove_tombstoned_rooms_from_directory", "room_membership_forgotten_idx",
        "insert_room_retention", "state_groups_room_id_idx", "delete_old_current_state_events",
        "remove_dup_outbound_pokes", "current_state_events_membership"}) {
    EXPECT_TRUE(completed.count(name)) << name << " did not complete";
  }
  std::set<std::string> left;
  for (const PendingUpdate& update : report.left) left.insert(update.name);
  // The stats updates belong to stats.cc, which this registry leaves out.
  EXPECT_EQ(left, (std::set<std::string>{"populate_stats_process_rooms",
                                         "populate_stats_process_users"}));

  EXPECT_EQ(Int("SELECT deactivated FROM users WHERE name = '@ghost:localhost'"), 1);
  EXPECT_EQ(Int("SELECT deactivated FROM users WHERE name = '@alice:localhost'"), 0);
  EXPECT_EQ(Int("SELECT last_seen FROM devices WHERE device_id = 'DEV'"), 500);
  EXPECT_EQ(Int("SELECT received_ts FROM redactions WHERE event_id = '$red'"), 1234);
  EXPECT_FALSE(
      conn().Query("SELECT is_public FROM rooms WHERE room_id = '!pub:localhost'").at(0).Bool(0));
  EXPECT_EQ(Int("SELECT COUNT(*) FROM current_state_events WHERE room_id = '!pub:localhost'"), 2);
  EXPECT_EQ(Int("SELECT COUNT(*) FROM current_state_events WHERE room_id = '!gone:remote.org'"), 0);
  for (const char* index : {"room_memberships_user_room_forgotten", "redactions_have_censored_ts",
                            "state_groups_room_id_idx"}) {
    EXPECT_TRUE(IndexDefinition(index).has_value()) << index;
  }
}

STRATA_INSTANTIATE_ENGINES(HandlersTest);
STRATA_INSTANTIATE_ENGINES(FreshReleaseTest);
STRATA_INSTANTIATE_ENGINES(DeactivatedFlagTest);
STRATA_INSTANTIATE_ENGINES(RedactionsTest);
STRATA_INSTANTIATE_ENGINES(LegacyStatsTest);

// ---------------------------------------------------------------------------------------------
// Coverage against what real releases queue

// The update names in a real release's background_updates.txt dump (header and blanks skipped).
std::set<std::string> QueuedNames(const std::filesystem::path& dump) {
  std::set<std::string> names;
  std::ifstream in(dump);
  std::string line;
  while (std::getline(in, line)) {
    std::string name = line.substr(0, line.find('|'));
    if (!name.empty() && name != "update_name") names.insert(name);
  }
  return names;
}

TEST(HandlerCoverageTest, EveryUpdateRealReleasesQueueHasAHandler) {
  HandlerRegistry registry;
  RegisterIndexUpdates(registry);
  RegisterDataFillUpdates(registry);
  // Written in membership.cc and stats.cc.
  const std::set<std::string> elsewhere = {"current_state_events_membership",
                                           "populate_stats_process_rooms",
                                           "populate_stats_process_users"};
  const auto real = testing::ReferenceDir() / "real-synapse";
  ASSERT_TRUE(std::filesystem::exists(real)) << real;
  std::set<std::string> queued;
  for (const char* kind : {"fresh", "migrated-only"}) {
    for (const auto& release : std::filesystem::directory_iterator(real / kind)) {
      auto names = QueuedNames(release.path() / "background_updates.txt");
      queued.insert(names.begin(), names.end());
    }
  }
  EXPECT_GE(queued.size(), 14u);
  for (const std::string& name : queued) {
    if (elsewhere.count(name)) {
      EXPECT_EQ(registry.Find(name), nullptr) << name << " belongs to another handler file";
    } else {
      EXPECT_NE(registry.Find(name), nullptr) << "no handler for " << name;
    }
  }
}

}  // namespace
}  // namespace strata::background
