// TokenOwner: what an access token lookup returns (UserStore::FindToken, TokenCache).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace strata::storage {

// An access token and its owner.
struct TokenOwner {
  std::string user_id;
  std::string device_id;  // "" for a NULL device
  int64_t token_id = 0;
  bool admin = false;
  bool guest = false;
  bool deactivated = false;               // always false before schema 55
  std::optional<int64_t> valid_until_ms;  // always nullopt before schema 55
};

}  // namespace strata::storage
