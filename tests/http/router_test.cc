#include "http/router.h"

#include <gtest/gtest.h>

namespace strata::http {
namespace {

const std::set<std::string> kClient = {"client"};

Handler Named(std::string name) {
  return [name](const Request&) { return Response::Raw(200, name, "text/plain"); };
}

std::string Route(const Router& r, const std::string& method, const std::string& path,
                  std::map<std::string, std::string>* params = nullptr) {
  Router::Match m;
  auto outcome = r.Find(method, path, kClient, &m);
  if (outcome == Router::Outcome::kNotFound) return "404";
  if (outcome == Router::Outcome::kWrongMethod) return "405";
  if (params) *params = m.params;
  return std::get<Response>(m.handler(Request{})).body;
}

TEST(RouterTest, DecodesParametersPerSegment) {
  Router r;
  r.Add("GET", "/_matrix/client/r0/rooms/{roomId}/state/{eventType}/{stateKey...}", Named("state"));
  std::map<std::string, std::string> params;
  EXPECT_EQ(
      Route(r, "GET", "/_matrix/client/r0/rooms/%21abc%3Aexample.org/state/m.room.name/", &params),
      "state");
  EXPECT_EQ(params["roomId"], "!abc:example.org");
  EXPECT_EQ(params["eventType"], "m.room.name");
  EXPECT_EQ(params["stateKey"], "");
  EXPECT_EQ(
      Route(r, "GET", "/_matrix/client/r0/rooms/!r/state/m.room.member/%40al%2Fice%3Ax", &params),
      "state");
  EXPECT_EQ(params["stateKey"], "@al/ice:x");  // %2F stays inside the parameter
  EXPECT_EQ(Route(r, "GET", "/_matrix/client/r0/rooms/!r/state/m.room.name", &params), "state");
  EXPECT_EQ(params["stateKey"], "");
  EXPECT_EQ(Route(r, "GET", "/_matrix/client/r0/rooms/!r/state"), "404");
}

TEST(RouterTest, MostSpecificPatternWins) {
  Router r;
  r.Add("GET", "/_matrix/client/r0/{rest...}", Named("rest"));
  r.Add("GET", "/_matrix/client/r0/rooms/{roomId}/{what}", Named("param"));
  r.Add("GET", "/_matrix/client/r0/rooms/{roomId}/members", Named("members"));
  EXPECT_EQ(Route(r, "GET", "/_matrix/client/r0/rooms/!a/members"), "members");
  EXPECT_EQ(Route(r, "GET", "/_matrix/client/r0/rooms/!a/messages"), "param");
  EXPECT_EQ(Route(r, "GET", "/_matrix/client/r0/sync"), "rest");
}

TEST(RouterTest, WrongMethodIsNotUnknownPath) {
  Router r;
  r.Add("PUT", "/_matrix/client/r0/profile/{userId}/displayname", Named("put"));
  r.Add("GET", "/_matrix/client/r0/profile/{userId}/displayname", Named("get"));
  EXPECT_EQ(Route(r, "GET", "/_matrix/client/r0/profile/@a:b/displayname"), "get");
  Router::Match m;
  std::vector<std::string> allowed;
  EXPECT_EQ(r.Find("POST", "/_matrix/client/r0/profile/@a:b/displayname", kClient, &m, &allowed),
            Router::Outcome::kWrongMethod);
  EXPECT_EQ(allowed, (std::vector<std::string>{"PUT", "GET"}));
  EXPECT_EQ(Route(r, "GET", "/_matrix/client/r0/profile/@a:b"), "404");
}

TEST(RouterTest, ListenersOnlyServeTheirResources) {
  Router r;
  r.Add("GET", "/_matrix/federation/v1/version", Named("fed"));
  r.Add("GET", "/_matrix/media/r0/config", Named("media"));
  Router::Match m;
  EXPECT_EQ(r.Find("GET", "/_matrix/federation/v1/version", {"client"}, &m),
            Router::Outcome::kNotFound);
  EXPECT_EQ(r.Find("GET", "/_matrix/federation/v1/version", {"federation"}, &m),
            Router::Outcome::kFound);
  // "client" and "federation" both imply media, as in Synapse.
  EXPECT_EQ(r.Find("GET", "/_matrix/media/r0/config", {"client"}, &m), Router::Outcome::kFound);
  EXPECT_EQ(r.Find("GET", "/_matrix/media/r0/config", {"metrics"}, &m), Router::Outcome::kNotFound);
}

TEST(RouterTest, RejectsMalformedPatterns) {
  Router r;
  EXPECT_THROW(r.Add("GET", "no/leading/slash", Named("x")), std::invalid_argument);
  EXPECT_THROW(r.Add("GET", "/a/{rest...}/b", Named("x")), std::invalid_argument);
  EXPECT_THROW(r.Add("GET", "/a/x{y}", Named("x")), std::invalid_argument);
  EXPECT_THROW(r.Add("GET", "/a/{}", Named("x")), std::invalid_argument);
  EXPECT_THROW(r.Add("GET", "/a?b=c", Named("x")), std::invalid_argument);
}

TEST(UrlTest, DecodesPercentAndQueryForms) {
  EXPECT_EQ(PercentDecode("%40alice%3Aexample.org"), "@alice:example.org");
  EXPECT_EQ(PercentDecode("a+b"), "a+b");
  EXPECT_EQ(PercentDecode("a+b", true), "a b");
  EXPECT_EQ(PercentDecode("100%"), "100%");
  EXPECT_EQ(PercentDecode("%zz%4"), "%zz%4");
  EXPECT_EQ(PercentDecode("%E2%9C%93"), "✓");
  auto q = ParseQuery("limit=10&filter=%7B%22a%22%3A1%7D&flag&x=1&x=2");
  EXPECT_EQ(q.find("limit")->second, "10");
  EXPECT_EQ(q.find("filter")->second, "{\"a\":1}");
  EXPECT_EQ(q.find("flag")->second, "");
  EXPECT_EQ(q.count("x"), 2u);
}

TEST(RequestTest, RedactsSecretsForLogs) {
  Request req;
  req.target = "/_matrix/client/r0/sync?access_token=syt_secret&since=s1&password=hunter2";
  EXPECT_EQ(req.RedactedTarget(),
            "/_matrix/client/r0/sync?access_token=<redacted>&since=s1&password=<redacted>");
}

TEST(RequestTest, FindsTheAccessToken) {
  Request req;
  req.headers = {{"authorization", "Bearer abc"}};
  EXPECT_EQ(req.AccessToken(), "abc");
  Request q;
  q.query = ParseQuery("access_token=def");
  EXPECT_EQ(q.AccessToken(), "def");
  EXPECT_FALSE(Request{}.AccessToken());
}

}  // namespace
}  // namespace strata::http
