// Rooms: creation with presets, membership changes, sending, state and history reads, for
// local users. Every write goes through SendEvent (auth rules, one transaction per event).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "handlers/accounts.h"
#include "handlers/services.h"

namespace strata::handlers {

// POST /createRoom -> {"room_id", "room_alias"?}.
nlohmann::json CreateRoom(Services& s, const Requester& r, const nlohmann::json& body);

// Joins by room id or alias -> {"room_id"}. 404 for an unknown room or alias.
nlohmann::json JoinRoom(Services& s, const Requester& r, const std::string& id_or_alias);
// membership one of "leave", "invite", "kick", "ban", "unban"; `target` is the user acted on
// (the requester for "leave").
void ChangeMembership(Services& s, const Requester& r, const std::string& room_id,
                      const std::string& action, const std::string& target,
                      const std::optional<std::string>& reason);
// After a profile change: a new m.room.member join event (with the current displayname and
// avatar_url) in every room the local user is joined to, where the content differs from their
// current member event, as Synapse's profile handler did. Returns how many were sent.
int RefreshJoinedMemberships(Services& s, const std::string& user_id);
// Marks the room forgotten for the requester, who must have left it.
void ForgetRoom(Services& s, const Requester& r, const std::string& room_id);

// PUT /rooms/{id}/send/{type}/{txn}: the same txn id (per access token) gives the same event.
nlohmann::json SendMessage(Services& s, const Requester& r, const std::string& room_id,
                           const std::string& type, const std::string& txn_id,
                           const nlohmann::json& content);
nlohmann::json SendState(Services& s, const Requester& r, const std::string& room_id,
                         const std::string& type, const std::string& state_key,
                         const nlohmann::json& content);

nlohmann::json GetState(Services& s, const Requester& r, const std::string& room_id);
nlohmann::json GetStateEvent(Services& s, const Requester& r, const std::string& room_id,
                             const std::string& type, const std::string& state_key);
nlohmann::json GetMembers(Services& s, const Requester& r, const std::string& room_id);
nlohmann::json JoinedRooms(Services& s, const Requester& r);

// GET /rooms/{id}/messages. Tokens are "s<stream ordering>": a position between events.
struct MessagesQuery {
  std::optional<std::string> from, to;
  bool backwards = true;
  int64_t limit = 10;
};
nlohmann::json GetMessages(Services& s, const Requester& r, const std::string& room_id,
                           const MessagesQuery& q);

// Stream tokens shared with /sync: "s<N>" <-> N. nullopt for a malformed token.
std::string StreamToken(int64_t position);
std::optional<int64_t> ParseStreamToken(const std::string& token);

}  // namespace strata::handlers
