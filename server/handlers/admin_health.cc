// The admin API's read-only diagnostics, beyond Synapse: why a published room is or is not in
// the room directory, and the release notes' upgrade pre-checks, run and timed.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <set>

#include "handlers/admin.h"
#include "handlers/api_error.h"
#include "handlers/directory.h"
#include "storage/read_only_query.h"
#include "storage/rooms/room_listing.h"

namespace strata::handlers {

using nlohmann::json;

json DirectoryHealth(Services& s) {
  const bool separated = s.release.stats == schema::StatsEngine::kSeparated;
  const bool reads_stats = s.release.directory == schema::RoomDirectorySource::kStatsTables;
  // What a client sees: the behaved-as release's own /publicRooms, unpaged.
  std::set<std::string> listed;
  const json directory = PublicRooms(s, PublicRoomsQuery{});
  for (const auto& entry : directory["chunk"]) {
    listed.insert(entry["room_id"].get<std::string>());
  }
  const auto& listing = *s.stores.room_listing;
  auto conn = s.db.Acquire();
  std::map<std::string, int64_t> joined = listing.JoinedCounts(*conn);
  // Names from current state in one query (the dashboard polls this), for rooms without a
  // room_stats_state name and for releases before the separated stats tables.
  std::map<std::string, std::string> state_names;
  for (const auto& [room_id, event_json] : listing.NameEvents(*conn)) {
    json pdu = json::parse(event_json, nullptr, false);
    if (pdu.is_object() && pdu.contains("content") && pdu["content"].is_object() &&
        pdu["content"].contains("name") && pdu["content"]["name"].is_string()) {
      state_names[room_id] = pdu["content"]["name"].get<std::string>();
    }
  }
  json rooms = json::array();
  int64_t hidden = 0;
  int64_t latent_rooms = 0;
  for (const auto& facts : listing.DirectoryFacts(*conn)) {
    const std::string& room_id = facts.room_id;
    const bool is_public = facts.is_public;
    const int64_t actual = joined.count(room_id) ? joined[room_id] : 0;
    std::optional<std::string> name = facts.stats_name;
    if (!name && state_names.count(room_id)) name = state_names[room_id];
    const bool in_directory = listed.count(room_id) > 0;
    // What hides a published room from a directory that reads the stats tables.
    json stale = json::array();
    if (is_public && separated) {
      if (!facts.stats_joined_members) {
        stale.push_back("no room_stats_current row");
      } else if (*facts.stats_joined_members == 0 && actual > 0) {
        stale.push_back("room_stats_current.joined_members is 0 but " + std::to_string(actual) +
                        " members are joined");
      } else if (*facts.stats_joined_members != actual && !in_directory) {
        stale.push_back("room_stats_current.joined_members is " +
                        std::to_string(*facts.stats_joined_members) + " but " +
                        std::to_string(actual) + " members are joined");
      }
      if (!facts.has_stats_state) stale.push_back("no room_stats_state row");
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
                     {"stats_joined_members",
                      facts.stats_joined_members ? json(*facts.stats_joined_members) : json()},
                     {"joined_members", actual},
                     {"has_stats_state", facts.has_stats_state},
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

}  // namespace

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
          storage::ForEngine(conn->engine(), note.sql_sqlite, note.sql_postgres);
      if (sql.empty() || !IsSingleSelect(sql)) continue;
      json check = {{"release", release.name}, {"title", note.title}, {"sql", sql}};
      const auto start = std::chrono::steady_clock::now();
      try {
        auto rows = storage::RunReadOnlyQuery(*conn, sql);
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
