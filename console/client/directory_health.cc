#include "client/directory_health.h"

#include <QJsonArray>

namespace strata::console {
namespace {

QStringList Strings(const QJsonValue& v) {
  QStringList out;
  for (const auto& s : v.toArray()) out << s.toString();
  return out;
}

DirectoryHealth ReadHealth(const QJsonObject& body) {
  DirectoryHealth h;
  h.behaves_as = body.value("behaves_as").toString();
  h.reads_stats_tables = body.value("directory_reads").toString() == "stats_tables";
  h.published = body.value("published").toInt();
  h.listed = body.value("listed").toInt();
  h.hidden_by_stats = body.value("hidden_by_stats").toInt();
  h.latent_problems = body.value("latent_problems").toInt();
  for (const auto& v : body.value("rooms").toArray()) {
    const QJsonObject r = v.toObject();
    DirectoryRoom room;
    room.room_id = r.value("room_id").toString();
    room.name = r.value("name").toString();
    room.is_public = r.value("is_public").toBool();
    room.in_directory = r.value("in_directory").toBool();
    const QJsonValue stats = r.value("stats_joined_members");
    if (!stats.isNull()) room.stats_joined_members = stats.toInt();
    room.joined_members = r.value("joined_members").toInt();
    room.has_stats_state = r.value("has_stats_state").toBool();
    room.problems = Strings(r.value("problems"));
    room.latent = Strings(r.value("latent"));
    h.rooms.push_back(std::move(room));
  }
  return h;
}

}  // namespace

void FetchDirectoryHealth(AdminClient* client, QObject* context, Answer<DirectoryHealth> done) {
  client->get(context, "/_synapse/admin/v1/directory_health",
              [done](const ApiReply& r) { done(r, ReadHealth(r.body)); });
}

void FetchPublicRooms(AdminClient* client, QObject* context, int limit,
                      Answer<QVector<PublicRoom>> done) {
  QUrlQuery query;
  query.addQueryItem("limit", QString::number(limit));
  client->get(
      context, "/_matrix/client/r0/publicRooms",
      [done](const ApiReply& r) {
        QVector<PublicRoom> rooms;
        for (const auto& v : r.body.value("chunk").toArray()) {
          const QJsonObject o = v.toObject();
          const QString id = o.value("room_id").toString();
          rooms.push_back(
              {id, o.value("name").toString(id), o.value("num_joined_members").toInt()});
        }
        done(r, rooms);
      },
      query);
}

}  // namespace strata::console
