#include "storage/state/state_bg_updates.h"

namespace strata::storage {
namespace {

constexpr std::string_view kNextRoomAfter =
    "SELECT MIN(room_id) FROM current_state_events WHERE room_id > ?";
constexpr std::string_view kFillMembership =
    "UPDATE current_state_events SET membership = (SELECT membership FROM room_memberships "
    "WHERE room_memberships.event_id = current_state_events.event_id) WHERE room_id = ?";

}  // namespace

StateBgUpdates::StateBgUpdates(const StoreOptions& options) : options_(options) {}

std::optional<std::string> StateBgUpdates::NextRoomAfter(Connection& conn,
                                                         const std::string& after) const {
  return conn.QueryValue(kNextRoomAfter, {after});
}

int64_t StateBgUpdates::FillMembershipColumn(Connection& conn, const std::string& room_id) const {
  return conn.Execute(kFillMembership, {room_id});
}

}  // namespace strata::storage
