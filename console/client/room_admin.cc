#include "client/room_admin.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace strata::console {
namespace {

QString RoomPath(const QString& room_id) {
  return "/_synapse/admin/v1/rooms/" + AdminClient::segment(room_id);
}

}  // namespace

void FetchRoomDetails(AdminClient* client, QObject* context, const QString& room_id,
                      Answer<QString> done) {
  client->get(context, RoomPath(room_id), [done](const ApiReply& r) {
    done(r, QString::fromUtf8(QJsonDocument(r.body).toJson()));
  });
}

void FetchRoomMembers(AdminClient* client, QObject* context, const QString& room_id,
                      Answer<QStringList> done) {
  client->get(context, RoomPath(room_id) + "/members", [done](const ApiReply& r) {
    QStringList members;
    for (const auto& m : r.body.value("members").toArray()) members << m.toString();
    done(r, members);
  });
}

void FetchRoomState(AdminClient* client, QObject* context, const QString& room_id,
                    Answer<QVector<StateEntry>> done) {
  client->get(context, RoomPath(room_id) + "/state", [done](const ApiReply& r) {
    QVector<StateEntry> state;
    for (const auto& e : r.body.value("state").toArray()) {
      const QJsonObject ev = e.toObject();
      state.push_back(
          {ev.value("type").toString(), ev.value("state_key").toString(),
           QString::fromUtf8(
               QJsonDocument(ev.value("content").toObject()).toJson(QJsonDocument::Compact))});
    }
    done(r, state);
  });
}

void SetRoomPublished(AdminClient* client, QObject* context, const QString& room_id, bool published,
                      Answer<bool> done) {
  client->put(context, "/_matrix/client/r0/directory/list/room/" + AdminClient::segment(room_id),
              {{"visibility", published ? "public" : "private"}},
              [done, published](const ApiReply& r) { done(r, published); });
}

void DeleteRoom(AdminClient* client, QObject* context, const QString& room_id, Answer<int> done) {
  client->post(context, RoomPath(room_id) + "/delete", {{"purge", true}},
               [done](const ApiReply& r) {
                 done(r, static_cast<int>(r.body.value("kicked_users").toArray().size()));
               });
}

}  // namespace strata::console
