#include "events/auth_rules.h"

namespace strata::events {
namespace {

using nlohmann::json;

int64_t IntField(const json& obj, const char* key, int64_t fallback) {
  if (!obj.is_object() || !obj.contains(key)) return fallback;
  const json& v = obj.at(key);
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_string()) {  // old rooms carry levels as strings
    try {
      return std::stoll(v.get<std::string>());
    } catch (...) {
      return fallback;
    }
  }
  return fallback;
}

std::string MembershipIn(const json& member_content) {
  if (member_content.is_object() && member_content.contains("membership") &&
      member_content["membership"].is_string()) {
    return member_content["membership"].get<std::string>();
  }
  return "leave";
}

Status Refuse(const std::string& why) {
  return Status::FailedPrecondition(why);
}

}  // namespace

int64_t UserPowerLevel(const json& power_levels, const json& create, const std::string& user_id) {
  if (power_levels.is_object()) {
    if (power_levels.contains("users") && power_levels["users"].is_object() &&
        power_levels["users"].contains(user_id)) {
      return IntField(power_levels["users"], user_id.c_str(), 0);
    }
    return IntField(power_levels, "users_default", 0);
  }
  if (create.is_object() && create.value("creator", "") == user_id) return 100;
  return 0;
}

Status CheckAuth(const EventDraft& draft, const StateLookup& state) {
  const json create = state("m.room.create", "");
  if (draft.type == "m.room.create") {
    if (!create.is_null()) return Refuse("The room already exists");
    return Status::Ok();
  }
  if (create.is_null()) return Status::NotFound("Unknown room");

  const json power = state("m.room.power_levels", "");
  const std::string sender_membership = MembershipIn(state("m.room.member", draft.sender));
  const int64_t sender_level = UserPowerLevel(power, create, draft.sender);

  if (draft.type == "m.room.member") {
    const std::string target = draft.state_key.value_or("");
    const std::string want = MembershipIn(draft.content);
    const std::string target_membership = MembershipIn(state("m.room.member", target));
    const int64_t target_level = UserPowerLevel(power, create, target);
    if (want == "join") {
      if (target != draft.sender) return Refuse("Cannot force another user to join");
      if (target_membership == "ban") return Refuse("You are banned from this room");
      if (target_membership == "join") return Status::Ok();
      // The creator's own first join, right after the create event.
      if (create.value("creator", "") == draft.sender && power.is_null() &&
          state("m.room.join_rules", "").is_null()) {
        return Status::Ok();
      }
      // No join rules (or a malformed one) is not public: only the invited may join.
      const json join_rules = state("m.room.join_rules", "");
      const std::string rule = join_rules.is_object() && join_rules.contains("join_rule") &&
                                       join_rules["join_rule"].is_string()
                                   ? join_rules["join_rule"].get<std::string>()
                                   : "invite";
      if (rule == "public") return Status::Ok();
      if (target_membership == "invite") return Status::Ok();
      return Refuse("You are not invited to this room.");
    }
    if (want == "invite") {
      if (sender_membership != "join") return Refuse("You are not in the room");
      if (target_membership == "join") return Refuse(target + " is already in the room.");
      if (target_membership == "ban") return Refuse(target + " is banned from the room");
      if (sender_level < IntField(power, "invite", 0)) {
        return Refuse("You don't have permission to invite users");
      }
      return Status::Ok();
    }
    if (want == "leave") {
      if (target == draft.sender) {
        if (sender_membership == "join" || sender_membership == "invite") return Status::Ok();
        return Refuse("You are not in the room");
      }
      if (sender_membership != "join") return Refuse("You are not in the room");
      if (target_membership == "ban") {
        if (sender_level < IntField(power, "ban", 50)) {
          return Refuse("You don't have permission to unban");
        }
        return Status::Ok();
      }
      if (sender_level < IntField(power, "kick", 50) || sender_level <= target_level) {
        return Refuse("You don't have permission to kick this user");
      }
      return Status::Ok();
    }
    if (want == "ban") {
      if (sender_membership != "join") return Refuse("You are not in the room");
      if (sender_level < IntField(power, "ban", 50) || sender_level <= target_level) {
        return Refuse("You don't have permission to ban this user");
      }
      return Status::Ok();
    }
    return Status::InvalidArgument("Unknown membership " + want);
  }

  if (sender_membership != "join") return Refuse("User " + draft.sender + " not in room");
  if (draft.state_key && !draft.state_key->empty() && (*draft.state_key)[0] == '@' &&
      *draft.state_key != draft.sender) {
    return Refuse("You cannot set another user's state");
  }
  int64_t required = draft.state_key ? IntField(power, "state_default", power.is_null() ? 0 : 50)
                                     : IntField(power, "events_default", 0);
  if (power.is_object() && power.contains("events") && power["events"].is_object() &&
      power["events"].contains(draft.type)) {
    required = IntField(power["events"], draft.type.c_str(), required);
  }
  if (sender_level < required) {
    return Refuse("You don't have permission to send " + draft.type);
  }
  if (draft.type == "m.room.power_levels" && draft.content.is_object() &&
      draft.content.contains("users") && draft.content["users"].is_object()) {
    // No one may raise anyone above their own level.
    for (const auto& [user, level] : draft.content["users"].items()) {
      if (level.is_number_integer() && level.get<int64_t>() > sender_level &&
          UserPowerLevel(power, create, user) != level.get<int64_t>()) {
        return Refuse("You cannot raise a user above your own power level");
      }
    }
  }
  return Status::Ok();
}

}  // namespace strata::events
