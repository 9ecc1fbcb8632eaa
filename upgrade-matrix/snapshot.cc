#include "snapshot.h"

#include <openssl/evp.h>

#include <map>

#include "background/updater.h"
#include "config/homeserver_config.h"
#include "crypto/signing_key.h"
#include "fresh_schema.h"
#include "handlers/directory.h"
#include "handlers/services.h"
#include "schema/prepare_database.h"
#include "schema/schema_snapshot.h"

namespace strata::matrix {

using json = nlohmann::json;
using storage::Connection;

namespace {

std::string Sha256Hex(const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 0xf];
  }
  return out;
}

// room_id -> a stable key: the room's latest name, else "(unnamed, created by <creator>)".
std::map<std::string, std::string> RoomKeys(Connection& conn) {
  std::map<std::string, std::string> names;
  for (const auto& row : conn.Query(
           "SELECT s.room_id, j.json FROM state_events s JOIN events e ON e.event_id = s.event_id "
           "JOIN event_json j ON j.event_id = s.event_id WHERE s.type = 'm.room.name' AND "
           "s.state_key = '' ORDER BY e.stream_ordering")) {
    json ev = json::parse(row.Text(1), nullptr, false);
    if (ev.is_object() && ev["content"].is_object() &&
        ev["content"].value("name", json()).is_string())
      names[row.Text(0)] = ev["content"]["name"].get<std::string>();
  }
  std::map<std::string, std::string> keys;
  std::map<std::string, int> used;
  for (const auto& row : conn.Query("SELECT room_id, creator FROM rooms ORDER BY room_id")) {
    auto it = names.find(row.Text(0));
    std::string key = it != names.end() ? it->second : "(unnamed, created by " + row.Text(1) + ")";
    if (int n = used[key]++; n > 0) key += " #" + std::to_string(n + 1);
    keys[row.Text(0)] = key;
  }
  return keys;
}

json SchemaSection(Connection& conn, std::string* listing) {
  auto s = schema::TakeSnapshot(conn);
  *listing = SchemaListing(conn);
  return {{"tables", s.tables.size()},
          {"indexes", s.indexes.size()},
          {"digest", Sha256Hex(*listing).substr(0, 16)}};
}

json BackgroundUpdates(Connection& conn) {
  json out = json::array();
  if (!conn.TableExists("background_updates")) return out;
  for (const auto& u :
       background::ListPendingUpdates(conn, background::HandlerRegistry::Builtin())) {
    const char* state = u.state == background::PendingUpdate::State::kRunnable  ? "runnable"
                        : u.state == background::PendingUpdate::State::kWaiting ? "waiting"
                                                                                : "unknown";
    json e = {{"name", u.name}, {"state", state}, {"depends_on", u.depends_on.value_or("")}};
    if (!u.why.empty()) e["why"] = u.why;
    out.push_back(e);
  }
  return out;
}

json AppliedDeltas(Connection& conn) {
  json out = json::array();
  for (const auto& row :
       conn.Query("SELECT version, file FROM applied_schema_deltas ORDER BY version, file")) {
    out.push_back(row.Text(1));
  }
  return out;
}

// The numeric columns of a stats row as an object; text columns as text (null kept).
json RowObject(const storage::Row& row, const std::vector<std::string>& columns,
               const std::vector<bool>& numeric) {
  json out = json::object();
  for (size_t i = 0; i < columns.size(); ++i) {
    if (row.IsNull(i)) {
      out[columns[i]] = nullptr;
    } else {
      out[columns[i]] = numeric[i] ? json(row.Int(i)) : json(row.Text(i));
    }
  }
  return out;
}

json Rooms(Connection& conn, const std::map<std::string, std::string>& keys) {
  json rooms = json::object();
  for (const auto& row : conn.Query(
           "SELECT r.room_id, r.is_public, (SELECT COUNT(*) FROM current_state_events c JOIN "
           "room_memberships m ON m.event_id = c.event_id WHERE c.room_id = r.room_id AND "
           "c.type = 'm.room.member' AND m.membership = 'join'), (SELECT COUNT(*) FROM events e "
           "WHERE e.room_id = r.room_id AND e.type = 'm.room.message') FROM rooms r")) {
    rooms[keys.at(row.Text(0))] = {{"published", row.Bool(1)},
                                   {"joined_in_current_state", row.Int(2)},
                                   {"messages", row.Int(3)}};
  }
  if (conn.TableExists("room_stats_current")) {
    const std::vector<std::string> cols = {
        "current_state_events", "joined_members",      "invited_members",          "left_members",
        "banned_members",       "local_users_in_room", "completed_delta_stream_id"};
    for (const auto& row :
         conn.Query("SELECT room_id, current_state_events, joined_members, invited_members, "
                    "left_members, banned_members, local_users_in_room, completed_delta_stream_id "
                    "FROM room_stats_current")) {
      std::vector<std::optional<std::string>> cells;
      for (size_t i = 1; i < row.size(); ++i) cells.push_back(row.OptText(i));
      auto it = keys.find(row.Text(0));
      if (it == keys.end()) continue;
      rooms[it->second]["room_stats_current"] =
          RowObject(storage::Row(cells), cols, std::vector<bool>(cols.size(), true));
    }
  }
  if (conn.ColumnExists("room_stats_state", "join_rules")) {
    const std::vector<std::string> cols = {
        "name",       "canonical_alias", "join_rules",   "history_visibility",
        "encryption", "avatar",          "guest_access", "is_federatable",
        "topic"};
    std::vector<bool> numeric(cols.size(), false);
    numeric[7] = true;
    for (const auto& row : conn.Query(
             "SELECT room_id, name, canonical_alias, join_rules, history_visibility, "
             "encryption, avatar, guest_access, is_federatable, topic FROM room_stats_state")) {
      std::vector<std::optional<std::string>> cells;
      for (size_t i = 1; i < row.size(); ++i) cells.push_back(row.OptText(i));
      auto it = keys.find(row.Text(0));
      if (it == keys.end()) continue;
      rooms[it->second]["room_stats_state"] = RowObject(storage::Row(cells), cols, numeric);
    }
  }
  return rooms;
}

