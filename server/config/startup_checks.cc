#include "config/startup_checks.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

namespace strata::config {
namespace {

namespace fs = std::filesystem;

Problem Make(Problem::Severity severity, std::string check, std::string key, Location where,
             std::string message) {
  Problem p;
  p.severity = severity;
  p.check = std::move(check);
  p.key = std::move(key);
  p.file = std::move(where.file);
  p.line = where.line;
  p.message = std::move(message);
  return p;
}

Problem Error(const HomeserverConfig& c, std::string check, const std::string& key,
              std::string message) {
  return Make(Problem::Severity::kError, std::move(check), key, c.Where(key), std::move(message));
}

Problem Warning(const HomeserverConfig& c, std::string check, const std::string& key,
                std::string message) {
  return Make(Problem::Severity::kWarning, std::move(check), key, c.Where(key), std::move(message));
}

std::string MainFile(const HomeserverConfig& c) {
  return c.files.empty() ? std::string("the config file") : c.files.front();
}

// ---- report_stats -----------------------------------------------------------------------

void CheckReportStats(const HomeserverConfig& c, const CheckOptions&, std::vector<Problem>& out) {
  if (c.report_stats) return;
  out.push_back(Error(
      c, "report_stats", "report_stats",
      std::string(kMissingReportStats) + "\nAdd `report_stats: false` (or true) to " + MainFile(c) +
          ". Strata sends no statistics either way; the key is required so that a config stays "
          "valid for Synapse."));
}

// ---- log_file_fatal ---------------------------------------------------------------------

void CheckLogFile(const HomeserverConfig& c, const CheckOptions& options,
                  std::vector<Problem>& out) {
  if (!c.log_file.empty()) {
    out.push_back(Error(c, "log_file_fatal", "log_file",
                        std::string(kLogFileError) + "\nRemove log_file from " +
                            c.Where("log_file").file +
                            " and set log_config to a log configuration file (strata "
                            "--generate-config writes one, <server_name>.log.config)."));
  }
  if (options.log_file_flag) {
    Problem p = Make(Problem::Severity::kError, "log_file_fatal", "--log-file", Location{},
                     std::string(kLogFileError) +
                         "\nDrop --log-file and set log_config in the config file instead.");
    out.push_back(std::move(p));
  }
}

// ---- email and identity servers ---------------------------------------------------------

std::string TrustKey(const HomeserverConfig& c) {
  if (c.trust_identity_server_for_password_resets.value_or(false)) {
    return "trust_identity_server_for_password_resets";
  }
  return "email.trust_identity_server_for_password_resets";
}

void CheckTrustedServers(const HomeserverConfig& c, const CheckOptions&,
                         std::vector<Problem>& out) {
  if (c.account_threepid_delegate_email || !c.TrustIdentityServerForPasswordResets()) return;
  if (!c.trusted_third_party_id_servers.empty()) return;
  std::string key = TrustKey(c);
  out.push_back(Error(c, "trust_identity_server_requires_servers", key,
                      std::string(kEmptyTrustedServers) +
                          "\nEither set account_threepid_delegates.email to the identity server "
                          "that should send validation emails, list it in "
                          "trusted_third_party_id_servers, or remove " +
                          key + " so that this server sends the emails itself."));
}

// Synapse sends validation mail itself when nothing delegates it and an email block exists.
bool SendsMailItself(const HomeserverConfig& c) {
  return c.email.present && !c.EmailThreepidDelegate();
}

void CheckEmailBlock(const HomeserverConfig& c, const CheckOptions&, std::vector<Problem>& out) {
  if (!SendsMailItself(c)) return;
  std::vector<std::string> missing;
  for (const char* key : {"smtp_host", "smtp_port", "notif_from"}) {
    if (!c.IsSet(std::string("email.") + key)) missing.push_back(key);
  }
  if (c.public_baseurl.empty()) missing.push_back("public_baseurl");
  if (missing.empty()) return;
  std::string list;
  for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
  out.push_back(Error(c, "email_partial_block", "email",
                      std::string(kPartialEmailBlock) + list +
                          "\nSet them (public_baseurl at the top level, the others under email:), "
                          "or set account_threepid_delegates.email to an identity server that "
                          "sends the emails instead."));
}

void CheckTemplatesIn(const HomeserverConfig& c, const std::string& check, const std::string& key,
                      const std::string& dir,
                      const std::vector<std::pair<std::string, std::string>>& files,
                      std::vector<Problem>& out) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    out.push_back(Error(c, check, key,
                        "template directory " + dir +
                            " does not exist; create it with the templates, or remove " + key +
                            " to use the built-in templates"));
    return;
  }
  for (const auto& [file_key, file] : files) {
    fs::path path = fs::path(dir) / file;
    if (fs::exists(path, ec)) continue;
    std::string advice = "copy " + file + " from Strata's default templates into " + dir;
    if (!file_key.empty()) advice += " (or name another file with " + file_key + ")";
    out.push_back(Error(c, check, key,
                        "Unable to find template file " + path.string() + "\n" + advice + "."));
  }
}

