#include "handlers/directory.h"

#include <algorithm>
#include <map>

#include "events/auth_rules.h"
#include "events/event_store.h"
#include "handlers/api_error.h"
#include "handlers/directory_token.h"
#include "storage/directory/directory_store.h"

namespace strata::handlers {
namespace {

using nlohmann::json;
using storage::Connection;

void CheckAlias(const Services& s, const std::string& alias) {
  if (alias.size() < 3 || alias[0] != '#' || alias.find(':') == std::string::npos) {
    throw InvalidParam("Room alias must be of the form #localpart:server");
  }
  (void)s;
}

bool IsLocalAlias(const Services& s, const std::string& alias) {
  const std::string suffix = ":" + s.server_name();
  return alias.size() > suffix.size() &&
         alias.compare(alias.size() - suffix.size(), suffix.size(), suffix) == 0;
}

struct Entry {
  std::string room_id;
  int64_t joined = 0;
  json body;
};

void SetIfPresent(json& entry, const char* key, const std::optional<std::string>& value) {
  if (value) entry[key] = *value;
}

// Compact, invalid UTF-8 replaced: as the HTTP layer writes every JSON body.
std::string AnswerText(const json& answer) {
  return answer.dump(-1, ' ', false, json::error_handler_t::replace);
}

// 1.5+: the stats tables.
json PublicRoomsFromStats(Services& s, Connection& conn, const PublicRoomsQuery& q,
                          const std::optional<json>& since) {
  storage::DirectoryStore::PublicRoomsQuery query;
  if (q.third_party_instance_id) {
    auto bar = q.third_party_instance_id->find('|');
    query.source.appservice_id = q.third_party_instance_id->substr(0, bar);
    query.source.network_id = q.third_party_instance_id->substr(bar + 1);
  } else {
    query.source.include_all_networks = q.include_all_networks;
  }
  const int64_t total = s.stores.directory->CountPublicRoomsInStats(conn, query.source);

  query.search_term = q.search_term;
  const bool forwards = !since || since->value("d", true);
  if (since) {
    query.since = storage::DirectoryStore::StatsCursor{since->value("m", int64_t{0}),
                                                       since->value("r", std::string()), forwards};
  }
  if (q.limit > 0) query.limit = q.limit + 1;
  auto rows = s.stores.directory->ListPublicRoomsInStats(conn, query);
  const bool more = q.limit > 0 && static_cast<int64_t>(rows.size()) > q.limit;
  if (more) rows.pop_back();
  if (!forwards) std::reverse(rows.begin(), rows.end());
  json chunk = json::array();
  for (const auto& row : rows) {
    json e = {{"room_id", row.room_id},
              {"num_joined_members", row.joined_members},
              {"world_readable", row.history_visibility.value_or("") == "world_readable"},
              {"guest_can_join", row.guest_access.value_or("") == "can_join"}};
    SetIfPresent(e, "name", row.name);
    SetIfPresent(e, "topic", row.topic);
    SetIfPresent(e, "canonical_alias", row.canonical_alias);
    SetIfPresent(e, "avatar_url", row.avatar);
    chunk.push_back(e);
  }
  json out = {{"chunk", chunk}, {"total_room_count_estimate", total}};
  if (!rows.empty()) {
    const auto& first = chunk.front();
    const auto& last = chunk.back();
    const bool more_forward = forwards ? more : since.has_value();
    const bool more_backward = forwards ? since.has_value() : more;
    if (more_forward) {
      out["next_batch"] =
          PackToken({{"m", last["num_joined_members"]}, {"r", last["room_id"]}, {"d", true}});
    }
    if (more_backward) {
      out["prev_batch"] =
          PackToken({{"m", first["num_joined_members"]}, {"r", first["room_id"]}, {"d", false}});
    }
  }
  return out;
}

// <= 1.4: published rooms from public_room_list_stream, everything else from current state.
json PublicRoomsFromState(Services& s, Connection& conn, const PublicRoomsQuery& q,
                          const std::optional<json>& since) {
  const storage::DirectoryStore& directory = *s.stores.directory;
  const std::vector<std::string> room_ids = directory.PublishedRoomsInStream(conn);
  // Member counts and aliases of every room ever listed, one grouped query each rather than
  // two per room.
  const std::map<std::string, int64_t> joined_of = directory.JoinedMembersOfListedRooms(conn);
  std::map<std::string, std::vector<std::string>> aliases_of = directory.AliasesOfListedRooms(conn);
  std::vector<Entry> entries;
  for (const auto& room_id : room_ids) {
    const auto count = joined_of.find(room_id);
    const int64_t joined = count == joined_of.end() ? 0 : count->second;
    if (joined == 0) continue;
    auto state = events::CurrentState(s.stores, conn, room_id);
    auto field = [&](const char* type, const char* key) -> std::optional<std::string> {
      auto it = state.find({type, ""});
      if (it == state.end()) return std::nullopt;
      json c = events::EventContent(s.stores, conn, it->second);
      if (c.is_object() && c.contains(key) && c[key].is_string()) return c[key].get<std::string>();
      return std::nullopt;
    };
    const bool world_readable = field("m.room.history_visibility", "history_visibility") ==
                                std::optional<std::string>("world_readable");
    if (field("m.room.join_rules", "join_rule") != std::optional<std::string>("public") &&
        !world_readable) {
      continue;
    }
    Entry e{room_id, joined, json::object()};
    e.body = {{"room_id", room_id},
              {"num_joined_members", joined},
              {"world_readable", world_readable},
              {"guest_can_join", field("m.room.guest_access", "guest_access") ==
                                     std::optional<std::string>("can_join")}};
    if (auto it = aliases_of.find(room_id); it != aliases_of.end()) {
      e.body["aliases"] = std::move(it->second);
    }
    SetIfPresent(e.body, "name", field("m.room.name", "name"));
    SetIfPresent(e.body, "topic", field("m.room.topic", "topic"));
    SetIfPresent(e.body, "canonical_alias", field("m.room.canonical_alias", "alias"));
    SetIfPresent(e.body, "avatar_url", field("m.room.avatar", "url"));
    if (q.search_term) {
      std::string term = *q.search_term;
      std::transform(term.begin(), term.end(), term.begin(), ::tolower);
      bool hit = false;
      for (const char* key : {"name", "topic", "canonical_alias"}) {
        if (!e.body.contains(key)) continue;
        std::string v = e.body[key].get<std::string>();
        std::transform(v.begin(), v.end(), v.begin(), ::tolower);
        hit = hit || v.find(term) != std::string::npos;
      }
      if (!hit) continue;
    }
    entries.push_back(std::move(e));
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.joined != b.joined ? a.joined > b.joined : a.room_id < b.room_id;
  });
  const int64_t total = static_cast<int64_t>(entries.size());
  // Tokens carry the offset ("n") and direction ("d"), with the stream positions ("s", "p")
  // the list was read at, as 1.4's tokens did.
  int64_t start = 0;
  if (since) {
    start = since->value("n", int64_t{0});
    if (!since->value("d", true)) start = std::max<int64_t>(0, start - q.limit);
  }
  start = std::clamp<int64_t>(start, 0, total);
  const int64_t end = q.limit > 0 ? std::min(total, start + q.limit) : total;
  json chunk = json::array();
  for (int64_t i = start; i < end; ++i) chunk.push_back(entries[i].body);
  json out = {{"chunk", chunk}, {"total_room_count_estimate", total}};
  const int64_t stream = events::MaxStreamOrdering(s.stores, conn);
  const int64_t pub_stream = directory.PublicRoomListStreamPosition(conn);
  if (end < total) {
    out["next_batch"] = PackToken({{"s", stream}, {"p", pub_stream}, {"n", end}, {"d", true}});
  }
  if (start > 0) {
    out["prev_batch"] = PackToken({{"s", stream}, {"p", pub_stream}, {"n", start}, {"d", false}});
  }
  return out;
}

}  // namespace

