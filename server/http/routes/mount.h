// Mounting the client-server API and the admin API on an HttpServer.
//
// MountClientApi serves every client endpoint under both /_matrix/client/r0/ and
// /_matrix/client/v3/ (plus /_synapse/admin/v1/register); MountAdminApi serves
// /_synapse/admin/v1 and v2. Routes are thin: they parse and validate the request, check the
// access token, call a handler (server/handlers/) and shape the answer; they hold no SQL.
//
// REQUIRES: `services` outlives the server's handling of requests (stop the server first).
#pragma once

#include "handlers/services.h"
#include "http/http_server.h"

namespace strata::http {

void MountClientApi(HttpServer& server, handlers::Services& services);
void MountAdminApi(HttpServer& server, handlers::Services& services);
// Both.
void MountAll(HttpServer& server, handlers::Services& services);

}  // namespace strata::http
