// SchemaFeatures: the columns and sequences that came and went over Synapse 1.x's schemas,
// read once per database so that stores choose their SQL when they are made, not per call.
#pragma once

#include "storage/database.h"

namespace strata::storage {

struct SchemaFeatures {
  bool current_state_membership = false;  // current_state_events.membership (schema 56)
  bool rooms_room_version = false;        // rooms.room_version (schema 57)
  bool users_deactivated = false;         // users.deactivated (schema 55)
  bool access_token_expiry = false;       // access_tokens.valid_until_ms (schema 55)
  bool state_group_sequence = false;      // PostgreSQL's state_group_id_seq

  // Reads the features from the live schema. REQUIRES: the schema is prepared.
  static SchemaFeatures Read(Connection& conn);
};

}  // namespace strata::storage
