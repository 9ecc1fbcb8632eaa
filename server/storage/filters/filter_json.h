// How user_filters.filter_json travels on each engine (internal to FilterStore): SQLite keeps the
// text as it is; PostgreSQL's column is BYTEA, written in escape form and read back in hex form.
// Both files define the same two functions in their engine's namespace.
#pragma once

#include <string>

namespace strata::storage::sqlite {
std::string EncodeFilterJson(const std::string& text);
std::string DecodeFilterJson(const std::string& stored);
}  // namespace strata::storage::sqlite

namespace strata::storage::postgres {
std::string EncodeFilterJson(const std::string& text);
std::string DecodeFilterJson(const std::string& stored);
}  // namespace strata::storage::postgres
