#include "handlers/directory.h"

#include <algorithm>
#include <map>

#include "events/auth_rules.h"
#include "events/event_store.h"
#include "handlers/api_error.h"
#include "util/base64.h"

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

// Pagination tokens as Synapse 1.5+ wrote them: unpadded base64 of a msgpack map. Only the
// types the tokens use (small maps, strings, integers, booleans) are encoded and decoded.
void PackString(std::string& out, const std::string& s) {
  if (s.size() < 32) {
    out += static_cast<char>(0xa0 | s.size());
  } else if (s.size() < 256) {
    out += static_cast<char>(0xd9);
    out += static_cast<char>(s.size());
  } else {
    out += static_cast<char>(0xda);
    out += static_cast<char>(s.size() >> 8);
    out += static_cast<char>(s.size() & 0xff);
  }
  out += s;
}

void PackInt(std::string& out, int64_t v) {
  if (v >= 0 && v < 128) {
    out += static_cast<char>(v);
    return;
  }
  out += static_cast<char>(0xd3);
  for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xff);
}

std::string PackToken(const json& map) {
  std::string out;
  out += static_cast<char>(0x80 | map.size());
  for (const auto& [k, v] : map.items()) {
    PackString(out, k);
    if (v.is_boolean()) {
      out += static_cast<char>(v.get<bool>() ? 0xc3 : 0xc2);
    } else if (v.is_number_integer()) {
      PackInt(out, v.get<int64_t>());
    } else {
      PackString(out, v.get<std::string>());
    }
  }
  return Base64Encode(out);
}

std::optional<json> UnpackToken(const std::string& token) {
  auto bytes = Base64Decode(token);
  if (!bytes || bytes->empty()) return std::nullopt;
  const std::string& b = *bytes;
  size_t i = 0;
  auto byte = [&]() -> int {
    if (i >= b.size()) throw std::out_of_range("token");
    return static_cast<unsigned char>(b[i++]);
  };
  auto read_value = [&]() -> json {
    int t = byte();
    if (t < 0x80) return t;
    if (t >= 0xe0) return t - 256;
    if ((t & 0xe0) == 0xa0 || t == 0xd9 || t == 0xda) {
      size_t n = (t & 0xe0) == 0xa0 ? (t & 0x1f) : t == 0xd9 ? byte() : (byte() << 8) | byte();
      if (i + n > b.size()) throw std::out_of_range("token");
      std::string s = b.substr(i, n);
      i += n;
      return s;
    }
    if (t == 0xc2) return false;
    if (t == 0xc3) return true;
    int width = t == 0xcc || t == 0xd0   ? 1
                : t == 0xcd || t == 0xd1 ? 2
                : t == 0xce || t == 0xd2 ? 4
                : t == 0xcf || t == 0xd3 ? 8
                                         : 0;
    if (width == 0) throw std::out_of_range("token");
    uint64_t v = 0;
    for (int k = 0; k < width; ++k) v = (v << 8) | static_cast<uint64_t>(byte());
    if (t >= 0xd0 && width < 8) {
      const uint64_t sign = uint64_t{1} << (width * 8 - 1);
      if (v & sign) return static_cast<int64_t>(v) - static_cast<int64_t>(sign << 1);
    }
    return static_cast<int64_t>(v);
  };
  try {
    int head = byte();
    if ((head & 0xf0) != 0x80) return std::nullopt;
    json map = json::object();
    for (int n = head & 0x0f; n > 0; --n) {
      json key = read_value();
      if (!key.is_string()) return std::nullopt;
      map[key.get<std::string>()] = read_value();
    }
    return map;
  } catch (const std::out_of_range&) {
    return std::nullopt;
  }
}

struct Entry {
  std::string room_id;
  int64_t joined = 0;
  json body;
};

void SetIfPresent(json& entry, const char* key, const std::optional<std::string>& value) {
  if (value) entry[key] = *value;
}

