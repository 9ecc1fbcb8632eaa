#include "config/homeserver_config.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "util/quoting.h"

namespace strata::config {
namespace {

namespace fs = std::filesystem;

const std::map<std::string, std::string>& DefaultEmailTemplates() {
  static const std::map<std::string, std::string> templates = {
      {"password_reset_template_html", "password_reset.html"},
      {"password_reset_template_text", "password_reset.txt"},
      {"registration_template_html", "registration.html"},
      {"registration_template_text", "registration.txt"},
      {"add_threepid_template_html", "add_threepid.html"},
      {"add_threepid_template_text", "add_threepid.txt"},
      {"password_reset_template_failure_html", "password_reset_failure.html"},
      {"registration_template_failure_html", "registration_failure.html"},
      {"add_threepid_template_failure_html", "add_threepid_failure.html"},
      {"password_reset_template_success_html", "password_reset_success.html"},
      {"registration_template_success_html", "registration_success.html"},
      {"add_threepid_template_success_html", "add_threepid_success.html"},
      {"notif_template_html", "notif_mail.html"},
      {"notif_template_text", "notif_mail.txt"},
  };
  return templates;
}

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::optional<bool> ParseBool(const std::string& text) {
  // YAML 1.1 booleans, as PyYAML's safe_load reads them.
  std::string t = Lower(text);
  if (t == "true" || t == "yes" || t == "on" || t == "y") return true;
  if (t == "false" || t == "no" || t == "off" || t == "n") return false;
  return std::nullopt;
}

std::optional<int64_t> ParseInt(const std::string& text) {
  if (text.empty()) return std::nullopt;
  try {
    size_t used = 0;
    long long v = std::stoll(text, &used, 10);
    if (used == text.size()) return v;
  } catch (...) {
  }
  return std::nullopt;
}

std::optional<double> ParseDouble(const std::string& text) {
  if (text.empty()) return std::nullopt;
  try {
    size_t used = 0;
    double v = std::stod(text, &used);
    if (used == text.size() && std::isfinite(v)) return v;
  } catch (...) {
  }
  return std::nullopt;
}

// Reads typed values out of the merged document, recording a Problem for each key it cannot
// use. `Field` functions return false (and leave the target alone) when the key is absent or
// null, which Synapse treats as "use the default".
class Reader {
 public:
  Reader(HomeserverConfig& config, std::vector<Problem>& problems,
         const std::map<std::string, std::string>& top_file)
      : c_(config), problems_(problems), top_file_(top_file) {}

  std::string FileOf(const std::string& key) const {
    std::string top = key.substr(0, key.find('.'));
    auto it = top_file_.find(top);
    if (it != top_file_.end()) return it->second;
    return c_.files.empty() ? std::string() : c_.files.back();
  }

  void Error(const std::string& key, const YAML::Node& node, const std::string& message,
             const std::string& check = "config") {
    Problem p;
    p.severity = Problem::Severity::kError;
    p.check = check;
    p.key = key;
    auto loc = c_.locations.find(key);
    p.file = loc != c_.locations.end() ? loc->second.file : FileOf(key);
    if (loc != c_.locations.end()) {
      p.line = loc->second.line;
    } else if (node.IsDefined() && node.Mark().line >= 0) {  // absent keys have no position
      p.line = node.Mark().line + 1;
    }
    p.message = message;
    problems_.push_back(std::move(p));
  }

  void Warn(const std::string& key, const std::string& message, const std::string& check) {
    Problem p;
    p.severity = Problem::Severity::kWarning;
    p.check = check;
    p.key = key;
    Location loc = c_.Where(key);
    p.file = loc.file;
    p.line = loc.line;
    p.message = message;
    problems_.push_back(std::move(p));
  }

  static bool Present(const YAML::Node& node) { return node.IsDefined() && !node.IsNull(); }

  bool String(const YAML::Node& parent, const std::string& name, const std::string& key,
              std::string& out) {
    YAML::Node n = parent[name];
    if (!Present(n)) return false;
    if (!n.IsScalar()) {
      Error(key, n, "expected a string, found a " + std::string(n.IsMap() ? "mapping" : "list"));
      return false;
    }
    out = n.Scalar();
    return true;
  }

  bool Bool(const YAML::Node& parent, const std::string& name, const std::string& key, bool& out) {
    YAML::Node n = parent[name];
    if (!Present(n)) return false;
    auto v = n.IsScalar() ? ParseBool(n.Scalar()) : std::nullopt;
    if (!v) {
      Error(key, n, "expected true or false" + Got(n));
      return false;
    }
    out = *v;
    return true;
  }

