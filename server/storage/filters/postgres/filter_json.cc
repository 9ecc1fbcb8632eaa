#include "storage/filters/filter_json.h"

#include <string>

namespace strata::storage::postgres {

// filter_json is BYTEA: escape form input, where a backslash must be doubled.
std::string EncodeFilterJson(const std::string& text) {
  std::string escaped;
  for (char c : text) escaped += c == '\\' ? std::string("\\\\") : std::string(1, c);
  return escaped;
}

// PostgreSQL's hex output for BYTEA ("\x7b22..."); anything else is returned as it is.
std::string DecodeFilterJson(const std::string& stored) {
  if (stored.rfind("\\x", 0) != 0) return stored;
  std::string bytes;
  for (size_t i = 2; i + 1 < stored.size(); i += 2) {
    bytes += static_cast<char>(std::stoi(stored.substr(i, 2), nullptr, 16));
  }
  return bytes;
}

}  // namespace strata::storage::postgres