void CheckEmailTemplates(const HomeserverConfig& c, const CheckOptions&,
                         std::vector<Problem>& out) {
  if (c.email.template_dir.empty()) return;
  std::vector<std::pair<std::string, std::string>> files;
  const auto& t = c.email.template_files;
  if (SendsMailItself(c)) {
    for (const char* key :
         {"password_reset_template_html", "password_reset_template_text",
          "registration_template_html", "registration_template_text", "add_threepid_template_html",
          "add_threepid_template_text", "password_reset_template_failure_html",
          "registration_template_failure_html", "add_threepid_template_failure_html",
          "password_reset_template_success_html", "registration_template_success_html",
          "add_threepid_template_success_html"}) {
      files.emplace_back(std::string("email.") + key, t.at(key));
    }
  }
  if (c.email.enable_notifs) {
    files.emplace_back("email.notif_template_html", t.at("notif_template_html"));
    files.emplace_back("email.notif_template_text", t.at("notif_template_text"));
  }
  if (files.empty()) return;
  CheckTemplatesIn(c, "email_templates", "email.template_dir", c.email.template_dir, files, out);
}

void CheckSsoTemplates(const HomeserverConfig& c, const CheckOptions&, std::vector<Problem>& out) {
  if (c.sso_template_dir.empty()) return;
  std::string key =
      c.IsSet("sso.template_dir") ? "sso.template_dir" : "sso_redirect_confirm_template_dir";
  CheckTemplatesIn(c, "sso_templates", key, c.sso_template_dir,
                   {{"", "sso_redirect_confirm.html"},
                    {"", "sso_auth_confirm.html"},
                    {"", "sso_auth_success.html"},
                    {"", "sso_account_deactivated.html"}},
                   out);
}

// ---- room directory keys ----------------------------------------------------------------

void CheckPublicRoomsKeys(const HomeserverConfig& c, const CheckOptions&,
                          std::vector<Problem>& out) {
  if (!c.IsSet("restrict_public_rooms_to_local_users")) return;
  if (!c.IsSet("allow_public_rooms_without_auth") &&
      !c.IsSet("allow_public_rooms_over_federation")) {
    return;
  }
  out.push_back(Error(c, "public_rooms_keys_conflict", "restrict_public_rooms_to_local_users",
                      std::string(kPublicRoomsConflict) +
                          "\nRemove restrict_public_rooms_to_local_users (replaced in Synapse "
                          "1.7.0) and keep allow_public_rooms_without_auth / "
                          "allow_public_rooms_over_federation."));
}

// ---- legacy keys ------------------------------------------------------------------------