  bool OptBool(const YAML::Node& parent, const std::string& name, const std::string& key,
               std::optional<bool>& out) {
    bool v = false;
    if (!Bool(parent, name, key, v)) return false;
    out = v;
    return true;
  }

  template <typename Int>
  bool Integer(const YAML::Node& parent, const std::string& name, const std::string& key,
               Int& out) {
    YAML::Node n = parent[name];
    if (!Present(n)) return false;
    auto v = n.IsScalar() ? ParseInt(n.Scalar()) : std::nullopt;
    if (!v) {
      Error(key, n, "expected a whole number" + Got(n));
      return false;
    }
    out = static_cast<Int>(*v);
    return true;
  }

  bool Number(const YAML::Node& parent, const std::string& name, const std::string& key,
              double& out) {
    YAML::Node n = parent[name];
    if (!Present(n)) return false;
    auto v = n.IsScalar() ? ParseDouble(n.Scalar()) : std::nullopt;
    if (!v) {
      Error(key, n, "expected a number" + Got(n));
      return false;
    }
    out = *v;
    return true;
  }

  bool Size(const YAML::Node& parent, const std::string& name, const std::string& key,
            int64_t& out) {
    YAML::Node n = parent[name];
    if (!Present(n)) return false;
    auto v = n.IsScalar() ? ParseSize(n.Scalar()) : std::nullopt;
    if (!v) {
      Error(key, n, "expected a size such as 10M, 512K or a number of bytes" + Got(n));
      return false;
    }
    out = *v;
    return true;
  }

  bool Duration(const YAML::Node& parent, const std::string& name, const std::string& key,
                int64_t& out) {
    YAML::Node n = parent[name];
    if (!Present(n)) return false;
    auto v = n.IsScalar() ? ParseDurationMs(n.Scalar()) : std::nullopt;
    if (!v) {
      Error(key, n,
            "expected a duration such as 1d, 12h, 30m or a number of milliseconds" + Got(n));
      return false;
    }
    out = *v;
    return true;
  }

  bool StringList(const YAML::Node& parent, const std::string& name, const std::string& key,
                  std::vector<std::string>& out) {
    YAML::Node n = parent[name];
    if (!Present(n)) return false;
    if (!n.IsSequence()) {
      Error(key, n, "expected a list of strings" + Got(n));
      return false;
    }
    std::vector<std::string> values;
    for (size_t i = 0; i < n.size(); ++i) {
      if (!n[i].IsScalar()) {
        Error(key + "." + std::to_string(i), n[i], "expected a string");
        return false;
      }
      values.push_back(n[i].Scalar());
    }
    out = std::move(values);
    return true;
  }

  // A mapping-valued key; returns an undefined node (and reports) if it has another type.
  YAML::Node Map(const YAML::Node& parent, const std::string& name, const std::string& key) {
    YAML::Node n = parent[name];
    if (!Present(n)) return YAML::Node(YAML::NodeType::Undefined);
    if (!n.IsMap()) {
      Error(key, n, "expected a mapping of keys to values" + Got(n));
      return YAML::Node(YAML::NodeType::Undefined);
    }
    return n;
  }

  bool RateLimitAt(const YAML::Node& parent, const std::string& name, const std::string& key,
                   RateLimit& out) {
    YAML::Node n = Map(parent, name, key);
    if (!n.IsDefined()) return false;
    Number(n, "per_second", key + ".per_second", out.per_second);
    Integer(n, "burst_count", key + ".burst_count", out.burst_count);
    return true;
  }

 private:
  static std::string Got(const YAML::Node& n) {
    if (n.IsScalar()) return ", got '" + n.Scalar() + "'";
    if (n.IsMap()) return ", got a mapping";
    if (n.IsSequence()) return ", got a list";
    return "";
  }

