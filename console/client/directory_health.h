// The room directory as the admin API explains it (GET /_synapse/admin/v1/directory_health:
// every room with what decides its listing) and as a client sees it (GET /publicRooms).
#pragma once

#include <QStringList>
#include <QVector>
#include <optional>

#include "client/admin_client.h"

namespace strata::console {

struct DirectoryRoom {
  QString room_id;
  QString name;
  bool is_public = false;                   // rooms.is_public
  bool in_directory = false;                // listed by /publicRooms
  std::optional<int> stats_joined_members;  // room_stats_current.joined_members; none: no row
  int joined_members = 0;                   // from current state
  bool has_stats_state = false;             // a room_stats_state row exists
  QStringList problems;                     // why it is hidden now
  QStringList latent;                       // why a later release's directory would hide it
};

struct DirectoryHealth {
  QString behaves_as;
  bool reads_stats_tables = false;  // directory_reads == "stats_tables"
  int published = 0;
  int listed = 0;
  int hidden_by_stats = 0;
  int latent_problems = 0;
  QVector<DirectoryRoom> rooms;
};

// One entry of /publicRooms.
struct PublicRoom {
  QString room_id;
  QString name;  // the room id when the room has no name
  int joined_members = 0;
};

void FetchDirectoryHealth(AdminClient* client, QObject* context, Answer<DirectoryHealth> done);
// The first `limit` rooms of /publicRooms.
void FetchPublicRooms(AdminClient* client, QObject* context, int limit,
                      Answer<QVector<PublicRoom>> done);

}  // namespace strata::console
