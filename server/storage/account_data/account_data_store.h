// AccountDataStore: per-user and per-room account data (filters: storage/filters/).
// Tables: account_data, room_account_data, account_data_max_stream_id; the
// stream position also reads room_tags_revisions (room_tags: not yet here).
//
// Cached: the stream's head (NextStreamId and the Puts forget it; ForgetCached for writes made
// elsewhere), so /sync learns the stream has not moved without a query.
//
// Promises: every call runs on the Connection it is given, inside whatever transaction the
// caller holds there; a missing row is an empty optional or an empty list, never an exception;
// SQL errors throw storage::DatabaseError. Writes REQUIRE a writer connection, inside the
// caller's transaction.
//
// One stream spans account_data, room_account_data and room_tags_revisions, as Synapse's
// generator shared it; account_data_max_stream_id keeps the position it saved.
//
// Engines: user_filters.filter_json is a BLOB on SQLite and BYTEA on PostgreSQL; how the JSON
// text is passed for each lives in sqlite/ and postgres/ and is chosen once, here.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "storage/cache/read_through_cache.h"
#include "storage/store_options.h"

namespace strata::storage {

// One account data row as /sync sends it: its type and its content column (JSON text).
struct AccountDataEntry {
  std::string type;
  std::string content;
};

class AccountDataStore {
 public:
  explicit AccountDataStore(const StoreOptions& options);

  // The largest stream id used by any of the stream's tables (0 for none).
  int64_t MaxStreamId(Connection& conn) const;
  // MaxStreamId + 1, and account_data_max_stream_id moved forwards to it (its row is only ever
  // updated, never inserted, as Synapse did). REQUIRES: a writer, inside the transaction that
  // uses the id.
  int64_t NextStreamId(Connection& conn) const;
  void ForgetCached(Connection& conn) const { head_cache_->ForgetAll(conn); }
  void ForgetCachedNow() const { head_cache_->ForgetAllNow(); }

  // The content column of the user's global / per-room account data of `type`, as stored
  // (JSON text); nullopt if there is none.
  std::optional<std::string> GetGlobal(Connection& conn, const std::string& user_id,
                                       const std::string& type) const;
  std::optional<std::string> GetForRoom(Connection& conn, const std::string& user_id,
                                        const std::string& room_id, const std::string& type) const;
  // Replaces the row (delete, then insert) with `content` at stream id `stream_id`.
  void PutGlobal(Connection& conn, const std::string& user_id, const std::string& type,
                 int64_t stream_id, const nlohmann::json& content) const;
  void PutForRoom(Connection& conn, const std::string& user_id, const std::string& room_id,
                  const std::string& type, int64_t stream_id, const nlohmann::json& content) const;
  // The user's global / per-room rows with stream ids in (after, upto], in stream order.
  std::vector<AccountDataEntry> GlobalBetween(Connection& conn, const std::string& user_id,
                                              int64_t after, int64_t upto) const;
  std::vector<AccountDataEntry> ForRoomBetween(Connection& conn, const std::string& user_id,
                                               const std::string& room_id, int64_t after,
                                               int64_t upto) const;

 private:
  StoreOptions options_;
  std::unique_ptr<ReadThroughCache<int, int64_t>> head_cache_;  // one entry, key 0
};

}  // namespace strata::storage