  HomeserverConfig& c_;
  std::vector<Problem>& problems_;
  const std::map<std::string, std::string>& top_file_;
};

void RecordLocations(const YAML::Node& node, const std::string& prefix, const std::string& file,
                     std::map<std::string, Location>& out) {
  if (node.IsMap()) {
    for (const auto& entry : node) {
      if (!entry.first.IsScalar()) continue;
      if (!Reader::Present(entry.second)) continue;  // `key:` with nothing: unset, as in Synapse
      std::string key = prefix.empty() ? entry.first.Scalar() : prefix + "." + entry.first.Scalar();
      int line = entry.first.Mark().line >= 0 ? entry.first.Mark().line + 1 : 0;
      out[key] = Location{file, line};
      RecordLocations(entry.second, key, file, out);
    }
  } else if (node.IsSequence()) {
    for (size_t i = 0; i < node.size(); ++i) {
      std::string key = prefix + "." + std::to_string(i);
      int line = node[i].Mark().line >= 0 ? node[i].Mark().line + 1 : 0;
      out[key] = Location{file, line};
      RecordLocations(node[i], key, file, out);
    }
  }
}

void ReadListeners(Reader& r, HomeserverConfig& c, const YAML::Node& doc) {
  const YAML::Node list = doc["listeners"];
  if (Reader::Present(list)) {
    if (!list.IsSequence()) {
      r.Error("listeners", list, "expected a list of listeners");
    } else {
      for (size_t i = 0; i < list.size(); ++i) {
        std::string key = "listeners." + std::to_string(i);
        const YAML::Node l = list[i];
        if (!l.IsMap()) {
          r.Error(key, l, "expected a mapping with port, bind_addresses, type and resources");
          continue;
        }
        ListenerConfig lc;
        if (!r.Integer(l, "port", key + ".port", lc.port) && !Reader::Present(l["port"])) {
          r.Error(key, l, "a listener needs a port");
        } else if (lc.port < 0 || lc.port > 65535) {
          r.Error(key + ".port", l["port"], "port must be between 0 and 65535");
        }
        std::vector<std::string> addresses;
        if (r.StringList(l, "bind_addresses", key + ".bind_addresses", addresses)) {
          lc.bind_addresses = addresses;
        } else {
          std::string single;
          if (r.String(l, "bind_address", key + ".bind_address", single)) {
            lc.bind_addresses = {single};
          }
        }
        r.String(l, "type", key + ".type", lc.type);
        r.Bool(l, "tls", key + ".tls", lc.tls);
        r.Bool(l, "x_forwarded", key + ".x_forwarded", lc.x_forwarded);
        const YAML::Node resources = l["resources"];
        if (Reader::Present(resources)) {
          if (!resources.IsSequence()) {
            r.Error(key + ".resources", resources,
                    "expected a list of {names: [...], compress: ...} entries");
          } else {
            for (size_t j = 0; j < resources.size(); ++j) {
              std::string rkey = key + ".resources." + std::to_string(j);
              if (!resources[j].IsMap()) {
                r.Error(rkey, resources[j], "expected a mapping with names: [...]");
                continue;
              }
              ListenerResource res;
              r.StringList(resources[j], "names", rkey + ".names", res.names);
              r.Bool(resources[j], "compress", rkey + ".compress", res.compress);
              lc.resources.push_back(std::move(res));
            }
          }
        }
        c.listeners.push_back(std::move(lc));
      }
    }
  }
  // Synapse still turns the 0.x-era bind_port / unsecure_port into listeners.
  int bind_port = 0;
  if (r.Integer(doc, "bind_port", "bind_port", bind_port)) {
    ListenerConfig lc;
    lc.port = bind_port;
    lc.tls = true;
    std::string host;
    if (r.String(doc, "bind_host", "bind_host", host)) lc.bind_addresses = {host};
    lc.resources.push_back(ListenerResource{{"client", "federation"}, false});
    c.listeners.push_back(std::move(lc));
  }
  int unsecure_port = 0;
  if (r.Integer(doc, "unsecure_port", "unsecure_port", unsecure_port)) {
    ListenerConfig lc;
    lc.port = unsecure_port;
    std::string host;
    if (r.String(doc, "bind_host", "bind_host", host)) lc.bind_addresses = {host};
    lc.resources.push_back(ListenerResource{{"client", "federation"}, false});
    c.listeners.push_back(std::move(lc));
  }
}

void ReadDatabase(Reader& r, HomeserverConfig& c, const YAML::Node& doc) {
  const YAML::Node db = doc["database"];
  std::string legacy_path;
  if (r.String(doc, "database_path", "database_path", legacy_path))
    c.database.database = legacy_path;
  if (!Reader::Present(db)) return;
  if (db.IsScalar()) {
    r.Error("database", db,
            "a plain database path is the 0.2-era form of this key (renamed database-path in "
            "0.2.0, database_path later); write it as:\n  database:\n    name: sqlite3\n    "
            "args:\n      database: " +
                db.Scalar(),
            "legacy_keys");
    return;
  }
  if (!db.IsMap()) {
    r.Error("database", db, "expected a mapping: {name: sqlite3|psycopg2, args: {...}}");
    return;
  }
  DatabaseConfig& d = c.database;
  r.String(db, "name", "database.name", d.name);
  if (d.name == "sqlite3") {
    d.engine = storage::Engine::kSqlite;
  } else if (d.name == "psycopg2") {
    d.engine = storage::Engine::kPostgres;
    d.database.clear();
  } else {
    r.Error("database.name", db["name"],
            "Unsupported database engine '" + d.name + "' (use sqlite3 or psycopg2)");
  }
  const YAML::Node args = r.Map(db, "args", "database.args");
  if (!args.IsDefined()) return;
  for (const auto& entry : args) {
    if (!entry.first.IsScalar()) continue;
    std::string name = entry.first.Scalar();
    if (!entry.second.IsScalar()) {
      r.Error("database.args." + name, entry.second, "expected a single value");
      continue;
    }
    d.args[name] = entry.second.Scalar();
  }
  if (!r.String(args, "database", "database.args.database", d.database)) {
    r.String(args, "dbname", "database.args.dbname", d.database);
  }
  r.String(args, "user", "database.args.user", d.user);
  r.String(args, "password", "database.args.password", d.password);
  r.String(args, "host", "database.args.host", d.host);
  r.Integer(args, "port", "database.args.port", d.port);
  r.Integer(args, "cp_min", "database.args.cp_min", d.cp_min);
  r.Integer(args, "cp_max", "database.args.cp_max", d.cp_max);
  if (d.cp_min < 0 || d.cp_max < 1 || d.cp_min > d.cp_max) {
    r.Error("database.args.cp_max", args["cp_max"],
            "the connection pool needs 0 <= cp_min <= cp_max and cp_max >= 1");
  }
}

void ReadEmail(Reader& r, HomeserverConfig& c, const YAML::Node& doc) {
  EmailConfig& e = c.email;
  e.template_files = DefaultEmailTemplates();
  YAML::Node email = r.Map(doc, "email", "email");
  if (!email.IsDefined()) return;
  e.present = email.size() > 0;
  r.String(email, "smtp_host", "email.smtp_host", e.smtp_host);
  r.Integer(email, "smtp_port", "email.smtp_port", e.smtp_port);
  r.String(email, "smtp_user", "email.smtp_user", e.smtp_user);
  r.String(email, "smtp_pass", "email.smtp_pass", e.smtp_pass);
  r.Bool(email, "require_transport_security", "email.require_transport_security",
         e.require_transport_security);
  r.String(email, "notif_from", "email.notif_from", e.notif_from);
  r.String(email, "app_name", "email.app_name", e.app_name);
  r.Bool(email, "enable_notifs", "email.enable_notifs", e.enable_notifs);
  r.Bool(email, "notif_for_new_users", "email.notif_for_new_users", e.notif_for_new_users);
  if (!r.String(email, "client_base_url", "email.client_base_url", e.client_base_url)) {
    r.String(email, "riot_base_url", "email.riot_base_url", e.client_base_url);
  }
  r.String(email, "template_dir", "email.template_dir", e.template_dir);
  r.OptBool(email, "trust_identity_server_for_password_resets",
            "email.trust_identity_server_for_password_resets",
            e.trust_identity_server_for_password_resets);
  for (auto& [key, file] : e.template_files) r.String(email, key, "email." + key, file);
}

void ReadAll(Reader& r, HomeserverConfig& c, const YAML::Node& doc) {
  if (!r.String(doc, "server_name", "server_name", c.server_name)) {
    r.Error("server_name", doc["server_name"],
            "server_name is missing; every homeserver needs one, e.g. server_name: "
            "example.org (it cannot be changed once users exist)");
  }
  r.OptBool(doc, "report_stats", "report_stats", c.report_stats);
  r.String(doc, "pid_file", "pid_file", c.pid_file);
  if (r.String(doc, "public_baseurl", "public_baseurl", c.public_baseurl) &&
      !c.public_baseurl.empty() && c.public_baseurl.back() != '/') {
    c.public_baseurl += '/';  // Synapse appends the slash too
  }
  r.String(doc, "web_client_location", "web_client_location", c.web_client_location);
  ReadListeners(r, c, doc);
  ReadDatabase(r, c, doc);
  r.String(doc, "log_config", "log_config", c.log_config);
  r.String(doc, "log_file", "log_file", c.log_file);
  r.String(doc, "signing_key_path", "signing_key_path", c.signing_key_path);
  r.String(doc, "tls_certificate_path", "tls_certificate_path", c.tls_certificate_path);
  r.String(doc, "tls_private_key_path", "tls_private_key_path", c.tls_private_key_path);
  if (!r.String(doc, "media_store_path", "media_store_path", c.media_store_path)) {
    r.String(doc, "uploads_path", "uploads_path", c.media_store_path);
  }
  r.Size(doc, "max_upload_size", "max_upload_size", c.max_upload_size);
  r.String(doc, "default_room_version", "default_room_version", c.default_room_version);

  r.Bool(doc, "enable_registration", "enable_registration", c.enable_registration);
  r.String(doc, "registration_shared_secret", "registration_shared_secret",
           c.registration_shared_secret);
  r.String(doc, "macaroon_secret_key", "macaroon_secret_key", c.macaroon_secret_key);
  r.String(doc, "form_secret", "form_secret", c.form_secret);
  r.Bool(doc, "allow_guest_access", "allow_guest_access", c.allow_guest_access);
  r.Integer(doc, "bcrypt_rounds", "bcrypt_rounds", c.bcrypt_rounds);

  r.Bool(doc, "allow_public_rooms_without_auth", "allow_public_rooms_without_auth",
         c.allow_public_rooms_without_auth);
  r.Bool(doc, "allow_public_rooms_over_federation", "allow_public_rooms_over_federation",
         c.allow_public_rooms_over_federation);
  if (r.Bool(doc, "restrict_public_rooms_to_local_users", "restrict_public_rooms_to_local_users",
             c.restrict_public_rooms_to_local_users)) {
    // Synapse 1.7+: the legacy key, when given at all, decides both new keys (combining them
    // is refused by the public_rooms_keys_conflict check).
    c.allow_public_rooms_without_auth = !c.restrict_public_rooms_to_local_users;
    c.allow_public_rooms_over_federation = !c.restrict_public_rooms_to_local_users;
  }
  r.Bool(doc, "enable_room_list_search", "enable_room_list_search", c.enable_room_list_search);
  r.Bool(doc, "use_presence", "use_presence", c.use_presence);
  r.Bool(doc, "enable_search", "enable_search", c.enable_search);

  YAML::Node stats = r.Map(doc, "stats", "stats");
  if (stats.IsDefined()) {
    r.Bool(stats, "enabled", "stats.enabled", c.stats.enabled);
    r.Duration(stats, "bucket_size", "stats.bucket_size", c.stats.bucket_size_ms);
  }
  ReadEmail(r, c, doc);
  YAML::Node delegates = r.Map(doc, "account_threepid_delegates", "account_threepid_delegates");
  if (delegates.IsDefined()) {
    std::string value;
    if (r.String(delegates, "email", "account_threepid_delegates.email", value) && !value.empty()) {
      c.account_threepid_delegate_email = value;
    }
    value.clear();
    if (r.String(delegates, "msisdn", "account_threepid_delegates.msisdn", value) &&
        !value.empty()) {
      c.account_threepid_delegate_msisdn = value;
    }
  }
  r.StringList(doc, "trusted_third_party_id_servers", "trusted_third_party_id_servers",
               c.trusted_third_party_id_servers);
  r.OptBool(doc, "trust_identity_server_for_password_resets",
            "trust_identity_server_for_password_resets",
            c.trust_identity_server_for_password_resets);
  YAML::Node sso = r.Map(doc, "sso", "sso");
  if (sso.IsDefined()) r.String(sso, "template_dir", "sso.template_dir", c.sso_template_dir);
  if (c.sso_template_dir.empty()) {
    r.String(doc, "sso_redirect_confirm_template_dir", "sso_redirect_confirm_template_dir",
             c.sso_template_dir);
  }
  r.StringList(doc, "app_service_config_files", "app_service_config_files",
               c.app_service_config_files);

  YAML::Node password = r.Map(doc, "password_config", "password_config");
  if (password.IsDefined()) {
    r.Bool(password, "enabled", "password_config.enabled", c.password_config.enabled);
    r.Bool(password, "localdb_enabled", "password_config.localdb_enabled",
           c.password_config.localdb_enabled);
    r.String(password, "pepper", "password_config.pepper", c.password_config.pepper);
  }
  if (!r.RateLimitAt(doc, "rc_message", "rc_message", c.rc_message)) {
    r.Number(doc, "rc_messages_per_second", "rc_messages_per_second", c.rc_message.per_second);
    r.Integer(doc, "rc_message_burst_count", "rc_message_burst_count", c.rc_message.burst_count);
  }
  r.RateLimitAt(doc, "rc_registration", "rc_registration", c.rc_registration);
  YAML::Node rc_login = r.Map(doc, "rc_login", "rc_login");
  if (rc_login.IsDefined()) {
    r.RateLimitAt(rc_login, "address", "rc_login.address", c.rc_login.address);
    r.RateLimitAt(rc_login, "account", "rc_login.account", c.rc_login.account);
    r.RateLimitAt(rc_login, "failed_attempts", "rc_login.failed_attempts",
                  c.rc_login.failed_attempts);
  }
  r.Bool(doc, "federation_verify_certificates", "federation_verify_certificates",
         c.federation_verify_certificates);
  r.Bool(doc, "enable_metrics", "enable_metrics", c.enable_metrics);
  YAML::Node redis = r.Map(doc, "redis", "redis");
  if (redis.IsDefined()) {
    r.Bool(redis, "enabled", "redis.enabled", c.redis.enabled);
    r.String(redis, "host", "redis.host", c.redis.host);
    r.Integer(redis, "port", "redis.port", c.redis.port);
    r.String(redis, "password", "redis.password", c.redis.password);
  }
}

// The files a --config-path names: itself, or a directory's *.yaml files in name order.
std::vector<std::string> ExpandPaths(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> files;
      for (const auto& entry : fs::directory_iterator(p, ec)) {
        if (entry.is_regular_file(ec) && entry.path().extension() == ".yaml") {
          files.push_back(entry.path().string());
        }
      }
      std::sort(files.begin(), files.end());
      out.insert(out.end(), files.begin(), files.end());
    } else {
      out.push_back(p);
    }
  }
  return out;
}

