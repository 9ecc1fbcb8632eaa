// HomeserverConfig: homeserver.yaml, with Synapse's key names and defaults.
//
// Loading never stops at the first problem: every key that can be read is read, and every key
// that cannot is reported as a Problem naming the key, the file and the line. A config with
// error problems must not be used to start a server; the start-up checks (startup_checks.h)
// then judge the combinations of keys that Synapse refused or warned about.
//
// Several files may be given (Synapse's repeated --config-path): they are read in order and a
// later file's top-level keys replace an earlier file's, as Synapse merges them. A directory
// stands for the *.yaml files in it, in name order.
//
// Relative paths in the config (log_config, signing_key_path, media_store_path, database file,
// application service files, template dirs) are kept as written; like Synapse, Strata resolves
// them against the working directory when it uses them. (--generate-config writes absolute ones.)
//
// Defaults are Synapse 1.7+'s (e.g. allow_public_rooms_without_auth: false). A release's own
// defaults (from the release catalogue) are layered in with ApplyReleaseDefaults, which only
// touches keys the files did not set.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "config/problem.h"
#include "storage/database.h"
#include "storage/open_database.h"
#include "util/status.h"

namespace strata::config {

struct ListenerResource {
  std::vector<std::string> names;  // "client", "federation", "media", "keys", "metrics", ...
  bool compress = false;
};

struct ListenerConfig {
  int port = 0;
  // Synapse's default, when neither bind_addresses nor the older bind_address is given.
  std::vector<std::string> bind_addresses = {"::", "0.0.0.0"};
  std::string type = "http";  // "http", "metrics", "manhole", "replication"
  bool tls = false;
  bool x_forwarded = false;
  std::vector<ListenerResource> resources;

  // Every resource name of every resources entry.
  std::set<std::string> ResourceNames() const;
};

struct DatabaseConfig {
  std::string name = "sqlite3";  // "sqlite3" or "psycopg2"
  storage::Engine engine = storage::Engine::kSqlite;
  // All `args` as text, including the connection pool's cp_* and engine options Strata does
  // not name below.
  std::map<std::string, std::string> args;
  std::string database = "homeserver.db";  // SQLite: file path; PostgreSQL: database name
  std::string user, password, host;        // PostgreSQL only
  int port = 0;                            // PostgreSQL only; 0: libpq's default
  int cp_min = 5;
  int cp_max = 10;

  // A libpq connection string from the psycopg2-style args (cp_* left out; `database` and
  // `dbname` both name the database). Values are quoted as libpq requires.
  std::string PostgresConninfo() const;
  // For messages: "sqlite3 database /path/x.db" or "psycopg2 database synapse on host ...".
  std::string Describe() const;
  // What storage::OpenDatabase takes; `database` is filled in when the file left it out.
  storage::DatabaseSettings ToSettings() const;
};

struct RateLimit {
  double per_second = 0.17;
  int burst_count = 3;
};

struct EmailConfig {
  bool present = false;  // an `email:` block with at least one key exists
  std::string smtp_host = "localhost";
  int smtp_port = 25;
  std::string smtp_user, smtp_pass;
  bool require_transport_security = false;
  std::string notif_from;
  std::string app_name = "Matrix";
  bool enable_notifs = false;
  bool notif_for_new_users = true;
  std::string client_base_url;
  std::string template_dir;  // "" : Strata's built-in templates
  // email.trust_identity_server_for_password_resets, if set in the email block.
  std::optional<bool> trust_identity_server_for_password_resets;
  // Template file names, overridable as in Synapse (email.password_reset_template_html, ...),
  // keyed by the config key; defaults are the standard file names.
  std::map<std::string, std::string> template_files;
};

struct PasswordConfig {
  bool enabled = true;
  bool localdb_enabled = true;
  std::string pepper;
};

struct StatsConfig {
  bool enabled = true;
  int64_t bucket_size_ms = 86400 * 1000;  // "1d"
};

struct RedisConfig {
  bool enabled = false;
  std::string host = "localhost";
  int port = 6379;
  std::string password;
};

struct RcLogin {
  RateLimit address, account, failed_attempts;
};

// Where a key was read from.
struct Location {
  std::string file;
  int line = 0;  // 1-based; 0 if unknown
};

struct HomeserverConfig {
  std::vector<std::string> files;  // the files read, in order

