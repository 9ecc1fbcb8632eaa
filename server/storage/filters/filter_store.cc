#include "storage/filters/filter_store.h"

#include <string_view>

#include "storage/filters/filter_json.h"

namespace strata::storage {
namespace {

constexpr std::string_view kSelectNextFilterId =
    "SELECT COALESCE(MAX(filter_id), -1) + 1 FROM user_filters "
    "WHERE user_id = ?";
constexpr std::string_view kInsertFilter =
    "INSERT INTO user_filters (user_id, filter_id, filter_json) VALUES (?, ?, ?)";
constexpr std::string_view kSelectFilter =
    "SELECT filter_json FROM user_filters WHERE user_id = ? AND "
    "filter_id = ?";

}  // namespace

FilterStore::FilterStore(const StoreOptions& options)
    : options_(options),
      encode_(options.engine == Engine::kPostgres ? &postgres::EncodeFilterJson
                                                  : &sqlite::EncodeFilterJson),
      decode_(options.engine == Engine::kPostgres ? &postgres::DecodeFilterJson
                                                  : &sqlite::DecodeFilterJson) {}

int64_t FilterStore::NextFilterId(Connection& conn, const std::string& localpart) const {
  return conn.QueryInt(kSelectNextFilterId, {localpart}).value_or(0);
}

void FilterStore::InsertFilter(Connection& conn, const std::string& localpart, int64_t filter_id,
                               const std::string& filter_json) const {
  conn.Execute(kInsertFilter, {localpart, filter_id, encode_(filter_json)});
}

std::optional<std::string> FilterStore::FilterJson(Connection& conn, const std::string& localpart,
                                                   int64_t filter_id) const {
  auto text = conn.QueryValue(kSelectFilter, {localpart, filter_id});
  if (!text) return std::nullopt;
  return decode_(*text);
}

}  // namespace strata::storage
