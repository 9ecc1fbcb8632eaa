#include "client/background_updates.h"

#include <algorithm>

namespace strata::console {

void FetchBackgroundUpdates(AdminClient* client, QObject* context,
                            Answer<BackgroundUpdatesStatus> done) {
  client->get(context, "/_synapse/admin/v1/background_updates/status", [done](const ApiReply& r) {
    BackgroundUpdatesStatus status;
    status.enabled = r.body.value("enabled").toBool(true);
    const QJsonObject current =
        r.body.value("current_updates").toObject().value("master").toObject();
    for (const auto& v : current) {
      const QJsonObject u = v.toObject();
      status.updates.push_back({u.value("name").toString(), u.value("depends_on").toString(),
                                u.value("ordering").toInt(), u.value("state").toString(),
                                u.value("why").toString(), u.value("progress_json").toString()});
    }
    std::sort(status.updates.begin(), status.updates.end(),
              [](const BackgroundUpdateRow& a, const BackgroundUpdateRow& b) {
                return a.ordering != b.ordering ? a.ordering < b.ordering : a.name < b.name;
              });
    done(r, status);
  });
}

void SetBackgroundUpdatesEnabled(AdminClient* client, QObject* context, bool enabled,
                                 Answer<bool> done) {
  client->post(context, "/_synapse/admin/v1/background_updates/enabled", {{"enabled", enabled}},
               [done](const ApiReply& r) { done(r, r.body.value("enabled").toBool()); });
}

}  // namespace strata::console
