#include "client/upgrade_prechecks.h"

#include <QJsonArray>

namespace strata::console {

void RunUpgradePrechecks(AdminClient* client, QObject* context, const QString& to_release,
                         Answer<QVector<PrecheckResult>> done) {
  QUrlQuery query;
  query.addQueryItem("to", to_release);
  client->get(
      context, "/_synapse/admin/v1/upgrade_prechecks",
      [done](const ApiReply& r) {
        QVector<PrecheckResult> checks;
        for (const auto& v : r.body.value("checks").toArray()) {
          const QJsonObject c = v.toObject();
          PrecheckResult p;
          p.release = c.value("release").toString();
          p.title = c.value("title").toString();
          p.ok = c.value("ok").toBool();
          p.elapsed_ms = c.value("elapsed_ms").toDouble();
          if (!c.value("result").isNull()) p.result = c.value("result").toString();
          p.error = c.value("error").toString();
          checks.push_back(std::move(p));
        }
        done(r, checks);
      },
      query);
}

}  // namespace strata::console
