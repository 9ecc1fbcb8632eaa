// Unpadded base64 as Matrix uses it (keys, signatures, hashes), in the standard and the
// URL-safe alphabets (room version 4+ event ids use the latter).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace strata {

std::string Base64Encode(std::string_view bytes);     // standard alphabet, no padding
std::string Base64UrlEncode(std::string_view bytes);  // '-' and '_', no padding
// Accepts either alphabet, with or without padding; nullopt on bad input.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace strata
