#include "config/config_keys.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "config/homeserver_config.h"
#include "config_test_util.h"
#include "schema/catalogue.h"

namespace strata::config {
namespace {

using testing::Dump;

// A YAML document setting the dotted `key` to `value`, nested as its dots say.
std::string YamlSetting(const std::string& key, const std::string& value) {
  std::string out, indent;
  size_t start = 0;
  for (size_t dot = key.find('.'); dot != std::string::npos; dot = key.find('.', start)) {
    out += indent + key.substr(start, dot - start) + ":\n";
    indent += "  ";
    start = dot + 1;
  }
  return out + indent + key.substr(start) + ": " + value + "\n";
}

// Two values of each kind, as YAML and as release-default text alike; for every key at least
// one of them differs from its default.
std::vector<std::string> Samples(KeyKind kind) {
  switch (kind) {
    case KeyKind::kBool:
    case KeyKind::kOptionalBool:
      return {"true", "false"};
    case KeyKind::kInt:
      return {"7", "-3"};
    case KeyKind::kNumber:
      return {"0.5", "3"};
    case KeyKind::kString:
      return {"some-value", "42"};
    case KeyKind::kStringList:
      return {"[a.example, b.example]", "[]"};
    case KeyKind::kSize:
      return {"2M", "512"};
    case KeyKind::kDuration:
      return {"2d", "1500"};
  }
  return {};
}

// Read from a file, the key also decides these others (special_keys.h); as a release default
// it sets only itself.
const std::map<std::string, std::set<std::string>> kAlsoDecides = {
    {"restrict_public_rooms_to_local_users",
     {"allow_public_rooms_without_auth", "allow_public_rooms_over_federation"}},
};

TEST(ConfigKeysTest, EveryDefaultableKeyIsReadFromYamlIntoTheSameField) {
  const auto keys = PlainConfigKeys();
  ASSERT_FALSE(keys.empty());
  for (const auto& [key, kind] : keys) {
    const std::string base_yaml = key == "server_name" ? "" : "server_name: example.org\n";
    const HomeserverConfig base = ParseConfig(base_yaml, "hs.yaml").config;
    bool changed = false;
    for (const std::string& value : Samples(kind)) {
      SCOPED_TRACE(key + ": " + value);
      auto from_file = ParseConfig(base_yaml + YamlSetting(key, value), "hs.yaml");
      ASSERT_TRUE(from_file.ok()) << Dump(from_file.problems);
      HomeserverConfig from_default = ParseConfig(base_yaml, "hs.yaml").config;
      Status st = ApplyReleaseDefaults(from_default, {{key, value}});
      ASSERT_TRUE(st.ok()) << st.message();
      auto also = kAlsoDecides.find(key);
      for (const auto& [other, unused] : keys) {
        if (also != kAlsoDecides.end() && also->second.count(other)) {
          EXPECT_EQ(FormatConfigKey(from_default, other), FormatConfigKey(base, other)) << other;
          continue;
        }
        EXPECT_EQ(FormatConfigKey(from_file.config, other), FormatConfigKey(from_default, other))
            << other;
      }
      changed |= FormatConfigKey(from_file.config, key) != FormatConfigKey(base, key);
    }
    EXPECT_TRUE(changed) << key << " never differed from its default: is it read at all?";
  }
}

TEST(ConfigKeysTest, KeysTakingDefaultsBeforeTheTableStillDo) {
  std::set<std::string> plain;
  for (const auto& [key, kind] : PlainConfigKeys()) plain.insert(key);
  for (const char* key :
       {"allow_public_rooms_without_auth", "allow_public_rooms_over_federation",
        "restrict_public_rooms_to_local_users", "enable_registration", "allow_guest_access",
        "enable_room_list_search", "use_presence", "enable_search", "enable_metrics",
        "federation_verify_certificates", "stats.enabled", "password_config.enabled",
        "trust_identity_server_for_password_resets", "bcrypt_rounds", "default_room_version",
        "max_upload_size", "stats.bucket_size", "trusted_third_party_id_servers"}) {
    EXPECT_TRUE(plain.count(key)) << key;
  }
  HomeserverConfig c;
  ASSERT_TRUE(ApplyReleaseDefaults(c, {{"trust_identity_server_for_password_resets", "yes"},
                                       {"trusted_third_party_id_servers", "[id.example]"},
                                       {"bcrypt_rounds", "14"}})
                  .ok());
  EXPECT_EQ(c.trust_identity_server_for_password_resets, true);
  EXPECT_EQ(c.trusted_third_party_id_servers, (std::vector<std::string>{"id.example"}));
  EXPECT_EQ(c.bcrypt_rounds, 14);
}

TEST(ConfigKeysTest, UnknownKeysAndKeysWithTheirOwnRulesTakeNoDefault) {
  for (const char* key :
       {"no_such_key", "public_baseurl", "listeners", "database", "email", "stats", "uploads_path",
        "email.riot_base_url", "account_threepid_delegates.email", "rc_messages_per_second",
        "sso_redirect_confirm_template_dir", "Enable_Registration", "stats.enabled.x"}) {
    HomeserverConfig c;
    Status st = ApplyReleaseDefaults(c, {{key, "1"}});
    EXPECT_FALSE(st.ok()) << key;
    EXPECT_NE(st.message().find("unknown config key '" + std::string(key) + "'"), std::string::npos)
        << st.message();
  }
}

TEST(ConfigKeysTest, DefaultsOfTheWrongKindAreRefused) {
  const std::map<std::string, std::string> expected = {
      {"enable_search", "release default for enable_search: expected true or false, got 'x'"},
      {"bcrypt_rounds", "release default for bcrypt_rounds: expected a whole number, got 'x'"},
      {"rc_message.per_second",
       "release default for rc_message.per_second: expected a number, got 'x'"},
      {"max_upload_size", "release default for max_upload_size: expected a size, got 'x'"},
      {"stats.bucket_size", "release default for stats.bucket_size: expected a duration, got 'x'"},
      {"trusted_third_party_id_servers",
       "release default for trusted_third_party_id_servers: expected a list, got 'x'"},
  };
  for (const auto& [key, message] : expected) {
    HomeserverConfig c;
    Status st = ApplyReleaseDefaults(c, {{key, "x"}});
    EXPECT_EQ(st.message(), message);
  }
}

TEST(ConfigKeysTest, EveryReleaseDefaultInTheCatalogueIsAKeyTheConfigTakes) {
  for (const auto& release : schema::Catalogue::Builtin().releases()) {
    HomeserverConfig c = ParseConfig("server_name: example.org\n", "hs.yaml").config;
    Status st = ApplyReleaseDefaults(c, release.config_defaults);
    EXPECT_TRUE(st.ok()) << release.name << ": " << st.message();
  }
}

}  // namespace
}  // namespace strata::config