LoadedConfig LoadDocuments(const std::vector<std::pair<std::string, YAML::Node>>& docs,
                           std::vector<Problem> problems) {
  LoadedConfig loaded;
  loaded.problems = std::move(problems);
  HomeserverConfig& c = loaded.config;
  YAML::Node merged(YAML::NodeType::Map);
  std::map<std::string, std::string> top_file;
  for (const auto& [file, doc] : docs) {
    c.files.push_back(file);
    if (!doc.IsMap()) continue;
    for (const auto& entry : doc) {
      if (!entry.first.IsScalar()) continue;
      std::string key = entry.first.Scalar();
      merged[key] = entry.second;
      top_file[key] = file;
      // A later file's key replaces the earlier one wholesale, locations included.
      for (auto it = c.locations.begin(); it != c.locations.end();) {
        if (it->first == key || it->first.rfind(key + ".", 0) == 0) {
          it = c.locations.erase(it);
        } else {
          ++it;
        }
      }
      YAML::Node single(YAML::NodeType::Map);
      single.force_insert(entry.first, entry.second);
      RecordLocations(single, "", file, c.locations);
    }
  }
  c.document = merged;
  Reader reader(c, loaded.problems, top_file);
  ReadAll(reader, c, merged);
  return loaded;
}

Problem FileProblem(const std::string& file, int line, const std::string& message) {
  Problem p;
  p.severity = Problem::Severity::kError;
  p.check = "config";
  p.file = file;
  p.line = line;
  p.message = message;
  return p;
}

