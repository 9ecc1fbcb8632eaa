#include "client/known_servers.h"

#include <QSettings>
#include <algorithm>

namespace strata::console {

QList<KnownServer> LoadKnownServers() {
  QSettings settings;
  QList<KnownServer> out;
  const int n = settings.beginReadArray("servers");
  for (int i = 0; i < n; ++i) {
    settings.setArrayIndex(i);
    out.push_back({settings.value("url").toString(), settings.value("user").toString()});
  }
  settings.endArray();
  return out;
}

void RememberServer(const KnownServer& server) {
  QList<KnownServer> list = LoadKnownServers();
  list.erase(std::remove_if(list.begin(), list.end(),
                            [&](const KnownServer& k) { return k.url == server.url; }),
             list.end());
  list.prepend(server);
  while (list.size() > 10) list.removeLast();
  QSettings settings;
  settings.beginWriteArray("servers", static_cast<int>(list.size()));
  for (int i = 0; i < list.size(); ++i) {
    settings.setArrayIndex(i);
    settings.setValue("url", list[i].url);
    settings.setValue("user", list[i].user);
  }
  settings.endArray();
}

}  // namespace strata::console
