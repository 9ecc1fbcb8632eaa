// The server's upgrade pre-checks (GET /_synapse/admin/v1/upgrade_prechecks?to=<release>): the
// pre-check query of every note on the path from the server's release, run on its database.
#pragma once

#include <QVector>
#include <optional>

#include "client/admin_client.h"

namespace strata::console {

struct PrecheckResult {
  QString release;
  QString title;  // the note's
  bool ok = false;
  double elapsed_ms = 0;
  std::optional<QString> result;  // the query's answer; none: nothing to migrate
  QString error;                  // when !ok
};

void RunUpgradePrechecks(AdminClient* client, QObject* context, const QString& to_release,
                         Answer<QVector<PrecheckResult>> done);

}  // namespace strata::console
