#include "scenario.h"

#include <httplib.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>

namespace strata::matrix {

using json = nlohmann::json;

namespace {

constexpr const char* kServer = "localhost";

// A small client-server API client over one keep-alive connection.
class Client {
 public:
  explicit Client(int port) : http_("127.0.0.1", port) {
    http_.set_keep_alive(true);
    http_.set_read_timeout(std::chrono::seconds(60));
  }

  // The JSON body of a 200 answer; an error naming the request otherwise.
  Result<json> Call(const std::string& method, const std::string& path, const json& body,
                    const std::string& token = "") {
    httplib::Headers headers;
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    const std::string full = "/_matrix/client/r0" + path;
    httplib::Result res = method == "GET" ? http_.Get(full, headers)
                          : method == "PUT"
                              ? http_.Put(full, headers, body.dump(), "application/json")
                              : http_.Post(full, headers, body.dump(), "application/json");
    if (!res) return Status::IoError(method + " " + path + ": no answer");
    if (res->status != 200) {
      return Status::Internal(method + " " + path + ": " + std::to_string(res->status) + " " +
                              res->body);
    }
    json out = json::parse(res->body, nullptr, false);
    if (out.is_discarded()) return Status::Internal(method + " " + path + ": not JSON");
    return out;
  }

  Result<std::string> Register(const std::string& user, const std::string& password) {
    auto r =
        Call("POST", "/register",
             {{"username", user}, {"password", password}, {"auth", {{"type", "m.login.dummy"}}}});
    if (!r.ok()) return r.status();
    return (*r).value("access_token", std::string());
  }

  Result<std::string> Login(const std::string& user, const std::string& password) {
    auto r = Call("POST", "/login",
                  {{"type", "m.login.password"},
                   {"identifier", {{"type", "m.id.user"}, {"user", user}}},
                   {"password", password}});
    if (!r.ok()) return r.status();
    return (*r).value("access_token", std::string());
  }

  Status Send(const std::string& token, const std::string& room, const std::string& body) {
    auto r = Call("PUT", "/rooms/" + Escape(room) + "/send/m.room.message/" + Txn(),
                  {{"msgtype", "m.text"}, {"body", body}}, token);
    return r.ok() ? Status::Ok() : r.status();
  }

  Status State(const std::string& token, const std::string& room, const std::string& type,
               const json& content) {
    auto r = Call("PUT", "/rooms/" + Escape(room) + "/state/" + type + "/", content, token);
    return r.ok() ? Status::Ok() : r.status();
  }

  Result<std::string> Resolve(const std::string& alias) {
    auto r = Call("GET", "/directory/room/" + Escape("#" + alias + ":" + kServer), json());
    if (!r.ok()) return r.status();
    return (*r).value("room_id", std::string());
  }

  // The m.room.message events of `room` as `token`'s user sees them, paging back to the start.
  Result<int64_t> CountMessages(const std::string& token, const std::string& room) {
    int64_t count = 0;
    std::string from;
    for (int page = 0; page < 1000; ++page) {
      auto r = Call("GET",
                    "/rooms/" + Escape(room) + "/messages?dir=b&limit=1000" +
                        (from.empty() ? "" : "&from=" + from),
                    json(), token);
      if (!r.ok()) return r.status();
      const json& chunk = (*r)["chunk"];
      if (!chunk.is_array() || chunk.empty()) return count;
      for (const auto& e : chunk) count += e.value("type", "") == "m.room.message";
      const std::string end = (*r).value("end", std::string());
      if (end.empty() || end == from) return count;
      from = end;
    }
    return count;
  }

  static std::string Escape(const std::string& s) {
    std::string out;
    for (unsigned char c : s) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
        out += static_cast<char>(c);
      } else {
        char buf[4];
        std::snprintf(buf, sizeof buf, "%%%02X", c);
        out += buf;
      }
    }
    return out;
  }

 private:
  std::string Txn() { return "m" + std::to_string(++txn_) + "." + std::to_string(Now()); }
  static int64_t Now() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  httplib::Client http_;
  int64_t txn_ = 0;
};

std::string UserName(const Scenario& s, int n) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%03d", n);
  return s.user_prefix + buf;
}

