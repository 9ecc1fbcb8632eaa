// PostgreSQL-only SQL of the event background updates.
#pragma once

#include <string_view>

namespace strata::storage::postgres {

// 1.4.0 could store a censored event's JSON hex-encoded ("\x7b..."); SQLite never did.
inline constexpr std::string_view kDecodeHexCensoredJson =
    "UPDATE event_json SET json = convert_from(event_json.json::bytea, 'utf8') "
    "FROM redactions WHERE redactions.have_censored "
    "AND event_json.event_id = redactions.redacts AND event_json.json NOT LIKE '{%'";

}  // namespace strata::storage::postgres
