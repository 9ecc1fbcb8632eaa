// Password hashing compatible with Synapse, so users of a real Synapse database log in with the
// passwords they already have. Synapse stores
//     bcrypt(NFKC(password) as UTF-8 + pepper as UTF-8, rounds)
// as a "$2b$<rounds>$<salt+hash>" string in users.password_hash; the pepper is
// password_config.pepper in homeserver.yaml (default empty) and rounds is bcrypt_rounds
// (default 12).
//
// bcrypt reads only the first 72 bytes of its input (password + pepper); like the bcrypt library
// Synapse used, the rest is ignored rather than refused, so existing hashes keep verifying.
//
// Both functions are slow by design (about a quarter of a second at 12 rounds) and are pure and
// thread-safe: run them on a worker thread, never on the thread that serves requests.
#pragma once

#include <string>
#include <string_view>

#include "util/status.h"

namespace strata::crypto {

inline constexpr int kDefaultBcryptRounds = 12;  // Synapse's bcrypt_rounds default
inline constexpr int kMinBcryptRounds = 4;       // bcrypt's own limits on the cost
inline constexpr int kMaxBcryptRounds = 31;

struct PasswordHashing {
  int bcrypt_rounds = kDefaultBcryptRounds;
  std::string pepper;  // appended to the password before hashing; changing it locks users out
};

// A new "$2b$" bcrypt hash of `password` with a fresh random salt.
// Errors: InvalidArgument if rounds are outside [4, 31] or the password is not valid UTF-8 or
// contains a NUL byte.
Result<std::string> HashPassword(std::string_view password, const PasswordHashing& config);

// Whether `password` (with `pepper`) matches `stored_hash`, comparing the bcrypt output in
// constant time. An empty stored hash (an account without a password) matches nothing.
// Errors: FailedPrecondition if `stored_hash` is not a bcrypt hash ($2a$/$2b$/$2y$) that
// libxcrypt can use; InvalidArgument for a password HashPassword would refuse.
Result<bool> VerifyPassword(std::string_view password, std::string_view stored_hash,
                            std::string_view pepper);

// The NFKC normal form of `password`, as Synapse applies before hashing (so that, say, a
// full-width "Ａ" typed on one device and "A" on another are the same password). ASCII is
// returned unchanged. Errors: InvalidArgument if `password` is not valid UTF-8.
Result<std::string> NormalizePassword(std::string_view password);

}  // namespace strata::crypto
