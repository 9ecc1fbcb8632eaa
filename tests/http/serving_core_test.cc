// The event-driven front on loopback: parked long polls, idle and slow connections, caps, the
// protocol corners cpp-httplib used to handle (100-continue, HEAD) and TLS listeners.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "http/http_server.h"
#include "support/test_support.h"

namespace strata::http {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A blocking loopback socket speaking raw HTTP, for what a well-behaved client would not do.
class RawClient {
 public:
  explicit RawClient(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  }
  ~RawClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return connected_; }
  bool Send(std::string_view text) {
    return ::send(fd_, text.data(), text.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(text.size());
  }
  // Reads until `until` appears in what was received, the peer closes, or `timeout` passes.
  std::string ReadUntil(std::string_view until, std::chrono::milliseconds timeout = 10s) {
    const auto deadline = Clock::now() + timeout;
    while (received_.find(until) == std::string::npos && !closed_) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left <= 0ms) break;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      char buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
      if (n <= 0) {
        closed_ = true;
        break;
      }
      received_.append(buf, static_cast<size_t>(n));
    }
    return received_;
  }
  // A whole response with a Content-Length body; consumes it from what was received.
  std::string ReadResponse(std::chrono::milliseconds timeout = 10s) {
    ReadUntil("\r\n\r\n", timeout);
    const size_t head_end = received_.find("\r\n\r\n");
    if (head_end == std::string::npos) return "";
    size_t length = 0;
    const size_t cl = received_.find("Content-Length: ");
    if (cl != std::string::npos && cl < head_end) length = std::stoul(received_.substr(cl + 16));
    const size_t total = head_end + 4 + length;
    while (received_.size() < total && !closed_) ReadUntil(std::string(1, '\0'), timeout);
    std::string out = received_.substr(0, total);
    received_.erase(0, std::min(total, received_.size()));
    return out;
  }
  bool closed() const { return closed_; }

 private:
  int fd_ = -1;
  bool connected_ = false;
  bool closed_ = false;
  std::string received_;
};

constexpr std::string_view kVersionsRequest =
    "GET /_matrix/client/versions HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

// Lets the test wake parked polls by hand.
class WakeBoard {
 public:
  std::function<std::function<void()>(std::function<void()>)> Arm() {
    return [this](std::function<void()> wake) {
      std::lock_guard lock(mu_);
      wakes_.push_back(std::move(wake));
      return std::function<void()>([] {});
    };
  }
  void WakeAll() {
    std::vector<std::function<void()>> wakes;
    {
      std::lock_guard lock(mu_);
      wakes.swap(wakes_);
    }
    for (auto& w : wakes) w();
  }
  size_t armed() {
    std::lock_guard lock(mu_);
    return wakes_.size();
  }

 private:
  std::mutex mu_;
  std::vector<std::function<void()>> wakes_;
};

class ServingCoreTest : public ::testing::Test {
 protected:
  void Start(HttpServerOptions options = {}) {
    server_ = std::make_unique<HttpServer>(options);
    server_->Get("/_matrix/client/versions", [](const Request&) {
      return Response::Json({{"versions", {"r0.6.1"}}});
    });
    server_->Post("/_matrix/client/r0/echo", [](const Request& req) {
      return Response::Json({{"got", req.body.size()}});
    });
    // Parks until woken through `board_`, then answers; or at ?timeout= ms with "timeout".
    server_->RoutePoll("GET", "/_matrix/client/r0/sync", [this](const Request& req) -> Reply {
      ++runs_;
      const auto timeout =
          std::chrono::milliseconds(std::stoll(req.Query("timeout").value_or("0")));
      if (woken_) return Response::Json({{"answer", "woken"}});
      if (Clock::now() >= req.received_at + timeout) return Response::Json({{"answer", "timeout"}});
      Park park;
      park.retry_at = req.received_at + timeout;
      park.arm = board_.Arm();
      park.holder = req.Query("user").value_or("");
      return park;
    });
    ListenerSpec spec;
    spec.bind_addresses = {"127.0.0.1"};
    ASSERT_TRUE(server_->Start({spec}).ok());
    port_ = server_->bound()[0].port;
  }
  void TearDown() override {
    if (server_) server_->Stop();
  }
  httplib::Client Client() {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(60s);
    return c;
  }
  // A /sync on its own connection and thread; its status, or -1 when the connection failed.
  std::future<int> PollAsync(std::string query) {
    return std::async(std::launch::async, [this, query] {
      auto r = Client().Get("/_matrix/client/r0/sync?" + query);
      return r ? r->status : -1;
    });
  }
  void WaitForHeld(size_t n) {
    const auto deadline = Clock::now() + 20s;
    while (server_->polls_held() < n && Clock::now() < deadline) std::this_thread::sleep_for(2ms);
    ASSERT_EQ(server_->polls_held(), n);
  }

  std::unique_ptr<HttpServer> server_;
  int port_ = 0;
  WakeBoard board_;
  std::atomic<bool> woken_{false};
  std::atomic<int> runs_{0};
};

