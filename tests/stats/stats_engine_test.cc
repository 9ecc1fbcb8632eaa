// The two statistics engines (stats/) on both storage engines, over real schemas: the 1.4+
// incremental processor moves counts by +1/-1 per delta and the position with them; the
// 1.0-1.3 one populates a fresh database once, then moves bucket counts of rooms it knows.
#include "stats/stats_engine.h"

#include <gtest/gtest.h>

#include <string>

#include "schema/catalogue.h"
#include "schema/prepare_database.h"
#include "stats/legacy_stats_engine.h"
#include "storage/stats/stats_store.h"
#include "support/test_support.h"

namespace strata::stats {
namespace {

using storage::Params;

class StatsEngineTest : public testing::EngineTest {
 protected:
  void Prepare(const schema::Release& release, bool legacy_stats) {
    db_ = std::make_unique<testing::ScratchDatabase>(engine());
    auto prepared = schema::PrepareDatabase(conn(), schema::Catalogue::Builtin(), release);
    ASSERT_TRUE(prepared.ok()) << prepared.status().message();
    store_ =
        std::make_unique<storage::StatsStore>(storage::StoreOptions::Read(conn(), legacy_stats));
  }
  storage::Connection& conn() { return db_->conn(); }
  void Exec(const std::string& sql, const Params& params = {}) { conn().Execute(sql, params); }
  std::string Row(const std::string& sql) {
    auto rows = conn().Query(sql);
    if (rows.empty()) return "<none>";
    std::string out;
    for (size_t i = 0; i < rows[0].size(); ++i) {
      out += (i ? " " : "") + (rows[0].IsNull(i) ? std::string("NULL") : rows[0].Text(i));
    }
    return out;
  }
  // A state event: event_json, room_memberships for members, current state and its delta.
  void Event(int64_t stream, const std::string& room, const std::string& id,
             const std::string& type, const std::string& state_key, const std::string& content,
             const std::optional<std::string>& prev = {}) {
    Exec("INSERT INTO event_json (event_id, room_id, internal_metadata, json) VALUES (?, ?, ?, ?)",
         {id, room, "{}", R"({"type":")" + type + R"(","content":)" + content + "}"});
    Exec(
        "INSERT INTO events (stream_ordering, topological_ordering, event_id, type, room_id, "
        "processed, outlier, received_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        {stream, stream, id, type, room, true, false, stream * 100 * 1000});
    if (type == "m.room.member") {
      const auto m = nlohmann::json::parse(content).value("membership", std::string());
      Exec(
          "INSERT INTO room_memberships (event_id, user_id, sender, room_id, membership) "
          "VALUES (?, ?, ?, ?, ?)",
          {id, state_key, state_key, room, m});
    }
    Exec("DELETE FROM current_state_events WHERE room_id = ? AND type = ? AND state_key = ?",
         {room, type, state_key});
    Exec(
        "INSERT INTO current_state_events (event_id, room_id, type, state_key) VALUES "
        "(?, ?, ?, ?)",
        {id, room, type, state_key});
    Exec(
        "INSERT INTO current_state_delta_stream (stream_id, room_id, type, state_key, event_id, "
        "prev_event_id) VALUES (?, ?, ?, ?, ?, ?)",
        {stream, room, type, state_key, id, prev});
  }

  std::unique_ptr<testing::ScratchDatabase> db_;
  std::unique_ptr<storage::StatsStore> store_;
};

TEST_P(StatsEngineTest, SeparatedEngineMovesCountsAndStateByDelta) {
  Prepare(schema::Catalogue::Builtin().newest(), false);
  Event(1, "!r", "$c", "m.room.create", "", R"({"m.federate":false})");
  Event(2, "!r", "$j", "m.room.member", "@a:example.com", R"({"membership":"join"})");
  Event(3, "!r", "$jr", "m.room.join_rules", "", R"({"join_rule":"public"})");
  Event(4, "!r", "$b", "m.room.member", "@b:remote.org", R"({"membership":"invite"})");
  const StatsSettings settings{"example.com", 1000};
  EXPECT_EQ(ProcessStatsDeltas(*store_, conn(), settings), 4);
  Event(5, "!r", "$b2", "m.room.member", "@b:remote.org", R"({"membership":"join"})", "$b");
  Event(6, "!r", "$a2", "m.room.member", "@a:example.com", R"({"membership":"leave"})", "$j");
  EXPECT_EQ(ProcessStatsDeltas(*store_, conn(), settings), 6);
  EXPECT_EQ(ProcessStatsDeltas(*store_, conn(), settings), 6);  // nothing new

  EXPECT_EQ(Row("SELECT current_state_events, joined_members, invited_members, left_members, "
                "local_users_in_room, completed_delta_stream_id FROM room_stats_current"),
            "4 1 0 1 0 6");
  EXPECT_EQ(Row("SELECT join_rules, is_federatable FROM room_stats_state"),
            std::string("public ") + (engine() == storage::Engine::kPostgres ? "f" : "0"));
  EXPECT_EQ(Row("SELECT joined_rooms, completed_delta_stream_id FROM user_stats_current"), "0 6");
  EXPECT_EQ(Row("SELECT stream_id FROM stats_incremental_position"), "6");
}

TEST_P(StatsEngineTest, SeparatedEngineDoesNothingOnAPre14Schema) {
  const schema::Release* legacy = nullptr;
  for (const auto& r : schema::Catalogue::Builtin().releases()) {
    if (r.stats == schema::StatsEngine::kLegacy) legacy = &r;
  }
  // The separated engine's store (made without legacy_stats) on a 1.1-1.3 database.
  Prepare(*legacy, false);
  EXPECT_EQ(ProcessStatsDeltas(*store_, conn(), {"example.com", 0}), 0);
}

TEST_P(StatsEngineTest, LegacyEnginePopulatesOnceThenMovesBucketsOfKnownRooms) {
  const schema::Release* legacy = nullptr;
  for (const auto& r : schema::Catalogue::Builtin().releases()) {
    if (r.stats == schema::StatsEngine::kLegacy) legacy = &r;
  }
  Prepare(*legacy, true);
  Event(1, "!r", "$c", "m.room.create", "", "{}");
  Event(2, "!r", "$j", "m.room.member", "@a:example.com", R"({"membership":"join"})");
  Event(3, "!r", "$n", "m.room.name", "", R"({"name":"Room"})");
  const LegacyStatsSettings settings{"example.com", 100, 250 * 1000};

  // While the populate_stats_* chain is queued, the engine waits for it.
  Exec(
      "INSERT INTO background_updates (update_name, progress_json) VALUES "
      "('populate_stats_cleanup', '{}')");
  EXPECT_EQ(ProcessLegacyStatsDeltas(*store_, conn(), settings), -1);
  EXPECT_EQ(Row("SELECT COUNT(*) FROM room_stats"), "0");
  Exec("DELETE FROM background_updates");

  // No position and no chain: the population pass, one bucket at now (250 s -> 200).
  EXPECT_EQ(ProcessLegacyStatsDeltas(*store_, conn(), settings), 3);
  EXPECT_EQ(Row("SELECT ts, bucket_size, current_state_events, joined_members, state_events "
                "FROM room_stats"),
            "200 100 3 1 0");
  EXPECT_EQ(Row("SELECT name FROM room_state"), "Room");
  EXPECT_EQ(Row("SELECT token FROM room_stats_earliest_token"), "3");

  // A later delta (received at 400 s) opens bucket 400, copying the absolute fields.
  Event(4, "!r", "$i", "m.room.member", "@b:remote.org", R"({"membership":"invite"})");
  Event(5, "!new", "$c2", "m.room.create", "", "{}");  // a room the population never saw
  EXPECT_EQ(ProcessLegacyStatsDeltas(*store_, conn(), settings), 5);
  EXPECT_EQ(Row("SELECT COUNT(*), MAX(ts) FROM room_stats"), "2 400");
  // A first invite also takes one off left_members (a missing membership counts as leave).
  EXPECT_EQ(Row("SELECT joined_members, invited_members, left_members FROM room_stats "
                "WHERE ts = 400"),
            "1 1 -1");
  EXPECT_EQ(Row("SELECT COUNT(*) FROM room_stats WHERE room_id = '!new'"), "0");
  EXPECT_EQ(Row("SELECT COUNT(*) FROM room_state WHERE room_id = '!new'"), "1");
  EXPECT_EQ(Row("SELECT stream_id FROM stats_stream_pos"), "5");
}

STRATA_INSTANTIATE_ENGINES(StatsEngineTest);

}  // namespace
}  // namespace strata::stats