// user_stats_current summed up: one row per user is noise in a fixture; the total says whether
// the users pass ran and counted joins.
json UserStats(Connection& conn) {
  if (!conn.TableExists("user_stats_current")) return nullptr;
  const int64_t rows = conn.QueryInt("SELECT COUNT(*) FROM user_stats_current").value_or(0);
  const int64_t joined =
      conn.QueryInt("SELECT COALESCE(SUM(joined_rooms), 0) FROM user_stats_current").value_or(0);
  return {{"rows", rows}, {"joined_rooms_total", joined}};
}

// Accounts with a password that are not deactivated: the count and the first few names.
json UsersWhoCanLogIn(Connection& conn) {
  json sample = json::array();
  int64_t count = 0;
  const bool has_deactivated = conn.ColumnExists("users", "deactivated");
  for (const auto& row :
       conn.Query(std::string("SELECT name FROM users WHERE password_hash IS NOT NULL AND "
                              "password_hash <> ''") +
                  (has_deactivated ? " AND deactivated = 0" : "") + " ORDER BY name")) {
    if (count++ < 3) sample.push_back(row.Text(0));
  }
  return {{"count", count}, {"sample", sample}};
}

json PublicRoomsAsRelease(storage::ConnectionPool& pool, const schema::Release& release,
                          const std::string& server_name) {
  config::HomeserverConfig cfg;
  cfg.server_name = server_name;
  handlers::Services services(pool, cfg, release, crypto::SigningKey::Generate());
  return handlers::PublicRooms(services, handlers::PublicRoomsQuery{});
}

json Normalise(json body, const std::map<std::string, std::string>& keys) {
  if (!body.is_object() || !body["chunk"].is_array()) return body;
  for (auto& entry : body["chunk"]) {
    auto it = keys.find(entry.value("room_id", ""));
    if (it != keys.end()) entry["room_id"] = "!" + it->second;
  }
  body.erase("next_batch");  // opaque; its presence is implied by the chunk
  body.erase("prev_batch");
  return body;
}

}  // namespace

std::string ServerNameOf(Connection& conn) {
  auto user = conn.QueryValue("SELECT name FROM users ORDER BY name LIMIT 1");
  if (!user || user->find(':') == std::string::npos) return "localhost";
  return user->substr(user->find(':') + 1);
}

StepSnapshot TakeStepSnapshot(storage::ConnectionPool& pool, const schema::Release& release,
                              const std::string& server_name, bool serve_directory,
                              const nlohmann::json* public_rooms_served) {
  StepSnapshot out;
  std::map<std::string, std::string> keys;
  {
    auto lease = pool.Acquire();
    Connection& conn = *lease;
    auto state = schema::ReadSchemaState(conn);
    keys = RoomKeys(conn);
    out.state = {{"schema_version", state ? state->version : 0},
                 {"upgraded", state ? state->upgraded : false},
                 {"applied_schema_deltas", AppliedDeltas(conn)},
                 {"background_updates", BackgroundUpdates(conn)},
                 {"schema", SchemaSection(conn, &out.schema_listing)},
                 {"rooms", Rooms(conn, keys)},
                 {"user_stats_current", UserStats(conn)},
                 {"users_who_can_log_in", UsersWhoCanLogIn(conn)}};
  }
  if (public_rooms_served) {
    out.public_rooms_raw = *public_rooms_served;
    out.state["publicRooms"] = Normalise(out.public_rooms_raw, keys);
  } else if (serve_directory) {
    out.public_rooms_raw = PublicRoomsAsRelease(pool, release, server_name);
    out.state["publicRooms"] = Normalise(out.public_rooms_raw, keys);
  } else {
    out.state["publicRooms"] = nullptr;
  }
  return out;
}

}  // namespace strata::matrix
