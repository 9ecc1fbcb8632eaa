// The four Python deltas Synapse 1.0-1.18 shipped in folders 55-58, as C++.
//
// Each one does what the Synapse file did to tables and rows; the SQL is Strata's own. Where a
// Synapse delta would have failed on odd data (NULLs in a column it makes NOT NULL, an index
// left behind by a pre-release build) Strata takes the forgiving path and says so below.
#include "schema/native_deltas.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace strata::schema {
namespace {

using storage::Connection;
using storage::Engine;

// 56/unique_user_filter_index.py (1.5.0), create half only: rebuild user_filters with NOT NULL
// columns, one row per (user_id, filter_id), and a UNIQUE index in place of the plain one.
void UniqueUserFilterIndex(Connection& conn, bool /*new_database*/) {
  // Which duplicate survives was arbitrary in Synapse; Strata keeps the first one stored.
  // Rows with a NULL column could not be copied into the NOT NULL table (Synapse would abort
  // the upgrade there); they are unusable filters, so they are left behind.
  const char* keep_one_per_key =
      conn.engine() == Engine::kPostgres
          ? "INSERT INTO user_filters_migration (user_id, filter_id, filter_json)"
            " SELECT DISTINCT ON (user_id, filter_id) user_id, filter_id, filter_json"
            " FROM user_filters"
            " WHERE user_id IS NOT NULL AND filter_id IS NOT NULL AND filter_json IS NOT NULL"
            " ORDER BY user_id, filter_id, ctid"
          : "INSERT INTO user_filters_migration (user_id, filter_id, filter_json)"
            " SELECT user_id, filter_id, filter_json FROM user_filters"
            " WHERE rowid IN (SELECT MIN(rowid) FROM user_filters"
            "   WHERE user_id IS NOT NULL AND filter_id IS NOT NULL AND filter_json IS NOT NULL"
            "   GROUP BY user_id, filter_id)";
  conn.Execute("DROP TABLE IF EXISTS user_filters_migration");
  conn.Execute("DROP INDEX IF EXISTS user_filters_unique");
  conn.Execute(
      "CREATE TABLE user_filters_migration ("
      " user_id TEXT NOT NULL,"
      " filter_id BIGINT NOT NULL,"
      " filter_json BYTEA NOT NULL)");
  conn.Execute(keep_one_per_key);
  conn.Execute(
      "CREATE UNIQUE INDEX user_filters_unique ON user_filters_migration (user_id, filter_id)");
  conn.Execute("DROP TABLE user_filters");
  conn.Execute("ALTER TABLE user_filters_migration RENAME TO user_filters");
}

// The server name an existing database belongs to, read from its users. The Python delta
// took it from the config; Strata's delta runs without one. This is the same answer because
// Synapse (and Strata) refuse to upgrade a database holding users of another server
// ("Found users in database not native to ..."), so every user id ends in ":<server_name>".
std::optional<std::string> ServerNameFromUsers(Connection& conn) {
  auto name = conn.QueryValue("SELECT name FROM users WHERE name LIKE '@%:%' LIMIT 1");
  if (!name) return std::nullopt;
  return name->substr(name->find(':') + 1);
}

// 57/local_current_membership.py (1.9.0): a table of local users' current membership, filled
// from current state on existing databases.
void LocalCurrentMembership(Connection& conn, bool new_database) {
  conn.Execute(
      "CREATE TABLE local_current_membership ("
      " room_id TEXT NOT NULL,"
      " user_id TEXT NOT NULL,"
      " event_id TEXT NOT NULL,"
      " membership TEXT NOT NULL)");
  conn.Execute(
      "CREATE UNIQUE INDEX local_current_membership_idx"
      " ON local_current_membership (user_id, room_id)");
  conn.Execute(
      "CREATE INDEX local_current_membership_room_idx ON local_current_membership (room_id)");
  if (new_database) return;

  auto server_name = ServerNameFromUsers(conn);
  if (!server_name) return;  // no local users, so no local memberships to copy
  // current_state_events.membership can only be trusted once its background fill is done;
  // until then the membership comes from room_memberships.
  const bool membership_column_filled = !conn.QueryValue(
      "SELECT 1 FROM background_updates WHERE update_name = 'current_state_events_membership'");
  const char* fill =
      membership_column_filled
          ? "INSERT INTO local_current_membership (room_id, user_id, event_id, membership)"
            " SELECT c.room_id, c.state_key, c.event_id, c.membership"
            " FROM current_state_events AS c"
            " WHERE c.type = 'm.room.member' AND c.membership IS NOT NULL"
            " AND c.state_key LIKE ?"
          : "INSERT INTO local_current_membership (room_id, user_id, event_id, membership)"
            " SELECT c.room_id, c.state_key, c.event_id, r.membership"
            " FROM current_state_events AS c"
            " INNER JOIN room_memberships AS r ON r.event_id = c.event_id"
            " WHERE c.type = 'm.room.member' AND c.state_key LIKE ?";
  conn.Execute(fill, {"%:" + *server_name});
}

// 58/06dlols_unique_idx.py (1.14.0): rebuild device_lists_outbound_last_success keeping the
// newest stream_id per (destination, user_id), under a UNIQUE index.
void DeviceListsOutboundLastSuccessUniqueIndex(Connection& conn, bool /*new_database*/) {
  // Synapse skipped the rebuild on PostgreSQL when the index already existed (left by a 1.14
  // pre-release background update). Strata checks on both engines: on SQLite the rebuild
  // would otherwise stop on the duplicate index name.
  if (conn.IndexExists("device_lists_outbound_last_success_unique_idx")) return;
  conn.Execute("DROP TABLE IF EXISTS device_lists_outbound_last_success_new");
  conn.Execute(
      "CREATE TABLE device_lists_outbound_last_success_new ("
      " destination TEXT NOT NULL,"
      " user_id TEXT NOT NULL,"
      " stream_id BIGINT NOT NULL)");
  conn.Execute(
      "INSERT INTO device_lists_outbound_last_success_new (destination, user_id, stream_id)"
      " SELECT destination, user_id, MAX(stream_id) FROM device_lists_outbound_last_success"
      " GROUP BY destination, user_id");
  conn.Execute(
      "CREATE UNIQUE INDEX device_lists_outbound_last_success_unique_idx"
      " ON device_lists_outbound_last_success_new (destination, user_id)");
  conn.Execute("DROP TABLE device_lists_outbound_last_success");
  conn.Execute(
      "ALTER TABLE device_lists_outbound_last_success_new"
      " RENAME TO device_lists_outbound_last_success");
}

// The largest N among user ids "@N:server" whose localpart is all digits (the ids handed to
// guests and to registrations without a username), or 0.
int64_t MaxGeneratedLocalpart(Connection& conn) {
  int64_t max_found = 0;
  // '@0' <= name < '@a' bounds the scan to ids starting with a digit (and a few others).
  for (const auto& row : conn.Query("SELECT name FROM users WHERE '@0' <= name AND name < '@a'")) {
    const std::string name = row.Text(0);
    size_t colon = name.find(':');
    if (colon == std::string::npos || colon < 2) continue;
    const std::string digits = name.substr(1, colon - 1);
    if (digits.find_first_not_of("0123456789") != std::string::npos) continue;
    // Too long to be an id Synapse generated, and beyond what a sequence can hold.
    if (digits.size() > 18) continue;
    max_found = std::max<int64_t>(max_found, std::stoll(digits));
  }
  return max_found;
}

// 58/11user_id_seq.py (1.18.0): PostgreSQL hands out generated user ids from a sequence that
// starts after the largest one already taken. SQLite keeps computing them in code.
void UserIdSequence(Connection& conn, bool /*new_database*/) {
  if (conn.engine() != Engine::kPostgres) return;
  conn.Execute("CREATE SEQUENCE user_id_seq START WITH " +
               std::to_string(MaxGeneratedLocalpart(conn) + 1));
}

const std::map<std::string, NativeDelta>& Registry() {
  static const std::map<std::string, NativeDelta> registry = {
      {"56/unique_user_filter_index.py", {UniqueUserFilterIndex}},
      {"57/local_current_membership.py", {LocalCurrentMembership}},
      {"58/06dlols_unique_idx.py", {DeviceListsOutboundLastSuccessUniqueIndex}},
      {"58/11user_id_seq.py", {UserIdSequence}},
  };
  return registry;
}

}  // namespace

const NativeDelta* FindNativeDelta(const std::string& file) {
  const auto& registry = Registry();
  auto it = registry.find(file);
  return it == registry.end() ? nullptr : &it->second;
}

}  // namespace strata::schema
