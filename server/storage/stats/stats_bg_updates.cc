#include "storage/stats/stats_bg_updates.h"

#include <string>

namespace strata::storage {
namespace {

constexpr const char* kStagingPosition = "_temp_populate_stats_position";

constexpr std::string_view kDeltaPosition =
    "SELECT COALESCE(MAX(stream_id), -1) FROM current_state_delta_stream";
constexpr std::string_view kDropStagingRooms = "DROP TABLE IF EXISTS _temp_populate_stats_rooms";
constexpr std::string_view kCreateStagingRooms =
    "CREATE TABLE IF NOT EXISTS _temp_populate_stats_rooms "
    "(room_id TEXT NOT NULL, events BIGINT NOT NULL)";
constexpr std::string_view kIndexStagingRoomsEvents =
    "CREATE INDEX _temp_populate_stats_rooms_events ON _temp_populate_stats_rooms (events)";
constexpr std::string_view kIndexStagingRoomsId =
    "CREATE INDEX _temp_populate_stats_rooms_id ON _temp_populate_stats_rooms (room_id)";
constexpr std::string_view kCreateStagingPosition =
    "CREATE TABLE IF NOT EXISTS _temp_populate_stats_position (position TEXT NOT NULL)";
constexpr std::string_view kStageRooms =
    "INSERT INTO _temp_populate_stats_rooms"
    " (room_id, events) SELECT c.room_id, COUNT(*) FROM current_state_events c "
    "LEFT JOIN room_stats_earliest_token t ON t.room_id = c.room_id "
    "WHERE t.room_id IS NULL GROUP BY c.room_id";
constexpr std::string_view kStagePosition =
    "INSERT INTO _temp_populate_stats_position (position) VALUES (?)";
constexpr std::string_view kStagedPosition =
    "SELECT position FROM _temp_populate_stats_position LIMIT 1";
constexpr std::string_view kMoveStatsStreamPos = "UPDATE stats_stream_pos SET stream_id = ?";
constexpr std::string_view kDropStagingPosition =
    "DROP TABLE IF EXISTS _temp_populate_stats_position";

}  // namespace

StatsBgUpdates::StatsBgUpdates(const StoreOptions& options) : options_(options) {}

bool StatsBgUpdates::HasLegacyStatsTables(Connection& conn) const {
  return conn.TableExists("room_stats_earliest_token");
}

void StatsBgUpdates::BuildLegacyStatsStaging(Connection& conn) const {
  const int64_t position = conn.QueryInt(kDeltaPosition).value_or(-1);
  conn.Execute(kDropStagingRooms);
  conn.Execute(kCreateStagingRooms);
  conn.Execute(kIndexStagingRoomsEvents);
  conn.Execute(kIndexStagingRoomsId);
  conn.Execute(kCreateStagingPosition);
  conn.Execute(kStageRooms);
  conn.Execute(kStagePosition, {std::to_string(position)});
}

bool StatsBgUpdates::HasLegacyStatsStaging(Connection& conn) const {
  return conn.TableExists(kStagingPosition);
}

void StatsBgUpdates::FinishLegacyStatsStaging(Connection& conn) const {
  auto position = conn.QueryValue(kStagedPosition);
  if (position && conn.TableExists("stats_stream_pos")) {
    conn.Execute(kMoveStatsStreamPos, {static_cast<long long>(std::stoll(*position))});
  }
  conn.Execute(kDropStagingRooms);
  conn.Execute(kDropStagingPosition);
}

}  // namespace strata::storage
