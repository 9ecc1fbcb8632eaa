#include "http/server_app.h"

#include "util/logging.h"

namespace strata::http {

std::vector<std::string> DefaultClientVersions() {
  return {"r0.0.1", "r0.1.0", "r0.2.0", "r0.3.0", "r0.4.0", "r0.5.0", "r0.6.0", "r0.6.1", "v1.1"};
}

std::string ServerVersionString(const std::string& synapse_release) {
  return std::string("Strata ") + STRATA_VERSION + " (Synapse " + synapse_release + " compatible)";
}

std::string CompilerDescription() {
#if defined(__clang__)
  return __VERSION__;  // clang's already names itself: "Debian Clang 14.0.6"
#elif defined(__GNUC__)
  return std::string("GCC ") + __VERSION__;
#else
  return __VERSION__;
#endif
}

std::vector<ListenerSpec> ListenersFromConfig(const config::HomeserverConfig& config,
                                              std::vector<std::string>* skipped) {
  std::vector<ListenerSpec> out;
  for (const auto& l : config.listeners) {
    if (l.type != "http") {
      if (skipped) {
        skipped->push_back("listener on port " + std::to_string(l.port) + " has type '" + l.type +
                           "', which Strata does not serve");
      }
      continue;
    }
    ListenerSpec spec;
    spec.bind_addresses = l.bind_addresses;
    spec.port = l.port;
    spec.resources = l.ResourceNames();
    spec.x_forwarded = l.x_forwarded;
    spec.tls = l.tls;
    spec.tls_certificate_path = config.tls_certificate_path;
    spec.tls_private_key_path = config.tls_private_key_path;
    out.push_back(std::move(spec));
  }
  return out;
}

HomeserverHttp::HomeserverHttp(HomeserverHttpOptions options)
    : options_(std::move(options)), server_(options_.http) {
  const std::string version = ServerVersionString(options_.synapse_release);
  const std::string compiler = CompilerDescription();
  server_.Get("/_synapse/admin/v1/server_version", [version, compiler](const Request&) {
    return Response::Json({{"server_version", version}, {"compiler", compiler}});
  });
  nlohmann::json versions = {{"versions", options_.client_versions},
                             {"unstable_features", options_.unstable_features}};
  server_.Get("/_matrix/client/versions",
              [versions](const Request&) { return Response::Json(versions); });
}

Status HomeserverHttp::Start(const config::HomeserverConfig& config) {
  std::vector<std::string> skipped;
  auto listeners = ListenersFromConfig(config, &skipped);
  for (const auto& s : skipped) STRATA_LOG(Warning, "strata.http") << s;
  if (listeners.empty()) {
    return Status::InvalidArgument(
        "the config has no http listener (listeners: [{port: 8008, type: http, resources: "
        "[{names: [client, federation]}]}])");
  }
  return Start(listeners);
}

Status HomeserverHttp::Start(const std::vector<ListenerSpec>& listeners) {
  return server_.Start(listeners);
}

}  // namespace strata::http
