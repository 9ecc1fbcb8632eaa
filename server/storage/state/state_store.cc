#include "storage/state/state_store.h"

namespace strata::storage {
namespace {

constexpr std::string_view kSelectCurrentState =
    "SELECT type, state_key, event_id FROM current_state_events WHERE room_id = ?";
constexpr std::string_view kSelectMemberEventIds =
    "SELECT event_id FROM current_state_events WHERE room_id = ? AND "
    "type = 'm.room.member' ORDER BY state_key";
constexpr std::string_view kSelectMembershipStreamOrdering =
    "SELECT e.stream_ordering FROM current_state_events c JOIN events e "
    "ON e.event_id = c.event_id WHERE c.room_id = ? AND c.type = "
    "'m.room.member' AND c.state_key = ?";
constexpr std::string_view kSelectStateEventsBetween =
    "SELECT s.event_id FROM state_events s JOIN events e ON e.event_id = s.event_id "
    "WHERE s.room_id = ? AND e.stream_ordering > ? AND e.stream_ordering < ? "
    "ORDER BY e.stream_ordering";
constexpr std::string_view kSelectStateGroupOf =
    "SELECT state_group FROM event_to_state_groups WHERE event_id = ?";

// State group ids: PostgreSQL's sequence where the database has one, else MAX()+1.
constexpr std::string_view kNextStateGroupFromSequence = "SELECT nextval('state_group_id_seq')";
constexpr std::string_view kNextStateGroupFromMax =
    "SELECT COALESCE(MAX(id), 0) + 1 FROM state_groups";

constexpr std::string_view kInsertStateGroup =
    "INSERT INTO state_groups (id, room_id, event_id) VALUES (?, ?, ?)";
constexpr std::string_view kInsertStateGroupEdge =
    "INSERT INTO state_group_edges (state_group, prev_state_group) VALUES (?, ?)";
constexpr std::string_view kInsertStateGroupState =
    "INSERT INTO state_groups_state (state_group, room_id, type, state_key, "
    "event_id) VALUES (?, ?, ?, ?, ?)";
constexpr std::string_view kInsertEventToStateGroup =
    "INSERT INTO event_to_state_groups (event_id, state_group) VALUES (?, ?)";
constexpr std::string_view kInsertStateEvent =
    "INSERT INTO state_events (event_id, room_id, type, state_key, prev_state) "
    "VALUES (?, ?, ?, ?, ?)";
constexpr std::string_view kDeleteCurrentState =
    "DELETE FROM current_state_events WHERE room_id = ? AND type = ? AND "
    "state_key = ?";
// current_state_events.membership appears at schema 56.
constexpr std::string_view kInsertCurrentStateWithMembership =
    "INSERT INTO current_state_events (event_id, room_id, type, state_key, "
    "membership) VALUES (?, ?, ?, ?, ?)";
constexpr std::string_view kInsertCurrentState =
    "INSERT INTO current_state_events (event_id, room_id, type, state_key) "
    "VALUES (?, ?, ?, ?)";
constexpr std::string_view kInsertCurrentStateDelta =
    "INSERT INTO current_state_delta_stream (stream_id, room_id, type, state_key, "
    "event_id, prev_event_id) VALUES (?, ?, ?, ?, ?, ?)";

}  // namespace

StateStore::StateStore(const StoreOptions& options)
    : options_(options),
      cache_(std::make_unique<ReadThroughCache<std::string, std::shared_ptr<const RoomState>>>(
          kCachedRooms)),
      next_state_group_sql_(options.features.state_group_sequence ? kNextStateGroupFromSequence
                                                                  : kNextStateGroupFromMax),
      insert_current_state_sql_(options.features.current_state_membership
                                    ? kInsertCurrentStateWithMembership
                                    : kInsertCurrentState) {}

std::shared_ptr<const StateStore::RoomState> StateStore::CachedState(
    Connection& conn, const std::string& room_id) const {
  return cache_->Get(conn, room_id, [&] {
    auto state = std::make_shared<RoomState>();
    for (const auto& row : conn.Query(kSelectCurrentState, {room_id})) {
      state->rows.push_back({row.Text(0), row.Text(1), row.Text(2)});
      state->by_key.emplace(std::pair(row.Text(0), row.Text(1)), row.Text(2));
    }
    return std::shared_ptr<const RoomState>(std::move(state));
  });
}

std::vector<CurrentStateRow> StateStore::CurrentState(Connection& conn,
                                                      const std::string& room_id) const {
  return CachedState(conn, room_id)->rows;
}

std::optional<std::string> StateStore::CurrentStateEventId(Connection& conn,
                                                           const std::string& room_id,
                                                           const std::string& type,
                                                           const std::string& state_key) const {
  const auto state = CachedState(conn, room_id);
  auto it = state->by_key.find({type, state_key});
  if (it == state->by_key.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> StateStore::MemberEventIds(Connection& conn,
                                                    const std::string& room_id) const {
  std::vector<std::string> out;
  for (const auto& row : conn.Query(kSelectMemberEventIds, {room_id})) out.push_back(row.Text(0));
  return out;
}

std::optional<int64_t> StateStore::MembershipStreamOrdering(Connection& conn,
                                                            const std::string& room_id,
                                                            const std::string& user_id) const {
  return conn.QueryInt(kSelectMembershipStreamOrdering, {room_id, user_id});
}

std::vector<std::string> StateStore::StateEventsBetween(Connection& conn,
                                                        const std::string& room_id, int64_t after,
                                                        int64_t before) const {
  std::vector<std::string> out;
  for (const auto& row : conn.Query(kSelectStateEventsBetween, {room_id, after, before})) {
    out.push_back(row.Text(0));
  }
  return out;
}

std::optional<int64_t> StateStore::StateGroupOf(Connection& conn,
                                                const std::string& event_id) const {
  return conn.QueryInt(kSelectStateGroupOf, {event_id});
}

int64_t StateStore::NextStateGroup(Connection& conn) const {
  return conn.QueryInt(next_state_group_sql_).value_or(1);
}

void StateStore::InsertStateGroup(Connection& conn, int64_t group, const std::string& room_id,
                                  const std::string& event_id,
                                  std::optional<int64_t> prev_group) const {
  conn.Execute(kInsertStateGroup, {group, room_id, event_id});
  if (prev_group) conn.Execute(kInsertStateGroupEdge, {group, *prev_group});
}

void StateStore::InsertStateGroupEntry(Connection& conn, int64_t group, const std::string& room_id,
                                       const std::string& type, const std::string& state_key,
                                       const std::string& event_id) const {
  conn.Execute(kInsertStateGroupState, {group, room_id, type, state_key, event_id});
}

void StateStore::InsertEventToStateGroup(Connection& conn, const std::string& event_id,
                                         int64_t group) const {
  conn.Execute(kInsertEventToStateGroup, {event_id, group});
}

void StateStore::InsertStateEvent(Connection& conn, const std::string& event_id,
                                  const std::string& room_id, const std::string& type,
                                  const std::string& state_key,
                                  const std::optional<std::string>& prev_state) const {
  conn.Execute(kInsertStateEvent, {event_id, room_id, type, state_key, prev_state});
}

void StateStore::ReplaceCurrentState(Connection& conn, const std::string& event_id,
                                     const std::string& room_id, const std::string& type,
                                     const std::string& state_key,
                                     const std::optional<std::string>& membership) const {
  conn.Execute(kDeleteCurrentState, {room_id, type, state_key});
  if (options_.features.current_state_membership) {
    conn.Execute(insert_current_state_sql_, {event_id, room_id, type, state_key, membership});
  } else {
    conn.Execute(insert_current_state_sql_, {event_id, room_id, type, state_key});
  }
  // After the write: outside a transaction it is committed by now.
  cache_->Forget(conn, room_id);
}

void StateStore::InsertCurrentStateDelta(Connection& conn, int64_t stream_id,
                                         const std::string& room_id, const std::string& type,
                                         const std::string& state_key, const std::string& event_id,
                                         const std::optional<std::string>& prev_event_id) const {
  conn.Execute(kInsertCurrentStateDelta,
               {stream_id, room_id, type, state_key, event_id, prev_event_id});
}

}  // namespace strata::storage
