// Which users are this server's: the statistics count local users apart.
#pragma once

#include <string>

namespace strata::stats {

// Whether `user_id` ends in ":<server_name>" (and has a localpart before it).
inline bool IsLocalUser(const std::string& user_id, const std::string& server_name) {
  const std::string suffix = ":" + server_name;
  return user_id.size() > suffix.size() &&
         user_id.compare(user_id.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace strata::stats