// 200 parked polls on two workers: other requests are answered at once, and one wake-up
// answers them all.
TEST_F(ServingCoreTest, ParkedPollsHoldNoWorker) {
  HttpServerOptions options;
  options.worker_threads = 2;
  Start(options);
  constexpr int kPolls = 200;
  std::vector<std::future<std::string>> polls;
  for (int i = 0; i < kPolls; ++i) {
    polls.push_back(std::async(std::launch::async, [this] {
      auto r = Client().Get("/_matrix/client/r0/sync?timeout=60000");
      return r ? r->body : std::string("failed");
    }));
  }
  WaitForHeld(kPolls);
  const auto started = Clock::now();
  auto r = Client().Get("/_matrix/client/versions");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_LT(Clock::now() - started, 2s);
  EXPECT_EQ(runs_.load(), kPolls);  // each ran once, then waited without running

  woken_ = true;
  board_.WakeAll();
  for (auto& p : polls) EXPECT_EQ(json::parse(p.get())["answer"], "woken");
  EXPECT_EQ(server_->polls_held(), 0u);
}

TEST_F(ServingCoreTest, AParkedPollAnswersAtItsTimeout) {
  Start();
  const auto started = Clock::now();
  auto r = Client().Get("/_matrix/client/r0/sync?timeout=700");
  const auto took = Clock::now() - started;
  ASSERT_TRUE(r);
  EXPECT_EQ(json::parse(r->body)["answer"], "timeout");
  EXPECT_GE(took, 690ms);
  EXPECT_LT(took, 5s);
  EXPECT_EQ(runs_.load(), 2);  // parked once, run again at the deadline
}

TEST_F(ServingCoreTest, PollsOverTheHolderCapAreRefused) {
  HttpServerOptions options;
  options.max_polls_per_holder = 2;
  Start(options);
  std::vector<std::future<int>> held;
  for (int i = 0; i < 2; ++i) held.push_back(PollAsync("timeout=60000&user=alice"));
  WaitForHeld(2);
  auto third = Client().Get("/_matrix/client/r0/sync?timeout=60000&user=alice");
  ASSERT_TRUE(third);
  EXPECT_EQ(third->status, 429);
  EXPECT_EQ(json::parse(third->body)["errcode"], "M_LIMIT_EXCEEDED");
  // Another holder is not affected.
  auto other = PollAsync("timeout=60000&user=bob");
  WaitForHeld(3);
  woken_ = true;
  board_.WakeAll();
  for (auto& h : held) EXPECT_EQ(h.get(), 200);
  EXPECT_EQ(other.get(), 200);
}

TEST_F(ServingCoreTest, ConnectionsOverTheCapGetAClearRefusal) {
  HttpServerOptions options;
  options.max_connections = 3;
  Start(options);
  std::vector<std::unique_ptr<RawClient>> idle;
  for (int i = 0; i < 3; ++i) {
    idle.push_back(std::make_unique<RawClient>(port_));
    ASSERT_TRUE(idle.back()->Send(kVersionsRequest));
    EXPECT_NE(idle.back()->ReadResponse().find("200 OK"), std::string::npos);
  }
  RawClient fourth(port_);
  fourth.Send(kVersionsRequest);
  const std::string refused = fourth.ReadUntil("}");
  EXPECT_NE(refused.find("503"), std::string::npos) << refused;
  EXPECT_NE(refused.find("M_LIMIT_EXCEEDED"), std::string::npos) << refused;
  idle.clear();
  // Once they are gone, new connections are served again.
  const auto deadline = Clock::now() + 5s;
  while (server_->connections() > 0 && Clock::now() < deadline) std::this_thread::sleep_for(2ms);
  auto r = Client().Get("/_matrix/client/versions");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

// 2,000 kept-alive idle connections cost buffers, not threads: a new client is served at once.
TEST_F(ServingCoreTest, IdleKeepAliveConnectionsDoNotDelayANewOne) {
  rlimit files{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &files), 0);
  constexpr rlim_t kNeeded = 4200;  // both ends of 2,000 connections, plus the rest
  if (files.rlim_cur < kNeeded) {
    files.rlim_cur = std::min<rlim_t>(files.rlim_max, 20000);
    ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &files), 0);
  }
  ASSERT_GE(files.rlim_cur, kNeeded) << "the hard open-file limit is too low for this test";
  HttpServerOptions options;
  options.worker_threads = 2;
  options.keep_alive_timeout = 60s;
  Start(options);
  constexpr int kIdle = 2000;
  std::vector<std::unique_ptr<RawClient>> idle;
  for (int i = 0; i < kIdle; ++i) {
    idle.push_back(std::make_unique<RawClient>(port_));
    ASSERT_TRUE(idle.back()->connected()) << "connection " << i;
    ASSERT_TRUE(idle.back()->Send(kVersionsRequest));
    ASSERT_NE(idle.back()->ReadResponse().find("200 OK"), std::string::npos) << "connection " << i;
  }
  EXPECT_EQ(server_->connections(), static_cast<size_t>(kIdle));
  const auto started = Clock::now();
  auto r = Client().Get("/_matrix/client/versions");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_LT(Clock::now() - started, 1s);
  // And every idle one is still usable.
  ASSERT_TRUE(idle.front()->Send(kVersionsRequest));
  EXPECT_NE(idle.front()->ReadResponse().find("200 OK"), std::string::npos);
}