  std::string server_name;
  std::optional<bool> report_stats;  // unset: the report_stats check refuses to start
  std::string pid_file;              // "" : none configured
  std::string public_baseurl;
  std::string web_client_location;
  std::vector<ListenerConfig> listeners;
  DatabaseConfig database;
  std::string log_config;
  std::string log_file;  // Synapse <= 1.2's key; refused by the log_file_fatal check
  std::string signing_key_path;
  std::string tls_certificate_path;
  std::string tls_private_key_path;
  std::string media_store_path = "media_store";
  int64_t max_upload_size = 10 * 1024 * 1024;  // "10M"
  std::string default_room_version = "5";

  bool enable_registration = false;
  std::string registration_shared_secret;
  std::string macaroon_secret_key;
  std::string form_secret;
  bool allow_guest_access = false;
  int bcrypt_rounds = 12;

  bool allow_public_rooms_without_auth = false;
  bool allow_public_rooms_over_federation = false;
  bool restrict_public_rooms_to_local_users = false;
  bool enable_room_list_search = true;
  bool use_presence = true;
  bool enable_search = true;

  StatsConfig stats;
  EmailConfig email;
  std::optional<std::string> account_threepid_delegate_email;
  std::optional<std::string> account_threepid_delegate_msisdn;
  std::vector<std::string> trusted_third_party_id_servers = {"matrix.org", "vector.im"};
  // The top-level key, which is the one Synapse 1.4-1.18 actually reads.
  std::optional<bool> trust_identity_server_for_password_resets;
  std::string
      sso_template_dir;  // sso.template_dir (or the older sso_redirect_confirm_template_dir)
  std::vector<std::string> app_service_config_files;
  PasswordConfig password_config;
  RateLimit rc_message{0.2, 10};
  RateLimit rc_registration{0.17, 3};
  RcLogin rc_login;
  bool federation_verify_certificates = true;
  bool enable_metrics = false;
  RedisConfig redis;

  // The merged document as read (later files' top-level keys replacing earlier ones), for
  // sections this struct does not model. yaml-cpp nodes are references: copies of the config
  // share this tree, so treat it as read-only.
  YAML::Node document;
  // Where each key that was present came from, by dotted name ("email", "email.smtp_host",
  // "listeners", "listeners.0.port"); also the keys ApplyReleaseDefaults may not touch.
  std::map<std::string, Location> locations;

  bool IsSet(const std::string& key) const { return locations.count(key) > 0; }
  // Where `key` is; for a key that is absent, the last file read (line 0).
  Location Where(const std::string& key) const;

  // true if either trust_identity_server_for_password_resets (top level, or in `email`) is true.
  bool TrustIdentityServerForPasswordResets() const;
  // Who sends email validation messages: account_threepid_delegates.email if set; else, with
  // trust_identity_server_for_password_resets, the first trusted_third_party_id_servers entry
  // (as https://<name>), as Synapse 1.4+ does; else nullopt (the server sends mail itself).
  std::optional<std::string> EmailThreepidDelegate() const;
};

struct LoadedConfig {
  HomeserverConfig config;
  std::vector<Problem> problems;  // errors and warnings found while reading
  bool ok() const { return !HasErrors(problems); }
};

// Reads and merges the files (see above). Never throws; unreadable files and YAML syntax
// errors are problems like any other.
LoadedConfig LoadConfigFiles(const std::vector<std::string>& paths);
// Reads one YAML text; `file` names it in problems.
LoadedConfig ParseConfig(const std::string& yaml_text, const std::string& file);

// Sets each key in `defaults` (dotted name -> YAML scalar text, e.g.
// {"allow_public_rooms_without_auth", "true"}) unless the files set it. Any plain key of the
// key table (config_keys.h) may take a default. InvalidArgument for any other key (one Strata
// does not model, or one with its own rules such as listeners) or a value of the wrong type:
// the release catalogue is then wrong.
Status ApplyReleaseDefaults(HomeserverConfig& config,
                            const std::map<std::string, std::string>& defaults);

// Synapse's size strings: "10M" -> 10485760; K, M, G are powers of 1024; a plain number is bytes.
std::optional<int64_t> ParseSize(const std::string& text);
// Synapse's durations: "1d" -> 86400000; s, m, h, d, w, y; a plain number is milliseconds.
std::optional<int64_t> ParseDurationMs(const std::string& text);

}  // namespace strata::config