std::optional<std::string> LookupAlias(Services& s, const std::string& alias) {
  auto conn = s.db.Acquire();
  return s.stores.directory->RoomOfAlias(*conn, alias);
}

json ResolveAlias(Services& s, const std::string& alias) {
  CheckAlias(s, alias);
  auto room_id = LookupAlias(s, alias);
  if (!room_id) throw NotFound("Room alias " + alias + " not found");
  auto conn = s.db.Acquire();
  json servers = json::array();
  for (auto& server : s.stores.directory->AliasServers(*conn, alias)) servers.push_back(server);
  if (servers.empty()) servers.push_back(s.server_name());
  return {{"room_id", *room_id}, {"servers", servers}};
}

void CreateAlias(Services& s, const std::string& creator, const std::string& alias,
                 const std::string& room_id) {
  CheckAlias(s, alias);
  if (!IsLocalAlias(s, alias)) throw InvalidParam("Room alias must be local");
  auto conn = s.db.AcquireWriter();
  if (!events::RoomVersionOf(s.stores, *conn, room_id)) throw NotFound("Room not found");
  storage::Transaction txn(*conn);
  if (s.stores.directory->RoomOfAlias(*conn, alias)) {
    throw ApiError(409, "M_UNKNOWN", "Room alias " + alias + " already exists");
  }
  s.stores.directory->InsertAlias(*conn, alias, room_id, creator, s.server_name());
  txn.Commit();
  s.public_rooms.Changed();
}

