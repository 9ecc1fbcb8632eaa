#include "handlers/user_data.h"

#include "handlers/api_error.h"
#include "handlers/ratelimit.h"
#include "handlers/rooms.h"

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
void UpdateUserDirectory(storage::Connection& conn, const std::string& user_id,
                         const std::string& localpart) {
  if (conn.Query("SELECT 1 FROM user_directory WHERE user_id = ?", {user_id}).empty()) return;
  auto rows =
      conn.Query("SELECT displayname, avatar_url FROM profiles WHERE user_id = ?", {localpart});
  std::optional<std::string> displayname, avatar_url;
  if (!rows.empty()) {
    displayname = rows[0].OptText(0);
    avatar_url = rows[0].OptText(1);
  }
  conn.Execute("UPDATE user_directory SET display_name = ?, avatar_url = ? WHERE user_id = ?",
               {displayname, avatar_url, user_id});
  conn.Execute("DELETE FROM user_directory_search WHERE user_id = ?", {user_id});
  if (conn.engine() == storage::Engine::kPostgres) {
    // Localpart weighted most, then the display name, then the server name.
    const std::string domain = user_id.substr(user_id.find(':') + 1);
    conn.Execute(
        "INSERT INTO user_directory_search (user_id, vector) VALUES (?, "
        "setweight(to_tsvector('english', ?), 'A') || setweight(to_tsvector('english', ?), 'D') "
        "|| setweight(to_tsvector('english', COALESCE(?, '')), 'B'))",
        {user_id, localpart, domain, displayname});
  } else {
    conn.Execute("INSERT INTO user_directory_search (user_id, value) VALUES (?, ?)",
                 {user_id, displayname ? user_id + " " + *displayname : user_id});
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
  // The member events this causes count once against rc_message, checked before anything
  // is written and counted once the profile is saved.
  RatelimitMessage(s, r, false);
  {
    auto conn = s.db.AcquireWriter();
    storage::Transaction txn(*conn);
    if (conn->Query("SELECT 1 FROM profiles WHERE user_id = ?", {*local}).empty()) {
      conn->Execute("INSERT INTO profiles (user_id) VALUES (?)", {*local});
    }
    conn->Execute("UPDATE profiles SET " + field + " = ? WHERE user_id = ?", {value, *local});
    UpdateUserDirectory(*conn, user_id, *local);
    txn.Commit();
  }
  CountMessage(s, r);
  RefreshJoinedMemberships(s, user_id);
}

int64_t MaxAccountDataStream(storage::Connection& conn) {
  // One stream spans the three tables, with the position Synapse's generator kept.
  return conn
      .QueryInt(
          "SELECT MAX(m) FROM (SELECT COALESCE(MAX(stream_id), 0) AS m FROM account_data "
          "UNION ALL SELECT COALESCE(MAX(stream_id), 0) FROM room_account_data "
          "UNION ALL SELECT COALESCE(MAX(stream_id), 0) FROM room_tags_revisions "
          "UNION ALL SELECT COALESCE(MAX(stream_id), 0) FROM account_data_max_stream_id) "
          "AS streams")
      .value_or(0);
}

int64_t NextAccountDataStreamId(storage::Connection& conn) {
  const int64_t next = MaxAccountDataStream(conn) + 1;
  // Synapse only moved the row forwards and never inserted it.
  conn.Execute("UPDATE account_data_max_stream_id SET stream_id = ? WHERE stream_id < ?",
               {next, next});
  return next;
}

void PutAccountDataOn(storage::Connection& conn, const std::string& user_id,
                      const std::string& room_id, const std::string& type, const json& content) {
  const int64_t stream = NextAccountDataStreamId(conn);
  if (room_id.empty()) {
    conn.Execute("DELETE FROM account_data WHERE user_id = ? AND account_data_type = ?",
                 {user_id, type});
    conn.Execute(
        "INSERT INTO account_data (user_id, account_data_type, stream_id, content) "
        "VALUES (?, ?, ?, ?)",
        {user_id, type, stream, content.dump()});
  } else {
    conn.Execute(
        "DELETE FROM room_account_data WHERE user_id = ? AND room_id = ? AND "
        "account_data_type = ?",
        {user_id, room_id, type});
    conn.Execute(
        "INSERT INTO room_account_data (user_id, room_id, account_data_type, "
        "stream_id, content) VALUES (?, ?, ?, ?, ?)",
        {user_id, room_id, type, stream, content.dump()});
  }
}

void PutAccountData(Services& s, const Requester& r, const std::string& user_id,
                    const std::string& room_id, const std::string& type, const json& content) {
  RequireSelf(r, user_id, "add account data");
  if (!content.is_object()) throw BadJson("Content must be a JSON object");
  auto conn = s.db.AcquireWriter();
  storage::Transaction txn(*conn);
  PutAccountDataOn(*conn, user_id, room_id, type, content);
  txn.Commit();
  s.notifier.Poke(user_id);
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
