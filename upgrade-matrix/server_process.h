// The real `strata` binary as the matrix drives it: served on a loopback port behaving as one
// release (StrataServer), or run once offline (RunStrata: --upgrade-only, crash hooks). The
// config it gets points at the matrix's database copy and makes accounts cheap to create
// (registration open, bcrypt_rounds 4, no rate limits): the scenario creates hundreds.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "storage/database.h"
#include "util/child_process.h"
#include "util/status.h"

namespace strata::matrix {

struct ServerSettings {
  std::string binary;  // the strata executable
  std::string dir;     // an existing directory for the config and the log
  storage::Engine engine = storage::Engine::kSqlite;
  std::string location;       // SQLite file, or a keyword conninfo
  bool stats_enabled = true;  // `stats: {enabled: false}` when false (the 1.4.0 -> 1.3.1 rollback)
};

// Writes the homeserver.yaml for `settings` listening on `port` (0: no listener); its path.
Result<std::string> WriteServerConfig(const ServerSettings& settings, int port);

class StrataServer {
 public:
  // Starts `strata --config-path ... --as-release <release>` and waits until the client API
  // answers (past the 503s of a schema upgrade). Fails with the server's log if it exits.
  static Result<std::unique_ptr<StrataServer>> Start(const ServerSettings& settings,
                                                     const std::string& release);
  ~StrataServer();  // stops it (SIGTERM, then SIGKILL after 20 s)
  StrataServer(const StrataServer&) = delete;
  StrataServer& operator=(const StrataServer&) = delete;

  int port() const { return port_; }
  // SIGTERM and wait; not ok if it did not exit 0.
  Status Stop();
  std::string Log() const;

 private:
  StrataServer(std::unique_ptr<util::ChildProcess> child, int port)
      : child_(std::move(child)), port_(port) {}
  std::unique_ptr<util::ChildProcess> child_;
  int port_;
  bool stopped_ = false;
};

struct StrataRun {
  int exit_status = -1;  // 128 + signal when killed
  std::string output;
};

// Runs `strata --config-path <config> <args...>` to its end with `env` added.
StrataRun RunStrata(const ServerSettings& settings, const std::vector<std::string>& args,
                    const std::map<std::string, std::string>& env = {});

// The strata binary next to this program's build (or $STRATA_BINARY).
std::string DefaultStrataBinary();

}  // namespace strata::matrix
