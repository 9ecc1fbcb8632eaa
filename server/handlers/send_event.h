// The one path by which handlers write events: persist (events/event_store.h), bring the
// room statistics up to date as the behaved-as release did, and wake /sync waiters. Refusals
// from the auth rules come back as ApiErrors (403 M_FORBIDDEN, 404 M_NOT_FOUND, 400).
#pragma once

#include "events/event_store.h"
#include "handlers/services.h"

namespace strata::handlers {

events::StoredEvent SendEvent(Services& s, const events::EventDraft& draft);
// As SendEvent, on a writer connection the caller already holds (for check-then-send steps
// that must not race, like transaction ids).
events::StoredEvent SendEventOn(Services& s, storage::Connection& writer,
                                const events::EventDraft& draft);

}  // namespace strata::handlers
