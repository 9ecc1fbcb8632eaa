// The HTTP front on a free loopback port, driven with cpp-httplib's client.
#include "http/http_server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "config/homeserver_config.h"
#include "http/server_app.h"

namespace strata::http {
namespace {

using nlohmann::json;

class HomeserverHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HomeserverHttpOptions options;
    options.synapse_release = "1.18.0";
    http_ = std::make_unique<HomeserverHttp>(options);
  }
  void TearDown() override { http_->Stop(); }

  void Start(std::set<std::string> resources = {"client", "federation"}) {
    ListenerSpec spec;
    spec.bind_addresses = {"127.0.0.1"};
    spec.port = 0;
    spec.resources = std::move(resources);
    Status st = http_->Start({spec});
    ASSERT_TRUE(st.ok()) << st.message();
    ASSERT_EQ(http_->server().bound().size(), 1u);
    port_ = http_->server().bound()[0].port;
    ASSERT_GT(port_, 0);
  }

  httplib::Client Client() {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(std::chrono::seconds(10));
    return c;
  }

  static json Body(const httplib::Result& r) { return json::parse(r->body); }

  std::unique_ptr<HomeserverHttp> http_;
  int port_ = 0;
};

TEST_F(HomeserverHttpTest, AnswersServerVersion) {
  Start();
  auto r = Client().Get("/_synapse/admin/v1/server_version");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
  auto body = Body(r);
  EXPECT_EQ(body["server_version"],
            std::string("Strata ") + STRATA_VERSION + " (Synapse 1.18.0 compatible)");
  EXPECT_EQ(body["compiler"], CompilerDescription());
  EXPECT_FALSE(body["compiler"].get<std::string>().empty());
}

TEST_F(HomeserverHttpTest, AnswersClientVersions) {
  Start();
  auto r = Client().Get("/_matrix/client/versions");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  auto body = Body(r);
  auto versions = body["versions"].get<std::vector<std::string>>();
  for (const char* v : {"r0.0.1", "r0.5.0", "r0.6.0", "r0.6.1", "v1.1"}) {
    EXPECT_NE(std::find(versions.begin(), versions.end(), v), versions.end()) << v;
  }
  EXPECT_TRUE(body["unstable_features"].is_object());
  // Synapse's CORS headers are on every response.
  EXPECT_EQ(r->get_header_value("Access-Control-Allow-Origin"), "*");
  EXPECT_NE(r->get_header_value("Access-Control-Allow-Headers").find("Authorization"),
            std::string::npos);
}

TEST_F(HomeserverHttpTest, UnknownPathsAndMethodsAreUnrecognized) {
  Start();
  auto c = Client();
  auto r = c.Get("/_matrix/client/r0/no_such_thing");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(Body(r)["errcode"], "M_UNRECOGNIZED");
  EXPECT_EQ(Body(r)["error"], "Unrecognized request");

  r = c.Post("/_matrix/client/versions", "{}", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(Body(r)["errcode"], "M_UNRECOGNIZED");

  r = c.Get("/");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(Body(r)["errcode"], "M_UNRECOGNIZED");

  // A very long path (cpp-httplib matches routes with std::regex) gets an answer, not a crash.
  r = c.Get("/_matrix/client/r0/" + std::string(8000, 'a'));
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->status == 404 || r->status == 414) << r->status;
  EXPECT_TRUE(Body(r).contains("errcode"));

  // A decoded newline in the path still gets a JSON answer.
  r = c.Get("/_matrix/client/%0A");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(Body(r)["errcode"], "M_UNRECOGNIZED");
}

TEST_F(HomeserverHttpTest, OptionsAnswersCorsPreflightAnywhere) {
  Start();
  auto r = Client().Options("/_matrix/client/r0/login");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "{}");
  EXPECT_EQ(r->get_header_value("Access-Control-Allow-Origin"), "*");
  EXPECT_NE(r->get_header_value("Access-Control-Allow-Methods").find("PUT"), std::string::npos);
}

