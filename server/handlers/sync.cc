#include "handlers/sync.h"

#include <algorithm>
#include <set>

#include "events/event_store.h"
#include "handlers/api_error.h"
#include "handlers/receipts.h"
#include "handlers/rooms.h"
#include "handlers/typing.h"
#include "handlers/user_data.h"
#include "storage/account_data/account_data_store.h"
#include "storage/events/event_store.h"
#include "storage/filters/filter_store.h"
#include "storage/membership/membership_store.h"
#include "storage/receipts/receipt_store.h"
#include "storage/state/state_store.h"

namespace strata::handlers {
namespace {

using nlohmann::json;
using storage::Connection;

constexpr int64_t kDefaultTimelineLimit = 10;
constexpr int64_t kMaxTimeout = 10 * 60 * 1000;

// A position in every stream /sync reads. Written in Synapse's layout,
// "s<events>_<presence>_<typing>_<receipts>_<account data>_<push rules>_<to-device>_
// <device lists>_<groups>", with 0 for the streams Strata does not have. A plain "s<N>"
// (older Strata tokens) carries only the event position.
struct SyncToken {
  int64_t events = 0;
  int64_t typing = 0;
  int64_t receipts = 0;
  int64_t account_data = 0;

  std::string Format() const {
    return "s" + std::to_string(events) + "_0_" + std::to_string(typing) + "_" +
           std::to_string(receipts) + "_" + std::to_string(account_data) + "_0_0_0_0";
  }
  static std::optional<SyncToken> Parse(const std::string& text) {
    if (text.size() < 2 || text[0] != 's') return std::nullopt;
    std::vector<int64_t> parts;
    size_t start = 1;
    while (true) {
      const size_t end = text.find('_', start);
      const std::string digits = text.substr(start, end == std::string::npos ? end : end - start);
      if (digits.empty() || digits.size() > 18 ||
          !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
      }
      parts.push_back(std::stoll(digits));
      if (end == std::string::npos) break;
      start = end + 1;
    }
    if (parts.size() == 1) return SyncToken{parts[0], 0, 0, 0};
    if (parts.size() < 5) return std::nullopt;
    return SyncToken{parts[0], parts[2], parts[3], parts[4]};
  }
};

json AccountDataEvents(const std::vector<storage::AccountDataEntry>& entries) {
  json out = json::array();
  for (const auto& entry : entries) {
    json content = json::parse(entry.content, nullptr, false);
    if (!content.is_discarded()) out.push_back({{"type", entry.type}, {"content", content}});
  }
  return out;
}

json ParseFilter(Services& s, const Requester& r, const std::optional<std::string>& filter) {
  if (!filter) return json::object();
  if (!filter->empty() && (*filter)[0] == '{') {
    json j = json::parse(*filter, nullptr, false);
    if (j.is_discarded() || !j.is_object())
      throw ApiError(400, "M_NOT_JSON", "Invalid filter JSON");
    return j;
  }
  return GetFilter(s, r, *filter);
}

int64_t TimelineLimit(const json& filter) {
  const json* f = &filter;
  for (const char* key : {"room", "timeline"}) {
    if (!f->is_object() || !f->contains(key)) return kDefaultTimelineLimit;
    f = &(*f)[key];
  }
  if (f->is_object() && f->contains("limit") && (*f)["limit"].is_number_integer()) {
    return std::clamp<int64_t>((*f)["limit"].get<int64_t>(), 1, 1000);
  }
  return kDefaultTimelineLimit;
}

struct Membership {
  std::string room_id;
  std::string membership;
  std::string event_id;
  int64_t stream = 0;
};

std::vector<Membership> Memberships(Services& s, Connection& conn, const std::string& user_id) {
  std::vector<Membership> out;
  for (const auto& m : s.stores.membership->UnforgottenMemberships(conn, user_id)) {
    out.push_back({m.room_id, m.membership, m.event_id, m.stream_ordering});
  }
  return out;
}

// Events of the room in (after, upto], the newest `limit` of them in order, and whether
// there were more.
std::pair<std::vector<storage::StreamEvent>, bool> Timeline(Services& s, Connection& conn,
                                                            const std::string& room_id,
                                                            int64_t after, int64_t upto,
                                                            int64_t limit) {
  auto rows = s.stores.events->RoomEvents(conn, room_id, after, upto, true, limit + 1);
  const bool limited = static_cast<int64_t>(rows.size()) > limit;
  if (limited) rows.pop_back();
  std::reverse(rows.begin(), rows.end());
  return {rows, limited};
}

json RoomSection(Services& s, Connection& conn, const Membership& m, int64_t since, bool initial,
                 int64_t upto, int64_t limit, bool full_state) {
  auto [rows, limited] = Timeline(s, conn, m.room_id, initial ? 0 : since, upto, limit);
  std::vector<std::string> timeline_ids;
  std::set<std::string> in_timeline;
  for (const auto& row : rows) {
    timeline_ids.push_back(row.event_id);
    in_timeline.insert(row.event_id);
  }
  std::vector<std::string> state_ids;
  const bool newly = initial || full_state || m.stream > since;
  if (newly) {
    for (const auto& [key, id] : events::CurrentState(s.stores, conn, m.room_id)) {
      if (!in_timeline.count(id)) state_ids.push_back(id);
    }
  } else if (limited) {
    // State that changed in the gap the timeline does not cover.
    const int64_t first = rows.empty() ? upto : rows.front().stream_ordering;
    for (auto& id : s.stores.state->StateEventsBetween(conn, m.room_id, since, first)) {
      state_ids.push_back(std::move(id));
    }
  }
  json timeline = json::array();
  for (auto& e : events::ClientEvents(s.stores, conn, timeline_ids, s.NowMs()))
    timeline.push_back(e);
  json state = json::array();
  for (auto& e : events::ClientEvents(s.stores, conn, state_ids, s.NowMs())) state.push_back(e);
  const int64_t prev = rows.empty() ? upto : rows.front().stream_ordering - 1;
  return {
      {"timeline", {{"events", timeline}, {"limited", limited}, {"prev_batch", StreamToken(prev)}}},
      {"state", {{"events", state}}},
      {"account_data", {{"events", json::array()}}},
      {"ephemeral", {{"events", json::array()}}},
      {"unread_notifications", {{"highlight_count", 0}, {"notification_count", 0}}},
      {"summary", json::object()}};
}

json InviteSection(Services& s, Connection& conn, const Membership& m) {
  // Stripped state: what the invitee needs to show the invite.
  json events = json::array();
  auto state = events::CurrentState(s.stores, conn, m.room_id);
  for (const char* type : {"m.room.create", "m.room.join_rules", "m.room.name",
                           "m.room.canonical_alias", "m.room.avatar", "m.room.encryption"}) {
    auto it = state.find({type, ""});
    if (it == state.end()) continue;
    for (auto& e : events::ClientEvents(s.stores, conn, {it->second}, s.NowMs())) {
      events.push_back({{"type", e["type"]},
                        {"state_key", e["state_key"]},
                        {"content", e["content"]},
                        {"sender", e["sender"]}});
    }
  }
  for (auto& e : events::ClientEvents(s.stores, conn, {m.event_id}, s.NowMs())) events.push_back(e);
  return {{"invite_state", {{"events", events}}}};
}

// What one /sync covers: streams in (from, upto].
struct SyncWindow {
  std::string user_id;
  bool incremental = false;  // a since token was given
  bool full_state = false;
  SyncToken from, upto;
  int64_t limit = 0;
};

// The room's "join" section, or null when an incremental sync has nothing new for it.
json JoinedRoomSection(Services& s, Connection& conn, const Membership& m, const SyncWindow& w) {
  // What is ephemeral or per-user in this room since the token.
  json ephemeral = json::array();
  auto typing = s.typing->Room(m.room_id);
  if (typing && (w.incremental ? typing->serial > w.from.typing : !typing->user_ids.empty())) {
    ephemeral.push_back({{"type", "m.typing"}, {"content", {{"user_ids", typing->user_ids}}}});
  }
  // Streams that have not moved since the token need no query.
  if (w.upto.receipts > w.from.receipts) {
    json receipt = ReceiptEvent(s, conn, m.room_id, w.from.receipts, w.upto.receipts);
    if (!receipt.is_null()) ephemeral.push_back(std::move(receipt));
  }
  const json room_data =
      w.upto.account_data > w.from.account_data
          ? AccountDataEvents(s.stores.account_data->ForRoomBetween(
                conn, w.user_id, m.room_id, w.from.account_data, w.upto.account_data))
          : json::array();
  const bool changed =
      !w.incremental || w.full_state || !ephemeral.empty() || !room_data.empty() ||
      s.stores.events->RoomHasEventsBetween(conn, m.room_id, w.from.events, w.upto.events);
  if (!changed) return nullptr;
  json section =
      RoomSection(s, conn, m, w.from.events, !w.incremental, w.upto.events, w.limit, w.full_state);
  section["ephemeral"]["events"] = std::move(ephemeral);
  section["account_data"]["events"] = room_data;
  return section;
}

}  // namespace

SyncOutcome SyncOnce(Services& s, const Requester& r, const SyncQuery& q) {
  std::optional<SyncToken> since;
  if (q.since) {
    since = SyncToken::Parse(*q.since);
    if (!since) throw InvalidParam("Invalid since token");
  }
  const json filter = ParseFilter(s, r, q.filter);
  const int64_t limit = TimelineLimit(filter);
  const auto timeout = std::chrono::milliseconds(std::clamp<int64_t>(q.timeout_ms, 0, kMaxTimeout));
  const auto deadline = q.started + timeout;
  {
    const uint64_t generation = s.notifier.generation();
    const int64_t now_ms = s.NowMs();
    json rooms = {{"join", json::object()}, {"invite", json::object()}, {"leave", json::object()}};
    SyncToken upto;
    upto.typing = s.typing->Serial(now_ms);
    // Typing lives in memory: a token from before a restart may be ahead of it.
    const SyncToken from =
        since ? SyncToken{since->events, since->typing <= upto.typing ? since->typing : 0,
                          since->receipts, since->account_data}
              : SyncToken{};
    std::vector<std::string> joined;
    json account_data = json::array();
    {
      auto conn = s.db.Acquire();
      upto.events = events::MaxStreamOrdering(s.stores, *conn);
      upto.receipts = s.stores.receipts->MaxStreamId(*conn);
      upto.account_data = s.stores.account_data->MaxStreamId(*conn);
      const SyncWindow window{r.user_id, since.has_value(), q.full_state, from, upto, limit};
      for (const auto& m : Memberships(s, *conn, r.user_id)) {
        if (m.membership == "join") {
          joined.push_back(m.room_id);
          json section = JoinedRoomSection(s, *conn, m, window);
          if (!section.is_null()) rooms["join"][m.room_id] = std::move(section);
        } else if (m.membership == "invite") {
          if (!since || m.stream > from.events)
            rooms["invite"][m.room_id] = InviteSection(s, *conn, m);
        } else if (since && m.stream > from.events && m.stream <= upto.events) {
          json section = RoomSection(s, *conn, m, from.events, false, m.stream, limit, false);
          section.erase("ephemeral");
          section.erase("unread_notifications");
          section.erase("summary");
          rooms["leave"][m.room_id] = section;
        }
      }
      if (upto.account_data > from.account_data) {
        account_data = AccountDataEvents(s.stores.account_data->GlobalBetween(
            *conn, r.user_id, from.account_data, upto.account_data));
      }
    }
    const bool empty = rooms["join"].empty() && rooms["invite"].empty() && rooms["leave"].empty() &&
                       account_data.empty();
    const auto now = std::chrono::steady_clock::now();
    if (!since || !empty || now >= deadline) {
      if (since) {
        // Never hand back a token behind the one given.
        upto.events = std::max(upto.events, since->events);
        upto.receipts = std::max(upto.receipts, since->receipts);
        upto.account_data = std::max(upto.account_data, since->account_data);
      }
      return json{{"next_batch", upto.Format()},
                  {"rooms", rooms},
                  {"presence", {{"events", json::array()}}},
                  {"account_data", {{"events", account_data}}},
                  {"to_device", {{"events", json::array()}}},
                  {"device_lists", {{"changed", json::array()}, {"left", json::array()}}},
                  {"device_one_time_keys_count", json::object()}};
    }
    // Wait for news of the user's rooms or their account data, or for the next timeout of a
    // typer in their rooms to lapse (which is news too).
    SyncWait wait{generation, {joined.begin(), joined.end()}, deadline};
    if (auto expiry = s.typing->NextExpiryIn(s.NowMs(), joined)) {
      wait.retry_at = std::min(wait.retry_at, now + std::chrono::milliseconds(*expiry + 1));
    }
    wait.keys.insert(r.user_id);
    return wait;
  }
}

json Sync(Services& s, const Requester& r, const SyncQuery& q) {
  while (true) {
    SyncOutcome outcome = SyncOnce(s, r, q);
    if (auto* body = std::get_if<json>(&outcome)) return std::move(*body);
    const auto& wait = std::get<SyncWait>(outcome);
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        wait.retry_at - std::chrono::steady_clock::now());
    s.notifier.WaitForChange(wait.generation, std::max(left, std::chrono::milliseconds(0)),
                             wait.keys);
  }
}

