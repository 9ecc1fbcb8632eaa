#include "handlers/admin.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <set>

#include "background/update_handler.h"
#include "background/updater.h"
#include "events/event_store.h"
#include "handlers/api_error.h"
#include "handlers/directory.h"
#include "handlers/send_event.h"
#include "schema/prepare_database.h"

namespace strata::handlers {
namespace {

using nlohmann::json;

json UserRow(Services& s, const storage::Row& row) {
  json u = {{"name", row.Text(0)},
            {"password_hash", row.OptText(1) ? json(row.Text(1)) : json()},
            {"is_guest", row.Int(2)},
            {"admin", row.Int(3)},
            {"user_type", row.OptText(4) ? json(row.Text(4)) : json()},
            {"deactivated", row.Int(5)},
            {"displayname", row.OptText(6) ? json(row.Text(6)) : json()},
            {"avatar_url", row.OptText(7) ? json(row.Text(7)) : json()},
            {"creation_ts", row.Int(8)}};
  (void)s;
  return u;
}

std::string UserSelect(const Services& s) {
  return std::string("SELECT u.name, u.password_hash, u.is_guest, u.admin, u.user_type, ") +
         (s.event_context.features.users_deactivated ? "u.deactivated" : "0") +
         ", p.displayname, p.avatar_url, u.creation_ts FROM users u LEFT JOIN profiles p "
         "ON p.user_id = SUBSTR(u.name, 2, LENGTH(u.name) - ?) ";
}

}  // namespace

void RequireAdmin(const Requester& r) {
  if (!r.admin) throw Forbidden("You are not a server admin");
}

json ListUsers(Services& s, const UserListQuery& q) {
  if (q.from < 0 || q.limit < 0) throw InvalidParam("from and limit must not be negative");
  const int64_t suffix = static_cast<int64_t>(s.server_name().size()) + 2;
  std::string where = " WHERE 1 = 1";
  storage::Params params = {suffix};
  if (q.user_id) {
    where += " AND u.name LIKE ?";
    params.push_back("%" + *q.user_id + "%");
  }
  if (!q.guests) where += " AND u.is_guest = 0";
  if (!q.deactivated && s.event_context.features.users_deactivated) {
    where += " AND u.deactivated = 0";
  }
  auto conn = s.db.Acquire();
  storage::Params count_params(params.begin() + 1, params.end());
  std::string count_where = where;
  const int64_t total =
      conn->QueryInt("SELECT COUNT(*) FROM users u" + count_where, count_params).value_or(0);
  params.push_back(q.limit);
  params.push_back(q.from);
  json users = json::array();
  for (const auto& row :
       conn->Query(UserSelect(s) + where + " ORDER BY u.name LIMIT ? OFFSET ?", params)) {
    json u = UserRow(s, row);
    u.erase("password_hash");
    users.push_back(u);
  }
  json out = {{"users", users}, {"total", total}};
  if (q.from + static_cast<int64_t>(users.size()) < total) {
    out["next_token"] = std::to_string(q.from + static_cast<int64_t>(users.size()));
  }
  return out;
}

json GetUser(Services& s, const std::string& user_id) {
  auto conn = s.db.Acquire();
  const int64_t suffix = static_cast<int64_t>(s.server_name().size()) + 2;
  auto rows = conn->Query(UserSelect(s) + "WHERE u.name = ?", {suffix, user_id});
  if (rows.empty()) throw NotFound("User not found");
  json u = UserRow(s, rows[0]);
  u.erase("password_hash");
  u["threepids"] = json::array();
  return u;
}

std::pair<int, json> PutUser(Services& s, const Requester& r, const std::string& user_id,
                             const json& body) {
  if (!LocalpartOf(s, user_id)) throw InvalidParam("Can only add local users");
  auto opt_string = [&](const char* key) -> std::optional<std::string> {
    if (!body.contains(key) || body[key].is_null()) return std::nullopt;
    if (!body[key].is_string()) throw BadJson(std::string(key) + " must be a string");
    return body[key].get<std::string>();
  };
  auto opt_bool = [&](const char* key) -> std::optional<bool> {
    if (!body.contains(key) || body[key].is_null()) return std::nullopt;
    if (!body[key].is_boolean()) throw BadJson(std::string(key) + " must be a bool");
    return body[key].get<bool>();
  };
  auto password = opt_string("password");
  auto displayname = opt_string("displayname");
  auto admin = opt_bool("admin");
  auto deactivated = opt_bool("deactivated");
  int status = 200;
  if (!UserExists(s, user_id)) {
    CreateAccount(s, user_id, password.value_or(""), admin.value_or(false), false, displayname);
    status = 201;
  } else {
    if (password) SetPassword(s, user_id, *password, false);
    if (admin) SetUserAdmin(s, r, user_id, *admin);
    if (displayname) {
      auto conn = s.db.AcquireWriter();
      conn->Execute("UPDATE profiles SET displayname = ? WHERE user_id = ?",
                    {*displayname, *LocalpartOf(s, user_id)});
    }
    if (deactivated == std::optional<bool>(true)) Deactivate(s, user_id);
  }
  return {status, GetUser(s, user_id)};
}

json GetUserAdmin(Services& s, const std::string& user_id) {
  auto conn = s.db.Acquire();
  auto admin = conn->QueryInt("SELECT admin FROM users WHERE name = ?", {user_id});
  if (!admin) throw NotFound("User not found");
  return {{"admin", *admin != 0}};
}

void SetUserAdmin(Services& s, const Requester& r, const std::string& user_id, bool admin) {
  if (!LocalpartOf(s, user_id))
    throw ApiError(400, "M_UNKNOWN", "Only local users can be admins of this homeserver");
  if (user_id == r.user_id && !admin)
    throw ApiError(400, "M_UNKNOWN", "You may not demote yourself.");
  auto conn = s.db.AcquireWriter();
  if (conn->Execute("UPDATE users SET admin = ? WHERE name = ?", {admin ? 1 : 0, user_id}) == 0) {
    throw NotFound("User not found");
  }
}

void AdminResetPassword(Services& s, const std::string& user_id, const std::string& password,
                        bool logout_devices) {
  if (!UserExists(s, user_id)) throw NotFound("User not found");
  SetPassword(s, user_id, password, logout_devices);
}

json Whois(Services& s, const std::string& user_id) {
  if (!UserExists(s, user_id)) throw NotFound("User not found");
  auto conn = s.db.Acquire();
  json devices = json::object();
  for (const auto& row :
       conn->Query("SELECT device_id, ip, user_agent, last_seen FROM user_ips WHERE user_id = ?",
                   {user_id})) {
    devices[row.Text(0)]["sessions"][0]["connections"].push_back(
        {{"ip", row.Text(1)}, {"user_agent", row.Text(2)}, {"last_seen", row.Int(3)}});
  }
  for (const auto& row :
       conn->Query("SELECT device_id FROM devices WHERE user_id = ?", {user_id})) {
    if (!devices.contains(row.Text(0))) {
      devices[row.Text(0)] = {{"sessions", json::array({{{"connections", json::array()}}})}};
    }
  }
  return {{"user_id", user_id}, {"devices", devices}};
}

json ListRooms(Services& s, const RoomListQuery& q) {
  static const std::map<std::string, std::string> kOrder = {
      {"alphabetical", "s.name"},  // deprecated alias of name
      {"size", "c.joined_members"},
      {"name", "s.name"},
      {"canonical_alias", "s.canonical_alias"},
      {"joined_members", "c.joined_members"},
      {"joined_local_members", "c.local_users_in_room"},
      {"version", "r.room_version"},
      {"creator", "r.creator"},
      {"encryption", "s.encryption"},
      {"federatable", "s.is_federatable"},
      {"public", "r.is_public"},
      {"join_rules", "s.join_rules"},
      {"guest_access", "s.guest_access"},
      {"history_visibility", "s.history_visibility"},
      {"state_events", "c.current_state_events"}};
  auto order = kOrder.find(q.order_by);
  if (order == kOrder.end()) throw InvalidParam("Unknown value for order_by: " + q.order_by);
  if (q.from < 0 || q.limit < 0) throw InvalidParam("from and limit must not be negative");
  const bool has_version = s.event_context.features.rooms_room_version;
  if (!has_version && q.order_by == "version") throw InvalidParam("Unknown value for order_by");
  // Sizes and room versions sort largest first by default, as in Synapse.
  bool descending = q.order_by == "size" || q.order_by == "joined_members" ||
                    q.order_by == "joined_local_members" || q.order_by == "state_events" ||
                    q.order_by == "version";
  if (q.backwards) descending = !descending;
  std::string from =
      " FROM room_stats_state s INNER JOIN room_stats_current c USING (room_id) "
      "INNER JOIN rooms r USING (room_id)";
  storage::Params params;
  if (q.search_term) {
    from += " WHERE LOWER(s.name) LIKE ?";
    std::string term = *q.search_term;
    std::transform(term.begin(), term.end(), term.begin(), ::tolower);
    params.push_back("%" + term + "%");
  }
  auto conn = s.db.Acquire();
  const int64_t total = conn->QueryInt("SELECT COUNT(*)" + from, params).value_or(0);
  params.push_back(q.limit);
  params.push_back(q.from);
  auto rows = conn->Query(
      "SELECT room_id, s.name, s.canonical_alias, c.joined_members, c.local_users_in_room, " +
          std::string(has_version ? "r.room_version" : "NULL") +
          ", r.creator, s.encryption, s.is_federatable, r.is_public, s.join_rules, "
          "s.guest_access, s.history_visibility, c.current_state_events" +
          from + " ORDER BY " + order->second + (descending ? " DESC" : " ASC") +
          ", room_id ASC LIMIT ? OFFSET ?",
      params);
  json rooms = json::array();
  auto opt = [](const storage::Row& row, size_t i) {
    return row.IsNull(i) ? json() : json(row.Text(i));
  };
  for (const auto& row : rows) {
    rooms.push_back({{"room_id", row.Text(0)},
                     {"name", opt(row, 1)},
                     {"canonical_alias", opt(row, 2)},
                     {"joined_members", row.Int(3)},
                     {"joined_local_members", row.Int(4)},
                     {"version", opt(row, 5)},
                     {"creator", opt(row, 6)},
                     {"encryption", opt(row, 7)},
                     {"federatable", row.Bool(8)},
                     {"public", row.Bool(9)},
                     {"join_rules", opt(row, 10)},
                     {"guest_access", opt(row, 11)},
                     {"history_visibility", opt(row, 12)},
                     {"state_events", row.Int(13)}});
  }
  json out = {{"rooms", rooms}, {"offset", q.from}, {"total_rooms", total}};
  if (q.from + static_cast<int64_t>(rooms.size()) < total) {
    out["next_batch"] = q.from + static_cast<int64_t>(rooms.size());
  }
  if (q.from > 0) out["prev_batch"] = std::max<int64_t>(0, q.from - q.limit);
  return out;
}

json RoomDetails(Services& s, const std::string& room_id) {
  RoomListQuery q;
  q.limit = 1000000;
  json all = ListRooms(s, q);
  for (const auto& room : all["rooms"]) {
    if (room["room_id"] == room_id) return room;
  }
  auto conn = s.db.Acquire();
  if (conn->Query("SELECT 1 FROM rooms WHERE room_id = ?", {room_id}).empty()) {
    throw NotFound("Room not found");
  }
  throw NotFound("Room has no statistics yet");
}

json RoomMembers(Services& s, const std::string& room_id) {
  auto conn = s.db.Acquire();
  if (conn->Query("SELECT 1 FROM rooms WHERE room_id = ?", {room_id}).empty()) {
    throw NotFound("Room not found");
  }
  json members = json::array();
  for (const auto& row :
       conn->Query("SELECT c.state_key FROM current_state_events c JOIN room_memberships m ON "
                   "m.event_id = c.event_id WHERE c.room_id = ? AND c.type = 'm.room.member' AND "
                   "m.membership = 'join' ORDER BY c.state_key",
                   {room_id})) {
    members.push_back(row.Text(0));
  }
  return {{"members", members}, {"total", members.size()}};
}

json RoomState(Services& s, const std::string& room_id) {
  auto conn = s.db.Acquire();
  if (conn->Query("SELECT 1 FROM rooms WHERE room_id = ?", {room_id}).empty()) {
    throw NotFound("Room not found");
  }
  std::vector<std::string> ids;
  for (const auto& [key, event_id] : events::CurrentState(*conn, room_id)) ids.push_back(event_id);
  json state = json::array();
  for (auto& event : events::ClientEvents(*conn, ids, s.NowMs())) state.push_back(event);
  return {{"state", state}};
}

json DeleteRoom(Services& s, const Requester& r, const std::string& room_id, bool purge) {
  json members = RoomMembers(s, room_id)["members"];
  json kicked = json::array();
  json failed = json::array();
  for (const auto& m : members) {
    const std::string user = m.get<std::string>();
    if (!LocalpartOf(s, user)) continue;
    try {
      // The user leaves by their own membership event, so no power level is needed.
      SendEvent(s, {room_id, "m.room.member", user, user, json{{"membership", "leave"}},
                    std::nullopt, ""});
      kicked.push_back(user);
    } catch (const ApiError&) {
      failed.push_back(user);
    }
  }
  SetVisibility(s, nullptr, room_id, "private");
  json aliases = json::array();
  {
    auto conn = s.db.AcquireWriter();
    storage::Transaction txn(*conn);
    for (const auto& row :
         conn->Query("SELECT room_alias FROM room_aliases WHERE room_id = ?", {room_id})) {
      aliases.push_back(row.Text(0));
      conn->Execute("DELETE FROM room_alias_servers WHERE room_alias = ?", {row.Text(0)});
    }
    conn->Execute("DELETE FROM room_aliases WHERE room_id = ?", {room_id});
    if (purge) {
      for (const char* table :
           {"event_json", "event_edges", "event_auth", "event_forward_extremities", "state_events",
            "current_state_events", "room_memberships", "room_depth", "current_state_delta_stream",
            "state_groups", "state_groups_state", "room_stats_current", "room_stats_state",
            "room_stats_historical", "public_room_list_stream", "room_account_data", "events",
            "rooms"}) {
        conn->Execute(std::string("DELETE FROM ") + table + " WHERE room_id = ?", {room_id});
      }
    }
    txn.Commit();
  }
  (void)r;
  return {{"kicked_users", kicked},
          {"failed_to_kick_users", failed},
          {"local_aliases", aliases},
          {"new_room_id", nullptr}};
}

json BackgroundUpdateStatus(Services& s) {
  const auto failures = s.background_failures.Failures();
  auto conn = s.db.Acquire();
  json updates = json::object();
  for (const auto& u :
       background::ListPendingUpdates(*conn, background::HandlerRegistry::Builtin())) {
    const auto failed = failures.find(u.name);
    std::string state = u.state == background::PendingUpdate::State::kRunnable  ? "runnable"
                        : u.state == background::PendingUpdate::State::kWaiting ? "waiting"
                                                                                : "unknown";
    std::string why = u.why;
    if (failed != failures.end()) {
      state = "failed";
      why = "failed: " + failed->second + " (start_job retries it)";
    }
    updates[u.name] = {{"name", u.name},
                       {"progress_json", u.progress_json},
                       {"depends_on", u.depends_on ? json(*u.depends_on) : json()},
                       {"ordering", u.ordering},
                       {"state", state},
                       {"why", why},
                       {"error", failed != failures.end() ? json(failed->second) : json()}};
  }
  json failed = json::object();
  for (const auto& [name, error] : failures) failed[name] = error;
  return {{"enabled", s.background_updates_enabled.load()},
          {"current_updates", {{"master", updates}}},
          {"failed", failed}};
}

void StartBackgroundJob(Services& s, const std::string& job_name) {
  std::vector<std::pair<std::string, std::optional<std::string>>> rows;
  if (job_name == "populate_stats_process_rooms") {
    rows = {{"populate_stats_process_rooms", std::nullopt},
            {"populate_stats_process_users", std::string("populate_stats_process_rooms")}};
  } else {
    throw ApiError(400, "M_UNKNOWN", "Invalid job_name");
  }
  const auto failures = s.background_failures.Failures();
  auto conn = s.db.AcquireWriter();
  storage::Transaction txn(*conn);
  // A queued update that failed is retried rather than refused: its row is still there, so
  // queueing it again could never succeed, and the runner would pass over it for good.
  std::vector<std::string> retry;
  std::vector<std::pair<std::string, std::optional<std::string>>> missing;
  bool queued_and_running = false;
  for (const auto& row : rows) {
    if (conn->Query("SELECT 1 FROM background_updates WHERE update_name = ?", {row.first})
            .empty()) {
      missing.push_back(row);
    } else if (failures.count(row.first)) {
      retry.push_back(row.first);
    } else {
      queued_and_running = true;
    }
  }
  if (retry.empty() && queued_and_running) {
    throw ApiError(400, "M_UNKNOWN",
                   "Job " + rows.front().first + " is already in queue of background updates.");
  }
  for (const auto& [name, depends_on] : missing) {
    conn->Execute(
        "INSERT INTO background_updates (update_name, progress_json, depends_on) "
        "VALUES (?, '{}', ?)",
        {name, depends_on});
  }
  txn.Commit();
  for (const auto& name : retry) s.background_failures.RequestRetry(name);
}

json SchemaInfo(Services& s) {
  auto conn = s.db.Acquire();
  auto state = schema::ReadSchemaState(*conn);
  json applied = json::array();
  for (const auto& row :
       conn->Query("SELECT version, file FROM applied_schema_deltas ORDER BY version, file")) {
    applied.push_back(row.Text(1));
  }
  json pending = json::array();
  for (const auto& row :
       conn->Query("SELECT update_name FROM background_updates ORDER BY update_name")) {
    pending.push_back(row.Text(0));
  }
  return {{"schema_version", state ? json(state->version) : json()},
          {"upgraded", state ? json(state->upgraded) : json()},
          {"applied_deltas", applied},
          {"behaves_as", s.release.name},
          {"database_engine", conn->engine() == storage::Engine::kSqlite ? "sqlite3" : "psycopg2"},
          {"database", s.config.database.database},
          {"release_schema_version", s.release.schema_version},
          {"pending_background_updates", pending}};
}

json DirectoryHealth(Services& s) {
  const bool separated = s.release.stats == schema::StatsEngine::kSeparated;
  const bool reads_stats = s.release.directory == schema::RoomDirectorySource::kStatsTables;
  // What a client sees: the behaved-as release's own /publicRooms, unpaged.
  std::set<std::string> listed;
  const json directory = PublicRooms(s, PublicRoomsQuery{});
  for (const auto& entry : directory["chunk"]) {
    listed.insert(entry["room_id"].get<std::string>());
  }
  auto conn = s.db.Acquire();
  std::map<std::string, int64_t> joined;
  for (const auto& row : conn->Query(
           "SELECT c.room_id, COUNT(*) FROM current_state_events c JOIN room_memberships m ON "
           "m.event_id = c.event_id WHERE c.type = 'm.room.member' AND m.membership = 'join' "
           "GROUP BY c.room_id")) {
    joined[row.Text(0)] = row.Int(1);
  }
  // Names from current state in one query (the dashboard polls this), for rooms without a
  // room_stats_state name and for releases before the separated stats tables.
  std::map<std::string, std::string> state_names;
  for (const auto& row :
       conn->Query("SELECT c.room_id, j.json FROM current_state_events c JOIN event_json j ON "
                   "j.event_id = c.event_id WHERE c.type = 'm.room.name' AND c.state_key = ''")) {
    json pdu = json::parse(row.Text(1), nullptr, false);
    if (pdu.is_object() && pdu.contains("content") && pdu["content"].is_object() &&
        pdu["content"].contains("name") && pdu["content"]["name"].is_string()) {
      state_names[row.Text(0)] = pdu["content"]["name"].get<std::string>();
    }
  }
  // Before 1.4 the separated stats tables do not exist: their columns read as NULL.
  const std::string sql =
      separated ? "SELECT r.room_id, r.is_public, c.joined_members, "
                  "CASE WHEN s.room_id IS NULL THEN 0 ELSE 1 END, s.name FROM rooms r "
                  "LEFT JOIN room_stats_current c ON c.room_id = r.room_id "
                  "LEFT JOIN room_stats_state s ON s.room_id = r.room_id ORDER BY r.room_id"
                : "SELECT room_id, is_public, NULL, 0, NULL FROM rooms ORDER BY room_id";
  json rooms = json::array();
  int64_t hidden = 0;
  int64_t latent_rooms = 0;
  for (const auto& row : conn->Query(sql)) {
    const std::string room_id = row.Text(0);
    const bool is_public = row.Bool(1);
    const int64_t actual = joined.count(room_id) ? joined[room_id] : 0;
    std::optional<std::string> name = row.OptText(4);
    if (!name && state_names.count(room_id)) name = state_names[room_id];
    const bool in_directory = listed.count(room_id) > 0;
    // What hides a published room from a directory that reads the stats tables.
    json stale = json::array();
    if (is_public && separated) {
      if (row.IsNull(2)) {
        stale.push_back("no room_stats_current row");
      } else if (row.Int(2) == 0 && actual > 0) {
        stale.push_back("room_stats_current.joined_members is 0 but " + std::to_string(actual) +
                        " members are joined");
      } else if (row.Int(2) != actual && !in_directory) {
        stale.push_back("room_stats_current.joined_members is " + std::to_string(row.Int(2)) +
                        " but " + std::to_string(actual) + " members are joined");
      }
      if (!row.Bool(3)) stale.push_back("no room_stats_state row");
    }
    json problems = json::array();
    json latent = json::array();
    if (reads_stats) {
      if (!in_directory) problems = stale;
    } else {
      latent = stale;  // harmless now; a release whose directory reads the stats would hide it
    }
    if (!problems.empty()) ++hidden;
    if (!latent.empty()) ++latent_rooms;
    rooms.push_back({{"room_id", room_id},
                     {"name", name ? json(*name) : json()},
                     {"is_public", is_public},
                     {"stats_joined_members", row.IsNull(2) ? json() : json(row.Int(2))},
                     {"joined_members", actual},
                     {"has_stats_state", row.Bool(3)},
                     {"in_directory", in_directory},
                     {"problems", problems},
                     {"latent", latent}});
  }
  return {{"behaves_as", s.release.name},
          {"directory_reads", reads_stats ? "stats_tables" : "current_state"},
          {"rooms", rooms},
          {"published", std::count_if(rooms.begin(), rooms.end(),
                                      [](const json& r) { return r["is_public"].get<bool>(); })},
          {"listed", listed.size()},
          {"hidden_by_stats", hidden},
          {"latent_problems", latent_rooms}};
}

namespace {

constexpr int kPrecheckTimeoutSeconds = 60;

// A single read-only statement: starts with SELECT and has no second statement.
bool IsSingleSelect(const std::string& sql) {
  std::string text = sql;
  while (!text.empty() &&
         (std::isspace(static_cast<unsigned char>(text.back())) || text.back() == ';')) {
    text.pop_back();
  }
  const size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string::npos || text.find(';') != std::string::npos) return false;
  std::string head = text.substr(start, 6);
  std::transform(head.begin(), head.end(), head.begin(), ::toupper);
  return head == "SELECT";
}

// Undoes PRAGMA query_only on the shared SQLite connection however the query ends.
class SqliteQueryOnly {
 public:
  explicit SqliteQueryOnly(storage::Connection& conn) : conn_(conn) {
    conn_.ExecuteScript("PRAGMA query_only = 1");
  }
  ~SqliteQueryOnly() {
    try {
      conn_.ExecuteScript("PRAGMA query_only = 0");
    } catch (...) {  // a closed connection has no mode left to reset
    }
  }
  SqliteQueryOnly(const SqliteQueryOnly&) = delete;
  SqliteQueryOnly& operator=(const SqliteQueryOnly&) = delete;

