// The background updates as the admin API lists them (GET
// /_synapse/admin/v1/background_updates/status) and the switch that pauses them (POST
// .../background_updates/enabled). BackgroundJob queues and follows jobs.
#pragma once

#include <QVector>

#include "client/admin_client.h"

namespace strata::console {

struct BackgroundUpdateRow {
  QString name;
  QString depends_on;
  int ordering = 0;
  QString state;  // "runnable", "waiting", "failed", ...
  QString why;    // why it waits or failed; may be empty
  QString progress_json;
};

struct BackgroundUpdatesStatus {
  bool enabled = true;
  // The pending updates in the order the runner picks: by ordering, then name (1.13+; older
  // runners take turns).
  QVector<BackgroundUpdateRow> updates;
};

void FetchBackgroundUpdates(AdminClient* client, QObject* context,
                            Answer<BackgroundUpdatesStatus> done);
// Pauses (false) or resumes (true) the updater; answers whether it now runs.
void SetBackgroundUpdatesEnabled(AdminClient* client, QObject* context, bool enabled,
                                 Answer<bool> done);

}  // namespace strata::console