// 1.5+: the stats tables.
json PublicRoomsFromStats(Services& s, Connection& conn, const PublicRoomsQuery& q,
                          const std::optional<json>& since) {
  std::string published = "SELECT room_id FROM rooms WHERE is_public = ?";
  storage::Params pub_params = {true};
  if (q.third_party_instance_id) {
    auto bar = q.third_party_instance_id->find('|');
    published =
        "SELECT room_id FROM appservice_room_list WHERE appservice_id = ? AND "
        "network_id = ?";
    pub_params = {q.third_party_instance_id->substr(0, bar),
                  q.third_party_instance_id->substr(bar + 1)};
  } else if (q.include_all_networks) {
    published += " UNION SELECT room_id FROM appservice_room_list";
  }
  const std::string base =
      " FROM (" + published +
      ") AS published INNER JOIN room_stats_state USING (room_id) "
      "INNER JOIN room_stats_current USING (room_id) WHERE "
      "(join_rules = 'public' OR history_visibility = 'world_readable') AND joined_members > 0";
  const int64_t total = conn.QueryInt("SELECT COUNT(*)" + base, pub_params).value_or(0);

  std::string where = base;
  storage::Params params = pub_params;
  if (q.search_term) {
    where += " AND (LOWER(name) LIKE ? OR LOWER(topic) LIKE ? OR LOWER(canonical_alias) LIKE ?)";
    std::string term = *q.search_term;
    std::transform(term.begin(), term.end(), term.begin(), ::tolower);
    for (int i = 0; i < 3; ++i) params.push_back("%" + term + "%");
  }
  const bool forwards = !since || since->value("d", true);
  if (since) {
    const int64_t m = since->value("m", int64_t{0});
    const std::string r = since->value("r", std::string());
    where += forwards ? " AND joined_members <= ? AND (joined_members < ? OR room_id < ?)"
                      : " AND joined_members >= ? AND (joined_members > ? OR room_id > ?)";
    params.push_back(m);
    params.push_back(m);
    params.push_back(r);
  }
  std::string sql =
      "SELECT room_id, name, topic, canonical_alias, joined_members, avatar, "
      "history_visibility, guest_access" +
      where +
      (forwards ? " ORDER BY joined_members DESC, room_id DESC"
                : " ORDER BY joined_members ASC, room_id ASC");
  if (q.limit > 0) {
    sql += " LIMIT ?";
    params.push_back(q.limit + 1);
  }
  auto rows = conn.Query(sql, params);
  const bool more = q.limit > 0 && static_cast<int64_t>(rows.size()) > q.limit;
  if (more) rows.pop_back();
  if (!forwards) std::reverse(rows.begin(), rows.end());
  json chunk = json::array();
  for (const auto& row : rows) {
    json e = {{"room_id", row.Text(0)},
              {"num_joined_members", row.Int(4)},
              {"world_readable", row.Text(6) == "world_readable"},
              {"guest_can_join", row.Text(7) == "can_join"}};
    SetIfPresent(e, "name", row.OptText(1));
    SetIfPresent(e, "topic", row.OptText(2));
    SetIfPresent(e, "canonical_alias", row.OptText(3));
    SetIfPresent(e, "avatar_url", row.OptText(5));
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
  (void)s;
  return out;
}

// <= 1.4: published rooms from public_room_list_stream, everything else from current state.
json PublicRoomsFromState(Services& s, Connection& conn, const PublicRoomsQuery& q,
                          const std::optional<json>& since) {
  std::vector<std::string> room_ids;
  for (const auto& row : conn.Query(
           "SELECT p.room_id, p.visibility FROM public_room_list_stream p WHERE "
           "p.appservice_id IS NULL AND p.stream_id = (SELECT MAX(stream_id) FROM "
           "public_room_list_stream q WHERE q.room_id = p.room_id AND q.appservice_id IS NULL)")) {
    if (row.Bool(1)) room_ids.push_back(row.Text(0));
  }
  // Member counts and aliases of every room ever listed, one grouped query each rather than
  // two per room. Members from room_memberships, which old databases always have filled.
  const std::string listed =
      "(SELECT room_id FROM public_room_list_stream WHERE appservice_id IS NULL)";
  std::map<std::string, int64_t> joined_of;
  for (const auto& row : conn.Query(
           "SELECT c.room_id, COUNT(*) FROM current_state_events c JOIN room_memberships "
           "m ON m.event_id = c.event_id WHERE c.room_id IN " +
           listed + " AND c.type = 'm.room.member' AND m.membership = 'join' GROUP BY c.room_id")) {
    joined_of[row.Text(0)] = row.Int(1);
  }
  std::map<std::string, json> aliases_of;
  for (const auto& row :
       conn.Query("SELECT room_id, room_alias FROM room_aliases WHERE room_id IN " + listed +
                  " ORDER BY room_id, room_alias")) {
    json& list = aliases_of[row.Text(0)];
    if (list.is_null()) list = json::array();
    list.push_back(row.Text(1));
  }
  std::vector<Entry> entries;
  for (const auto& room_id : room_ids) {
    const auto count = joined_of.find(room_id);
    const int64_t joined = count == joined_of.end() ? 0 : count->second;
    if (joined == 0) continue;
    auto state = events::CurrentState(conn, room_id);
    auto field = [&](const char* type, const char* key) -> std::optional<std::string> {
      auto it = state.find({type, ""});
      if (it == state.end()) return std::nullopt;
      json c = events::EventContent(conn, it->second);
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
  const int64_t stream = events::MaxStreamOrdering(conn);
  const int64_t pub_stream =
      conn.QueryInt("SELECT COALESCE(MAX(stream_id), 0) FROM public_room_list_stream").value_or(0);
  if (end < total) {
    out["next_batch"] = PackToken({{"s", stream}, {"p", pub_stream}, {"n", end}, {"d", true}});
  }
  if (start > 0) {
    out["prev_batch"] = PackToken({{"s", stream}, {"p", pub_stream}, {"n", start}, {"d", false}});
  }
  (void)s;
  return out;
}

}  // namespace

std::optional<std::string> LookupAlias(Services& s, const std::string& alias) {
  auto conn = s.db.Acquire();
  return conn->QueryValue("SELECT room_id FROM room_aliases WHERE room_alias = ?", {alias});
}

json ResolveAlias(Services& s, const std::string& alias) {
  CheckAlias(s, alias);
  auto room_id = LookupAlias(s, alias);
  if (!room_id) throw NotFound("Room alias " + alias + " not found");
  auto conn = s.db.Acquire();
  json servers = json::array();
  for (const auto& row : conn->Query(
           "SELECT DISTINCT server FROM room_alias_servers WHERE room_alias = ?", {alias})) {
    servers.push_back(row.Text(0));
  }
  if (servers.empty()) servers.push_back(s.server_name());
  return {{"room_id", *room_id}, {"servers", servers}};
}

void CreateAlias(Services& s, const std::string& creator, const std::string& alias,
                 const std::string& room_id) {
  CheckAlias(s, alias);
  if (!IsLocalAlias(s, alias)) throw InvalidParam("Room alias must be local");
  auto conn = s.db.AcquireWriter();
  if (!events::RoomVersionOf(*conn, room_id)) throw NotFound("Room not found");
  storage::Transaction txn(*conn);
  if (conn->QueryValue("SELECT room_id FROM room_aliases WHERE room_alias = ?", {alias})) {
    throw ApiError(409, "M_UNKNOWN", "Room alias " + alias + " already exists");
  }
  conn->Execute("INSERT INTO room_aliases (room_alias, room_id, creator) VALUES (?, ?, ?)",
                {alias, room_id, creator});
  conn->Execute("INSERT INTO room_alias_servers (room_alias, server) VALUES (?, ?)",
                {alias, s.server_name()});
  txn.Commit();
}

void DeleteAlias(Services& s, const Requester& r, const std::string& alias) {
  CheckAlias(s, alias);
  auto conn = s.db.AcquireWriter();
  auto rows =
      conn->Query("SELECT room_id, creator FROM room_aliases WHERE room_alias = ?", {alias});
  if (rows.empty()) throw NotFound("Room alias " + alias + " not found");
  if (!r.admin && rows[0].Text(1) != r.user_id) {
    throw Forbidden("You don't have permission to delete the alias.");
  }
  storage::Transaction txn(*conn);
  conn->Execute("DELETE FROM room_aliases WHERE room_alias = ?", {alias});
  conn->Execute("DELETE FROM room_alias_servers WHERE room_alias = ?", {alias});
  txn.Commit();
}

json GetVisibility(Services& s, const std::string& room_id) {
  auto conn = s.db.Acquire();
  auto rows = conn->Query("SELECT is_public FROM rooms WHERE room_id = ?", {room_id});
  if (rows.empty()) throw NotFound("Unknown room");
  return {{"visibility", rows[0].Bool(0) ? "public" : "private"}};
}

void SetVisibility(Services& s, const Requester* r, const std::string& room_id,
                   const std::string& visibility) {
  if (visibility != "public" && visibility != "private") {
    throw InvalidParam("Invalid visibility setting");
  }
  auto conn = s.db.AcquireWriter();
  if (conn->Query("SELECT 1 FROM rooms WHERE room_id = ?", {room_id}).empty()) {
    throw NotFound("Unknown room");
  }
  if (r != nullptr && !r->admin) {
    // As Synapse: whoever may set the canonical alias may publish the room.
    auto state = events::CurrentState(*conn, room_id);
    auto content = [&](const char* type, const std::string& key) {
      auto it = state.find({type, key});
      return it == state.end() ? json() : events::EventContent(*conn, it->second);
    };
    if (events::MembershipOf(*conn, room_id, r->user_id) != std::optional<std::string>("join")) {
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
  conn->Execute("UPDATE rooms SET is_public = ? WHERE room_id = ?", {is_public, room_id});
  const int64_t stream =
      conn->QueryInt("SELECT COALESCE(MAX(stream_id), 0) + 1 FROM public_room_list_stream")
          .value_or(1);
  conn->Execute(
      "INSERT INTO public_room_list_stream (stream_id, room_id, visibility) "
      "VALUES (?, ?, ?)",
      {stream, room_id, is_public});
  txn.Commit();
}

json PublicRooms(Services& s, const PublicRoomsQuery& q) {
  if (!s.config.enable_room_list_search && q.search_term) {
    return {{"chunk", json::array()}, {"total_room_count_estimate", 0}};
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
  auto conn = s.db.Acquire();
  if (s.release.directory == schema::RoomDirectorySource::kStatsTables) {
    return PublicRoomsFromStats(s, *conn, q, since);
  }
  return PublicRoomsFromState(s, *conn, q, since);
}

}  // namespace strata::handlers
