// The dashboard: server version, the Synapse release it behaves as, schema version, database
// engine, pending background updates, users and rooms; refreshes itself every few seconds.
#pragma once

#include <QMap>
#include <QWidget>

#include "client/admin_client.h"
#include "client/server_info.h"

class QLabel;
class QTimer;

namespace strata::console {

class DashboardView : public QWidget {
  Q_OBJECT
 public:
  DashboardView(AdminClient* client, QWidget* parent = nullptr);

  void refresh();
  // The text shown for a field ("version", "behaves_as", "schema", "engine", "pending",
  // "users", "rooms", "directory").
  QString field(const QString& name) const;
  // The last /v1/schema answer (the advisor reads the release and engine from it).
  const SchemaInfo& schema() const { return schema_; }

 signals:
  void refreshed();
  void schemaLoaded(const SchemaInfo& schema);

 private:
  void set(const QString& name, const QString& text);
  void partDone();

  AdminClient* client_;
  QMap<QString, QLabel*> fields_;
  QLabel* updated_;
  QTimer* timer_;
  SchemaInfo schema_;
  int outstanding_ = 0;
  bool refresh_again_ = false;  // asked while refreshing: refresh once more after
};

}  // namespace strata::console