// Parses one YAML text into a document, or records why it cannot be.
std::optional<YAML::Node> ParseDocument(const std::string& text, const std::string& file,
                                        std::vector<Problem>& problems) {
  YAML::Node doc;
  try {
    doc = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    problems.push_back(
        FileProblem(file, e.mark.line >= 0 ? e.mark.line + 1 : 0, "not valid YAML: " + e.msg));
    return std::nullopt;
  }
  if (doc.IsNull()) return YAML::Node(YAML::NodeType::Map);  // an empty file sets nothing
  if (!doc.IsMap()) {
    problems.push_back(FileProblem(file, 1,
                                   "a homeserver config is a YAML mapping of keys to values "
                                   "(server_name: ..., listeners: ...)"));
    return std::nullopt;
  }
  return doc;
}

// Applies one default value to the field it names. Returns false for an unknown key.
bool SetDefault(HomeserverConfig& c, const std::string& key, const std::string& value,
                std::string* error) {
  auto as_bool = [&](bool& field) {
    auto v = ParseBool(value);
    if (!v)
      *error = "expected true or false, got '" + value + "'";
    else
      field = *v;
    return true;
  };
  auto as_int = [&](auto& field) {
    auto v = ParseInt(value);
    if (!v)
      *error = "expected a whole number, got '" + value + "'";
    else
      field = static_cast<std::remove_reference_t<decltype(field)>>(*v);
    return true;
  };
  auto as_string = [&](std::string& field) {
    field = value;
    return true;
  };
  if (key == "allow_public_rooms_without_auth") return as_bool(c.allow_public_rooms_without_auth);
  if (key == "allow_public_rooms_over_federation") {
    return as_bool(c.allow_public_rooms_over_federation);
  }
  if (key == "restrict_public_rooms_to_local_users") {
    return as_bool(c.restrict_public_rooms_to_local_users);
  }
  if (key == "enable_registration") return as_bool(c.enable_registration);
  if (key == "allow_guest_access") return as_bool(c.allow_guest_access);
  if (key == "enable_room_list_search") return as_bool(c.enable_room_list_search);
  if (key == "use_presence") return as_bool(c.use_presence);
  if (key == "enable_search") return as_bool(c.enable_search);
  if (key == "enable_metrics") return as_bool(c.enable_metrics);
  if (key == "federation_verify_certificates") return as_bool(c.federation_verify_certificates);
  if (key == "stats.enabled") return as_bool(c.stats.enabled);
  if (key == "password_config.enabled") return as_bool(c.password_config.enabled);
  if (key == "trust_identity_server_for_password_resets") {
    bool v = false;
    as_bool(v);
    if (error->empty()) c.trust_identity_server_for_password_resets = v;
    return true;
  }
  if (key == "bcrypt_rounds") return as_int(c.bcrypt_rounds);
  if (key == "default_room_version") return as_string(c.default_room_version);
  if (key == "max_upload_size") {
    auto v = ParseSize(value);
    if (!v)
      *error = "expected a size, got '" + value + "'";
    else
      c.max_upload_size = *v;
    return true;
  }
  if (key == "stats.bucket_size") {
    auto v = ParseDurationMs(value);
    if (!v)
      *error = "expected a duration, got '" + value + "'";
    else
      c.stats.bucket_size_ms = *v;
    return true;
  }
  if (key == "trusted_third_party_id_servers") {
    // A YAML flow list: "[matrix.org, vector.im]".
    try {
      YAML::Node n = YAML::Load(value);
      if (!n.IsSequence()) {
        *error = "expected a list, got '" + value + "'";
        return true;
      }
      std::vector<std::string> servers;
      for (const auto& item : n) servers.push_back(item.as<std::string>());
      c.trusted_third_party_id_servers = std::move(servers);
    } catch (const YAML::Exception& e) {
      *error = "expected a list: " + e.msg;
    }
    return true;
  }
  return false;
}

}  // namespace

