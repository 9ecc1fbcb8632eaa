// The admin API's domain logic (/_synapse/admin): users (admin_users.cc), rooms
// (admin_rooms.cc), and, beyond Synapse 1.18 for the console, background updates and schema
// information (admin_background_updates.cc) and read-only diagnostics (admin_health.cc).
// Every function REQUIRES that the caller checked the requester is an admin (RequireAdmin).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "handlers/accounts.h"
#include "handlers/services.h"

namespace strata::handlers {

// 403 M_FORBIDDEN "You are not a server admin" unless r.admin.
void RequireAdmin(const Requester& r);

struct UserListQuery {
  int64_t from = 0;
  int64_t limit = 100;
  std::optional<std::string> user_id;  // substring filter
  bool guests = true;
  bool deactivated = false;
};
nlohmann::json ListUsers(Services& s, const UserListQuery& q);
nlohmann::json GetUser(Services& s, const std::string& user_id);
// PUT /v2/users/{id}: creates or modifies (password, displayname, admin, deactivated).
// Returns {status 201|200, user}.
std::pair<int, nlohmann::json> PutUser(Services& s, const Requester& r, const std::string& user_id,
                                       const nlohmann::json& body);
nlohmann::json GetUserAdmin(Services& s, const std::string& user_id);
void SetUserAdmin(Services& s, const Requester& r, const std::string& user_id, bool admin);
void AdminResetPassword(Services& s, const std::string& user_id, const std::string& password,
                        bool logout_devices);
nlohmann::json Whois(Services& s, const std::string& user_id);

struct RoomListQuery {
  int64_t from = 0;
  int64_t limit = 100;
  std::string order_by = "name";
  bool backwards = false;
  std::optional<std::string> search_term;
};
nlohmann::json ListRooms(Services& s, const RoomListQuery& q);
nlohmann::json RoomDetails(Services& s, const std::string& room_id);
nlohmann::json RoomMembers(Services& s, const std::string& room_id);
// GET /v1/rooms/{id}/state (as later Synapse has it): {"state": [event, ...]}, the room's
// current state events ordered by type and state key.
nlohmann::json RoomState(Services& s, const std::string& room_id);
// Makes every local member leave, unpublishes the room and removes its aliases; with `purge`
// also deletes its events from the database. Returns Synapse's summary.
nlohmann::json DeleteRoom(Services& s, const Requester& r, const std::string& room_id, bool purge);

// Each pending update with its state: runnable, waiting, unknown, or failed (the serving
// runner's last batch of it failed: `error` says why; it is passed over until start_job).
// `failed` maps each failed update to its error.
nlohmann::json BackgroundUpdateStatus(Services& s);
// Queues the job's updates. If one is still queued because it failed, asks the runner to retry
// it instead (200); 400 "already in queue" only if the job is queued and not failed.
void StartBackgroundJob(Services& s, const std::string& job_name);
// Also names the database engine ("sqlite3"/"psycopg2") and where the database lives (the
// SQLite path or the PostgreSQL database name, never a password), for the console's advisor.
nlohmann::json SchemaInfo(Services& s);

// Strata-specific, read-only: every room beside the facts that decide whether the room
// directory lists it: rooms.is_public, room_stats_current.joined_members, the joined count
// from current state, whether room_stats_state has a row, and whether the directory of the
// behaved-as release lists it. `problems` explains each published room the directory hides
// (the 1.4-1.12 statistics bug: joined_members 0 while members are joined); `latent` gives the
// same reasons for a published room while the behaved-as directory reads current state (1.4):
// it is listed now, but a release whose directory reads the stats tables would hide it.
// Totals: hidden_by_stats and latent_problems (rooms).
nlohmann::json DirectoryHealth(Services& s);

// Strata-specific: runs the pre-check queries the release catalogue's upgrade notes give for
// every release after the behaved-as one up to `target` (those that are a single SELECT, in
// this engine's form) and reports each one's answer or error and how long it took: the notes'
// estimate of the upgrade's downtime. Nothing is written and writers are not blocked: on
// SQLite each runs outside any transaction with PRAGMA query_only set; on PostgreSQL in a
// READ ONLY transaction with a 60 s statement_timeout, rolled back (storage::RunReadOnlyQuery).
// InvalidParam if `target` is not a catalogued release.
nlohmann::json UpgradePrechecks(Services& s, const std::string& target);

}  // namespace strata::handlers
