// rc_message: how fast one user may send events (messages, state, membership changes, room
// creation, profile updates reaching their rooms), keyed by user id, as Synapse's
// BaseHandler.ratelimit did. A ratelimit_override row for the user replaces the configured
// rate; one with no (or zero) messages_per_second exempts the user, which is how Synapse
// exempts a user (admins included: being a server admin alone exempts nobody).
#pragma once

#include "handlers/accounts.h"
#include "handlers/api_error.h"
#include "handlers/services.h"

namespace strata::handlers {

// Throws 429 M_LIMIT_EXCEEDED with retry_after_ms when the user must wait; otherwise counts
// the action (unless `update` is false: only looking).
void RatelimitMessage(Services& s, const Requester& r, bool update = true);
// Counts an action that is done (its event stored) against rc_message; never refuses. Actions
// check with RatelimitMessage(update=false) first and count only once they succeed, so a
// refused request (403, 404) spends nothing, as Synapse limited only after its auth checks.
void CountMessage(Services& s, const Requester& r);

// The 429 every limiter answers.
ApiError LimitExceeded(int64_t retry_after_ms);

}  // namespace strata::handlers