 private:
  storage::Connection& conn_;
};

}  // namespace

// SQLite: no transaction, since BEGIN IMMEDIATE would take the write lock and stall every
// writer for as long as a pre-check scans. PostgreSQL: a rollback alone would keep sequence
// changes, hence READ ONLY.
std::vector<storage::Row> RunReadOnlyQuery(storage::Connection& conn, const std::string& sql) {
  if (conn.engine() == storage::Engine::kSqlite) {
    SqliteQueryOnly guard(conn);
    return conn.Query(sql);
  }
  storage::Transaction txn(conn);  // never committed
  conn.Execute("SET TRANSACTION READ ONLY");
  conn.Execute("SET LOCAL statement_timeout = '" + std::to_string(kPrecheckTimeoutSeconds) + "s'");
  return conn.Query(sql);
}

json UpgradePrechecks(Services& s, const std::string& target) {
  const auto& catalogue = schema::Catalogue::Builtin();
  const schema::Release* to = catalogue.Find(target);
  if (!to) throw InvalidParam("Unknown release: " + target);
  json checks = json::array();
  auto conn = s.db.Acquire();
  for (const auto& release : catalogue.releases()) {
    if (!(s.release.version < release.version) || to->version < release.version) continue;
    for (const auto& note : release.notes) {
      const std::string& sql =
          conn->engine() == storage::Engine::kSqlite ? note.sql_sqlite : note.sql_postgres;
      if (sql.empty() || !IsSingleSelect(sql)) continue;
      json check = {{"release", release.name}, {"title", note.title}, {"sql", sql}};
      const auto start = std::chrono::steady_clock::now();
      try {
        auto rows = RunReadOnlyQuery(*conn, sql);
        check["ok"] = true;
        check["result"] = rows.empty() || rows[0].IsNull(0) ? json() : json(rows[0].Text(0));
      } catch (const storage::DatabaseError& e) {
        check["ok"] = false;
        check["error"] = e.what();
      }
      check["elapsed_ms"] =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count();
      checks.push_back(check);
    }
  }
  return {{"from", s.release.name}, {"to", to->name}, {"checks", checks}};
}

}  // namespace strata::handlers