void CheckLegacyKeys(const HomeserverConfig& c, const CheckOptions&, std::vector<Problem>& out) {
  struct Legacy {
    const char* key;
    const char* replacement;  // the key that replaced it
    const char* instead;      // how to write it today
  };
  static const Legacy kLegacy[] = {
      {"host", "server_name",
       "renamed \"server-name\" in Synapse 0.2.0 and server_name since; write server_name: "
       "<your domain>"},
      {"server-name", "server_name", "the 0.2-era spelling; write server_name: <your domain>"},
      {"port", "listeners",
       "renamed \"bind-port\"/\"unsecure-port\" in Synapse 0.2.0; ports are now given per "
       "listener: listeners: [{port: 8008, type: http, resources: [{names: [client, "
       "federation]}]}]"},
      {"bind-port", "listeners",
       "the 0.2-era spelling; ports are now given per listener: listeners: [{port: ...}]"},
      {"unsecure-port", "listeners",
       "the 0.2-era spelling; ports are now given per listener: listeners: [{port: ...}]"},
      {"database-path", "database",
       "the 0.2-era spelling; write database: {name: sqlite3, args: {database: <path>}}"},
  };
  for (const auto& l : kLegacy) {
    if (!c.IsSet(l.key)) continue;
    bool replaced = c.IsSet(l.replacement) ||
                    (std::string(l.replacement) == "listeners" && !c.listeners.empty());
    std::string message =
        std::string("'") + l.key + "' is not read by this release: " + l.instead + ".";
    if (replaced) {
      out.push_back(Warning(
          c, "legacy_keys", l.key,
          message + " " + l.replacement + " is set, so '" + l.key + "' is ignored; remove it."));
    } else {
      out.push_back(Error(c, "legacy_keys", l.key, message));
    }
  }
  for (const char* key : {"bind_port", "unsecure_port", "bind_host"}) {
    if (!c.IsSet(key)) continue;
    out.push_back(Warning(c, "legacy_keys", key,
                          std::string(key) +
                              " is deprecated: it is turned into a listener as Synapse does; "
                              "describe the port under listeners: instead."));
  }
  if (c.IsSet("restrict_public_rooms_to_local_users") &&
      !c.IsSet("allow_public_rooms_without_auth") &&
      !c.IsSet("allow_public_rooms_over_federation")) {
    out.push_back(
        Warning(c, "legacy_keys", "restrict_public_rooms_to_local_users",
                "restrict_public_rooms_to_local_users was replaced in Synapse 1.7.0 by "
                "allow_public_rooms_without_auth and "
                "allow_public_rooms_over_federation; it still sets both (to " +
                    std::string(c.restrict_public_rooms_to_local_users ? "false" : "true") + ")."));
  }
}

// ---- application services ---------------------------------------------------------------

bool UrlQuoteSafe(const std::string& s) {
  // Python's urllib.parse.quote leaves letters, digits, "_.-~" and "/" alone.
  return std::all_of(s.begin(), s.end(), [](char ch) {
    unsigned char u = static_cast<unsigned char>(ch);
    return std::isalnum(u) || ch == '_' || ch == '.' || ch == '-' || ch == '~' || ch == '/';
  });
}

std::string Mask(const std::string& secret) {
  if (secret.size() <= 4) return "****";
  return secret.substr(0, 4) + "****";
}

