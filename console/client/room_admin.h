// The admin API's room calls (Synapse's /_synapse/admin/v1/rooms/<id>...): details, members,
// state, deletion; and publishing to the directory (the client API's directory/list/room).
// The list itself is PagedModel::rooms.
#pragma once

#include <QStringList>
#include <QVector>

#include "client/admin_client.h"

namespace strata::console {

struct StateEntry {
  QString type;
  QString state_key;
  QString content_json;  // compact JSON
};

// The room's details answer as indented JSON text, for showing as it is.
void FetchRoomDetails(AdminClient* client, QObject* context, const QString& room_id,
                      Answer<QString> done);
// The user ids of the room's members.
void FetchRoomMembers(AdminClient* client, QObject* context, const QString& room_id,
                      Answer<QStringList> done);
// The room's current state events, as the server lists them.
void FetchRoomState(AdminClient* client, QObject* context, const QString& room_id,
                    Answer<QVector<StateEntry>> done);
// Publishes the room to the directory (visibility "public") or hides it ("private").
void SetRoomPublished(AdminClient* client, QObject* context, const QString& room_id, bool published,
                      Answer<bool> done);
// Deletes and purges the room; answers how many users were made to leave.
void DeleteRoom(AdminClient* client, QObject* context, const QString& room_id, Answer<int> done);

}  // namespace strata::console
