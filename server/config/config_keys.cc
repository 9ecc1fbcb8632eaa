#include "config/config_keys.h"

#include <optional>
#include <sstream>
#include <variant>

#include "config/special_keys.h"

namespace strata::config {
namespace {

using HC = HomeserverConfig;

// A field of HomeserverConfig, reached through one or more members (c.stats.enabled).
template <typename T>
using Field = T& (*)(HC&);
using AnyField = std::variant<Field<bool>, Field<std::optional<bool>>, Field<int>, Field<int64_t>,
                              Field<double>, Field<std::string>, Field<std::vector<std::string>>>;
using Step = void (*)(Reader&, HC&);

template <auto... Members>
auto& Member(HC& c) {
  return (c.*....*Members);
}

// One row: a plain key (kind and field), or a step (special_keys.h) run at this place.
struct Entry {
  std::string path;  // dotted: "stats.enabled"; for a step, the key it is about
  KeyKind kind = KeyKind::kString;
  std::optional<AnyField> field;  // plain keys only
  Step step = nullptr;            // steps only
};

// The row makers check, at compile time, that the field has the kind's type.
template <typename T, KeyKind kind, auto... Members>
Entry Plain(std::string path) {
  Field<T> field = &Member<Members...>;
  return Entry{std::move(path), kind, AnyField(field), nullptr};
}
template <auto... M>
Entry BoolKey(std::string path) {
  return Plain<bool, KeyKind::kBool, M...>(std::move(path));
}
template <auto... M>
Entry OptionalBoolKey(std::string path) {
  return Plain<std::optional<bool>, KeyKind::kOptionalBool, M...>(std::move(path));
}
template <auto... M>
Entry IntKey(std::string path) {
  return Plain<int, KeyKind::kInt, M...>(std::move(path));
}
template <auto... M>
Entry NumberKey(std::string path) {
  return Plain<double, KeyKind::kNumber, M...>(std::move(path));
}
template <auto... M>
Entry StringKey(std::string path) {
  return Plain<std::string, KeyKind::kString, M...>(std::move(path));
}
template <auto... M>
Entry StringListKey(std::string path) {
  return Plain<std::vector<std::string>, KeyKind::kStringList, M...>(std::move(path));
}
template <auto... M>
Entry SizeKey(std::string path) {
  return Plain<int64_t, KeyKind::kSize, M...>(std::move(path));
}
template <auto... M>
Entry DurationKey(std::string path) {
  return Plain<int64_t, KeyKind::kDuration, M...>(std::move(path));
}
Entry StepFor(std::string path, Step step) {
  return Entry{std::move(path), KeyKind::kString, std::nullopt, step};
}

// The table, in read order (Synapse's sample config order).
const std::vector<Entry>& Table() {
  static const std::vector<Entry> table = {
      StringKey<&HC::server_name>("server_name"),
      StepFor("server_name", &RequireServerName),
      OptionalBoolKey<&HC::report_stats>("report_stats"),
      StringKey<&HC::pid_file>("pid_file"),
      StepFor("public_baseurl", &ReadPublicBaseurl),
      StringKey<&HC::web_client_location>("web_client_location"),
      StepFor("listeners", &ReadListeners),
      StepFor("database", &ReadDatabase),
      StringKey<&HC::log_config>("log_config"),
      StringKey<&HC::log_file>("log_file"),
      StringKey<&HC::signing_key_path>("signing_key_path"),
      StringKey<&HC::tls_certificate_path>("tls_certificate_path"),
      StringKey<&HC::tls_private_key_path>("tls_private_key_path"),
      StringKey<&HC::media_store_path>("media_store_path"),
      StepFor("uploads_path", &ReadUploadsPath),
      SizeKey<&HC::max_upload_size>("max_upload_size"),
      StringKey<&HC::default_room_version>("default_room_version"),

      BoolKey<&HC::enable_registration>("enable_registration"),
      StringKey<&HC::registration_shared_secret>("registration_shared_secret"),
      StringKey<&HC::macaroon_secret_key>("macaroon_secret_key"),
      StringKey<&HC::form_secret>("form_secret"),
      BoolKey<&HC::allow_guest_access>("allow_guest_access"),
      IntKey<&HC::bcrypt_rounds>("bcrypt_rounds"),

      BoolKey<&HC::allow_public_rooms_without_auth>("allow_public_rooms_without_auth"),
      BoolKey<&HC::allow_public_rooms_over_federation>("allow_public_rooms_over_federation"),
      // As a release default it sets only itself; read from a file it also decides the two
      // keys above (the step after it).
      BoolKey<&HC::restrict_public_rooms_to_local_users>("restrict_public_rooms_to_local_users"),
      StepFor("restrict_public_rooms_to_local_users", &ApplyRestrictPublicRooms),
      BoolKey<&HC::enable_room_list_search>("enable_room_list_search"),
      BoolKey<&HC::use_presence>("use_presence"),
      BoolKey<&HC::enable_search>("enable_search"),

      BoolKey<&HC::stats, &StatsConfig::enabled>("stats.enabled"),
      DurationKey<&HC::stats, &StatsConfig::bucket_size_ms>("stats.bucket_size"),

      StepFor("email", &ReadEmailBlock),
      StringKey<&HC::email, &EmailConfig::smtp_host>("email.smtp_host"),
      IntKey<&HC::email, &EmailConfig::smtp_port>("email.smtp_port"),
      StringKey<&HC::email, &EmailConfig::smtp_user>("email.smtp_user"),
      StringKey<&HC::email, &EmailConfig::smtp_pass>("email.smtp_pass"),
      BoolKey<&HC::email, &EmailConfig::require_transport_security>(
          "email.require_transport_security"),
      StringKey<&HC::email, &EmailConfig::notif_from>("email.notif_from"),
      StringKey<&HC::email, &EmailConfig::app_name>("email.app_name"),
      BoolKey<&HC::email, &EmailConfig::enable_notifs>("email.enable_notifs"),
      BoolKey<&HC::email, &EmailConfig::notif_for_new_users>("email.notif_for_new_users"),
      StringKey<&HC::email, &EmailConfig::client_base_url>("email.client_base_url"),
      StepFor("email.riot_base_url", &ReadRiotBaseUrl),
      StringKey<&HC::email, &EmailConfig::template_dir>("email.template_dir"),
      OptionalBoolKey<&HC::email, &EmailConfig::trust_identity_server_for_password_resets>(
          "email.trust_identity_server_for_password_resets"),
      StepFor("email.*_template_*", &ReadEmailTemplateFiles),

      StepFor("account_threepid_delegates", &ReadThreepidDelegates),
      StringListKey<&HC::trusted_third_party_id_servers>("trusted_third_party_id_servers"),
      OptionalBoolKey<&HC::trust_identity_server_for_password_resets>(
          "trust_identity_server_for_password_resets"),
      StringKey<&HC::sso_template_dir>("sso.template_dir"),
      StepFor("sso_redirect_confirm_template_dir", &ReadLegacySsoTemplateDir),
      StringListKey<&HC::app_service_config_files>("app_service_config_files"),

      BoolKey<&HC::password_config, &PasswordConfig::enabled>("password_config.enabled"),
      BoolKey<&HC::password_config, &PasswordConfig::localdb_enabled>(
          "password_config.localdb_enabled"),
      StringKey<&HC::password_config, &PasswordConfig::pepper>("password_config.pepper"),

      NumberKey<&HC::rc_message, &RateLimit::per_second>("rc_message.per_second"),
      IntKey<&HC::rc_message, &RateLimit::burst_count>("rc_message.burst_count"),
      StepFor("rc_messages_per_second", &ReadLegacyRcMessage),
      NumberKey<&HC::rc_registration, &RateLimit::per_second>("rc_registration.per_second"),
      IntKey<&HC::rc_registration, &RateLimit::burst_count>("rc_registration.burst_count"),
      NumberKey<&HC::rc_login, &RcLogin::address, &RateLimit::per_second>(
          "rc_login.address.per_second"),
      IntKey<&HC::rc_login, &RcLogin::address, &RateLimit::burst_count>(
          "rc_login.address.burst_count"),
      NumberKey<&HC::rc_login, &RcLogin::account, &RateLimit::per_second>(
          "rc_login.account.per_second"),
      IntKey<&HC::rc_login, &RcLogin::account, &RateLimit::burst_count>(
          "rc_login.account.burst_count"),
      NumberKey<&HC::rc_login, &RcLogin::failed_attempts, &RateLimit::per_second>(
          "rc_login.failed_attempts.per_second"),
      IntKey<&HC::rc_login, &RcLogin::failed_attempts, &RateLimit::burst_count>(
          "rc_login.failed_attempts.burst_count"),

      BoolKey<&HC::federation_verify_certificates>("federation_verify_certificates"),
      BoolKey<&HC::enable_metrics>("enable_metrics"),
      BoolKey<&HC::redis, &RedisConfig::enabled>("redis.enabled"),
      StringKey<&HC::redis, &RedisConfig::host>("redis.host"),
      IntKey<&HC::redis, &RedisConfig::port>("redis.port"),
      StringKey<&HC::redis, &RedisConfig::password>("redis.password"),
  };
  return table;
}

const Entry* FindPlain(const std::string& key) {
  for (const Entry& e : Table()) {
    if (e.field && e.path == key) return &e;
  }
  return nullptr;
}

template <typename T>
T& Get(const Entry& e, HC& c) {
  return std::get<Field<T>>(*e.field)(c);
}
template <typename T>
const T& Get(const Entry& e, const HC& c) {
  return Get<T>(e, const_cast<HC&>(c));  // the accessors only name the field
}

bool ReadPlain(Reader& r, HC& c, const Entry& e) {
  const size_t dot = e.path.rfind('.');
  const YAML::Node parent = r.Section(dot == std::string::npos ? "" : e.path.substr(0, dot));
  if (!parent.IsDefined()) return false;
  const std::string name = dot == std::string::npos ? e.path : e.path.substr(dot + 1);
  switch (e.kind) {
    case KeyKind::kBool:
      return r.Bool(parent, name, e.path, Get<bool>(e, c));
    case KeyKind::kOptionalBool:
      return r.OptBool(parent, name, e.path, Get<std::optional<bool>>(e, c));
    case KeyKind::kInt:
      return r.Integer(parent, name, e.path, Get<int>(e, c));
    case KeyKind::kNumber:
      return r.Number(parent, name, e.path, Get<double>(e, c));
    case KeyKind::kString:
      return r.String(parent, name, e.path, Get<std::string>(e, c));
    case KeyKind::kStringList:
      return r.StringList(parent, name, e.path, Get<std::vector<std::string>>(e, c));
    case KeyKind::kSize:
      return r.Size(parent, name, e.path, Get<int64_t>(e, c));
    case KeyKind::kDuration:
      return r.Duration(parent, name, e.path, Get<int64_t>(e, c));
  }
  return false;
}

// Sets `field` from a parsed value, or says what was expected.
template <typename T, typename V>
void Assign(const std::optional<V>& v, const char* expected, const std::string& text, T& field,
            std::string* error) {
  if (!v) {
    *error = std::string("expected ") + expected + ", got '" + text + "'";
  } else {
    field = static_cast<T>(*v);
  }
}

// A YAML flow list: "[matrix.org, vector.im]".
void AssignList(const std::string& text, std::vector<std::string>& field, std::string* error) {
  try {
    YAML::Node n = YAML::Load(text);
    if (!n.IsSequence()) {
      *error = "expected a list, got '" + text + "'";
      return;
    }
    std::vector<std::string> values;
    for (const auto& item : n) values.push_back(item.as<std::string>());
    field = std::move(values);
  } catch (const YAML::Exception& e) {
    *error = "expected a list: " + e.msg;
  }
}

}  // namespace

void ReadConfigKeys(Reader& r, HomeserverConfig& c) {
  for (const Entry& e : Table()) {
    if (e.step) {
      e.step(r, c);
    } else if (ReadPlain(r, c, e)) {
      r.NoteRead(e.path);
    }
  }
}

bool SetConfigKey(HomeserverConfig& c, const std::string& key, const std::string& text,
                  std::string* error) {
  const Entry* e = FindPlain(key);
  if (!e) return false;
  switch (e->kind) {
    case KeyKind::kBool:
      Assign(ParseBool(text), "true or false", text, Get<bool>(*e, c), error);
      break;
    case KeyKind::kOptionalBool:
      Assign(ParseBool(text), "true or false", text, Get<std::optional<bool>>(*e, c), error);
      break;
    case KeyKind::kInt:
      Assign(ParseInt(text), "a whole number", text, Get<int>(*e, c), error);
      break;
    case KeyKind::kNumber:
      Assign(ParseDouble(text), "a number", text, Get<double>(*e, c), error);
      break;
    case KeyKind::kString:
      Get<std::string>(*e, c) = text;
      break;
    case KeyKind::kStringList:
      AssignList(text, Get<std::vector<std::string>>(*e, c), error);
      break;
    case KeyKind::kSize:
      Assign(ParseSize(text), "a size", text, Get<int64_t>(*e, c), error);
      break;
    case KeyKind::kDuration:
      Assign(ParseDurationMs(text), "a duration", text, Get<int64_t>(*e, c), error);
      break;
  }
  return true;
}

std::vector<std::pair<std::string, KeyKind>> PlainConfigKeys() {
  std::vector<std::pair<std::string, KeyKind>> out;
  for (const Entry& e : Table()) {
    if (e.field) out.emplace_back(e.path, e.kind);
  }
  return out;
}

std::string FormatConfigKey(const HomeserverConfig& c, const std::string& key) {
  const Entry* e = FindPlain(key);
  if (!e) return "";
  switch (e->kind) {
    case KeyKind::kBool:
      return Get<bool>(*e, c) ? "true" : "false";
    case KeyKind::kOptionalBool: {
      const auto& v = Get<std::optional<bool>>(*e, c);
      return !v ? "unset" : *v ? "true" : "false";
    }
    case KeyKind::kInt:
      return std::to_string(Get<int>(*e, c));
    case KeyKind::kNumber: {
      std::ostringstream out;
      out.precision(17);
      out << Get<double>(*e, c);
      return out.str();
    }
    case KeyKind::kString:
      return Get<std::string>(*e, c);
    case KeyKind::kStringList: {
      std::string out;
      for (const auto& v : Get<std::vector<std::string>>(*e, c)) {
        out += (out.empty() ? "" : ", ") + v;
      }
      return "[" + out + "]";
    }
    case KeyKind::kSize:
    case KeyKind::kDuration:
      return std::to_string(Get<int64_t>(*e, c));
  }
  return "";
}

}  // namespace strata::config
