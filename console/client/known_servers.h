// The servers the console connected to before (QSettings): URL and user name or "token", in
// most-recent-first order. Passwords and access tokens are never stored.
#pragma once

#include <QStringList>

namespace strata::console {

struct KnownServer {
  QString url;
  QString user;  // empty when the last connection used a pasted access token
};

QList<KnownServer> LoadKnownServers();
// Moves (or adds) `server` to the front; keeps at most ten.
void RememberServer(const KnownServer& server);

}  // namespace strata::console