std::string StepUser(int step, int n) {
  return "step" + std::to_string(step) + "_user" + std::to_string(n);
}

#define STRATA_TRY(expr)       \
  do {                         \
    Status _st = (expr);       \
    if (!_st.ok()) return _st; \
  } while (false)

}  // namespace

Result<Scenario> LoadScenario(const std::string& file) {
  Scenario s;
  s.file = file;
  try {
    YAML::Node root = YAML::LoadFile(file);
    s.name = root["name"].as<std::string>("");
    s.password = root["password"].as<std::string>("");
    s.user_prefix = root["users"]["prefix"].as<std::string>("user");
    s.users = root["users"]["count"].as<int>(0);
    for (const auto& r : root["rooms"]) {
      ScenarioRoom room;
      room.name = r["name"].as<std::string>("");
      room.alias = r["alias"].as<std::string>("");
      room.topic = r["topic"].as<std::string>("");
      room.published = r["published"].as<bool>(false);
      room.invite_only = r["invite_only"].as<bool>(false);
      room.members = r["members"].as<int>(1);
      room.messages = r["messages"].as<int>(0);
      room.lobby = r["lobby"].as<bool>(false);
      if (room.name.empty() || room.alias.empty()) {
        return Status::InvalidArgument(file + ": every room needs a name and an alias");
      }
      if (room.members < 1 || room.members > s.users) {
        return Status::InvalidArgument(file + ": room " + room.name +
                                       ": members must be 1..users.count");
      }
      s.rooms.push_back(room);
    }
    s.release_users = root["per_step"]["users"].as<int>(1);
    s.release_messages = root["per_step"]["messages"].as<int>(2);
    s.published_room_messages = root["per_step"]["published_room_messages"].as<int>(1);
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(file + ": " + e.what());
  }
  if (std::count_if(s.rooms.begin(), s.rooms.end(), [](const auto& r) { return r.lobby; }) != 1) {
    return Status::InvalidArgument(file + ": exactly one room must be the lobby (lobby: true)");
  }
  if (s.name.empty() || s.password.empty() || s.users < 1 || s.rooms.empty()) {
    return Status::InvalidArgument(file + ": name, password, users.count and rooms are required");
  }
  return s;
}

Status PlayScenario(const Scenario& s, int port) {
  Client c(port);
  std::vector<std::string> tokens;
  for (int n = 1; n <= s.users; ++n) {
    auto token = c.Register(UserName(s, n), s.password);
    if (!token.ok()) return token.status();
    tokens.push_back(*token);
  }
  // Rooms first, then the specs in room_id order (see Scenario::rooms).
  std::vector<std::string> ids;
  for (size_t i = 0; i < s.rooms.size(); ++i) {
    auto r = c.Call("POST", "/createRoom", {{"preset", "public_chat"}}, tokens[0]);
    if (!r.ok()) return r.status();
    ids.push_back((*r).value("room_id", std::string()));
  }
  std::sort(ids.begin(), ids.end());
  for (size_t i = 0; i < s.rooms.size(); ++i) {
    const ScenarioRoom& spec = s.rooms[i];
    const std::string& id = ids[i];
    STRATA_TRY(c.State(tokens[0], id, "m.room.name", {{"name", spec.name}}));
    if (!spec.topic.empty()) {
      STRATA_TRY(c.State(tokens[0], id, "m.room.topic", {{"topic", spec.topic}}));
    }
    const std::string alias = "#" + spec.alias + ":" + kServer;
    auto put =
        c.Call("PUT", "/directory/room/" + Client::Escape(alias), {{"room_id", id}}, tokens[0]);
    if (!put.ok()) return put.status();
    STRATA_TRY(c.State(tokens[0], id, "m.room.canonical_alias", {{"alias", alias}}));
    for (int n = 2; n <= spec.members; ++n) {
      auto joined = c.Call("POST", "/join/" + Client::Escape(id), json::object(), tokens[n - 1]);
      if (!joined.ok()) return joined.status();
    }
    for (int m = 0; m < spec.messages; ++m) {
      STRATA_TRY(
          c.Send(tokens[m % spec.members], id, spec.name + " message " + std::to_string(m + 1)));
    }
    if (spec.invite_only) {
      STRATA_TRY(c.State(tokens[0], id, "m.room.join_rules", {{"join_rule", "invite"}}));
    }
    if (spec.published) {
      auto listed = c.Call("PUT", "/directory/list/room/" + Client::Escape(id),
                           {{"visibility", "public"}}, tokens[0]);
      if (!listed.ok()) return listed.status();
    }
  }
  return Status::Ok();
}