std::string Problem::ToString() const {
  std::string out;
  if (!file.empty()) out += file + (line > 0 ? ":" + std::to_string(line) : std::string()) + ": ";
  out += is_error() ? "error: " : "warning: ";
  if (!key.empty()) out += key + ": ";
  return out + message;
}

bool HasErrors(const std::vector<Problem>& problems) {
  return std::any_of(problems.begin(), problems.end(),
                     [](const Problem& p) { return p.is_error(); });
}

std::set<std::string> ListenerConfig::ResourceNames() const {
  std::set<std::string> out;
  for (const auto& r : resources) out.insert(r.names.begin(), r.names.end());
  return out;
}

std::string DatabaseConfig::PostgresConninfo() const {
  std::vector<std::pair<std::string, std::string>> parts;
  for (const auto& [key, value] : args) {
    if (key.rfind("cp_", 0) == 0 || key == "database" || key == "dbname") continue;
    parts.emplace_back(key, value);
  }
  if (!database.empty()) parts.emplace_back("dbname", database);
  std::string out;
  for (const auto& [key, value] : parts) {
    if (!out.empty()) out += ' ';
    out += key + "=" + util::QuoteConninfoValue(value);
  }
  return out;
}

std::string DatabaseConfig::Describe() const {
  if (engine == storage::Engine::kSqlite) return "sqlite3 database " + database;
  std::string out = "psycopg2 database " + database;
  if (!host.empty()) out += " on " + host + (port ? ":" + std::to_string(port) : std::string());
  if (!user.empty()) out += " as " + user;
  return out;
}

