#include "handlers/send_event.h"

#include "handlers/api_error.h"
#include "stats/legacy_stats_engine.h"
#include "stats/stats_engine.h"

namespace strata::handlers {

events::StoredEvent SendEventOn(Services& s, storage::Connection& writer,
                                const events::EventDraft& draft) {
  auto stored = events::Persist(s.stores, writer, s.event_context, draft);
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
  if (draft.state_key && s.config.stats.enabled) {
    if (s.release.stats == schema::StatsEngine::kSeparated) {
      stats::ProcessStatsDeltas(*s.stores.stats, writer, {s.server_name(), s.NowMs()});
    } else {
      // 1.1-1.3 kept stats.bucket_size in seconds.
      stats::ProcessLegacyStatsDeltas(
          *s.stores.stats, writer,
          {s.server_name(), s.config.stats.bucket_size_ms / 1000, s.NowMs()});
    }
  }
  // Wake the polls of the room's members, and for a membership the polls of its target (an
  // invitee, or a user joining a room they were not in).
  // Only once committed: a poll woken earlier could look, find nothing and sleep through it.
  std::vector<std::string> concerned{draft.room_id};
  if (draft.type == "m.room.member" && draft.state_key) concerned.push_back(*draft.state_key);
  const bool state = draft.state_key.has_value();
  writer.AtTransactionEnd([&s, stream = stored->stream_ordering, concerned, state] {
    s.notifier.Notify(stream, concerned);
    // Membership, name, topic, avatar, aliases, join rules...: what the room list shows.
    if (state) s.public_rooms.Changed();
  });
  return std::move(stored).value();
}

events::StoredEvent SendEvent(Services& s, const events::EventDraft& draft) {
  return s.event_writes.Run(
      [&](storage::Connection& writer) { return SendEventOn(s, writer, draft); });
}

}  // namespace strata::handlers
