#include "server_process.h"

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "util/child_process.h"
#include "util/quoting.h"

namespace strata::matrix {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

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
    out += "    " + key + ": " + util::QuoteYaml(value) + "\n";
  }
  return out;
}

std::string Slurp(const std::string& file) {
  std::ifstream in(file);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
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
    database =
        "database:\n  name: sqlite3\n  args:\n    database: " + util::QuoteYaml(s.location) + "\n";
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
  const int port = util::FreePort();
  if (port == 0) return Status::IoError("no free loopback port");
  auto config = WriteServerConfig(settings, port);
  if (!config.ok()) return config.status();
  const std::string log = LogFile(settings.dir);
  std::unique_ptr<util::ChildProcess> child;
  try {
    child = std::make_unique<util::ChildProcess>(
        std::vector<std::string>{settings.binary, "--config-path", *config, "--as-release",
                                 release},
        std::map<std::string, std::string>{}, log);
  } catch (const std::runtime_error&) {
    return Status::Internal("fork failed");
  }
  std::unique_ptr<StrataServer> server(new StrataServer(std::move(child), port));
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(1s);
  for (auto deadline = std::chrono::steady_clock::now() + 120s;
       std::chrono::steady_clock::now() < deadline;) {
    if (auto res = client.Get("/_matrix/client/versions"); res && res->status == 200) {
      return server;
    }
    if (auto status = server->child_->Wait(0ms)) {
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
  stopped_ = true;
  // SIGTERM, 20 s, then SIGKILL: a killed server reports 128 + 9.
  std::optional<int> status = child_->Stop(20s);
  if (!status) status = child_->Wait(0ms);
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
  std::string text = child_->Log();
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
  try {
    util::ChildProcess child(argv, env, log);
    run.exit_status = child.Wait(std::chrono::minutes(10)).value_or(-1);
  } catch (const std::runtime_error&) {
  }
  run.output = Slurp(log);
  return run;
}

}  // namespace strata::matrix
