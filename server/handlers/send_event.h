// The one path by which handlers write events: persist (events/event_store.h), bring the
// room statistics up to date as the behaved-as release did, and wake /sync waiters once the
// event is committed. Refusals from the auth rules come back as ApiErrors (403 M_FORBIDDEN,
// 404 M_NOT_FOUND, 400).
#pragma once

#include "events/event_store.h"
#include "handlers/services.h"

namespace strata::handlers {

// Sends through s.event_writes, sharing one commit with concurrent sends; returns once the
// event is durable. REQUIRES: the caller holds no database lease.
events::StoredEvent SendEvent(Services& s, const events::EventDraft& draft);
// As SendEvent, on a writer connection the caller already holds (inside a group commit's work,
// or for check-then-send steps that must not race). If the caller holds a transaction there,
// the event is durable, and its waiters woken, when that transaction commits.
events::StoredEvent SendEventOn(Services& s, storage::Connection& writer,
                                const events::EventDraft& draft);

}  // namespace strata::handlers
