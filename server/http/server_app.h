// HomeserverHttp: the homeserver's HTTP front: the listeners from homeserver.yaml, the routes
// every release serves from the start, and the maintenance switch used while the schema is
// being upgraded.
//
// Routes served here:
//   GET /_synapse/admin/v1/server_version  (no auth)
//       {"server_version": "Strata <ver> (Synapse <release> compatible)",
//        "compiler": "<compiler and version>"}
//       (Synapse answers "python_version" in the second field; Strata has no Python.)
//   GET /_matrix/client/versions  (no auth)
//       {"versions": [...], "unstable_features": {...}}
// Other engineers add the client API through server().Get/Post/Put/Delete.
//
// Typical start-up (main.cc):
//   HomeserverHttp http(options);
//   http.SetMaintenance(json{{"progress", "Upgrading schema to 58"}});   // before Start
//   http.Start(config);               // clients get 503 with the progress text meanwhile
//   ... upgrade, calling SetMaintenance again with new progress ...
//   register the client API routes on http.server()
//   http.SetMaintenance(std::nullopt);   // normal service
//   ... wait for a signal ...
//   http.Stop();
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "config/homeserver_config.h"
#include "http/http_server.h"
#include "util/status.h"

namespace strata::http {

// The client-server spec versions /versions lists by default: r0.0.1 .. r0.6.1 and v1.1.
std::vector<std::string> DefaultClientVersions();
// "Strata 0.1.0 (Synapse 1.18.0 compatible)".
std::string ServerVersionString(const std::string& synapse_release);
// The compiler that built this binary, from __VERSION__ (e.g. "GCC 12.2.0").
std::string CompilerDescription();

// The http listeners of the config as ListenerSpecs (TLS paths from tls_certificate_path and
// tls_private_key_path). Listeners of other types are left out and described in `skipped`.
std::vector<ListenerSpec> ListenersFromConfig(const config::HomeserverConfig& config,
                                              std::vector<std::string>* skipped = nullptr);

struct HomeserverHttpOptions {
  std::string synapse_release;  // the release Strata behaves as, e.g. "1.18.0"
  std::vector<std::string> client_versions = DefaultClientVersions();
  nlohmann::json unstable_features = nlohmann::json::object();
  HttpServerOptions http;
};

class HomeserverHttp {
 public:
  explicit HomeserverHttp(HomeserverHttpOptions options);
  HomeserverHttp(const HomeserverHttp&) = delete;
  HomeserverHttp& operator=(const HomeserverHttp&) = delete;

  // For registering further routes (before or after Start).
  HttpServer& server() { return server_; }

  // Binds the config's http listeners (see ListenersFromConfig) and serves. Fails, binding
  // nothing, if any address cannot be bound or the config has no http listener.
  Status Start(const config::HomeserverConfig& config);
  Status Start(const std::vector<ListenerSpec>& listeners);

  // Thread-safe. nullopt: normal service. Otherwise every request gets 503 with
  // {"errcode": "M_UNKNOWN", "error": ...} and the members of `status` (e.g. "progress").
  void SetMaintenance(std::optional<nlohmann::json> status) {
    server_.SetMaintenance(std::move(status));
  }

  void Stop() { server_.Stop(); }

 private:
  HomeserverHttpOptions options_;
  HttpServer server_;
};

}  // namespace strata::http