Visit VisitStep(const Scenario& s, int port, int step, const std::vector<int>* visited) {
  Visit v;
  Client c(port);
  auto problem = [&](const Status& st) { v.problems.push_back(st.message()); };
  auto first = c.Login(UserName(s, 1), s.password);
  if (!first.ok()) {
    problem(first.status());
    return v;
  }
  auto rooms = c.Call("POST", "/publicRooms", {{"limit", 100}}, *first);
  if (rooms.ok()) {
    v.public_rooms = *rooms;
  } else {
    problem(rooms.status());
  }
  // The step's own accounts join the lobby; the first posts there.
  const ScenarioRoom& lobby =
      *std::find_if(s.rooms.begin(), s.rooms.end(), [](const auto& r) { return r.lobby; });
  auto lobby_id = c.Resolve(lobby.alias);
  if (!lobby_id.ok()) problem(lobby_id.status());
  for (int n = 1; n <= s.release_users && lobby_id.ok(); ++n) {
    auto token = c.Register(StepUser(step, n), s.password);
    if (!token.ok()) {
      problem(token.status());
      continue;
    }
    auto joined = c.Call("POST", "/join/" + Client::Escape(*lobby_id), json::object(), *token);
    if (!joined.ok()) {
      problem(joined.status());
      continue;
    }
    for (int m = 0; n == 1 && m < s.release_messages; ++m) {
      if (Status st = c.Send(*token, *lobby_id,
                             "step " + std::to_string(step) + " message " + std::to_string(m + 1));
          !st.ok()) {
        problem(st);
      }
    }
  }
  for (const auto& spec : s.rooms) {
    if (!spec.published) continue;
    auto id = c.Resolve(spec.alias);
    if (!id.ok()) {
      problem(id.status());
      continue;
    }
    for (int m = 0; m < s.published_room_messages; ++m) {
      if (Status st = c.Send(*first, *id, "hello from step " + std::to_string(step)); !st.ok()) {
        problem(st);
      }
    }
  }
  if (!visited) return v;

  // Every account made so far logs in; every room holds exactly what was sent to it.
  int accounts = 0, logged_in = 0;
  std::vector<std::string> failed_logins;
  auto try_login = [&](const std::string& user) {
    ++accounts;
    if (c.Login(user, s.password).ok()) {
      ++logged_in;
    } else {
      failed_logins.push_back(user);
    }
  };
  // Every step's accounts, and every tenth of the scenario's (logins cost a bcrypt each).
  for (int n = 1; n <= s.users; ++n) {
    if (n == 1 || n % 10 == 0 || n == s.users) try_login(UserName(s, n));
  }
  for (int k : *visited) {
    for (int n = 1; n <= s.release_users; ++n) try_login(StepUser(k, n));
  }
  json counts = json::object();
  for (const auto& spec : s.rooms) {
    const int64_t visits = static_cast<int64_t>(visited->size());
    const int64_t expected = spec.messages +
                             (spec.published ? visits * s.published_room_messages : 0) +
                             (spec.lobby ? visits * s.release_messages : 0);
    auto id = c.Resolve(spec.alias);
    auto got = id.ok() ? c.CountMessages(*first, *id) : Result<int64_t>(id.status());
    counts[spec.name] = got.ok() ? json(*got) : json(got.status().message());
    if (!got.ok() || *got != expected) {
      v.problems.push_back("room " + spec.name + ": expected " + std::to_string(expected) +
                           " messages, found " + counts[spec.name].dump());
    }
  }
  for (const auto& user : failed_logins) v.problems.push_back("cannot log in: @" + user);
  v.checks = {{"logins", std::to_string(logged_in) + "/" + std::to_string(accounts)},
              {"messages_via_api", counts}};
  return v;
}

}  // namespace strata::matrix
