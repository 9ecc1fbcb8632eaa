// The admin API's rooms: listing with Synapse's order_by choices, one room's details, its
// members and state, and deleting it.
#include "events/event_store.h"
#include "handlers/admin.h"
#include "handlers/api_error.h"
#include "handlers/directory.h"
#include "handlers/send_event.h"
#include "storage/database.h"
#include "storage/rooms/room_listing.h"

namespace strata::handlers {
namespace {

using nlohmann::json;

json OptJson(const std::optional<std::string>& text) {
  return text ? json(*text) : json();
}

json RoomJson(const storage::AdminRoomRow& r) {
  return {{"room_id", r.room_id},
          {"name", OptJson(r.name)},
          {"canonical_alias", OptJson(r.canonical_alias)},
          {"joined_members", r.joined_members},
          {"joined_local_members", r.joined_local_members},
          {"version", OptJson(r.version)},
          {"creator", OptJson(r.creator)},
          {"encryption", OptJson(r.encryption)},
          {"federatable", r.federatable},
          {"public", r.is_public},
          {"join_rules", OptJson(r.join_rules)},
          {"guest_access", OptJson(r.guest_access)},
          {"history_visibility", OptJson(r.history_visibility)},
          {"state_events", r.state_events}};
}

void RequireRoom(Services& s, storage::Connection& conn, const std::string& room_id) {
  if (!s.stores.room_listing->Exists(conn, room_id)) throw NotFound("Room not found");
}

}  // namespace

json ListRooms(Services& s, const RoomListQuery& q) {
  const auto order = s.stores.room_listing->CheckOrder(q.order_by);
  if (order == storage::RoomListing::Order::kUnknown) {
    throw InvalidParam("Unknown value for order_by: " + q.order_by);
  }
  if (q.from < 0 || q.limit < 0) throw InvalidParam("from and limit must not be negative");
  if (order == storage::RoomListing::Order::kUnavailable) {
    throw InvalidParam("Unknown value for order_by");
  }
  // Sizes and room versions sort largest first by default, as in Synapse.
  bool descending = q.order_by == "size" || q.order_by == "joined_members" ||
                    q.order_by == "joined_local_members" || q.order_by == "state_events" ||
                    q.order_by == "version";
  if (q.backwards) descending = !descending;
  auto conn = s.db.Acquire();
  const storage::RoomPage page =
      s.stores.room_listing->List(*conn, {q.order_by, descending, q.search_term, q.limit, q.from});
  json rooms = json::array();
  for (const auto& room : page.rooms) rooms.push_back(RoomJson(room));
  json out = {{"rooms", rooms}, {"offset", q.from}, {"total_rooms", page.total}};
  if (q.from + static_cast<int64_t>(rooms.size()) < page.total) {
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
  RequireRoom(s, *conn, room_id);
  throw NotFound("Room has no statistics yet");
}

json RoomMembers(Services& s, const std::string& room_id) {
  auto conn = s.db.Acquire();
  RequireRoom(s, *conn, room_id);
  json members = json::array();
  for (const auto& user : s.stores.room_listing->JoinedMembers(*conn, room_id)) {
    members.push_back(user);
  }
  return {{"members", members}, {"total", members.size()}};
}

json RoomState(Services& s, const std::string& room_id) {
  auto conn = s.db.Acquire();
  RequireRoom(s, *conn, room_id);
  std::vector<std::string> ids;
  for (const auto& [key, event_id] : events::CurrentState(s.stores, *conn, room_id))
    ids.push_back(event_id);
  json state = json::array();
  for (auto& event : events::ClientEvents(s.stores, *conn, ids, s.NowMs())) state.push_back(event);
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
    for (const auto& alias : s.stores.room_listing->RemoveAliases(*conn, room_id)) {
      aliases.push_back(alias);
    }
    if (purge) s.stores.room_listing->Purge(*conn, room_id);
    txn.Commit();
  }
  s.public_rooms.Changed();
  (void)r;
  return {{"kicked_users", kicked},
          {"failed_to_kick_users", failed},
          {"local_aliases", aliases},
          {"new_room_id", nullptr}};
}

}  // namespace strata::handlers
