// Creating local events and storing them in Synapse's tables, the way Synapse 1.x stored the
// events its own users sent: events, event_json, state_events, current_state_events (with
// `membership` only where the schema has that column, i.e. from schema 56), room_memberships,
// event_edges, event_forward_extremities, event_auth, room_depth, current_state_delta_stream,
// state groups (a delta group per state event, chained through state_group_edges), and the
// rooms row for an m.room.create.
//
// Promises:
//  - Persist writes one event in one transaction: either every table has it or none does.
//  - Events are authorised first (auth_rules.h) against the room's current state; a refused
//    event writes nothing.
//  - Event ids and hashes follow the room's version; the event is signed with the server key.
//  - Every read and write goes through `stores` (one per database, shared: their caches forget
//    what a write changes only if the write goes through them too).
//  - REQUIRES: the connection comes from ConnectionPool::AcquireWriter, so stream orderings
//    and state group ids (allocated as MAX()+1) cannot race.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "crypto/signing_key.h"
#include "storage/database.h"
#include "util/status.h"

namespace strata::storage {
struct Stores;
}

namespace strata::events {

struct EventContext {
  std::string server_name;
  crypto::SigningKey signing_key;
  std::function<int64_t()> now_ms;
};

// What a local user asks to send.
struct EventDraft {
  std::string room_id;
  std::string type;
  std::string sender;
  std::optional<std::string> state_key;
  nlohmann::json content = nlohmann::json::object();
  std::optional<std::string> txn_id;  // kept in internal_metadata, for the sender's echo
  std::string room_version;           // only read for m.room.create
};

struct StoredEvent {
  std::string event_id;
  int64_t stream_ordering = 0;
  nlohmann::json client_event;  // the client-server form (event_id, no hashes or signatures)
};

// (type, state_key) -> event id.
using StateKey = std::pair<std::string, std::string>;
using StateMap = std::map<StateKey, std::string>;

// Builds, authorises, hashes, signs and stores `draft`.
// Errors: NotFound (unknown room), FailedPrecondition (refused by the auth rules: 403),
// InvalidArgument (malformed content: 400).
Result<StoredEvent> Persist(const storage::Stores& stores, storage::Connection& conn,
                            const EventContext& ctx, const EventDraft& draft);

// Reads -------------------------------------------------------------------------------------

// The room's version, or nullopt if the room is unknown.
std::optional<std::string> RoomVersionOf(const storage::Stores& stores, storage::Connection& conn,
                                         const std::string& room_id);
StateMap CurrentState(const storage::Stores& stores, storage::Connection& conn,
                      const std::string& room_id);
// The content of an event, or null if absent.
nlohmann::json EventContent(const storage::Stores& stores, storage::Connection& conn,
                            const std::string& event_id);
// The client-server form of stored events, in the given order (unknown ids skipped).
std::vector<nlohmann::json> ClientEvents(const storage::Stores& stores, storage::Connection& conn,
                                         const std::vector<std::string>& event_ids, int64_t now_ms);
// A user's current membership in a room ("join", "invite", "leave", "ban") or nullopt.
std::optional<std::string> MembershipOf(const storage::Stores& stores, storage::Connection& conn,
                                        const std::string& room_id, const std::string& user_id);
// The largest stream ordering stored so far (0 for none).
int64_t MaxStreamOrdering(const storage::Stores& stores, storage::Connection& conn);
// Turns a stored PDU (event_json.json) into the client-server form.
nlohmann::json ToClientEvent(const nlohmann::json& pdu, const std::string& event_id,
                             int64_t now_ms);

}  // namespace strata::events