storage::DatabaseSettings DatabaseConfig::ToSettings() const {
  storage::DatabaseSettings settings;
  settings.name = name;
  settings.args = args;
  if (!database.empty() && !args.count("database") && !args.count("dbname")) {
    settings.args["database"] = database;
  }
  return settings;
}

Location HomeserverConfig::Where(const std::string& key) const {
  auto it = locations.find(key);
  if (it != locations.end()) return it->second;
  // A missing key belongs to the file that would have to hold it: the first one read, which
  // is the admin's main homeserver.yaml.
  return Location{files.empty() ? std::string() : files.front(), 0};
}

bool HomeserverConfig::TrustIdentityServerForPasswordResets() const {
  return trust_identity_server_for_password_resets.value_or(false) ||
         email.trust_identity_server_for_password_resets.value_or(false);
}

std::optional<std::string> HomeserverConfig::EmailThreepidDelegate() const {
  if (account_threepid_delegate_email) return account_threepid_delegate_email;
  if (TrustIdentityServerForPasswordResets() && !trusted_third_party_id_servers.empty()) {
    return "https://" + trusted_third_party_id_servers.front();
  }
  return std::nullopt;
}

LoadedConfig LoadConfigFiles(const std::vector<std::string>& paths) {
  std::vector<Problem> problems;
  std::vector<std::pair<std::string, YAML::Node>> docs;
  auto files = ExpandPaths(paths);
  if (files.empty()) {
    problems.push_back(FileProblem("", 0,
                                   "no config file given (use --config-path FILE, or "
                                   "--generate-config to make one)"));
  }
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      std::error_code ec;
      problems.push_back(FileProblem(
          file, 0,
          fs::exists(file, ec) ? "cannot read this config file (permissions?)"
                               : "config file does not exist (make one with --generate-config)"));
      docs.emplace_back(file, YAML::Node(YAML::NodeType::Map));
      continue;
    }
    std::stringstream text;
    text << in.rdbuf();
    auto doc = ParseDocument(text.str(), file, problems);
    docs.emplace_back(file, doc ? *doc : YAML::Node(YAML::NodeType::Map));
  }
  return LoadDocuments(docs, std::move(problems));
}