json CreateFilter(Services& s, const Requester& r, const json& filter) {
  if (!filter.is_object()) throw BadJson("Filter must be an object");
  auto local = LocalpartOf(s, r.user_id).value_or(r.user_id);
  auto conn = s.db.AcquireWriter();
  storage::Transaction txn(*conn);
  // user_filters.user_id holds the localpart, as Synapse stores it.
  const int64_t id = s.stores.filters->NextFilterId(*conn, local);
  s.stores.filters->InsertFilter(*conn, local, id, filter.dump());
  txn.Commit();
  return {{"filter_id", std::to_string(id)}};
}

json GetFilter(Services& s, const Requester& r, const std::string& filter_id) {
  if (filter_id.empty() || filter_id.size() > 18 ||
      !std::all_of(filter_id.begin(), filter_id.end(),
                   [](char c) { return c >= '0' && c <= '9'; })) {
    throw NotFound("Invalid filter ID");
  }
  auto local = LocalpartOf(s, r.user_id).value_or(r.user_id);
  auto conn = s.db.Acquire();
  auto text = s.stores.filters->FilterJson(*conn, local, std::stoll(filter_id));
  if (!text) throw NotFound("No such filter");
  json j = json::parse(*text, nullptr, false);
  if (j.is_discarded()) throw NotFound("No such filter");
  return j;
}

}  // namespace strata::handlers
