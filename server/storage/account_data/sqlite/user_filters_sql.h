// SQLite's user_filters.filter_json is a BLOB that takes the JSON text as it is.
#pragma once

#include <string>

namespace strata::storage::sqlite {

inline std::string FilterJsonParam(const std::string& filter_json) {
  return filter_json;
}

}  // namespace strata::storage::sqlite
