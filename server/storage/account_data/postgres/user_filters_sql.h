// PostgreSQL's user_filters.filter_json is BYTEA, and a text parameter is read in its escape
// form, where a backslash stands for itself only when doubled.
#pragma once

#include <string>

namespace strata::storage::postgres {

inline std::string FilterJsonParam(const std::string& filter_json) {
  std::string escaped;
  for (char c : filter_json) escaped += c == '\\' ? std::string("\\\\") : std::string(1, c);
  return escaped;
}

}  // namespace strata::storage::postgres
