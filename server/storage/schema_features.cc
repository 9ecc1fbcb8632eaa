#include "storage/schema_features.h"

namespace strata::storage {

SchemaFeatures SchemaFeatures::Read(Connection& conn) {
  SchemaFeatures f;
  f.current_state_membership = conn.ColumnExists("current_state_events", "membership");
  f.rooms_room_version = conn.ColumnExists("rooms", "room_version");
  f.users_deactivated = conn.ColumnExists("users", "deactivated");
  f.access_token_expiry = conn.ColumnExists("access_tokens", "valid_until_ms");
  if (conn.engine() == Engine::kPostgres) {
    f.state_group_sequence =
        conn.QueryInt(
                "SELECT COUNT(*) FROM pg_class WHERE relname = 'state_group_id_seq' "
                "AND relkind = 'S'")
            .value_or(0) > 0;
  }
  return f;
}

}  // namespace strata::storage
