#include "crypto/redaction.h"

#include <array>
#include <span>
#include <string_view>

namespace strata::crypto {
namespace {

using nlohmann::json;

constexpr std::string_view kKeptTopLevelKeys[] = {"event_id",   "type",
                                                  "room_id",    "sender",
                                                  "state_key",  "content",
                                                  "hashes",     "signatures",
                                                  "depth",      "prev_events",
                                                  "prev_state", "auth_events",
                                                  "origin",     "origin_server_ts",
                                                  "membership"};

constexpr std::array<std::string_view, 1> kMemberKeys = {"membership"};
constexpr std::array<std::string_view, 1> kCreateKeys = {"creator"};
constexpr std::array<std::string_view, 1> kJoinRulesKeys = {"join_rule"};
constexpr std::array<std::string_view, 8> kPowerLevelsKeys = {
    "ban", "events", "events_default", "kick", "redact", "state_default", "users", "users_default"};
constexpr std::array<std::string_view, 1> kAliasesKeys = {"aliases"};
constexpr std::array<std::string_view, 1> kHistoryVisibilityKeys = {"history_visibility"};

// The content keys an event of `type` keeps through redaction in `version`.
std::span<const std::string_view> KeptContentKeys(std::string_view type,
                                                  const RoomVersion& version) {
  if (type == "m.room.member") return kMemberKeys;
  if (type == "m.room.create") return kCreateKeys;
  if (type == "m.room.join_rules") return kJoinRulesKeys;
  if (type == "m.room.power_levels") return kPowerLevelsKeys;
  if (type == "m.room.history_visibility") return kHistoryVisibilityKeys;
  // MSC2432 (room v6) stripped m.room.aliases of any meaning, including its redaction exemption.
  if (type == "m.room.aliases" && version.special_case_aliases) return kAliasesKeys;
  return {};
}

}  // namespace

Result<json> RedactEvent(const json& event, const RoomVersion& version) {
  if (!event.is_object()) {
    return Status::InvalidArgument(std::string("an event must be a JSON object, got ") +
                                   event.type_name());
  }
  json redacted = json::object();
  for (std::string_view key : kKeptTopLevelKeys) {
    if (key == "content") continue;  // rebuilt below
    if (auto it = event.find(key); it != event.end()) redacted[std::string(key)] = *it;
  }

  json content = json::object();
  auto type = event.find("type");
  auto old_content = event.find("content");
  if (type != event.end() && type->is_string() && old_content != event.end() &&
      old_content->is_object()) {
    for (std::string_view key : KeptContentKeys(type->get_ref<const std::string&>(), version)) {
      if (auto it = old_content->find(key); it != old_content->end()) {
        content[std::string(key)] = *it;
      }
    }
  }
  redacted["content"] = std::move(content);
  return redacted;
}

}  // namespace strata::crypto
