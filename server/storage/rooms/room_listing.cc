#include "storage/rooms/room_listing.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace strata::storage {
namespace {

// The order_by choices of Synapse's admin room list, each the column it sorts by.
const std::map<std::string, std::string>& OrderColumns() {
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
  return kOrder;
}

constexpr std::string_view kPageFrom =
    " FROM room_stats_state s INNER JOIN room_stats_current c USING (room_id) "
    "INNER JOIN rooms r USING (room_id)";
constexpr std::string_view kWhereNameLike = " WHERE LOWER(s.name) LIKE ?";
constexpr std::string_view kCount = "SELECT COUNT(*)";
constexpr std::string_view kSelectPageHead =
    "SELECT room_id, s.name, s.canonical_alias, c.joined_members, c.local_users_in_room, ";
constexpr std::string_view kRoomVersionColumn = "r.room_version";
constexpr std::string_view kNoRoomVersionColumn = "NULL";
constexpr std::string_view kSelectPageTail =
    ", r.creator, s.encryption, s.is_federatable, r.is_public, s.join_rules, "
    "s.guest_access, s.history_visibility, c.current_state_events";
constexpr std::string_view kOrderBy = " ORDER BY ";
constexpr std::string_view kDesc = " DESC";
constexpr std::string_view kAsc = " ASC";
constexpr std::string_view kThenRoomIdPage = ", room_id ASC LIMIT ? OFFSET ?";

constexpr std::string_view kRoomExists = "SELECT 1 FROM rooms WHERE room_id = ?";
constexpr std::string_view kJoinedMembers =
    "SELECT c.state_key FROM current_state_events c JOIN room_memberships m ON "
    "m.event_id = c.event_id WHERE c.room_id = ? AND c.type = 'm.room.member' AND "
    "m.membership = 'join' ORDER BY c.state_key";
constexpr std::string_view kSelectAliases = "SELECT room_alias FROM room_aliases WHERE room_id = ?";
constexpr std::string_view kDeleteAliasServers =
    "DELETE FROM room_alias_servers WHERE room_alias = ?";
constexpr std::string_view kDeleteAliases = "DELETE FROM room_aliases WHERE room_id = ?";
// Purged in this order, each "DELETE FROM <table> WHERE room_id = ?".
constexpr const char* kPurgedTables[] = {"event_json",
                                         "event_edges",
                                         "event_auth",
                                         "event_forward_extremities",
                                         "state_events",
                                         "current_state_events",
                                         "room_memberships",
                                         "room_depth",
                                         "current_state_delta_stream",
                                         "state_groups",
                                         "state_groups_state",
                                         "room_stats_current",
                                         "room_stats_state",
                                         "room_stats_historical",
                                         "public_room_list_stream",
                                         "room_account_data",
                                         "events",
                                         "rooms"};
constexpr std::string_view kDeleteFrom = "DELETE FROM ";
constexpr std::string_view kWhereRoomId = " WHERE room_id = ?";

constexpr std::string_view kJoinedCounts =
    "SELECT c.room_id, COUNT(*) FROM current_state_events c JOIN room_memberships m ON "
    "m.event_id = c.event_id WHERE c.type = 'm.room.member' AND m.membership = 'join' "
    "GROUP BY c.room_id";
constexpr std::string_view kNameEvents =
    "SELECT c.room_id, j.json FROM current_state_events c JOIN event_json j ON "
    "j.event_id = c.event_id WHERE c.type = 'm.room.name' AND c.state_key = ''";
// Before 1.4 the separated stats tables do not exist: their columns read as NULL.
constexpr std::string_view kDirectoryFactsSeparated =
    "SELECT r.room_id, r.is_public, c.joined_members, "
    "CASE WHEN s.room_id IS NULL THEN 0 ELSE 1 END, s.name FROM rooms r "
    "LEFT JOIN room_stats_current c ON c.room_id = r.room_id "
    "LEFT JOIN room_stats_state s ON s.room_id = r.room_id ORDER BY r.room_id";
constexpr std::string_view kDirectoryFactsLegacy =
    "SELECT room_id, is_public, NULL, 0, NULL FROM rooms ORDER BY room_id";

}  // namespace

