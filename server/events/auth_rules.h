// The authorisation rules for events local users send (the spec's "Authorization rules",
// as far as a single-server homeserver needs them): membership transitions, join rules,
// power levels for state, messages, invites, kicks and bans.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "events/event_store.h"
#include "util/status.h"

namespace strata::events {

// Everything the rules read about the room, by (type, state_key); null if absent.
using StateLookup =
    std::function<nlohmann::json(const std::string& type, const std::string& state_key)>;

// The power level of `user_id` under the room's power levels (null if the room has none yet:
// then the creator has 100 and everyone else 0).
int64_t UserPowerLevel(const nlohmann::json& power_levels, const nlohmann::json& create,
                       const std::string& user_id);

// OK, or FailedPrecondition saying why `draft` may not be sent.
Status CheckAuth(const EventDraft& draft, const StateLookup& state);

}  // namespace strata::events