TEST_F(ServingCoreTest, HalfARequestIsDroppedAfterTheReadTimeout) {
  HttpServerOptions options;
  options.worker_threads = 1;
  options.read_timeout = 1s;
  Start(options);
  RawClient half_head(port_);
  RawClient half_body(port_);
  const auto started = Clock::now();
  ASSERT_TRUE(half_head.Send("GET /_matrix/client/versions HTTP/1.1\r\nHost: x\r\n"));
  ASSERT_TRUE(half_body.Send(
      "POST /_matrix/client/r0/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"a\":"));
  // Meanwhile the only worker is free for others.
  auto r = Client().Get("/_matrix/client/versions");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_LT(Clock::now() - started, 900ms);

  EXPECT_EQ(half_head.ReadUntil("HTTP/1.1", 10s), "");
  EXPECT_TRUE(half_head.closed());
  EXPECT_EQ(half_body.ReadUntil("HTTP/1.1", 10s), "");
  EXPECT_TRUE(half_body.closed());
  const auto took = Clock::now() - started;
  EXPECT_GE(took, 900ms);
  EXPECT_LT(took, 5s);
}

TEST_F(ServingCoreTest, StopWithPollsHeldIsPrompt) {
  Start();
  std::vector<std::future<int>> polls;
  for (int i = 0; i < 50; ++i) polls.push_back(PollAsync("timeout=60000"));
  WaitForHeld(50);
  const auto started = Clock::now();
  server_->Stop();
  EXPECT_LT(Clock::now() - started, 2s);
  for (auto& p : polls) EXPECT_EQ(p.get(), -1);  // closed; the client asks again with its token
  EXPECT_EQ(server_->polls_held(), 0u);
}

TEST_F(ServingCoreTest, ExpectContinueAndHead) {
  Start();
  RawClient c(port_);
  ASSERT_TRUE(
      c.Send("POST /_matrix/client/r0/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
             "Expect: 100-continue\r\n\r\n"));
  EXPECT_NE(c.ReadUntil("\r\n\r\n").find("HTTP/1.1 100 Continue"), std::string::npos);
  c.ReadResponse();  // the 100 Continue
  ASSERT_TRUE(c.Send("hello"));
  const std::string echoed = c.ReadResponse();
  EXPECT_NE(echoed.find("{\"got\":5}"), std::string::npos) << echoed;

  ASSERT_TRUE(c.Send("HEAD /_matrix/client/versions HTTP/1.1\r\nHost: x\r\n\r\n"));
  const std::string head = c.ReadUntil("\r\n\r\n");
  EXPECT_NE(head.find("200 OK"), std::string::npos) << head;
  EXPECT_NE(head.find("Content-Length: 23"), std::string::npos) << head;
  EXPECT_EQ(head.substr(head.find("\r\n\r\n") + 4), "");  // headers only

  RawClient bad(port_);
  ASSERT_TRUE(bad.Send("NOT HTTP AT ALL\r\n\r\n"));
  const std::string refused = bad.ReadUntil("}");
  EXPECT_NE(refused.find("400"), std::string::npos) << refused;
}

TEST_F(ServingCoreTest, ServesTls) {
  testing::TempDir dir;
  const std::string cert = (dir.path() / "tls.crt").string();
  const std::string key = (dir.path() / "tls.key").string();
  const std::string cmd =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost "
      "-keyout " +
      key + " -out " + cert + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  server_ = std::make_unique<HttpServer>();
  server_->Get("/_matrix/client/versions", [](const Request&) {
    return Response::Json({{"versions", {"r0.6.1"}}});
  });
  ListenerSpec spec;
  spec.bind_addresses = {"127.0.0.1"};
  spec.tls = true;
  spec.tls_certificate_path = cert;
  spec.tls_private_key_path = key;
  ASSERT_TRUE(server_->Start({spec}).ok());
  httplib::SSLClient c("127.0.0.1", server_->bound()[0].port);
  c.set_ca_cert_path(cert.c_str());
  c.enable_server_certificate_verification(false);  // CN=localhost, dialled as 127.0.0.1
  auto r = c.Get("/_matrix/client/versions");
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(json::parse(r->body)["versions"][0], "r0.6.1");

  // A missing key file is refused at Start, naming it.
  HttpServer other;
  spec.tls_private_key_path = (dir.path() / "missing.key").string();
  const Status st = other.Start({spec});
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("missing.key"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace strata::http
