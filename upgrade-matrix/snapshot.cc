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
#include "storage/inspection/inspection_store.h"

namespace strata::matrix {

using json = nlohmann::json;
using storage::Connection;
using storage::InspectionStore;

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
std::map<std::string, std::string> RoomKeys(const InspectionStore& store, Connection& conn) {
  std::map<std::string, std::string> names;
  for (const auto& e : store.RoomNameEvents(conn)) {
    json ev = json::parse(e.event_json, nullptr, false);
    if (ev.is_object() && ev["content"].is_object() &&
        ev["content"].value("name", json()).is_string())
      names[e.room_id] = ev["content"]["name"].get<std::string>();
  }
  std::map<std::string, std::string> keys;
  std::map<std::string, int> used;
  for (const auto& room : store.RoomCreators(conn)) {
    auto it = names.find(room.room_id);
    std::string key = it != names.end() ? it->second : "(unnamed, created by " + room.creator + ")";
    if (int n = used[key]++; n > 0) key += " #" + std::to_string(n + 1);
    keys[room.room_id] = key;
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

json AppliedDeltas(const InspectionStore& store, Connection& conn) {
  json out = json::array();
  for (const auto& file : store.AppliedDeltaFiles(conn)) out.push_back(file);
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

json Rooms(const InspectionStore& store, Connection& conn,
           const std::map<std::string, std::string>& keys) {
  json rooms = json::object();
  for (const auto& room : store.RoomCountsPerRoom(conn)) {
    rooms[keys.at(room.room_id)] = {{"published", room.is_public},
                                    {"joined_in_current_state", room.joined_in_current_state},
                                    {"messages", room.messages}};
  }
  if (auto stats = store.RoomStatsCurrent(conn)) {
    const std::vector<std::string> cols = {
        "current_state_events", "joined_members",      "invited_members",          "left_members",
        "banned_members",       "local_users_in_room", "completed_delta_stream_id"};
    for (auto& row : *stats) {
      auto it = keys.find(row.room_id);
      if (it == keys.end()) continue;
      rooms[it->second]["room_stats_current"] =
          RowObject(storage::Row(std::move(row.cells)), cols, std::vector<bool>(cols.size(), true));
    }
  }
  if (auto stats = store.RoomStatsState(conn)) {
    const std::vector<std::string> cols = {
        "name",       "canonical_alias", "join_rules",   "history_visibility",
        "encryption", "avatar",          "guest_access", "is_federatable",
        "topic"};
    std::vector<bool> numeric(cols.size(), false);
    numeric[7] = true;
    for (auto& row : *stats) {
      auto it = keys.find(row.room_id);
      if (it == keys.end()) continue;
      rooms[it->second]["room_stats_state"] =
          RowObject(storage::Row(std::move(row.cells)), cols, numeric);
    }
  }
  return rooms;
}

// user_stats_current summed up: one row per user is noise in a fixture; the total says whether
// the users pass ran and counted joins.
json UserStats(const InspectionStore& store, Connection& conn) {
  const auto totals = store.UserStats(conn);
  if (!totals) return nullptr;
  return {{"rows", totals->rows}, {"joined_rooms_total", totals->joined_rooms_total}};
}

// Accounts with a password that are not deactivated: the count and the first few names.
json UsersWhoCanLogIn(const InspectionStore& store, Connection& conn) {
  json sample = json::array();
  int64_t count = 0;
  for (const auto& name : store.UsersWhoCanLogIn(conn)) {
    if (count++ < 3) sample.push_back(name);
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
  auto user = InspectionStore(conn).FirstUserName(conn);
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
    const InspectionStore store(conn);
    keys = RoomKeys(store, conn);
    out.state = {{"schema_version", state ? state->version : 0},
                 {"upgraded", state ? state->upgraded : false},
                 {"applied_schema_deltas", AppliedDeltas(store, conn)},
                 {"background_updates", BackgroundUpdates(conn)},
                 {"schema", SchemaSection(conn, &out.schema_listing)},
                 {"rooms", Rooms(store, conn, keys)},
                 {"user_stats_current", UserStats(store, conn)},
                 {"users_who_can_log_in", UsersWhoCanLogIn(store, conn)}};
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
