#include "client/server_info.h"

#include <QJsonArray>

namespace strata::console {

SchemaInfo ReadSchemaInfo(const QJsonObject& body) {
  SchemaInfo s;
  s.behaves_as = body.value("behaves_as").toString();
  s.schema_version = body.value("schema_version").toInt();
  s.release_schema_version = body.value("release_schema_version").toInt();
  s.database_engine = body.value("database_engine").toString("sqlite3");
  s.database = body.value("database").toString();
  for (const auto& p : body.value("pending_background_updates").toArray()) {
    s.pending_background_updates << p.toString();
  }
  return s;
}

void FetchServerVersion(AdminClient* client, QObject* context, Answer<ServerVersion> done) {
  client->get(context, "/_synapse/admin/v1/server_version", [done](const ApiReply& r) {
    ServerVersion v;
    v.server_version = r.body.value("server_version").toString();
    v.built_with = r.body.contains("compiler") ? r.body.value("compiler").toString()
                                               : r.body.value("python_version").toString();
    done(r, v);
  });
}

void FetchSchema(AdminClient* client, QObject* context, Answer<SchemaInfo> done) {
  client->get(context, "/_synapse/admin/v1/schema",
              [done](const ApiReply& r) { done(r, ReadSchemaInfo(r.body)); });
}

}  // namespace strata::console
