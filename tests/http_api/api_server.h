// A real HttpServer with the client and admin APIs mounted, on a scratch database of either
// engine prepared for a chosen release, and an httplib client to call it on loopback. Rate
// limits are generous unless a test's `tweak` sets them.
#pragma once

#include <httplib.h>

#include <functional>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config/homeserver_config.h"
#include "crypto/signing_key.h"
#include "handlers/services.h"
#include "http/http_server.h"
#include "http/routes/mount.h"
#include "schema/catalogue.h"
#include "schema/prepare_database.h"
#include "storage/connection_pool.h"
#include "support/test_support.h"

namespace strata::testing {

using nlohmann::json;

class ApiServer {
 public:
  // `tweak` may change the config before the server starts (rate limits, ...).
  ApiServer(storage::Engine engine, const std::string& release_name,
            const std::function<void(config::HomeserverConfig&)>& tweak = nullptr)
      : db_(engine) {
    const auto& catalogue = schema::Catalogue::Builtin();
    release_ = catalogue.Find(release_name);
    auto prepared = schema::PrepareDatabase(db_.conn(), catalogue, *release_);
    EXPECT_TRUE(prepared.ok()) << prepared.status().message();
    config_.server_name = "test.local";
    config_.enable_registration = true;
    config_.bcrypt_rounds = 4;
    config_.registration_shared_secret = "s3cret";
    config_.rc_login.address = {1000, 1000};
    config_.rc_registration = {1000, 1000};
    config_.rc_login.account = {1000, 1000};
    config_.rc_login.failed_attempts = {1000, 1000};
    config_.rc_message = {1000, 1000};
    if (tweak) tweak(config_);
    // The pool as the server opens it: on SQLite a writer and readers over a WAL file.
    auto pool = storage::ConnectionPool::Open(
        [this]() -> Result<std::unique_ptr<storage::Connection>> { return db_.ConnectServing(); },
        4);
    EXPECT_TRUE(pool.ok()) << pool.status().message();
    pool_ = std::move(*pool);
    services_ = std::make_unique<handlers::Services>(*pool_, config_, *release_,
                                                     crypto::SigningKey::Generate());
    http::MountAll(server_, *services_);
    http::ListenerSpec spec;
    spec.bind_addresses = {"127.0.0.1"};
    spec.port = 0;
    EXPECT_TRUE(server_.Start({spec}).ok());
    port_ = server_.bound()[0].port;
  }
  ~ApiServer() { server_.Stop(); }

  struct Reply {
    int status = 0;
    json body;
  };
  Reply Call(const std::string& method, const std::string& path, const std::string& body = "",
             const std::string& token = "") {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(30, 0);
    httplib::Headers headers;
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    auto r = [&] {
      if (method == "POST") return c.Post(path, headers, body, "application/json");
      if (method == "PUT") return c.Put(path, headers, body, "application/json");
      if (method == "DELETE") return c.Delete(path, headers);
      return c.Get(path, headers);
    }();
    if (!r) return {};
    return {r->status, json::parse(r->body, nullptr, false)};
  }
  // A JSON body; a template so that "" stays a string body.
  template <typename J, std::enable_if_t<std::is_same_v<std::decay_t<J>, json>, int> = 0>
  Reply Call(const std::string& method, const std::string& path, J&& body,
             const std::string& token) {
    return Call(method, path, body.dump(), token);
  }

  // Registers through the m.login.dummy flow; returns the access token.
  std::string Register(const std::string& user, const std::string& password = "pw-123456") {
    auto first = Call("POST", "/_matrix/client/r0/register",
                      json{{"username", user}, {"password", password}}.dump());
    EXPECT_EQ(first.status, 401);
    auto second = Call(
        "POST", "/_matrix/client/r0/register",
        json{{"username", user},
             {"password", password},
             {"auth", {{"type", "m.login.dummy"}, {"session", first.body.value("session", "")}}}}
            .dump());
    EXPECT_EQ(second.status, 200) << second.body.dump();
    return second.body.value("access_token", "");
  }

  storage::Connection& conn() { return db_.conn(); }
  handlers::Services& services() { return *services_; }
  // After a test writes through conn() behind the server's back (as a background update's
  // batch does on its own connection): forget what the server cached, as the updater does.
  void ForgetCached() {
    services_->stores.ForgetCachedNow();
    services_->public_rooms.Changed();
  }
  http::HttpServer& http() { return server_; }
  int port() const { return port_; }

 private:
  testing::ScratchDatabase db_;
  const schema::Release* release_ = nullptr;
  config::HomeserverConfig config_;
  std::unique_ptr<storage::ConnectionPool> pool_;
  std::unique_ptr<handlers::Services> services_;
  http::HttpServer server_;
  int port_ = 0;
};

}  // namespace strata::testing
