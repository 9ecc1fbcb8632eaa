// Read receipts, read markers and typing notifications, stored as Synapse stored them:
//  - a receipt (POST rooms/{id}/receipt/m.read/{eventId}) replaces the user's row in
//    receipts_linearized (with the next receipts stream id) and receipts_graph, unless the
//    user already has a receipt for a later event; data is {"ts": <ms>};
//  - the read marker (POST rooms/{id}/read_markers) is room account data of type
//    m.fully_read, {"event_id": ...}, moved only forwards; its "m.read" is a receipt;
//  - typing lives in memory (TypingTracker), timeout default 30 s, at most 120 s.
// Every change wakes the /sync long-polls of the room's members. The user must be joined to the
// room; events must be in it (404 otherwise).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "handlers/accounts.h"
#include "handlers/services.h"

namespace strata::handlers {

void PostReceipt(Services& s, const Requester& r, const std::string& room_id,
                 const std::string& receipt_type, const std::string& event_id);
void SetReadMarkers(Services& s, const Requester& r, const std::string& room_id,
                    const nlohmann::json& body);
void SetTyping(Services& s, const Requester& r, const std::string& room_id,
               const std::string& user_id, const nlohmann::json& body);

// For /sync -----------------------------------------------------------------------------

// The m.receipt event of the room's receipts with stream ids in (after, upto], or null if
// there are none.
nlohmann::json ReceiptEvent(const Services& s, storage::Connection& conn,
                            const std::string& room_id, int64_t after, int64_t upto);

}  // namespace strata::handlers