void CheckAppservices(const HomeserverConfig& c, const CheckOptions&, std::vector<Problem>& out) {
  std::map<std::string, std::string> seen_ids;     // id -> file
  std::map<std::string, std::string> seen_tokens;  // as_token -> file
  for (size_t i = 0; i < c.app_service_config_files.size(); ++i) {
    const std::string& file = c.app_service_config_files[i];
    std::string list_key = "app_service_config_files." + std::to_string(i);
    auto fail = [&](const std::string& key, const YAML::Node& node, std::string message) {
      int line = node.IsDefined() && node.Mark().line >= 0 ? node.Mark().line + 1 : 0;
      out.push_back(Make(Problem::Severity::kError, "appservice_registrations", key,
                         Location{file, line}, std::move(message)));
    };
    YAML::Node as;
    try {
      as = YAML::LoadFile(file);
    } catch (const YAML::BadFile&) {
      Problem p = Error(c, "appservice_registrations", list_key,
                        "Failed to load appservice from '" + file +
                            "': the file cannot be read; fix the path in "
                            "app_service_config_files or remove the entry.");
      out.push_back(std::move(p));
      continue;
    } catch (const YAML::Exception& e) {
      out.push_back(
          Make(Problem::Severity::kError, "appservice_registrations", "",
               Location{file, e.mark.line >= 0 ? e.mark.line + 1 : 0},
               "Failed to load appservice from '" + file + "': not valid YAML: " + e.msg));
      continue;
    }
    if (!as.IsMap()) {
      fail("", as,
           "Failed to load appservice from '" + file +
               "': a registration is a YAML mapping (id, url, as_token, hs_token, "
               "sender_localpart, namespaces)");
      continue;
    }
    bool valid = true;
    for (const char* field : {"id", "as_token", "hs_token", "sender_localpart"}) {
      const YAML::Node n = as[field];
      if (!n.IsDefined() || !n.IsScalar()) {  // absent, null, a list or a mapping
        fail(field, n.IsDefined() ? n : as,
             std::string("Required string field: '") + field + "' (" + file + ")" +
                 (std::string(field) == "id"
                      ? "\nEvery registration needs a unique id (required since Synapse 0.14)."
                      : ""));
        valid = false;
      }
    }
    const YAML::Node url = as["url"];
    if (!url.IsDefined() || !(url.IsNull() || url.IsScalar())) {
      fail("url", url.IsDefined() ? url : as,
           "Required string field or explicit null: 'url' (" + file +
               ")\nGive the application service's URL, or url: null if it should receive no "
               "events or queries.");
      valid = false;
    }
    const YAML::Node localpart = as["sender_localpart"];
    if (localpart.IsScalar() && !UrlQuoteSafe(localpart.Scalar())) {
      fail("sender_localpart", localpart,
           "sender_localpart needs characters which are not URL encoded.\nUse only letters, "
           "digits and _ . - ~ in " +
               file + ".");
      valid = false;
    }
    const YAML::Node ns = as["namespaces"];
    if (!ns.IsDefined() || !ns.IsMap()) {
      fail("namespaces", ns.IsDefined() ? ns : as,
           "Requires 'namespaces' object.\nAdd namespaces: {users: [], aliases: [], rooms: []} "
           "to " +
               file + ".");
      valid = false;
    } else {
      for (const char* kind : {"users", "aliases", "rooms"}) {
        const YAML::Node entries = ns[kind];
        if (!entries.IsDefined() || entries.IsNull()) continue;
        std::string key = std::string("namespaces.") + kind;
        if (!entries.IsSequence()) {
          fail(key, entries, std::string("Bad namespace value for '") + kind + "' in " + file);
          valid = false;
          continue;
        }
        for (const auto& entry : entries) {
          if (!entry.IsMap()) {
            fail(key, entry,
                 std::string("Expected namespace entry in ") + kind + " to be an object, but got " +
                     (entry.IsScalar() ? entry.Scalar() : "a list") + " (" + file + ")");
            valid = false;
            continue;
          }
          const YAML::Node regex = entry["regex"];
          if (!regex.IsDefined() || !regex.IsScalar()) {
            fail(key, entry,
                 "Missing/bad type 'regex' key in " + std::string(kind) + " (" + file + ")");
            valid = false;
          }
          const YAML::Node exclusive = entry["exclusive"];
          bool is_bool = false;
          if (exclusive.IsDefined() && exclusive.IsScalar()) {
            std::string v = exclusive.Scalar();
            is_bool = v == "true" || v == "false" || v == "True" || v == "False" || v == "yes" ||
                      v == "no";
          }
          if (!is_bool) {
            fail(key, exclusive.IsDefined() ? exclusive : entry,
                 "Missing/bad type 'exclusive' key in " + std::string(kind) + " (" + file +
                     "): use exclusive: true or false");
            valid = false;
          }
        }
      }
    }
    const YAML::Node rate_limited = as["rate_limited"];
    if (rate_limited.IsDefined() && !rate_limited.IsNull()) {
      std::string v = rate_limited.IsScalar() ? rate_limited.Scalar() : "";
      if (!(v == "true" || v == "false" || v == "True" || v == "False")) {
        fail("rate_limited", rate_limited, "rate_limited must be true or false (" + file + ")");
        valid = false;
      }
    }
    const YAML::Node protocols = as["protocols"];
    if (protocols.IsDefined() && !protocols.IsNull()) {
      if (!protocols.IsSequence()) {
        fail("protocols", protocols,
             "Optional 'protocols' must be a list if present. (" + file + ")");
        valid = false;
      } else {
        for (const auto& p : protocols) {
          if (!p.IsScalar()) {
            fail("protocols", p, "Bad value for 'protocols' item (" + file + ")");
            valid = false;
          }
        }
      }
    }
    if (!valid) continue;

    const std::string id = as["id"].Scalar();
    const std::string token = as["as_token"].Scalar();
    if (auto it = seen_ids.find(id); it != seen_ids.end()) {
      fail("id", as["id"],
           "Cannot reuse ID across application services: " + id + " (files: " + file + ", " +
               it->second + ")\nGive each registration its own id.");
    } else {
      seen_ids[id] = file;
    }
    if (auto it = seen_tokens.find(token); it != seen_tokens.end()) {
      // The token is a secret: only its start is shown.
      fail("as_token", as["as_token"],
           "Cannot reuse as_token across application services: " + Mask(token) + " (files: " +
               file + ", " + it->second + ")\nGive each registration its own as_token.");
    } else {
      seen_tokens[token] = file;
    }
  }
}