RoomListing::RoomListing(const StoreOptions& options,
                         std::function<void(Connection&)> forget_cached)
    : forget_cached_(std::move(forget_cached)),
      has_room_version_(options.features.rooms_room_version),
      select_page_(std::string(kSelectPageHead) +
                   std::string(has_room_version_ ? kRoomVersionColumn : kNoRoomVersionColumn) +
                   std::string(kSelectPageTail)),
      directory_facts_(options.legacy_stats ? kDirectoryFactsLegacy : kDirectoryFactsSeparated) {}

RoomListing::Order RoomListing::CheckOrder(const std::string& order_by) const {
  if (!OrderColumns().count(order_by)) return Order::kUnknown;
  if (!has_room_version_ && order_by == "version") return Order::kUnavailable;
  return Order::kAvailable;
}

RoomPage RoomListing::List(Connection& conn, const RoomListFilter& filter) const {
  if (CheckOrder(filter.order_by) != Order::kAvailable) {
    throw std::invalid_argument("RoomListing: unknown order_by " + filter.order_by);
  }
  std::string from(kPageFrom);
  Params params;
  if (filter.name_contains) {
    from += kWhereNameLike;
    std::string term = *filter.name_contains;
    std::transform(term.begin(), term.end(), term.begin(), ::tolower);
    params.push_back("%" + term + "%");
  }
  RoomPage page;
  page.total = conn.QueryInt(std::string(kCount) + from, params).value_or(0);
  params.push_back(filter.limit);
  params.push_back(filter.from);
  const std::string sql =
      select_page_ + from + std::string(kOrderBy) + OrderColumns().at(filter.order_by) +
      std::string(filter.descending ? kDesc : kAsc) + std::string(kThenRoomIdPage);
  for (const auto& row : conn.Query(sql, params)) {
    page.rooms.push_back({row.Text(0), row.OptText(1), row.OptText(2), row.Int(3), row.Int(4),
                          row.OptText(5), row.OptText(6), row.OptText(7), row.Bool(8), row.Bool(9),
                          row.OptText(10), row.OptText(11), row.OptText(12), row.Int(13)});
  }
  return page;
}

bool RoomListing::Exists(Connection& conn, const std::string& room_id) const {
  return !conn.Query(kRoomExists, {room_id}).empty();
}

std::vector<std::string> RoomListing::JoinedMembers(Connection& conn,
                                                    const std::string& room_id) const {
  std::vector<std::string> out;
  for (const auto& row : conn.Query(kJoinedMembers, {room_id})) out.push_back(row.Text(0));
  return out;
}

std::vector<std::string> RoomListing::RemoveAliases(Connection& conn,
                                                    const std::string& room_id) const {
  std::vector<std::string> aliases;
  for (const auto& row : conn.Query(kSelectAliases, {room_id})) {
    aliases.push_back(row.Text(0));
    conn.Execute(kDeleteAliasServers, {row.Text(0)});
  }
  conn.Execute(kDeleteAliases, {room_id});
  return aliases;
}

void RoomListing::Purge(Connection& conn, const std::string& room_id) const {
  for (const char* table : kPurgedTables) {
    conn.Execute(std::string(kDeleteFrom) + table + std::string(kWhereRoomId), {room_id});
  }
  if (forget_cached_) forget_cached_(conn);
}

std::map<std::string, int64_t> RoomListing::JoinedCounts(Connection& conn) const {
  std::map<std::string, int64_t> out;
  for (const auto& row : conn.Query(kJoinedCounts)) out[row.Text(0)] = row.Int(1);
  return out;
}

std::vector<std::pair<std::string, std::string>> RoomListing::NameEvents(Connection& conn) const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& row : conn.Query(kNameEvents)) out.emplace_back(row.Text(0), row.Text(1));
  return out;
}

std::vector<RoomDirectoryFacts> RoomListing::DirectoryFacts(Connection& conn) const {
  std::vector<RoomDirectoryFacts> out;
  for (const auto& row : conn.Query(directory_facts_)) {
    out.push_back({row.Text(0), row.Bool(1), row.OptInt(2), row.Bool(3), row.OptText(4)});
  }
  return out;
}

}  // namespace strata::storage
