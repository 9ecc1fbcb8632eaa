// Serving benchmarks: the real `strata` binary on loopback, driven through the client API by
// this program and by wrk, against the floor (strata-bench-floor: a trivial endpoint on the same
// HTTP stack) measured in the same run. Prints one "FIGURE {json}" line per figure (see
// bench_support.h).
//
//   strata-bench-serve --strata BIN --floor BIN --lua-dir DIR --work DIR
//                      [--engine sqlite|postgres --pg CONNINFO] [--wrk-seconds N]
//
// The workload is the issue's: 200 users, 200 published public rooms (one per user, created
// sequentially), 20 users in each of 20 rooms, plus one unpublished room for the wake-up test,
// which a crowd of 2,000 users joins and then holds 10,000 long-polls in (--crowd-users,
// --polls-per-user).
#include <httplib.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench_support.h"
#include "crypto/password.h"
#include "crypto/signing_key.h"
#include "poll_crowd.h"
#include "storage/database.h"

namespace strata::bench {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

constexpr int kUsers = 200;
constexpr int kBusyRooms = 20;  // 20 users in each
constexpr int kEventsPerRoom = 50;

struct Options {
  std::string strata;
  std::string floor;
  std::string lua_dir;
  std::string work;
  std::string engine = "sqlite";
  std::string pg;  // conninfo of a server where databases may be created
  int wrk_seconds = 5;
  int crowd_users = 2000;  // users holding long-polls at once (at least the 200 above)
  int polls_per_user = 5;  // each as a user's devices would
};

double Ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

// A keep-alive client of one server, with TCP_NODELAY as any serious client sets it.
std::unique_ptr<httplib::Client> NewClient(int port, std::chrono::seconds read_timeout = 60s) {
  auto c = std::make_unique<httplib::Client>("127.0.0.1", port);
  c->set_tcp_nodelay(true);
  c->set_keep_alive(true);
  c->set_connection_timeout(5s);
  c->set_read_timeout(read_timeout);
  return c;
}

httplib::Headers Auth(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

json Call(httplib::Client& c, const std::string& method, const std::string& path,
          const std::string& token, const json& body = nullptr, int* status_out = nullptr) {
  httplib::Result r{nullptr, httplib::Error::Unknown};
  auto headers = token.empty() ? httplib::Headers{} : Auth(token);
  std::string text = body.is_null() ? "{}" : body.dump();
  if (method == "GET") {
    r = c.Get(path.c_str(), headers);
  } else if (method == "POST") {
    r = c.Post(path.c_str(), headers, text, "application/json");
  } else {
    r = c.Put(path.c_str(), headers, text, "application/json");
  }
  if (!r)
    throw std::runtime_error(method + " " + path + ": no answer (" + to_string(r.error()) + ")");
  if (status_out) {
    *status_out = r->status;
  } else if (r->status != 200) {
    throw std::runtime_error(method + " " + path + ": " + std::to_string(r->status) + " " +
                             r->body);
  }
  return r->body.empty() ? json::object() : json::parse(r->body);
}

const std::string kApi = "/_matrix/client/r0";

struct User {
  std::string user_id;
  std::string token;
};

// Registers with the two-step user-interactive flow a client uses (m.login.dummy).
User Register(httplib::Client& c, const std::string& name) {
  int status = 0;
  json body = {{"username", name}, {"password", "bench-password-" + name}};
  json first = Call(c, "POST", kApi + "/register", "", body, &status);
  if (status != 200) {
    if (status != 401) throw std::runtime_error("register: " + first.dump());
    body["auth"] = {{"type", "m.login.dummy"}, {"session", first.value("session", "")}};
    first = Call(c, "POST", kApi + "/register", "", body);
  }
  return {first["user_id"], first["access_token"]};
}

// Percent-encodes everything but RFC 3986's unreserved characters (room ids hold '!' and ':').
std::string Escape(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string Config(const Options& o, const std::string& dir, int port, const std::string& db_yaml,
                   int bcrypt_rounds) {
  const std::string lots = "{per_second: 1000000, burst_count: 1000000}";
  std::ostringstream y;
  y << "server_name: localhost\nreport_stats: false\n"
    << "listeners:\n  - port: " << port << "\n    type: http\n    bind_addresses: ['127.0.0.1']\n"
    << "    resources:\n      - names: [client]\n"
    << db_yaml << "enable_registration: true\nbcrypt_rounds: " << bcrypt_rounds << "\n"
    << "allow_public_rooms_without_auth: true\n"
    << "signing_key_path: \"" << dir << "/signing.key\"\n"
    << "log_config: \"" << dir << "/log.yaml\"\n"
    << "rc_message: " << lots << "\nrc_registration: " << lots << "\n"
    << "rc_login: {address: " << lots << ", account: " << lots << ", failed_attempts: " << lots
    << "}\n";
  (void)o;
  return y.str();
}

// A fresh database for one server instance; returns the config's `database:` block.
std::string FreshDatabase(const Options& o, const std::string& dir, const std::string& tag) {
  if (o.engine == "sqlite") {
    return "database:\n  name: sqlite3\n  args:\n    database: \"" + dir + "/homeserver.db\"\n";
  }
  auto admin = storage::OpenPostgres(o.pg);
  if (!admin.ok()) throw std::runtime_error("postgres: " + admin.status().message());
  std::string name = "strata_bench_" + tag + "_" + std::to_string(::getpid());
  (*admin)->Execute("DROP DATABASE IF EXISTS " + name);
  (*admin)->Execute("CREATE DATABASE " + name +
                    " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'");
  // libpq keywords as psycopg2 args: host/port/user from the server's conninfo.
  std::ostringstream y;
  y << "database:\n  name: psycopg2\n  args:\n    database: " << name << "\n    cp_max: 10\n";
  std::istringstream in(o.pg);
  std::string kv;
  while (in >> kv) {
    auto eq = kv.find('=');
    if (eq == std::string::npos) continue;
    std::string k = kv.substr(0, eq);
    if (k == "dbname") continue;
    y << "    " << k << ": \"" << kv.substr(eq + 1) << "\"\n";
  }
  return y.str();
}

// A running strata with its own folder, config and database.
struct Server {
  std::string dir;
  int port = 0;
  std::unique_ptr<ChildProcess> child;
  Clock::time_point spawned;
};

Server Spawn(const Options& o, const std::string& tag, int bcrypt_rounds) {
  Server s;
  s.dir = o.work + "/" + tag;
  std::filesystem::remove_all(s.dir);
  std::filesystem::create_directories(s.dir);
  s.port = FreePort();
  // As --generate-config writes it (INFO, one access line per request), to a file only.
  WriteFile(s.dir + "/log.yaml",
            "version: 1\nformatters:\n  precise:\n    format: '%(asctime)s - %(name)s - "
            "%(levelname)s - %(request)s - %(message)s'\nhandlers:\n  file:\n    class: "
            "logging.handlers.RotatingFileHandler\n    formatter: precise\n    filename: \"" +
                s.dir +
                "/homeserver.log\"\n    maxBytes: 104857600\n    backupCount: 2\n"
                "root:\n  level: INFO\n  handlers: [file]\n");
  WriteFile(s.dir + "/homeserver.yaml",
            Config(o, s.dir, s.port, FreshDatabase(o, s.dir, tag), bcrypt_rounds));
  auto saved = crypto::SigningKey::Generate().Save(s.dir + "/signing.key");
  if (!saved.ok()) throw std::runtime_error(saved.message());
  s.spawned = Clock::now();
  s.child = std::make_unique<ChildProcess>(
      std::vector<std::string>{o.strata, "--config-path", s.dir + "/homeserver.yaml"},
      std::map<std::string, std::string>{}, s.dir + "/server.log");
  return s;
}

// Polls GET `path` every millisecond until it answers 200; the time from `since`.
double WaitFor200(int port, const std::string& path, Clock::time_point since, ChildProcess& child,
                  std::chrono::seconds limit = 60s) {
  while (Clock::now() - since < limit) {
    if (!child.Running()) throw std::runtime_error("the server exited; see its log");
    httplib::Client c("127.0.0.1", port);
    c.set_connection_timeout(1s);
    c.set_tcp_nodelay(true);
    auto r = c.Get(path.c_str());
    if (r && r->status == 200) return Ms(Clock::now() - since);
    std::this_thread::sleep_for(1ms);
  }
  throw std::runtime_error("no 200 from port " + std::to_string(port) + path);
}

struct WrkResult {
  double requests_per_s = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  int64_t non2xx = 0;
  int64_t socket_errors = 0;
};

WrkResult RunWrk(const Options& o, const std::string& url, const std::string& script,
                 const std::string& env) {
  std::string cmd = env + " wrk -t2 -c16 -d" + std::to_string(o.wrk_seconds) + "s --latency -s " +
                    QuoteShell(o.lua_dir + "/" + script) + " " + QuoteShell(url) + " 2>&1";
  auto out = Shell(cmd);
  auto at = out.out.find("WRK ");
  if (at == std::string::npos) throw std::runtime_error("wrk said: " + out.out);
  json j = json::parse(out.out.substr(at + 4, out.out.find('\n', at) - at - 4));
  WrkResult r;
  r.requests_per_s = j["requests"].get<double>() / (j["duration_us"].get<double>() / 1e6);
  r.p50_ms = j["p50_us"].get<double>() / 1000.0;
  r.p99_ms = j["p99_us"].get<double>() / 1000.0;
  r.non2xx = j["non2xx"];
  r.socket_errors = j["socket_errors"];
  return r;
}

std::string WrkNote(const WrkResult& r) {
  return "p50 " + std::to_string(r.p50_ms).substr(0, 5) + " ms; non-2xx " +
         std::to_string(r.non2xx) + ", socket errors " + std::to_string(r.socket_errors);
}

// Sequential GETs of `path`: per-request latencies in ms.
std::vector<double> SequentialLatencies(int port, const std::string& path, int count) {
  auto c = NewClient(port);
  std::vector<double> out;
  c->Get(path.c_str());  // connect first: the figure is request latency, not connection setup
  for (int i = 0; i < count; ++i) {
    auto t = Clock::now();
    auto r = c->Get(path.c_str());
    if (!r || r->status != 200) throw std::runtime_error("GET " + path + " failed");
    out.push_back(Ms(Clock::now() - t));
  }
  return out;
}

std::string NextBatch(httplib::Client& c, const User& u) {
  return Call(c, "GET", kApi + "/sync?timeout=0", u.token)["next_batch"];
}

void Run(const Options& o) {
  const std::string suffix = " (" + o.engine + ")";
  std::filesystem::create_directories(o.work);

  // --- Floor: the trivial endpoint's start, memory, throughput and latency. ---
  int floor_port = FreePort();
  auto floor_start = Clock::now();
  ChildProcess floor({o.floor, std::to_string(floor_port)}, {}, o.work + "/floor.log");
  double floor_start_ms = WaitFor200(floor_port, "/_matrix/client/versions", floor_start, floor);
  double floor_rss = ResidentMiB(floor.pid());
  WrkResult floor_wrk =
      RunWrk(o, "http://127.0.0.1:" + std::to_string(floor_port) + "/_matrix/client/versions",
             "get.lua", "");
  auto floor_lat = SequentialLatencies(floor_port, "/_matrix/client/versions", 2000);
  double floor_p50 = Percentile(floor_lat, 50), floor_p99 = Percentile(floor_lat, 99);
  const std::string floor_what = "trivial endpoint on the same HTTP front";

  // --- Cold start on an empty database (three spawns; the median), and registration at
  // Synapse's default 12 bcrypt rounds on the last one. ---
  std::vector<double> starts;
  double rss_start = 0;
  double register_rate = 0, bcrypt_ms = 0;
  for (int i = 0; i < 3; ++i) {
    Server s = Spawn(o, "cold" + std::to_string(i), 12);
    starts.push_back(WaitFor200(s.port, "/_matrix/client/versions", s.spawned, *s.child));
    std::this_thread::sleep_for(300ms);
    rss_start = std::max(rss_start, ResidentMiB(s.child->pid()));
    if (i == 2) {
      auto c = NewClient(s.port);
      constexpr int kRegs = 4;
      auto t = Clock::now();
      for (int k = 0; k < kRegs; ++k) Register(*c, "bcrypt" + std::to_string(k));
      register_rate = kRegs / SecondsSince(t);
      auto b = Clock::now();
      (void)crypto::HashPassword("bench-password", {12, ""});
      bcrypt_ms = Ms(Clock::now() - b);
    }
    (void)s.child->Stop(20s);
  }
  std::sort(starts.begin(), starts.end());
  Emit({"start: spawn to first /versions 200, empty db" + suffix, starts[1], "ms", floor_start_ms,
        floor_what, "<= 75", "median of 3; includes creating the schema"});
  Emit({"register, two-step, bcrypt 12" + suffix, register_rate, "users/s", 1000.0 / bcrypt_ms,
        "one bcrypt-12 hash per registration in-process", ">= 0.9x baseline",
        "bcrypt 12 alone: " + std::to_string(bcrypt_ms).substr(0, 6) + " ms"});

  // --- The workload server (bcrypt 4 so that setting up 200 users is quick). ---
  Server s = Spawn(o, "serve", 4);
  WaitFor200(s.port, "/_matrix/client/versions", s.spawned, *s.child);
  std::this_thread::sleep_for(300ms);
  double rss_after_start = ResidentMiB(s.child->pid());
  Emit({"resident memory after start" + suffix, rss_after_start, "MiB", floor_rss,
        "trivial endpoint's RSS", "<= 10", "VmRSS"});
  (void)rss_start;

  auto c = NewClient(s.port);
  std::vector<User> users;
  for (int i = 0; i < kUsers; ++i) users.push_back(Register(*c, "user" + std::to_string(i)));

  std::vector<std::string> rooms;
  auto t = Clock::now();
  for (int i = 0; i < kUsers; ++i) {
    json body = {{"preset", "public_chat"},
                 {"visibility", "public"},
                 {"name", "Public room " + std::to_string(i)}};
    rooms.push_back(Call(*c, "POST", kApi + "/createRoom", users[i].token, body)["room_id"]);
  }
  double create_rate = kUsers / SecondsSince(t);
  Emit({"createRoom public_chat, sequential" + suffix, create_rate, "rooms/s", 0, "", ">= 170",
        "200 rooms, one per user"});

  // The wake room: public_chat but not published, so the directory keeps 200 rooms.
  std::string wake_room = Call(*c, "POST", kApi + "/createRoom", users[0].token,
                               {{"preset", "public_chat"}})["room_id"];
  int joins = 0;
  t = Clock::now();
  for (int r = 0; r < kBusyRooms; ++r) {
    for (int u = 0; u < kBusyRooms; ++u) {
      if (u == r) continue;
      Call(*c, "POST", kApi + "/join/" + Escape(rooms[r]), users[u].token);
      ++joins;
    }
  }
  for (int u = 1; u < kUsers; ++u) {
    Call(*c, "POST", kApi + "/join/" + Escape(wake_room), users[u].token);
    ++joins;
  }
  double join_rate = joins / SecondsSince(t);
  Emit({"join, sequential" + suffix, join_rate, "joins/s", 0, "", ">= 1000",
        std::to_string(joins) + " joins"});

  // 50 messages in each busy room, so user0's initial sync sees 20 rooms of >= 50 events.
  int txn = 0;
  for (int r = 0; r < kBusyRooms; ++r) {
    for (int k = 0; k < kEventsPerRoom; ++k) {
      Call(
          *c, "PUT",
          kApi + "/rooms/" + Escape(rooms[r]) + "/send/m.room.message/fill" + std::to_string(txn++),
          users[(r + k) % kBusyRooms].token, {{"msgtype", "m.text"}, {"body", "hello"}});
    }
  }
  std::vector<double> initial;
  for (int i = 0; i < 15; ++i) {
    auto ts = Clock::now();
    Call(*c, "GET", kApi + "/sync", users[0].token);
    initial.push_back(Ms(Clock::now() - ts));
  }
  Emit({"initial /sync, 20 rooms x 50 events, median" + suffix, Percentile(initial, 50), "ms",
        floor_p50, "floor round trip p50", "<= 6", "15 runs"});

  // Delivery: user1 waits in /sync, user0 sends into room 0; send start -> sync returns.
  {
    auto waiter = NewClient(s.port);
    std::string since = NextBatch(*waiter, users[1]);
    std::vector<double> lat;
    int missed = 0;
    for (int i = 0; i < 100; ++i) {
      std::atomic<bool> got{false};
      Clock::time_point returned;
      std::string next;
      std::thread th([&] {
        auto r = Call(*waiter, "GET", kApi + "/sync?timeout=10000&since=" + Escape(since),
                      users[1].token);
        returned = Clock::now();
        next = r["next_batch"];
        got = !r["rooms"]["join"].empty();
      });
      std::this_thread::sleep_for(15ms);  // let the sync reach its wait
      auto sent = Clock::now();
      Call(*c, "PUT",
           kApi + "/rooms/" + Escape(rooms[0]) + "/send/m.room.message/deliver" + std::to_string(i),
           users[0].token, {{"msgtype", "m.text"}, {"body", "ping"}});
      th.join();
      if (!got) ++missed;
      lat.push_back(Ms(returned - sent));
      since = next;
    }
    Emit({"delivery send -> waiting /sync, p50" + suffix, Percentile(lat, 50), "ms", floor_p50,
          "floor round trip p50", "<= 1", "100 messages; " + std::to_string(missed) + " missed"});
    Emit({"delivery send -> waiting /sync, p99" + suffix, Percentile(lat, 99), "ms", floor_p99,
          "floor round trip p99", "<= 2", "100 messages"});
  }

  // wrk: sends over 20 (user, room) pairs, each user in its own busy room.
  {
    std::string pairs_file = s.dir + "/pairs.txt";
    std::string pairs;
    for (int r = 0; r < kBusyRooms; ++r) pairs += users[r].token + " " + rooms[r] + "\n";
    WriteFile(pairs_file, pairs);
    auto w = RunWrk(o, "http://127.0.0.1:" + std::to_string(s.port), "send.lua",
                    "BENCH_PAIRS=" + QuoteShell(pairs_file));
    Emit({"send m.room.message (wrk -t2 -c16)" + suffix, w.requests_per_s, "events/s",
          floor_wrk.requests_per_s, "floor req/s (wrk, same flags)", ">= 2500", WrkNote(w)});
    Emit({"send m.room.message p99 (wrk)" + suffix, w.p99_ms, "ms", floor_wrk.p99_ms,
          "floor p99 (wrk)", "<= 20", ""});
  }
  {
    auto w =
        RunWrk(o, "http://127.0.0.1:" + std::to_string(s.port) + kApi + "/publicRooms?limit=50",
               "get.lua", "BENCH_TOKEN=" + QuoteShell(users[5].token));
    Emit({"GET publicRooms?limit=50 (wrk -t2 -c16)" + suffix, w.requests_per_s, "req/s",
          floor_wrk.requests_per_s, "floor req/s (wrk, same flags)", ">= 25000", WrkNote(w)});
    Emit({"GET publicRooms p99 (wrk)" + suffix, w.p99_ms, "ms", floor_wrk.p99_ms, "floor p99 (wrk)",
          "<= 5", ""});
  }

  // The crowd: crowd_users users (the 200 above and more), each holding polls_per_user
  // long-polls (a user's devices), all in the wake room; /versions latency and memory while they
  // are held; then one message in the wake room must answer every one of them.
  {
    std::vector<User> crowd_users(users.begin(), users.end());
    for (int u = kUsers; u < o.crowd_users; ++u) {
      crowd_users.push_back(Register(*c, "crowd" + std::to_string(u)));
      Call(*c, "POST", kApi + "/join/" + Escape(wake_room), crowd_users.back().token);
    }
    PollCrowd crowd(s.port);
    for (const auto& u : crowd_users) {
      const std::string since = NextBatch(*c, u);
      for (int k = 0; k < o.polls_per_user; ++k) {
        crowd.Add(kApi + "/sync?timeout=300000&since=" + Escape(since), u.token);
      }
    }
    const size_t polls = crowd_users.size() * static_cast<size_t>(o.polls_per_user);
    const std::string what = std::to_string(crowd_users.size()) + " users x " +
                             std::to_string(o.polls_per_user) + " polls";
    const auto connecting = Clock::now();
    crowd.Start();
    const double connect_s = SecondsSince(connecting);
    std::this_thread::sleep_for(2000ms);  // every request read and parked
    const size_t early = crowd.answered();
    const double rss_held = ResidentMiB(s.child->pid());
    auto lat = SequentialLatencies(s.port, "/_matrix/client/versions", 500);
    const std::string n = std::to_string(polls);
    Emit({"resident memory while " + n + " long-polls are held" + suffix, rss_held, "MiB",
          floor_rss, "trivial endpoint's RSS", "<= 150", "VmRSS; " + what});
    Emit({"/versions p99 while " + n + " long-polls are held" + suffix, Percentile(lat, 99), "ms",
          floor_p99, "floor round trip p99, no polls", "<= 5",
          "p50 " + std::to_string(Percentile(lat, 50)).substr(0, 5) + " ms, 500 requests"});

    const auto sent = Clock::now();
    Call(*c, "PUT", kApi + "/rooms/" + Escape(wake_room) + "/send/m.room.message/wake",
         users[0].token, {{"msgtype", "m.text"}, {"body", "wake up"}});
    auto outcomes = crowd.Wait(sent + 60s);
    double slowest = 0;
    size_t failed = 0, empty = 0;
    for (const auto& out : outcomes) {
      if (out.status != 200) {
        ++failed;
        continue;
      }
      if (out.answered < sent) continue;  // counted as early
      slowest = std::max(slowest, Ms(out.answered - sent));
      if (out.body.find(wake_room) == std::string::npos) ++empty;
    }
    size_t early_seen = 0;
    for (const auto& out : outcomes) {
      if (out.status == 200 && out.answered < sent && early_seen++ < 2) {
        std::cerr << "a long-poll returned before the message: " << out.body.substr(0, 400) << "\n";
      }
    }
    const size_t held = polls - early - failed;
    Emit({"long-polls held at once" + suffix, static_cast<double>(held), "polls", 0, "", ">= 10000",
          what + "; " + std::to_string(early) + " returned early, " + std::to_string(failed) +
              " failed; connected and sent in " + std::to_string(connect_s).substr(0, 4) + " s"});
    Emit({"one message wakes " + n + " long-polls, slowest" + suffix, slowest, "ms", floor_p99,
          "floor round trip p99", "<= 1000",
          std::to_string(empty) + " answered without the message"});
  }

  Emit({"resident memory after the workload" + suffix, ResidentMiB(s.child->pid()), "MiB",
        floor_rss, "trivial endpoint's RSS", "<= 15", "VmRSS"});
  (void)s.child->Stop(20s);
  (void)floor.Stop(20s);
}

}  // namespace
}  // namespace strata::bench

int main(int argc, char** argv) {
  strata::bench::Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--strata")
      o.strata = v;
    else if (k == "--floor")
      o.floor = v;
    else if (k == "--lua-dir")
      o.lua_dir = v;
    else if (k == "--work")
      o.work = v;
    else if (k == "--engine")
      o.engine = v;
    else if (k == "--pg")
      o.pg = v;
    else if (k == "--wrk-seconds")
      o.wrk_seconds = std::stoi(v);
    else if (k == "--crowd-users")
      o.crowd_users = std::stoi(v);
    else if (k == "--polls-per-user")
      o.polls_per_user = std::stoi(v);
    else {
      std::cerr << "unknown option " << k << "\n";
      return 2;
    }
  }
  if (o.strata.empty() || o.floor.empty() || o.lua_dir.empty() || o.work.empty()) {
    std::cerr << "usage: strata-bench-serve --strata BIN --floor BIN --lua-dir DIR --work DIR "
                 "[--engine sqlite|postgres --pg CONNINFO] [--wrk-seconds N]\n"
                 "                   [--crowd-users N --polls-per-user N]\n";
    return 2;
  }
  // Both ends of every crowd connection live on this machine: take the hard open-file limit,
  // for this process and (inherited) for the server it spawns.
  rlimit files{};
  if (::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &files);
  }
  try {
    strata::bench::Run(o);
  } catch (const std::exception& e) {
    std::cerr << "strata-bench-serve: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