// ---- unknown keys -----------------------------------------------------------------------

const std::set<std::string>& KnownKeys() {
  // Top-level keys read by Synapse 1.0 .. 1.18 (and a few newer ones admins carry forward),
  // plus the legacy keys the legacy_keys check explains.
  static const std::set<std::string> keys = {
      "account_threepid_delegates", "account_validity", "acme", "admin_contact",
      "alias_creation_rules", "allow_guest_access", "allow_per_room_profiles",
      "allow_public_rooms_over_federation", "allow_public_rooms_without_auth",
      "allowed_local_3pids", "app_service_config_files", "auto_join_rooms",
      "autocreate_auto_join_rooms", "auto_join_rooms_for_guests", "bcrypt_rounds", "bind_host",
      "bind_port", "block_non_admin_invites", "caches", "captcha_bypass_secret", "cas_config",
      "daemonize", "database", "database_path", "default_identity_server", "default_room_version",
      "disable_msisdn_registration", "dummy_events_threshold", "dynamic_thumbnails", "email",
      "enable_3pid_changes", "enable_3pid_lookup", "enable_group_creation", "enable_media_repo",
      "enable_metrics", "enable_registration", "enable_registration_captcha",
      "enable_room_list_search", "enable_search", "enable_set_avatar_url", "enable_set_displayname",
      "encryption_enabled_by_default_for_room_type", "event_cache_size", "expire_access_token",
      "federation_certificate_verification_whitelist", "federation_client_minimum_tls_version",
      "federation_custom_ca_list", "federation_domain_whitelist", "federation_ip_range_blacklist",
      "federation_rc_concurrent", "federation_rc_reject_limit", "federation_rc_sleep_delay",
      "federation_rc_sleep_limit", "federation_rc_window_size", "federation_sender_instances",
      "federation_verify_certificates", "filter_timeline_limit", "form_secret", "gc_thresholds",
      "group_creation_prefix", "hs_disabled", "hs_disabled_limit_type", "hs_disabled_message",
      "include_profile_data_on_invite", "instance_map", "ip_range_blacklist", "ip_range_whitelist",
      "jwt_config", "key_refresh_interval", "key_server_signing_keys_path",
      "limit_profile_requests_to_users_who_share_rooms", "limit_remote_rooms", "limit_usage_by_mau",
      "listeners", "log_config", "log_file", "macaroon_secret_key", "manhole", "mau_limit_alerting",
      "mau_limit_reserved_threepids", "mau_stats_only", "mau_trial_days", "max_image_pixels",
      "max_mau_value", "max_spider_size", "max_upload_size", "media_storage_providers",
      "media_store_path", "metrics_bind_host", "metrics_flags", "metrics_port", "no_tls",
      "notify_appservices", "oidc_config", "oidc_providers", "old_signing_keys", "opentracing",
      "password_config", "password_providers", "perspectives", "pid_file", "presence",
      "print_pidfile", "public_baseurl", "push", "rc_admin_redaction", "rc_federation", "rc_joins",
      "rc_login", "rc_message", "rc_message_burst_count", "rc_messages_per_second",
      "rc_registration", "recaptcha_private_key", "recaptcha_public_key",
      "recaptcha_siteverify_api", "redaction_retention_period", "redis",
      "registration_shared_secret", "registrations_require_3pid", "replication_torture_level",
      "report_stats", "report_stats_endpoint", "request_token_inhibit_3pid_errors",
      "require_auth_for_profile_requests", "require_membership_for_aliases",
      "restrict_public_rooms_to_local_users", "retention", "room_invite_state_types",
      "room_list_publication_rules", "room_prejoin_state", "saml2_config", "send_federation",
      "sentry", "server_context", "server_name", "server_notices", "session_lifetime",
      "signing_key_path", "soft_file_limit", "spam_checker", "sso",
      "sso_redirect_confirm_template_dir", "start_pushers", "stats", "stream_writers",
      "suppress_key_server_warning", "third_party_event_rules", "thumbnail_sizes",
      "tls_certificate_path", "tls_dh_params_path", "tls_fingerprints", "tls_private_key_path",
      "track_appservice_user_ips", "trust_identity_server_for_password_resets",
      "trusted_key_servers", "trusted_third_party_id_servers", "turn_allow_guests", "turn_password",
      "turn_shared_secret", "turn_uris", "turn_user_lifetime", "turn_username", "ui_auth",
      "unsecure_port", "uploads_path", "url_preview_accept_language", "url_preview_enabled",
      "url_preview_ip_range_blacklist", "url_preview_ip_range_whitelist",
      "url_preview_url_blacklist", "use_frozen_dicts", "use_presence", "user_consent",
      "user_directory", "user_ips_max_age", "verbose", "web_client", "web_client_location",
      "worker_app", "worker_replication_secret", "run_background_tasks_on",
      "next_link_domain_whitelist", "enable_media_repo", "gc_min_interval",
      "allow_profile_lookup_over_federation", "allow_device_name_lookup_over_federation",
      "federation_metrics_domains", "federation_rr_transactions_per_room_per_second",
      "rc_3pid_validation", "rc_invites", "registration_requires_token", "auto_join_mxid_localpart",
      "autocreate_auto_join_room_preset", "autocreate_auto_join_rooms_federated",
      "enable_registration_without_verification", "modules", "experimental_features",
      // The 0.2-era keys, explained by legacy_keys rather than flagged as unknown.
      "host", "port", "server-name", "bind-port", "unsecure-port", "database-path"};
  return keys;
}

