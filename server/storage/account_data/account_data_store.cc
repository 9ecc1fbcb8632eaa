#include "storage/account_data/account_data_store.h"

namespace strata::storage {
namespace {

constexpr std::string_view kMaxStreamId =
    "SELECT MAX(m) FROM (SELECT COALESCE(MAX(stream_id), 0) AS m FROM account_data "
    "UNION ALL SELECT COALESCE(MAX(stream_id), 0) FROM room_account_data "
    "UNION ALL SELECT COALESCE(MAX(stream_id), 0) FROM room_tags_revisions "
    "UNION ALL SELECT COALESCE(MAX(stream_id), 0) FROM account_data_max_stream_id) "
    "AS streams";
constexpr std::string_view kAdvanceMaxStreamId =
    "UPDATE account_data_max_stream_id SET stream_id = ? WHERE stream_id < ?";

constexpr std::string_view kSelectGlobal =
    "SELECT content FROM account_data WHERE user_id = ? AND account_data_type = ?";
constexpr std::string_view kDeleteGlobal =
    "DELETE FROM account_data WHERE user_id = ? AND account_data_type = ?";
constexpr std::string_view kInsertGlobal =
    "INSERT INTO account_data (user_id, account_data_type, stream_id, content) "
    "VALUES (?, ?, ?, ?)";

constexpr std::string_view kSelectForRoom =
    "SELECT content FROM room_account_data WHERE user_id = ? AND room_id = ? AND "
    "account_data_type = ?";
constexpr std::string_view kDeleteForRoom =
    "DELETE FROM room_account_data WHERE user_id = ? AND room_id = ? AND account_data_type = ?";
constexpr std::string_view kInsertForRoom =
    "INSERT INTO room_account_data (user_id, room_id, account_data_type, stream_id, content) "
    "VALUES (?, ?, ?, ?, ?)";

constexpr std::string_view kSelectGlobalBetween =
    "SELECT account_data_type, content FROM account_data WHERE user_id = ? AND "
    "stream_id > ? AND stream_id <= ? ORDER BY stream_id";
constexpr std::string_view kSelectForRoomBetween =
    "SELECT account_data_type, content FROM room_account_data WHERE "
    "user_id = ? AND room_id = ? AND stream_id > ? AND stream_id <= ? "
    "ORDER BY stream_id";

std::vector<AccountDataEntry> EntriesFrom(const std::vector<Row>& rows) {
  std::vector<AccountDataEntry> out;
  for (const auto& row : rows) out.push_back({row.Text(0), row.Text(1)});
  return out;
}

}  // namespace

AccountDataStore::AccountDataStore(const StoreOptions& options)
    : options_(options), head_cache_(std::make_unique<ReadThroughCache<int, int64_t>>(1)) {}

int64_t AccountDataStore::MaxStreamId(Connection& conn) const {
  return head_cache_->Get(conn, 0, [&] { return conn.QueryInt(kMaxStreamId).value_or(0); });
}

int64_t AccountDataStore::NextStreamId(Connection& conn) const {
  const int64_t next = MaxStreamId(conn) + 1;
  conn.Execute(kAdvanceMaxStreamId, {next, next});
  head_cache_->Forget(conn, 0);
  return next;
}

std::optional<std::string> AccountDataStore::GetGlobal(Connection& conn, const std::string& user_id,
                                                       const std::string& type) const {
  return conn.QueryValue(kSelectGlobal, {user_id, type});
}

std::optional<std::string> AccountDataStore::GetForRoom(Connection& conn,
                                                        const std::string& user_id,
                                                        const std::string& room_id,
                                                        const std::string& type) const {
  return conn.QueryValue(kSelectForRoom, {user_id, room_id, type});
}

void AccountDataStore::PutGlobal(Connection& conn, const std::string& user_id,
                                 const std::string& type, int64_t stream_id,
                                 const nlohmann::json& content) const {
  conn.Execute(kDeleteGlobal, {user_id, type});
  conn.Execute(kInsertGlobal, {user_id, type, stream_id, content.dump()});
  head_cache_->Forget(conn, 0);
}

void AccountDataStore::PutForRoom(Connection& conn, const std::string& user_id,
                                  const std::string& room_id, const std::string& type,
                                  int64_t stream_id, const nlohmann::json& content) const {
  conn.Execute(kDeleteForRoom, {user_id, room_id, type});
  conn.Execute(kInsertForRoom, {user_id, room_id, type, stream_id, content.dump()});
  head_cache_->Forget(conn, 0);
}

std::vector<AccountDataEntry> AccountDataStore::GlobalBetween(Connection& conn,
                                                              const std::string& user_id,
                                                              int64_t after, int64_t upto) const {
  return EntriesFrom(conn.Query(kSelectGlobalBetween, {user_id, after, upto}));
}

std::vector<AccountDataEntry> AccountDataStore::ForRoomBetween(Connection& conn,
                                                               const std::string& user_id,
                                                               const std::string& room_id,
                                                               int64_t after, int64_t upto) const {
  return EntriesFrom(conn.Query(kSelectForRoomBetween, {user_id, room_id, after, upto}));
}

}  // namespace strata::storage
