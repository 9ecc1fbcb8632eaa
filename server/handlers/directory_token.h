// The /publicRooms pagination tokens as Synapse wrote them: unpadded base64 of a msgpack map
// ("m", "r", "d" from 1.5.0; "s", "p", "n", "d" before). Only the types the tokens use (small
// maps, strings, integers, booleans) are encoded and decoded.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace strata::handlers {

// REQUIRES: `map` is an object of at most 15 entries whose values are strings, integers or
// booleans.
std::string PackToken(const nlohmann::json& map);
// The map a token holds, or nullopt if it is not one PackToken could have written.
std::optional<nlohmann::json> UnpackToken(const std::string& token);

}  // namespace strata::handlers
