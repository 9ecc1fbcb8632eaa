#include "server_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace strata::matrix {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return 0;
  }
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

std::string Quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// psycopg2-style args from a keyword conninfo ("host=/tmp/x port=5432 user=u dbname=d").
Result<std::string> PostgresArgsYaml(const std::string& conninfo) {
  if (conninfo.find("://") != std::string::npos) {
    return Status::InvalidArgument(
        "the strata binary needs a keyword conninfo (host=... dbname=...), not a URI");
  }
  std::string out;
  std::stringstream in(conninfo);
  std::string part;
  while (in >> part) {
    const auto eq = part.find('=');
    if (eq == std::string::npos) continue;
    std::string key = part.substr(0, eq), value = part.substr(eq + 1);
    if (key == "dbname") key = "database";
    out += "    " + key + ": " + Quoted(value) + "\n";
  }
  return out;
}

std::string Slurp(const std::string& file) {
  std::ifstream in(file);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

pid_t Spawn(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
            const std::string& log) {
  const pid_t pid = fork();
  if (pid != 0) return pid;
  const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  dup2(fd, 1);
  dup2(fd, 2);
  for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  execv(args[0], args.data());
  _exit(127);
}

// The exit status of `pid` once it ends within `timeout` (128 + signal when killed).
std::optional<int> WaitFor(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
    std::this_thread::sleep_for(10ms);
  }
}

std::string LogFile(const std::string& dir) {
  static std::atomic<int> counter{0};
  return (fs::path(dir) / ("strata-" + std::to_string(counter++) + ".log")).string();
}

}  // namespace

std::string DefaultStrataBinary() {
  if (const char* env = std::getenv("STRATA_BINARY")) return env;
  return STRATA_MATRIX_STRATA_BINARY;
}

Result<std::string> WriteServerConfig(const ServerSettings& s, int port) {
  std::string database;
  if (s.engine == storage::Engine::kSqlite) {
    database = "database:\n  name: sqlite3\n  args:\n    database: " + Quoted(s.location) + "\n";
  } else {
    auto args = PostgresArgsYaml(s.location);
    if (!args.ok()) return args.status();
    database = "database:\n  name: psycopg2\n  args:\n" + *args;
  }
  std::string yaml =
      "server_name: localhost\nreport_stats: false\n"
      "enable_registration: true\nbcrypt_rounds: 4\n"
      "rc_message: {per_second: 100000, burst_count: 100000}\n"
      "rc_registration: {per_second: 100000, burst_count: 100000}\n"
      "rc_login:\n"
      "  address: {per_second: 100000, burst_count: 100000}\n"
      "  account: {per_second: 100000, burst_count: 100000}\n"
      "  failed_attempts: {per_second: 100000, burst_count: 100000}\n" +
      database;
  if (!s.stats_enabled) yaml += "stats:\n  enabled: false\n";
  if (port > 0) {
    yaml += "listeners:\n  - port: " + std::to_string(port) +
            "\n    type: http\n    bind_addresses: ['127.0.0.1']\n"
            "    resources:\n      - names: [client]\n";
  }
  const std::string file = (fs::path(s.dir) / "homeserver.yaml").string();
  std::ofstream out(file);
  out << yaml;
  if (!out) return Status::IoError("cannot write " + file);
  return file;
}

Result<std::unique_ptr<StrataServer>> StrataServer::Start(const ServerSettings& settings,
                                                          const std::string& release) {
  const int port = FreePort();
  if (port == 0) return Status::IoError("no free loopback port");
  auto config = WriteServerConfig(settings, port);
  if (!config.ok()) return config.status();
  const std::string log = LogFile(settings.dir);
  const pid_t pid =
      Spawn({settings.binary, "--config-path", *config, "--as-release", release}, {}, log);
  if (pid < 0) return Status::Internal("fork failed");
  std::unique_ptr<StrataServer> server(new StrataServer(pid, port, log));
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(1s);
  for (auto deadline = std::chrono::steady_clock::now() + 120s;
       std::chrono::steady_clock::now() < deadline;) {
    if (auto res = client.Get("/_matrix/client/versions"); res && res->status == 200) {
      return server;
    }
    if (auto status = WaitFor(pid, 0ms)) {
      server->stopped_ = true;
      return Status::FailedPrecondition("strata --as-release " + release + " exited with " +
                                        std::to_string(*status) + ": " + server->Log());
    }
    std::this_thread::sleep_for(20ms);
  }
  return Status::Internal("strata --as-release " + release + " did not answer within 120 s");
}

Status StrataServer::Stop() {
  if (stopped_) return Status::Ok();
  kill(pid_, SIGTERM);
  auto status = WaitFor(pid_, 20s);
  if (!status) {
    kill(pid_, SIGKILL);
    status = WaitFor(pid_, 10s);
  }
  stopped_ = true;
  if (status != 0) {
    return Status::Internal("strata exited with " + std::to_string(status.value_or(-1)) +
                            " when stopped: " + Log());
  }
  return Status::Ok();
}

StrataServer::~StrataServer() {
  (void)Stop();
}

std::string StrataServer::Log() const {
  std::string text = Slurp(log_);
  return text.size() > 4000 ? "..." + text.substr(text.size() - 4000) : text;
}

StrataRun RunStrata(const ServerSettings& settings, const std::vector<std::string>& args,
                    const std::map<std::string, std::string>& env) {
  StrataRun run;
  auto config = WriteServerConfig(settings, 0);
  if (!config.ok()) {
    run.output = config.status().message();
    return run;
  }
  std::vector<std::string> argv = {settings.binary, "--config-path", *config};
  argv.insert(argv.end(), args.begin(), args.end());
  const std::string log = LogFile(settings.dir);
  const pid_t pid = Spawn(argv, env, log);
  run.exit_status = WaitFor(pid, std::chrono::minutes(10)).value_or(-1);
  run.output = Slurp(log);
  return run;
}

}  // namespace strata::matrix
