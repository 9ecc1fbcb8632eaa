// The admin endpoints the console added: a room's current state and the room directory's
// health, over real HTTP on both engines, with the statistics rows broken by hand the way the
// 1.4-1.12 upgrade broke them.
#include <nlohmann/json.hpp>
#include <set>

#include "handlers/admin.h"
#include "http_api/api_server.h"
#include "storage/read_only_query.h"

namespace strata {
namespace {

using nlohmann::json;
using testing::ApiServer;

class AdminConsoleApiTest : public testing::EngineTest {};
STRATA_INSTANTIATE_ENGINES(AdminConsoleApiTest);

// Registers `user` and makes them a server admin the way an operator would (SQL).
std::string Admin(ApiServer& api, const std::string& user) {
  const std::string token = api.Register(user);
  api.conn().Execute("UPDATE users SET admin = 1 WHERE name = ?", {"@" + user + ":test.local"});
  return token;
}

std::string CreateRoom(ApiServer& api, const std::string& token, const json& body) {
  auto r = api.Call("POST", "/_matrix/client/r0/createRoom", body, token);
  EXPECT_EQ(r.status, 200) << r.body.dump();
  return r.body.value("room_id", "");
}

const json* RoomIn(const json& health, const std::string& room_id) {
  for (const auto& r : health["rooms"]) {
    if (r["room_id"] == room_id) return &r;
  }
  return nullptr;
}

TEST_P(AdminConsoleApiTest, RoomStateListsTheCurrentStateToAdminsOnly) {
  ApiServer api(engine(), testing::NewestRelease());
  const std::string root = Admin(api, "root");
  const std::string carol = api.Register("carol");
  const std::string room = CreateRoom(api, carol, {{"name", "Lobby"}, {"topic", "Say hi"}});
  auto state = api.Call("GET", "/_synapse/admin/v1/rooms/" + room + "/state", "", root);
  ASSERT_EQ(state.status, 200) << state.body.dump();
  std::map<std::string, json> by_type;
  for (const auto& e : state.body["state"]) by_type[e["type"]] = e;
  ASSERT_TRUE(by_type.count("m.room.create"));
  EXPECT_EQ(by_type["m.room.name"]["content"]["name"], "Lobby");
  EXPECT_EQ(by_type["m.room.topic"]["content"]["topic"], "Say hi");
  EXPECT_EQ(by_type["m.room.member"]["state_key"], "@carol:test.local");
  EXPECT_EQ(api.Call("GET", "/_synapse/admin/v1/rooms/" + room + "/state", "", carol).status, 403);
  EXPECT_EQ(api.Call("GET", "/_synapse/admin/v1/rooms/!nope:test.local/state", "", root).status,
            404);
}

TEST_P(AdminConsoleApiTest, DirectoryHealthExplainsRoomsHiddenByTheirStatistics) {
  ApiServer api(engine(), "1.12.4");
  const std::string root = Admin(api, "root");
  const std::string carol = api.Register("carol");
  const std::string dave = api.Register("dave");
  const std::string open = CreateRoom(
      api, carol, {{"name", "Open"}, {"preset", "public_chat"}, {"visibility", "public"}});
  const std::string quiet = CreateRoom(api, carol, {{"name", "Quiet"}});
  ASSERT_EQ(api.Call("POST", "/_matrix/client/r0/join/" + open, json::object(), dave).status, 200);

  auto healthy = api.Call("GET", "/_synapse/admin/v1/directory_health", "", root);
  ASSERT_EQ(healthy.status, 200) << healthy.body.dump();
  EXPECT_EQ(healthy.body["directory_reads"], "stats_tables");
  EXPECT_EQ(healthy.body["published"], 1);
  EXPECT_EQ(healthy.body["listed"], 1);
  EXPECT_EQ(healthy.body["hidden_by_stats"], 0);
  const json* o = RoomIn(healthy.body, open);
  ASSERT_NE(o, nullptr);
  EXPECT_EQ((*o)["name"], "Open");
  EXPECT_EQ((*o)["is_public"], true);
  EXPECT_EQ((*o)["in_directory"], true);
  EXPECT_EQ((*o)["stats_joined_members"], 2);
  EXPECT_EQ((*o)["joined_members"], 2);
  EXPECT_EQ((*o)["has_stats_state"], true);
  EXPECT_TRUE((*o)["problems"].empty());
  const json* q = RoomIn(healthy.body, quiet);
  ASSERT_NE(q, nullptr);
  EXPECT_EQ((*q)["is_public"], false);
  EXPECT_EQ((*q)["in_directory"], false);

  // What populate_stats_process_rooms left behind when it ran ahead of the membership fill.
  api.conn().Execute("UPDATE room_stats_current SET joined_members = 0 WHERE room_id = ?", {open});
  api.ForgetCached();
  auto broken = api.Call("GET", "/_synapse/admin/v1/directory_health", "", root);
  EXPECT_EQ(broken.body["listed"], 0);
  EXPECT_EQ(broken.body["hidden_by_stats"], 1);
  o = RoomIn(broken.body, open);
  ASSERT_NE(o, nullptr);
  EXPECT_EQ((*o)["in_directory"], false);
  EXPECT_EQ((*o)["stats_joined_members"], 0);
  EXPECT_EQ((*o)["joined_members"], 2);
  ASSERT_EQ((*o)["problems"].size(), 1u);
  EXPECT_EQ((*o)["problems"][0], "room_stats_current.joined_members is 0 but 2 members are joined");
  // The client's view agrees.
  EXPECT_TRUE(api.Call("GET", "/_matrix/client/r0/publicRooms", "", carol).body["chunk"].empty());

  api.conn().Execute("DELETE FROM room_stats_state WHERE room_id = ?", {open});
  auto no_state = api.Call("GET", "/_synapse/admin/v1/directory_health", "", root);
  o = RoomIn(no_state.body, open);
  ASSERT_NE(o, nullptr);
  EXPECT_EQ((*o)["has_stats_state"], false);
  EXPECT_EQ((*o)["problems"].back(), "no room_stats_state row");
  EXPECT_EQ(api.Call("GET", "/_synapse/admin/v1/directory_health", "", carol).status, 403);
}

TEST_P(AdminConsoleApiTest, BeforeOneFiveTheDirectoryIgnoresTheStatistics) {
  ApiServer api(engine(), "1.4.0");
  const std::string root = Admin(api, "root");
  const std::string carol = api.Register("carol");
  const std::string open = CreateRoom(
      api, carol, {{"name", "Open"}, {"preset", "public_chat"}, {"visibility", "public"}});
  api.conn().Execute("UPDATE room_stats_current SET joined_members = 0 WHERE room_id = ?", {open});
  api.ForgetCached();
  auto health = api.Call("GET", "/_synapse/admin/v1/directory_health", "", root);
  ASSERT_EQ(health.status, 200) << health.body.dump();
  EXPECT_EQ(health.body["directory_reads"], "current_state");
  const json* o = RoomIn(health.body, open);
  ASSERT_NE(o, nullptr);
  EXPECT_EQ((*o)["in_directory"], true);
  EXPECT_EQ((*o)["stats_joined_members"], 0);
  EXPECT_TRUE((*o)["problems"].empty());
  EXPECT_EQ(health.body["hidden_by_stats"], 0);
  // Listed now, but the next release's directory reads the stats: the problem is latent.
  EXPECT_EQ((*o)["latent"],
            json::array({"room_stats_current.joined_members is 0 but 1 members are joined"}));
  EXPECT_EQ(health.body["latent_problems"], 1);
  EXPECT_EQ((*o)["name"], "Open");
}

TEST_P(AdminConsoleApiTest, DirectoryHealthNamesRoomsFromCurrentStateWithoutStatsRows) {
  ApiServer api(engine(), "1.12.4");
  const std::string root = Admin(api, "root");
  const std::string carol = api.Register("carol");
  const std::string named = CreateRoom(api, carol, {{"name", "Named"}});
  const std::string open = CreateRoom(
      api, carol, {{"name", "Open"}, {"preset", "public_chat"}, {"visibility", "public"}});
  const std::string nameless = CreateRoom(api, carol, json::object());
  api.conn().Execute("DELETE FROM room_stats_state");
  auto health = api.Call("GET", "/_synapse/admin/v1/directory_health", "", root);
  ASSERT_EQ(health.status, 200) << health.body.dump();
  EXPECT_EQ((*RoomIn(health.body, named))["name"], "Named");
  EXPECT_EQ((*RoomIn(health.body, open))["name"], "Open");
  EXPECT_EQ((*RoomIn(health.body, nameless))["name"], nullptr);
  EXPECT_EQ((*RoomIn(health.body, open))["problems"], json::array({"no room_stats_state row"}));
  EXPECT_EQ((*RoomIn(health.body, open))["latent"], json::array());
  EXPECT_EQ(health.body["hidden_by_stats"], 1);
  EXPECT_EQ(health.body["latent_problems"], 0);
}

TEST_P(AdminConsoleApiTest, RoomVersionsSortNewestFirstByDefault) {
  ApiServer api(engine(), testing::NewestRelease());
  const std::string root = Admin(api, "root");
  const std::string carol = api.Register("carol");
  const std::string v1 = CreateRoom(api, carol, {{"name", "Old"}, {"room_version", "1"}});
  const std::string v5 = CreateRoom(api, carol, {{"name", "New"}, {"room_version", "5"}});
  auto ids = [&](const std::string& query) {
    std::vector<std::string> out;
    auto r = api.Call("GET", "/_synapse/admin/v1/rooms?order_by=version" + query, "", root);
    EXPECT_EQ(r.status, 200) << r.body.dump();
    for (const auto& room : r.body["rooms"]) out.push_back(room["room_id"]);
    return out;
  };
  EXPECT_EQ(ids(""), (std::vector<std::string>{v5, v1}));
  EXPECT_EQ(ids("&dir=b"), (std::vector<std::string>{v1, v5}));
}

TEST_P(AdminConsoleApiTest, SchemaInfoNamesTheDatabaseEngine) {
  ApiServer api(engine(), testing::NewestRelease());
  const std::string root = Admin(api, "root");
  auto schema = api.Call("GET", "/_synapse/admin/v1/schema", "", root);
  ASSERT_EQ(schema.status, 200);
  EXPECT_EQ(schema.body["database_engine"],
            engine() == storage::Engine::kSqlite ? "sqlite3" : "psycopg2");
  EXPECT_TRUE(schema.body.contains("database"));
}

const json* Precheck(const json& body, const std::string& release) {
  for (const auto& c : body["checks"]) {
    if (c["release"] == release) return &c;
  }
  return nullptr;
}

TEST_P(AdminConsoleApiTest, UpgradePrechecksRunTheNotesQueryAndReportWhyItFails) {
  {
    // Before 1.10 the pre-check's rooms.room_version does not exist yet: the error says so.
    ApiServer api(engine(), "1.4.0");
    const std::string root = Admin(api, "root");
    auto r = api.Call("GET", "/_synapse/admin/v1/upgrade_prechecks?to=1.12.4", "", root);
    ASSERT_EQ(r.status, 200) << r.body.dump();
    EXPECT_EQ(r.body["from"], "1.4.0");
    const json* c = Precheck(r.body, "1.12.0");
    ASSERT_NE(c, nullptr) << r.body.dump();
    EXPECT_EQ((*c)["ok"], false);
    EXPECT_NE((*c)["error"].get<std::string>().find("room_version"), std::string::npos)
        << (*c)["error"];
    // Only reads: the CREATE INDEX of the same release's notes is never run.
    for (const auto& check : r.body["checks"]) {
      EXPECT_EQ(check["sql"].get<std::string>().find("CREATE"), std::string::npos);
    }
    EXPECT_EQ(api.Call("GET", "/_synapse/admin/v1/upgrade_prechecks?to=9.9", "", root).status, 400);
    EXPECT_EQ(api.Call("GET", "/_synapse/admin/v1/upgrade_prechecks", "", root).status, 400);
  }
  {
    ApiServer api(engine(), "1.11.0");
    const std::string root = Admin(api, "root");
    const std::string carol = api.Register("carol");
    CreateRoom(api, carol, {{"name", "Lobby"}});
    // A room whose version the 1.12 migration would have to look up.
    api.conn().Execute("UPDATE rooms SET room_version = NULL");
    auto r = api.Call("GET", "/_synapse/admin/v1/upgrade_prechecks?to=1.12.4", "", root);
    ASSERT_EQ(r.status, 200) << r.body.dump();
    const json* c = Precheck(r.body, "1.12.0");
    ASSERT_NE(c, nullptr) << r.body.dump();
    EXPECT_EQ((*c)["ok"], true) << c->dump();
    EXPECT_NE((*c)["result"].get<std::string>().find("m.room.create"), std::string::npos);
    EXPECT_GE((*c)["elapsed_ms"].get<double>(), 0.0);
    // Only read: the database is unchanged.
    EXPECT_EQ(api.conn().QueryInt("SELECT COUNT(*) FROM rooms WHERE room_version IS NULL"),
              std::optional<int64_t>(1));
  }
}

TEST_P(AdminConsoleApiTest, AFailedBackgroundUpdateIsReportedAndStartJobRetriesIt) {
  ApiServer api(engine(), testing::NewestRelease());
  const std::string root = Admin(api, "root");
  const std::string job = "/_synapse/admin/v1/background_updates/start_job";
  const json body = {{"job_name", "populate_stats_process_rooms"}};
  // A new database has the population queued; no runner runs here.
  auto running = api.Call("POST", job, body, root);
  EXPECT_EQ(running.status, 400);
  EXPECT_EQ(running.body["error"],
            "Job populate_stats_process_rooms is already in queue of background updates.");
  // The serving runner publishes what failed.
  auto& board = api.services().background_failures;
  board.Publish({{"populate_stats_process_rooms", "no such table: x"}});
  auto status = api.Call("GET", "/_synapse/admin/v1/background_updates/status", "", root);
  ASSERT_EQ(status.status, 200);
  const json& rooms = status.body["current_updates"]["master"]["populate_stats_process_rooms"];
  EXPECT_EQ(rooms["state"], "failed");
  EXPECT_EQ(rooms["error"], "no such table: x");
  EXPECT_EQ(status.body["failed"], json({{"populate_stats_process_rooms", "no such table: x"}}));
  const json& users = status.body["current_updates"]["master"]["populate_stats_process_users"];
  EXPECT_EQ(users["state"], "waiting");
  EXPECT_EQ(users["error"], nullptr);

  // start_job now asks for a retry instead of refusing.
  auto retried = api.Call("POST", job, body, root);
  EXPECT_EQ(retried.status, 200) << retried.body.dump();
  EXPECT_EQ(board.TakeRetries(), std::set<std::string>{"populate_stats_process_rooms"});
  EXPECT_TRUE(board.TakeRetries().empty());
  status = api.Call("GET", "/_synapse/admin/v1/background_updates/status", "", root);
  EXPECT_EQ(status.body["failed"], json::object());
  // Back to what it was before it failed: waiting for the population it depends on.
  EXPECT_EQ(status.body["current_updates"]["master"]["populate_stats_process_rooms"]["state"],
            "waiting");
  EXPECT_EQ(status.body["current_updates"]["master"]["populate_stats_process_rooms"]["error"],
            nullptr);
  // Still queued and no longer failed: refused again.
  EXPECT_EQ(api.Call("POST", job, body, root).status, 400);
  EXPECT_EQ(api.conn().QueryInt(
                "SELECT COUNT(*) FROM background_updates WHERE update_name LIKE 'populate_stats%'"),
            std::optional<int64_t>(2));
}

TEST_P(AdminConsoleApiTest, PrecheckQueriesNeitherWriteNorBlockWriters) {
  testing::ScratchDatabase db(engine());
  db.conn().Execute("CREATE TABLE t (x INTEGER)");
  if (engine() == storage::Engine::kSqlite) {
    // Another connection holds the write lock: a pre-check that began a write transaction
    // would wait for it, a plain read does not.
    auto writer = db.Connect();
    writer->Begin();
    writer->Execute("INSERT INTO t VALUES (1)");
    const auto start = std::chrono::steady_clock::now();
    auto rows = storage::RunReadOnlyQuery(db.conn(), "SELECT COUNT(*) FROM t");
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].Int(0), 0);
    EXPECT_EQ(storage::RunReadOnlyQuery(db.conn(), "SELECT * FROM pragma_query_only")[0].Int(0), 1);
    writer->Commit();
    EXPECT_FALSE(db.conn().InTransaction());
    EXPECT_EQ(db.conn().QueryInt("PRAGMA query_only"), std::optional<int64_t>(0));
    EXPECT_EQ(db.conn().Execute("INSERT INTO t VALUES (2)"), 1);
  } else {
    db.conn().Execute("CREATE SEQUENCE s");
    EXPECT_THROW(storage::RunReadOnlyQuery(db.conn(), "SELECT nextval('s')"),
                 storage::DatabaseError);
    EXPECT_EQ(storage::RunReadOnlyQuery(db.conn(), "SHOW statement_timeout")[0].Text(0), "1min");
    EXPECT_EQ(storage::RunReadOnlyQuery(db.conn(), "SHOW transaction_read_only")[0].Text(0), "on");
    EXPECT_FALSE(db.conn().InTransaction());
    // Nothing was consumed, and the session's own settings are untouched.
    EXPECT_EQ(db.conn().QueryInt("SELECT nextval('s')"), std::optional<int64_t>(1));
    EXPECT_EQ(db.conn().QueryValue("SHOW statement_timeout"), std::optional<std::string>("0"));
  }
}

}  // namespace
}  // namespace strata
