// FilterStore: the /sync filters users upload.
// Tables: user_filters (user_id holds the localpart, as Synapse stores it).
//
// Promises: every call runs on the Connection it is given, inside whatever transaction the
// caller holds there; a missing row is an empty optional; SQL errors throw
// storage::DatabaseError. filter_json is text on SQLite and BYTEA on PostgreSQL: the store
// encodes and decodes it (sqlite/ and postgres/filter_json.cc, chosen in the constructor), so
// callers see the JSON text on both engines.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "storage/store_options.h"

namespace strata::storage {

class FilterStore {
 public:
  explicit FilterStore(const StoreOptions& options);

  // The next filter id of the user: MAX(filter_id) + 1, 0 for their first.
  // REQUIRES: inside the caller's transaction on a writer connection, with the insert.
  int64_t NextFilterId(Connection& conn, const std::string& localpart) const;
  // user_filters. REQUIRES: the caller's transaction on a writer connection.
  void InsertFilter(Connection& conn, const std::string& localpart, int64_t filter_id,
                    const std::string& filter_json) const;
  // The filter's JSON text, or nullopt.
  std::optional<std::string> FilterJson(Connection& conn, const std::string& localpart,
                                        int64_t filter_id) const;

 private:
  StoreOptions options_;
  std::string (*encode_)(const std::string&);
  std::string (*decode_)(const std::string&);
};

}  // namespace strata::storage