TEST_F(HomeserverHttpTest, HandlersGetDecodedParamsQueryAndJson) {
  http_->server().Put("/_matrix/client/r0/rooms/{roomId}/send/{eventType}/{txnId}",
                      [](const Request& req) {
                        const auto& body = req.JsonObject();
                        return Response::Json({{"room", req.Param("roomId")},
                                               {"type", req.Param("eventType")},
                                               {"txn", req.Param("txnId")},
                                               {"msg", body.value("body", "")},
                                               {"token", req.AccessToken().value_or("")},
                                               {"q", req.Query("q").value_or("")}});
                      });
  Start();
  auto c = Client();
  c.set_url_encode(false);  // send the target exactly as written
  httplib::Headers headers = {{"Authorization", "Bearer tok"}};
  auto r = c.Put("/_matrix/client/r0/rooms/%21room%3Aexample.org/send/m.room.message/t%2F1?q=a+b",
                 headers, R"({"body":"héllo"})", "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  auto body = Body(r);
  EXPECT_EQ(body["room"], "!room:example.org");
  EXPECT_EQ(body["type"], "m.room.message");
  EXPECT_EQ(body["txn"], "t/1");
  EXPECT_EQ(body["msg"], "héllo");
  EXPECT_EQ(body["token"], "tok");
  EXPECT_EQ(body["q"], "a b");

  r = c.Put("/_matrix/client/r0/rooms/!r/send/m.room.message/2", "{not json", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(Body(r)["errcode"], "M_NOT_JSON");
  EXPECT_EQ(Body(r)["error"], "Content not JSON.");

  r = c.Put("/_matrix/client/r0/rooms/!r/send/m.room.message/3", "[1,2]", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(Body(r)["errcode"], "M_BAD_JSON");
}

TEST_F(HomeserverHttpTest, ErrorsBecomeMatrixJson) {
  http_->server().Get("/_matrix/client/r0/forbidden", [](const Request&) -> Response {
    throw MatrixError(403, errcode::kForbidden, "You are not invited to this room.");
  });
  http_->server().Get("/_matrix/client/r0/limited", [](const Request&) -> Response {
    throw MatrixError(429, errcode::kLimitExceeded, "Too Many Requests",
                      json{{"retry_after_ms", 500}});
  });
  http_->server().Get("/_matrix/client/r0/broken", [](const Request&) -> Response {
    throw std::runtime_error("database went away");
  });
  Start();
  auto c = Client();
  auto r = c.Get("/_matrix/client/r0/forbidden");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(Body(r),
            (json{{"errcode", "M_FORBIDDEN"}, {"error", "You are not invited to this room."}}));
  r = c.Get("/_matrix/client/r0/limited");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 429);
  EXPECT_EQ(Body(r)["retry_after_ms"], 500);
  r = c.Get("/_matrix/client/r0/broken");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(Body(r)["errcode"], "M_UNKNOWN");
  EXPECT_EQ(Body(r)["error"], "Internal server error");  // the detail goes to the log only
}

TEST_F(HomeserverHttpTest, MaintenanceAnswers503WithProgressThenServes) {
  http_->SetMaintenance(json{{"progress", "Applying 56/stats_separated.sql (3 of 12)"}});
  Start();
  auto c = Client();
  for (const char* path : {"/_matrix/client/versions", "/_synapse/admin/v1/server_version",
                           "/_matrix/client/r0/unknown"}) {
    auto r = c.Get(path);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 503) << path;
    auto body = Body(r);
    EXPECT_EQ(body["errcode"], "M_UNKNOWN");
    EXPECT_EQ(body["progress"], "Applying 56/stats_separated.sql (3 of 12)");
    EXPECT_FALSE(body["error"].get<std::string>().empty());
    EXPECT_EQ(r->get_header_value("Access-Control-Allow-Origin"), "*");
  }
  http_->SetMaintenance(json{{"progress", "Applying 57/x.sql"}, {"error", "Upgrading"}});
  auto r = c.Get("/_matrix/client/versions");
  ASSERT_TRUE(r);
  EXPECT_EQ(Body(r)["progress"], "Applying 57/x.sql");
  EXPECT_EQ(Body(r)["error"], "Upgrading");

  http_->SetMaintenance(std::nullopt);
  r = c.Get("/_matrix/client/versions");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(HomeserverHttpTest, RoutesAddedAfterStartAreServed) {
  Start();
  http_->server().Get("/_matrix/client/r0/late", [](const Request&) {
    return Response::Json({{"ok", true}});
  });
  auto r = Client().Get("/_matrix/client/r0/late");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(HomeserverHttpTest, ListenerServesOnlyItsResources) {
  http_->server().Get("/_matrix/federation/v1/version", [](const Request&) {
    return Response::Json({{"server", {{"name", "Strata"}}}});
  });
  Start({"client"});
  auto r = Client().Get("/_matrix/federation/v1/version");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
}

TEST_F(HomeserverHttpTest, OversizedBodiesAreTooLarge) {
  HomeserverHttpOptions options;
  options.synapse_release = "1.18.0";
  options.http.max_request_body_bytes = 1024;
  http_ = std::make_unique<HomeserverHttp>(options);
  http_->server().Post("/_matrix/client/r0/upload",
                       [](const Request&) { return Response::Json(json::object()); });
  Start();
  auto r = Client().Post("/_matrix/client/r0/upload", std::string(4096, 'x'), "text/plain");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(Body(r)["errcode"], "M_TOO_LARGE");
}

TEST_F(HomeserverHttpTest, SecondServerCannotTakeTheSamePort) {
  Start();
  HomeserverHttpOptions options;
  options.synapse_release = "1.18.0";
  HomeserverHttp other(options);
  ListenerSpec spec;
  spec.bind_addresses = {"127.0.0.1"};
  spec.port = port_;
  Status st = other.Start({spec});
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find(std::to_string(port_)), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("127.0.0.1"), std::string::npos) << st.message();
}

TEST_F(HomeserverHttpTest, StartsFromConfigListeners) {
  auto loaded = config::ParseConfig(
      "server_name: example.org\nreport_stats: false\n"
      "listeners:\n"
      "  - port: 0\n"
      "    bind_addresses: ['127.0.0.1']\n"
      "    type: http\n"
      "    resources: [{names: [client]}]\n"
      "  - port: 9100\n"
      "    type: metrics\n",
      "hs.yaml");
  ASSERT_TRUE(loaded.ok());
  std::vector<std::string> skipped;
  auto specs = ListenersFromConfig(loaded.config, &skipped);
  ASSERT_EQ(specs.size(), 1u);
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_NE(skipped[0].find("metrics"), std::string::npos);
  ASSERT_TRUE(http_->Start(loaded.config).ok());
  port_ = http_->server().bound()[0].port;
  auto r = Client().Get("/_matrix/client/versions");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(HomeserverHttpTest, ConfigWithoutHttpListenerIsRefused) {
  auto loaded = config::ParseConfig("server_name: example.org\nreport_stats: false\n", "hs.yaml");
  Status st = http_->Start(loaded.config);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("listener"), std::string::npos);
}

TEST_F(HomeserverHttpTest, StopRightAfterStartReturns) {
  Start();
  http_->Stop();
  auto r = Client().Get("/_matrix/client/versions");
  EXPECT_FALSE(r);
}

}  // namespace
}  // namespace strata::http
