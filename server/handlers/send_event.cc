#include "handlers/send_event.h"

#include "handlers/api_error.h"
#include "handlers/stats_engine.h"

namespace strata::handlers {

events::StoredEvent SendEventOn(Services& s, storage::Connection& writer,
                                const events::EventDraft& draft) {
  auto stored = events::Persist(writer, s.event_context, draft);
  if (!stored.ok()) {
    const Status& st = stored.status();
    switch (st.code()) {
      case Status::Code::kNotFound:
        throw NotFound(st.message());
      case Status::Code::kFailedPrecondition:
        throw Forbidden(st.message());
      default:
        throw ApiError(400, "M_UNKNOWN", st.message());
    }
  }
  if (draft.state_key && s.release.stats == schema::StatsEngine::kSeparated &&
      s.config.stats.enabled) {
    ProcessStatsDeltas(writer, {s.server_name(), s.NowMs()});
  }
  s.notifier.Notify(stored->stream_ordering);
  return std::move(stored).value();
}

events::StoredEvent SendEvent(Services& s, const events::EventDraft& draft) {
  auto writer = s.db.AcquireWriter();
  return SendEventOn(s, *writer, draft);
}

}  // namespace strata::handlers
