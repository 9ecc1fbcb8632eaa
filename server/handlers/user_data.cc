#include "handlers/user_data.h"

#include "handlers/api_error.h"
#include "handlers/ratelimit.h"
#include "handlers/rooms.h"
#include "storage/account_data/account_data_store.h"
#include "storage/profiles/profile_store.h"
#include "storage/user_directory/user_directory_store.h"

namespace strata::handlers {
namespace {
using nlohmann::json;

void RequireSelf(const Requester& r, const std::string& user_id, const char* what) {
  if (r.user_id != user_id && !r.admin) {
    throw Forbidden(std::string("Cannot ") + what + " for other users.");
  }
}
// A user already in the user directory gets their new profile there and in its search
// table, as Synapse's update_profile_in_user_dir wrote them.
void UpdateUserDirectory(const Services& s, storage::Connection& conn, const std::string& user_id,
                         const std::string& localpart) {
  if (!s.stores.user_directory->Contains(conn, user_id)) return;
  auto profile = s.stores.profiles->Get(conn, localpart).value_or(storage::Profile{});
  s.stores.user_directory->UpdateProfile(conn, user_id, localpart, profile.displayname,
                                         profile.avatar_url);
}

}  // namespace

json GetProfile(Services& s, const std::string& user_id) {
  auto local = LocalpartOf(s, user_id);
  if (!local) throw NotFound("Profile was not found");
  auto conn = s.db.Acquire();
  auto profile = s.stores.profiles->Get(*conn, *local);
  if (!profile) throw NotFound("Profile was not found");
  json out = json::object();
  if (profile->displayname) out["displayname"] = *profile->displayname;
  if (profile->avatar_url) out["avatar_url"] = *profile->avatar_url;
  return out;
}

void SetProfileField(Services& s, const Requester& r, const std::string& user_id,
                     const std::string& field, const std::optional<std::string>& value) {
  RequireSelf(r, user_id, "set profile");
  if (field != "displayname" && field != "avatar_url") throw InvalidParam("Unknown field");
  if (value && value->size() > 256) throw ApiError(400, "M_INVALID_PARAM", field + " is too long");
  auto local = LocalpartOf(s, user_id);
  if (!local) throw NotFound("Profile was not found");
  // The member events this causes count once against rc_message, checked before anything
  // is written and counted once the profile is saved.
  RatelimitMessage(s, r, false);
  {
    auto conn = s.db.AcquireWriter();
    storage::Transaction txn(*conn);
    s.stores.profiles->SetField(*conn, *local,
                                field == "displayname" ? storage::ProfileField::kDisplayName
                                                       : storage::ProfileField::kAvatarUrl,
                                value);
    UpdateUserDirectory(s, *conn, user_id, *local);
    txn.Commit();
  }
  CountMessage(s, r);
  RefreshJoinedMemberships(s, user_id);
}

void PutAccountDataOn(const Services& s, storage::Connection& conn, const std::string& user_id,
                      const std::string& room_id, const std::string& type, const json& content) {
  const storage::AccountDataStore& store = *s.stores.account_data;
  const int64_t stream = store.NextStreamId(conn);
  if (room_id.empty()) {
    store.PutGlobal(conn, user_id, type, stream, content);
  } else {
    store.PutForRoom(conn, user_id, room_id, type, stream, content);
  }
}

void PutAccountData(Services& s, const Requester& r, const std::string& user_id,
                    const std::string& room_id, const std::string& type, const json& content) {
  RequireSelf(r, user_id, "add account data");
  if (!content.is_object()) throw BadJson("Content must be a JSON object");
  auto conn = s.db.AcquireWriter();
  storage::Transaction txn(*conn);
  PutAccountDataOn(s, *conn, user_id, room_id, type, content);
  txn.Commit();
  s.notifier.Poke(user_id);
}

json GetAccountData(Services& s, const Requester& r, const std::string& user_id,
                    const std::string& room_id, const std::string& type) {
  RequireSelf(r, user_id, "get account data");
  auto conn = s.db.Acquire();
  std::optional<std::string> text =
      room_id.empty() ? s.stores.account_data->GetGlobal(*conn, user_id, type)
                      : s.stores.account_data->GetForRoom(*conn, user_id, room_id, type);
  if (!text) throw NotFound("Account data not found");
  json j = json::parse(*text, nullptr, false);
  if (j.is_discarded()) throw NotFound("Account data not found");
  return j;
}

}  // namespace strata::handlers
