#include "config/special_keys.h"

#include <map>
#include <string>
#include <vector>

namespace strata::config {
namespace {

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

}  // namespace

void RequireServerName(Reader& r, HomeserverConfig&) {
  if (r.WasRead("server_name")) return;
  r.Error("server_name", r.root()["server_name"],
          "server_name is missing; every homeserver needs one, e.g. server_name: "
          "example.org (it cannot be changed once users exist)");
}

void ReadPublicBaseurl(Reader& r, HomeserverConfig& c) {
  if (r.String(r.root(), "public_baseurl", "public_baseurl", c.public_baseurl) &&
      !c.public_baseurl.empty() && c.public_baseurl.back() != '/') {
    c.public_baseurl += '/';  // Synapse appends the slash too
  }
}

void ReadListeners(Reader& r, HomeserverConfig& c) {
  const YAML::Node& doc = r.root();
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

void ReadDatabase(Reader& r, HomeserverConfig& c) {
  const YAML::Node& doc = r.root();
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

void ReadUploadsPath(Reader& r, HomeserverConfig& c) {
  if (r.WasRead("media_store_path")) return;
  r.String(r.root(), "uploads_path", "uploads_path", c.media_store_path);
}

void ApplyRestrictPublicRooms(Reader& r, HomeserverConfig& c) {
  if (!r.WasRead("restrict_public_rooms_to_local_users")) return;
  // Synapse 1.7+: the legacy key, when given at all, decides both new keys (combining them
  // is refused by the public_rooms_keys_conflict check).
  c.allow_public_rooms_without_auth = !c.restrict_public_rooms_to_local_users;
  c.allow_public_rooms_over_federation = !c.restrict_public_rooms_to_local_users;
}

void ReadEmailBlock(Reader& r, HomeserverConfig& c) {
  c.email.template_files = DefaultEmailTemplates();
  const YAML::Node email = r.Section("email");
  if (email.IsDefined()) c.email.present = email.size() > 0;
}

void ReadRiotBaseUrl(Reader& r, HomeserverConfig& c) {
  const YAML::Node email = r.Section("email");
  if (!email.IsDefined() || r.WasRead("email.client_base_url")) return;
  r.String(email, "riot_base_url", "email.riot_base_url", c.email.client_base_url);
}

void ReadEmailTemplateFiles(Reader& r, HomeserverConfig& c) {
  const YAML::Node email = r.Section("email");
  if (!email.IsDefined()) return;
  for (auto& [key, file] : c.email.template_files) r.String(email, key, "email." + key, file);
}

void ReadThreepidDelegates(Reader& r, HomeserverConfig& c) {
  const YAML::Node delegates = r.Section("account_threepid_delegates");
  if (!delegates.IsDefined()) return;
  std::string value;
  if (r.String(delegates, "email", "account_threepid_delegates.email", value) && !value.empty()) {
    c.account_threepid_delegate_email = value;
  }
  value.clear();
  if (r.String(delegates, "msisdn", "account_threepid_delegates.msisdn", value) && !value.empty()) {
    c.account_threepid_delegate_msisdn = value;
  }
}

void ReadLegacySsoTemplateDir(Reader& r, HomeserverConfig& c) {
  if (!c.sso_template_dir.empty()) return;
  r.String(r.root(), "sso_redirect_confirm_template_dir", "sso_redirect_confirm_template_dir",
           c.sso_template_dir);
}

void ReadLegacyRcMessage(Reader& r, HomeserverConfig& c) {
  if (r.Section("rc_message").IsDefined()) return;
  r.Number(r.root(), "rc_messages_per_second", "rc_messages_per_second", c.rc_message.per_second);
  r.Integer(r.root(), "rc_message_burst_count", "rc_message_burst_count", c.rc_message.burst_count);
}

}  // namespace strata::config
