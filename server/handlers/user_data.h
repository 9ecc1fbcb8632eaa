// Per-user data outside rooms: profiles (profiles table, keyed by localpart as Synapse keys
// it) and account data (account_data / room_account_data, with a shared stream id).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "handlers/accounts.h"
#include "handlers/services.h"

namespace strata::handlers {

// {"displayname"?, "avatar_url"?}; 404 M_NOT_FOUND for an unknown local user.
nlohmann::json GetProfile(Services& s, const std::string& user_id);
// field: "displayname" or "avatar_url". Only the user themself (or an admin) may set it.
void SetProfileField(Services& s, const Requester& r, const std::string& user_id,
                     const std::string& field, const std::optional<std::string>& value);

// room_id empty: global account data.
void PutAccountData(Services& s, const Requester& r, const std::string& user_id,
                    const std::string& room_id, const std::string& type,
                    const nlohmann::json& content);
// PutAccountData's write (at the stream's next id), on a writer the caller holds inside its
// own transaction.
void PutAccountDataOn(const Services& s, storage::Connection& conn, const std::string& user_id,
                      const std::string& room_id, const std::string& type,
                      const nlohmann::json& content);
nlohmann::json GetAccountData(Services& s, const Requester& r, const std::string& user_id,
                              const std::string& room_id, const std::string& type);

}  // namespace strata::handlers