void CheckUnknownKeys(const HomeserverConfig& c, const CheckOptions&, std::vector<Problem>& out) {
  if (!c.document.IsMap()) return;
  for (const auto& entry : c.document) {
    if (!entry.first.IsScalar()) continue;
    const std::string key = entry.first.Scalar();
    if (IsKnownTopLevelKey(key)) continue;
    out.push_back(Warning(c, "unknown_keys", key,
                          "unknown config key '" + key +
                              "' is ignored; check its spelling against Synapse's sample "
                              "config."));
  }
}

using CheckFn = void (*)(const HomeserverConfig&, const CheckOptions&, std::vector<Problem>&);

const std::vector<std::pair<std::string, CheckFn>>& Checks() {
  static const std::vector<std::pair<std::string, CheckFn>> checks = {
      {"report_stats", CheckReportStats},
      {"log_file_fatal", CheckLogFile},
      {"trust_identity_server_requires_servers", CheckTrustedServers},
      {"email_partial_block", CheckEmailBlock},
      {"email_templates", CheckEmailTemplates},
      {"sso_templates", CheckSsoTemplates},
      {"public_rooms_keys_conflict", CheckPublicRoomsKeys},
      {"legacy_keys", CheckLegacyKeys},
      {"appservice_registrations", CheckAppservices},
      {"unknown_keys", CheckUnknownKeys},
  };
  return checks;
}

}  // namespace

const std::vector<std::string>& AllStartupChecks() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& [name, fn] : Checks()) out.push_back(name);
    return out;
  }();
  return names;
}

bool IsKnownTopLevelKey(const std::string& key) {
  return KnownKeys().count(key) > 0;
}

std::vector<Problem> RunStartupChecks(const HomeserverConfig& config, const CheckOptions& options) {
  std::vector<Problem> out;
  for (const auto& [name, fn] : Checks()) {
    if (options.only &&
        std::find(options.only->begin(), options.only->end(), name) == options.only->end()) {
      continue;
    }
    fn(config, options, out);
  }
  return out;
}

Result<std::vector<Problem>> CheckLoadedConfig(
    LoadedConfig& loaded, const std::map<std::string, std::string>& release_defaults,
    const CheckOptions& options) {
  if (Status s = ApplyReleaseDefaults(loaded.config, release_defaults); !s.ok()) return s;
  std::vector<Problem> problems = loaded.problems;
  for (auto& p : RunStartupChecks(loaded.config, options)) problems.push_back(std::move(p));
  return problems;
}

}  // namespace strata::config
