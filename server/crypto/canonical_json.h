// Matrix canonical JSON: the exact bytes that are hashed and signed. Keys sorted by UTF-8 bytes
// (which is Unicode code point order), no insignificant whitespace, strings as raw UTF-8 with only
// '"', '\\' and control characters escaped (the short forms \b \f \n \r \t where they exist,
// otherwise \u00xx with lower-case hex), exactly as Python's json.dumps(ensure_ascii=False,
// separators=(',', ':'), sort_keys=True) writes it, which is what Synapse signs.
//
// This sits on the hot path (every event is hashed and signed), so it writes straight into the
// caller's std::string and never copies the value.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "util/status.h"

namespace strata::crypto {

// The largest magnitude the spec allows for an integer: 2^53 - 1, exact in an IEEE double.
inline constexpr int64_t kCanonicalJsonMaxInt = (int64_t{1} << 53) - 1;

enum class CanonicalMode {
  // The spec's grammar exactly: floats (including integral ones such as 1.0) and integers outside
  // [-(2^53)+1, 2^53-1] are errors. Use this for everything Strata creates and for room v6 events.
  kStrict,
  // What Synapse wrote for events in room versions 1-5, which the spec says servers should still
  // handle: any integer nlohmann holds (64-bit), and floats written as Python's repr() writes
  // them (1.0, 1e+16, 1e-05), so hashes and signatures of such old events still match.
  kCompat,
};

// Appends the canonical encoding of `value` to `out`. Errors (InvalidArgument, naming the JSON
// pointer of the offending value): a float or out-of-range integer under kStrict, NaN or infinity
// under either mode, a string or key that is not valid UTF-8, a binary or discarded value. On
// error `out` holds a partial encoding that the caller must discard.
Status AppendCanonicalJson(const nlohmann::json& value, std::string& out,
                           CanonicalMode mode = CanonicalMode::kStrict);

// The canonical encoding of `value` as a new string.
Result<std::string> EncodeCanonicalJson(const nlohmann::json& value,
                                        CanonicalMode mode = CanonicalMode::kStrict);

// The canonical encoding of the object `object` as if the top-level keys in `omit` were erased
// first (signing skips "signatures" and "unsigned", hashing also "hashes"), without copying it.
// REQUIRES: object.is_object() (anything else is an InvalidArgument error).
Result<std::string> EncodeCanonicalJsonWithout(const nlohmann::json& object,
                                               std::initializer_list<std::string_view> omit,
                                               CanonicalMode mode = CanonicalMode::kStrict);

// True if `text` is well-formed UTF-8 (no overlong forms, surrogates or code points past
// U+10FFFF): the check canonical JSON applies to every string.
bool IsValidUtf8(std::string_view text);

}  // namespace strata::crypto
