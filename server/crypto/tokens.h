// Unguessable identifiers and secrets, all drawn from OpenSSL's CSPRNG (RAND_bytes), plus a
// constant-time comparison for checking secrets. Thread-safe.
//
// If the CSPRNG ever fails these functions abort the process: handing out a predictable access
// token would be worse than stopping.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace strata::crypto {

// `count` letters drawn uniformly from [A-Za-z] (Synapse's random_string): room id localparts,
// transaction and other opaque ids.
std::string RandomLetters(size_t count);

// URL-safe unpadded base64 of `bytes` random bytes: opaque secrets (session ids, client secrets).
std::string RandomUrlSafeToken(size_t bytes);

// A new access token: "syt_" + URL-safe base64 of the user's localpart + "_" + 20 random
// letters (114 bits) + "_" + 6 base62 characters of the CRC-32 of everything before it.
// Why this shape rather than bare random bytes: the fixed prefix lets secret scanners and log
// redaction spot leaked tokens, and is the form later Synapse releases use; the localpart tells
// an operator whose token it is without a lookup; the checksum lets the server reject typos and
// garbage without touching the database. Tokens from older Synapse (macaroons) stay valid:
// they are looked up verbatim, never parsed.
std::string NewAccessToken(std::string_view localpart);

// True if `token` has NewAccessToken's shape with a matching checksum. A false answer means the
// token cannot be one Strata issued; a true one still needs the database lookup.
bool HasValidAccessTokenChecksum(std::string_view token);

// A device id as Synapse makes them: 10 uppercase letters.
std::string NewDeviceId();

// A room id as Synapse makes them: "!" + 18 random letters + ":" + server name.
std::string NewRoomId(std::string_view server_name);

// True if `a` and `b` are equal, taking time that depends only on their lengths (which are not
// secret for tokens of a fixed shape), never on where they first differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace strata::crypto