LoadedConfig ParseConfig(const std::string& yaml_text, const std::string& file) {
  std::vector<Problem> problems;
  auto doc = ParseDocument(yaml_text, file, problems);
  return LoadDocuments({{file, doc ? *doc : YAML::Node(YAML::NodeType::Map)}}, std::move(problems));
}

Status ApplyReleaseDefaults(HomeserverConfig& config,
                            const std::map<std::string, std::string>& defaults) {
  bool legacy_restrict = config.IsSet("restrict_public_rooms_to_local_users");
  for (const auto& [key, value] : defaults) {
    if (config.IsSet(key)) continue;
    // The legacy key, when present, has already decided both of these.
    if (legacy_restrict &&
        (key == "allow_public_rooms_without_auth" || key == "allow_public_rooms_over_federation")) {
      continue;
    }
    std::string error;
    if (!SetDefault(config, key, value, &error)) {
      return Status::InvalidArgument("release default for unknown config key '" + key + "'");
    }
    if (!error.empty()) {
      return Status::InvalidArgument("release default for " + key + ": " + error);
    }
  }
  return Status::Ok();
}

std::optional<int64_t> ParseSize(const std::string& text) {
  if (text.empty()) return std::nullopt;
  int64_t unit = 1;
  std::string number = text;
  char last = static_cast<char>(std::toupper(static_cast<unsigned char>(text.back())));
  if (last == 'K' || last == 'M' || last == 'G') {
    unit = last == 'K' ? 1024 : last == 'M' ? 1024 * 1024 : int64_t{1024} * 1024 * 1024;
    number = text.substr(0, text.size() - 1);
  }
  auto v = ParseInt(number);
  if (!v || *v < 0) return std::nullopt;
  return *v * unit;
}

std::optional<int64_t> ParseDurationMs(const std::string& text) {
  if (text.empty()) return std::nullopt;
  static const std::map<char, int64_t> units = {
      {'s', 1000},         {'m', 60 * 1000},        {'h', 3600 * 1000},
      {'d', 86400 * 1000}, {'w', 7 * 86400 * 1000}, {'y', int64_t{365} * 86400 * 1000}};
  auto it = units.find(text.back());
  if (it == units.end()) {
    auto v = ParseInt(text);
    if (!v || *v < 0) return std::nullopt;
    return v;
  }
  auto v = ParseInt(text.substr(0, text.size() - 1));
  if (!v || *v < 0) return std::nullopt;
  return *v * it->second;
}

}  // namespace strata::config
