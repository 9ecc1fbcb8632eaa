#include "storage/directory/directory_store.h"

#include <algorithm>
#include <cctype>

namespace strata::storage {
namespace {

// --- Aliases ---------------------------------------------------------------------------------
constexpr std::string_view kSelectAlias =
    "SELECT room_id, creator FROM room_aliases WHERE room_alias = ?";
constexpr std::string_view kSelectRoomOfAlias =
    "SELECT room_id FROM room_aliases WHERE room_alias = ?";
constexpr std::string_view kSelectAliasServers =
    "SELECT DISTINCT server FROM room_alias_servers WHERE room_alias = ?";
constexpr std::string_view kInsertAlias =
    "INSERT INTO room_aliases (room_alias, room_id, creator) VALUES (?, ?, ?)";
constexpr std::string_view kInsertAliasServer =
    "INSERT INTO room_alias_servers (room_alias, server) VALUES (?, ?)";
constexpr std::string_view kDeleteAlias = "DELETE FROM room_aliases WHERE room_alias = ?";
constexpr std::string_view kDeleteAliasServers =
    "DELETE FROM room_alias_servers WHERE room_alias = ?";

// --- Published rooms -------------------------------------------------------------------------
constexpr std::string_view kSelectIsPublic = "SELECT is_public FROM rooms WHERE room_id = ?";
constexpr std::string_view kUpdateIsPublic = "UPDATE rooms SET is_public = ? WHERE room_id = ?";
constexpr std::string_view kNextPublicRoomListStreamId =
    "SELECT COALESCE(MAX(stream_id), 0) + 1 FROM public_room_list_stream";
constexpr std::string_view kInsertPublicRoomListStream =
    "INSERT INTO public_room_list_stream (stream_id, room_id, visibility) "
    "VALUES (?, ?, ?)";

// --- The public room list from the stats tables (1.5.0+) ---------------------------------------
// Composed: SELECT <columns or COUNT> FROM (<published source>) <kStatsPublicRoomsJoin>
// [<kStatsSearch>] [<cursor>] [<order>] [LIMIT ?].
constexpr std::string_view kPublishedByRooms = "SELECT room_id FROM rooms WHERE is_public = ?";
constexpr std::string_view kPublishedByNetwork =
    "SELECT room_id FROM appservice_room_list WHERE appservice_id = ? AND "
    "network_id = ?";
constexpr std::string_view kPublishedAlsoByEveryNetwork =
    " UNION SELECT room_id FROM appservice_room_list";
constexpr std::string_view kStatsPublicRoomsJoin =
    ") AS published INNER JOIN room_stats_state USING (room_id) "
    "INNER JOIN room_stats_current USING (room_id) WHERE "
    "(join_rules = 'public' OR history_visibility = 'world_readable') AND joined_members > 0";
constexpr std::string_view kCountPublicRooms = "SELECT COUNT(*) FROM (";
constexpr std::string_view kSelectPublicRoomColumns =
    "SELECT room_id, name, topic, canonical_alias, joined_members, avatar, "
    "history_visibility, guest_access FROM (";
constexpr std::string_view kStatsSearch =
    " AND (LOWER(name) LIKE ? OR LOWER(topic) LIKE ? OR LOWER(canonical_alias) LIKE ?)";
constexpr std::string_view kStatsAfterCursor =
    " AND joined_members <= ? AND (joined_members < ? OR room_id < ?)";
constexpr std::string_view kStatsBeforeCursor =
    " AND joined_members >= ? AND (joined_members > ? OR room_id > ?)";
constexpr std::string_view kStatsOrderForwards = " ORDER BY joined_members DESC, room_id DESC";
constexpr std::string_view kStatsOrderBackwards = " ORDER BY joined_members ASC, room_id ASC";
constexpr std::string_view kLimit = " LIMIT ?";

// --- The public room list from the stream and current state (before 1.5.0) --------------------
constexpr std::string_view kSelectPublishedRoomsInStream =
    "SELECT p.room_id, p.visibility FROM public_room_list_stream p WHERE "
    "p.appservice_id IS NULL AND p.stream_id = (SELECT MAX(stream_id) FROM "
    "public_room_list_stream q WHERE q.room_id = p.room_id AND q.appservice_id IS NULL)";
// Members from room_memberships, which old databases always have filled; one grouped query
// rather than one per room.
constexpr std::string_view kSelectJoinedMembersOfListedRooms =
    "SELECT c.room_id, COUNT(*) FROM current_state_events c JOIN room_memberships "
    "m ON m.event_id = c.event_id WHERE c.room_id IN "
    "(SELECT room_id FROM public_room_list_stream WHERE appservice_id IS NULL)"
    " AND c.type = 'm.room.member' AND m.membership = 'join' GROUP BY c.room_id";
constexpr std::string_view kSelectAliasesOfListedRooms =
    "SELECT room_id, room_alias FROM room_aliases WHERE room_id IN "
    "(SELECT room_id FROM public_room_list_stream WHERE appservice_id IS NULL)"
    " ORDER BY room_id, room_alias";
constexpr std::string_view kSelectPublicRoomListStreamPosition =
    "SELECT COALESCE(MAX(stream_id), 0) FROM public_room_list_stream";

// FROM (<published source> and its parameters.
std::string PublishedSourceSql(const DirectoryStore::PublishedSource& source, Params& params) {
  if (source.appservice_id) {
    params.insert(params.end(), {*source.appservice_id, source.network_id});
    return std::string(kPublishedByNetwork);
  }
  params.push_back(true);
  std::string sql(kPublishedByRooms);
  if (source.include_all_networks) sql += kPublishedAlsoByEveryNetwork;
  return sql;
}

}  // namespace

DirectoryStore::DirectoryStore(const StoreOptions& options) : options_(options) {}

std::optional<DirectoryStore::Alias> DirectoryStore::FindAlias(Connection& conn,
                                                               const std::string& alias) const {
  auto rows = conn.Query(kSelectAlias, {alias});
  if (rows.empty()) return std::nullopt;
  return Alias{rows[0].Text(0), rows[0].Text(1)};
}

std::optional<std::string> DirectoryStore::RoomOfAlias(Connection& conn,
                                                       const std::string& alias) const {
  return conn.QueryValue(kSelectRoomOfAlias, {alias});
}

std::vector<std::string> DirectoryStore::AliasServers(Connection& conn,
                                                      const std::string& alias) const {
  std::vector<std::string> servers;
  for (const auto& row : conn.Query(kSelectAliasServers, {alias})) servers.push_back(row.Text(0));
  return servers;
}

void DirectoryStore::InsertAlias(Connection& conn, const std::string& alias,
                                 const std::string& room_id, const std::string& creator,
                                 const std::string& server) const {
  conn.Execute(kInsertAlias, {alias, room_id, creator});
  conn.Execute(kInsertAliasServer, {alias, server});
}

void DirectoryStore::DeleteAlias(Connection& conn, const std::string& alias) const {
  conn.Execute(kDeleteAlias, {alias});
  conn.Execute(kDeleteAliasServers, {alias});
}

std::optional<bool> DirectoryStore::IsPublic(Connection& conn, const std::string& room_id) const {
  auto rows = conn.Query(kSelectIsPublic, {room_id});
  if (rows.empty()) return std::nullopt;
  return rows[0].Bool(0);
}

void DirectoryStore::SetPublic(Connection& conn, const std::string& room_id, bool is_public) const {
  conn.Execute(kUpdateIsPublic, {is_public, room_id});
  const int64_t stream = conn.QueryInt(kNextPublicRoomListStreamId).value_or(1);
  conn.Execute(kInsertPublicRoomListStream, {stream, room_id, is_public});
}

int64_t DirectoryStore::CountPublicRoomsInStats(Connection& conn,
                                                const PublishedSource& source) const {
  Params params;
  const std::string sql = std::string(kCountPublicRooms) + PublishedSourceSql(source, params) +
                          std::string(kStatsPublicRoomsJoin);
  return conn.QueryInt(sql, params).value_or(0);
}

std::vector<DirectoryStore::PublicRoomRow> DirectoryStore::ListPublicRoomsInStats(
    Connection& conn, const PublicRoomsQuery& query) const {
  Params params;
  std::string sql = std::string(kSelectPublicRoomColumns) +
                    PublishedSourceSql(query.source, params) + std::string(kStatsPublicRoomsJoin);
  if (query.search_term) {
    sql += kStatsSearch;
    std::string term = *query.search_term;
    std::transform(term.begin(), term.end(), term.begin(), ::tolower);
    for (int i = 0; i < 3; ++i) params.push_back("%" + term + "%");
  }
  const bool forwards = !query.since || query.since->forwards;
  if (query.since) {
    sql += forwards ? kStatsAfterCursor : kStatsBeforeCursor;
    params.insert(params.end(),
                  {query.since->joined_members, query.since->joined_members, query.since->room_id});
  }
  sql += forwards ? kStatsOrderForwards : kStatsOrderBackwards;
  if (query.limit) {
    sql += kLimit;
    params.push_back(*query.limit);
  }
  std::vector<PublicRoomRow> out;
  for (const auto& row : conn.Query(sql, params)) {
    out.push_back({row.Text(0), row.OptText(1), row.OptText(2), row.OptText(3), row.Int(4),
                   row.OptText(5), row.OptText(6), row.OptText(7)});
  }
  return out;
}

std::vector<std::string> DirectoryStore::PublishedRoomsInStream(Connection& conn) const {
  std::vector<std::string> room_ids;
  for (const auto& row : conn.Query(kSelectPublishedRoomsInStream)) {
    if (row.Bool(1)) room_ids.push_back(row.Text(0));
  }
  return room_ids;
}

std::map<std::string, int64_t> DirectoryStore::JoinedMembersOfListedRooms(Connection& conn) const {
  std::map<std::string, int64_t> joined;
  for (const auto& row : conn.Query(kSelectJoinedMembersOfListedRooms)) {
    joined[row.Text(0)] = row.Int(1);
  }
  return joined;
}

std::map<std::string, std::vector<std::string>> DirectoryStore::AliasesOfListedRooms(
    Connection& conn) const {
  std::map<std::string, std::vector<std::string>> aliases;
  for (const auto& row : conn.Query(kSelectAliasesOfListedRooms)) {
    aliases[row.Text(0)].push_back(row.Text(1));
  }
  return aliases;
}

int64_t DirectoryStore::PublicRoomListStreamPosition(Connection& conn) const {
  return conn.QueryInt(kSelectPublicRoomListStreamPosition).value_or(0);
}

}  // namespace strata::storage