void DeleteAlias(Services& s, const Requester& r, const std::string& alias) {
  CheckAlias(s, alias);
  auto conn = s.db.AcquireWriter();
  auto found = s.stores.directory->FindAlias(*conn, alias);
  if (!found) throw NotFound("Room alias " + alias + " not found");
  if (!r.admin && found->creator != r.user_id) {
    throw Forbidden("You don't have permission to delete the alias.");
  }
  storage::Transaction txn(*conn);
  s.stores.directory->DeleteAlias(*conn, alias);
  txn.Commit();
  s.public_rooms.Changed();
}

json GetVisibility(Services& s, const std::string& room_id) {
  auto conn = s.db.Acquire();
  auto is_public = s.stores.directory->IsPublic(*conn, room_id);
  if (!is_public) throw NotFound("Unknown room");
  return {{"visibility", *is_public ? "public" : "private"}};
}

void SetVisibility(Services& s, const Requester* r, const std::string& room_id,
                   const std::string& visibility) {
  if (visibility != "public" && visibility != "private") {
    throw InvalidParam("Invalid visibility setting");
  }
  auto conn = s.db.AcquireWriter();
  if (!s.stores.directory->IsPublic(*conn, room_id)) throw NotFound("Unknown room");
  if (r != nullptr && !r->admin) {
    // As Synapse: whoever may set the canonical alias may publish the room.
    auto state = events::CurrentState(s.stores, *conn, room_id);
    auto content = [&](const char* type, const std::string& key) {
      auto it = state.find({type, key});
      return it == state.end() ? json() : events::EventContent(s.stores, *conn, it->second);
    };
    if (events::MembershipOf(s.stores, *conn, room_id, r->user_id) !=
        std::optional<std::string>("join")) {
      throw Forbidden("User " + r->user_id + " not in room " + room_id);
    }
    json power = content("m.room.power_levels", "");
    int64_t needed = 50;
    if (power.is_object() && power.contains("events") &&
        power["events"].contains("m.room.canonical_alias") &&
        power["events"]["m.room.canonical_alias"].is_number_integer()) {
      needed = power["events"]["m.room.canonical_alias"].get<int64_t>();
    }
    if (events::UserPowerLevel(power, content("m.room.create", ""), r->user_id) < needed) {
      throw Forbidden("You don't have permission to change the room's directory visibility");
    }
  }
  const bool is_public = visibility == "public";
  storage::Transaction txn(*conn);
  s.stores.directory->SetPublic(*conn, room_id, is_public);
  txn.Commit();
  s.public_rooms.Changed();
}

std::string PublicRoomsBody(Services& s, const PublicRoomsQuery& q) {
  if (!s.config.enable_room_list_search && q.search_term) {
    return AnswerText({{"chunk", json::array()}, {"total_room_count_estimate", 0}});
  }
  if (q.include_all_networks && q.third_party_instance_id) {
    throw InvalidParam("Can't use include_all_networks with an explicit network");
  }
  if (q.third_party_instance_id && q.third_party_instance_id->find('|') == std::string::npos) {
    throw InvalidParam("Invalid ID " + *q.third_party_instance_id);
  }
  std::optional<json> since;
  if (q.since) {
    since = UnpackToken(*q.since);
    if (!since) throw InvalidParam("Invalid pagination token");
  }
  // Every field of the query, each prefixed by its length so that no two queries share a key.
  std::string key;
  auto add = [&key](const std::optional<std::string>& part) {
    key += part ? std::to_string(part->size()) + ":" + *part : std::string("-");
    key += '|';
  };
  add(std::to_string(q.limit));
  add(q.since);
  add(q.search_term);
  add(q.include_all_networks ? "all" : "");
  add(q.third_party_instance_id);
  const int64_t now_ms = s.NowMs();
  if (auto cached = s.public_rooms.Find(key, now_ms)) return std::move(*cached);
  const uint64_t version = s.public_rooms.version();
  auto conn = s.db.Acquire();
  std::string answer = AnswerText(s.release.directory == schema::RoomDirectorySource::kStatsTables
                                      ? PublicRoomsFromStats(s, *conn, q, since)
                                      : PublicRoomsFromState(s, *conn, q, since));
  s.public_rooms.Store(key, version, now_ms, answer);
  return answer;
}

json PublicRooms(Services& s, const PublicRoomsQuery& q) {
  return json::parse(PublicRoomsBody(s, q));
}

}  // namespace strata::handlers
