#include "handlers/user_data.h"

#include "handlers/api_error.h"

namespace strata::handlers {
namespace {
using nlohmann::json;

void RequireSelf(const Requester& r, const std::string& user_id, const char* what) {
  if (r.user_id != user_id && !r.admin) {
    throw Forbidden(std::string("Cannot ") + what + " for other users.");
  }
}
}  // namespace

json GetProfile(Services& s, const std::string& user_id) {
  auto local = LocalpartOf(s, user_id);
  if (!local) throw NotFound("Profile was not found");
  auto conn = s.db.Acquire();
  auto rows =
      conn->Query("SELECT displayname, avatar_url FROM profiles WHERE user_id = ?", {*local});
  if (rows.empty()) throw NotFound("Profile was not found");
  json out = json::object();
  if (!rows[0].IsNull(0)) out["displayname"] = rows[0].Text(0);
  if (!rows[0].IsNull(1)) out["avatar_url"] = rows[0].Text(1);
  return out;
}

void SetProfileField(Services& s, const Requester& r, const std::string& user_id,
                     const std::string& field, const std::optional<std::string>& value) {
  RequireSelf(r, user_id, "set profile");
  if (field != "displayname" && field != "avatar_url") throw InvalidParam("Unknown field");
  if (value && value->size() > 256) throw ApiError(400, "M_INVALID_PARAM", field + " is too long");
  auto local = LocalpartOf(s, user_id);
  if (!local) throw NotFound("Profile was not found");
  auto conn = s.db.AcquireWriter();
  storage::Transaction txn(*conn);
  if (conn->Query("SELECT 1 FROM profiles WHERE user_id = ?", {*local}).empty()) {
    conn->Execute("INSERT INTO profiles (user_id) VALUES (?)", {*local});
  }
  conn->Execute("UPDATE profiles SET " + field + " = ? WHERE user_id = ?", {value, *local});
  txn.Commit();
}

void PutAccountData(Services& s, const Requester& r, const std::string& user_id,
                    const std::string& room_id, const std::string& type, const json& content) {
  RequireSelf(r, user_id, "add account data");
  if (!content.is_object()) throw BadJson("Content must be a JSON object");
  auto conn = s.db.AcquireWriter();
  storage::Transaction txn(*conn);
  const int64_t stream =
      std::max(
          conn->QueryInt("SELECT COALESCE(MAX(stream_id), 0) FROM account_data").value_or(0),
          conn->QueryInt("SELECT COALESCE(MAX(stream_id), 0) FROM room_account_data").value_or(0)) +
      1;
  if (room_id.empty()) {
    conn->Execute("DELETE FROM account_data WHERE user_id = ? AND account_data_type = ?",
                  {user_id, type});
    conn->Execute(
        "INSERT INTO account_data (user_id, account_data_type, stream_id, content) "
        "VALUES (?, ?, ?, ?)",
        {user_id, type, stream, content.dump()});
  } else {
    conn->Execute(
        "DELETE FROM room_account_data WHERE user_id = ? AND room_id = ? AND "
        "account_data_type = ?",
        {user_id, room_id, type});
    conn->Execute(
        "INSERT INTO room_account_data (user_id, room_id, account_data_type, "
        "stream_id, content) VALUES (?, ?, ?, ?, ?)",
        {user_id, room_id, type, stream, content.dump()});
  }
  txn.Commit();
  s.notifier.Poke();
}

json GetAccountData(Services& s, const Requester& r, const std::string& user_id,
                    const std::string& room_id, const std::string& type) {
  RequireSelf(r, user_id, "get account data");
  auto conn = s.db.Acquire();
  std::optional<std::string> text =
      room_id.empty() ? conn->QueryValue(
                            "SELECT content FROM account_data WHERE user_id = ? AND "
                            "account_data_type = ?",
                            {user_id, type})
                      : conn->QueryValue(
                            "SELECT content FROM room_account_data WHERE user_id = ? AND "
                            "room_id = ? AND account_data_type = ?",
                            {user_id, room_id, type});
  if (!text) throw NotFound("Account data not found");
  json j = json::parse(*text, nullptr, false);
  if (j.is_discarded()) throw NotFound("Account data not found");
  return j;
}

}  // namespace strata::handlers
