// The server's identity, read through the admin API: its version and its schema (which
// release it behaves as, on which database). The dashboard shows them; the upgrade advisor
// starts its plan from them.
#pragma once

#include <QStringList>

#include "client/admin_client.h"

namespace strata::console {

// GET /_synapse/admin/v1/server_version.
struct ServerVersion {
  QString server_version;
  QString built_with;  // Strata names its compiler, Synapse its Python
};

// GET /_synapse/admin/v1/schema.
struct SchemaInfo {
  QString behaves_as;  // the release, "1.12.4"
  int schema_version = 0;
  int release_schema_version = 0;
  QString database_engine = "sqlite3";  // Synapse's database.name: "sqlite3" or "psycopg2"
  QString database;                     // where the data lives
  QStringList pending_background_updates;

  bool postgres() const { return database_engine == "psycopg2"; }
};

SchemaInfo ReadSchemaInfo(const QJsonObject& body);

void FetchServerVersion(AdminClient* client, QObject* context, Answer<ServerVersion> done);
void FetchSchema(AdminClient* client, QObject* context, Answer<SchemaInfo> done);

}  // namespace strata::console
