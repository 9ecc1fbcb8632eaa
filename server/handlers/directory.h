// The room directory: aliases, the published-room list and /publicRooms, computed the way the
// behaved-as release computed it (facts §4.4): from current state before 1.5.0, from the
// stats tables (joined_members > 0) from 1.5.0.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "handlers/accounts.h"
#include "handlers/services.h"

namespace strata::handlers {

// GET/PUT/DELETE /directory/room/{alias}.
nlohmann::json ResolveAlias(Services& s, const std::string& alias);
void CreateAlias(Services& s, const std::string& creator, const std::string& alias,
                 const std::string& room_id);
void DeleteAlias(Services& s, const Requester& r, const std::string& alias);
// The room id of an alias, or nullopt.
std::optional<std::string> LookupAlias(Services& s, const std::string& alias);

// GET/PUT /directory/list/room/{roomId}: "public" or "private".
nlohmann::json GetVisibility(Services& s, const std::string& room_id);
void SetVisibility(Services& s, const Requester* r, const std::string& room_id,
                   const std::string& visibility);

struct PublicRoomsQuery {
  int64_t limit = 0;  // 0: no limit
  std::optional<std::string> since;
  std::optional<std::string> search_term;
  bool include_all_networks = false;
  std::optional<std::string> third_party_instance_id;  // "<appservice>|<network>"
};
// The answer as compact JSON text, the response body itself: answers are cached as text
// (public_rooms_cache.h), so a hit costs neither a query nor a serialisation.
std::string PublicRoomsBody(Services& s, const PublicRoomsQuery& q);
// The same answer parsed, for callers that read it (admin health, the matrix harness).
nlohmann::json PublicRooms(Services& s, const PublicRoomsQuery& q);

}  // namespace strata::handlers
