#include "config/homeserver_config.h"

#include <gtest/gtest.h>

#include "config_test_util.h"
#include "support/test_support.h"

namespace strata::config {
namespace {

using strata::testing::TempDir;
using testing::BaseYaml;
using testing::Dump;
using testing::FindProblem;
using testing::WriteFile;

TEST(HomeserverConfigTest, ReadsSynapseKeys) {
  TempDir dir;
  std::string path = WriteFile(dir, "homeserver.yaml", R"(
server_name: "example.org"
report_stats: true
pid_file: /var/run/hs.pid
public_baseurl: https://matrix.example.org
listeners:
  - port: 8448
    tls: true
    type: http
    resources:
      - names: [federation]
  - port: 8008
    bind_addresses: ['::1', '127.0.0.1']
    type: http
    x_forwarded: true
    resources:
      - names: [client]
        compress: true
      - names: [metrics]
database:
  name: psycopg2
  args:
    user: synapse_user
    password: "it's secret"
    database: synapse
    host: localhost
    port: 5432
    cp_min: 2
    cp_max: 7
    sslmode: require
log_config: /etc/hs/example.org.log.config
signing_key_path: /etc/hs/example.org.signing.key
enable_registration: yes
registration_shared_secret: s3cret
allow_public_rooms_without_auth: true
stats:
  enabled: false
  bucket_size: 1h
email:
  smtp_host: mail.example.org
  smtp_port: 587
  notif_from: "Matrix <noreply@example.org>"
  template_dir: /etc/hs/templates
  password_reset_template_html: my_reset.html
account_threepid_delegates:
  msisdn: http://localhost:8090
trusted_third_party_id_servers: [id.example.org]
app_service_config_files: [/etc/hs/bridge.yaml]
password_config:
  pepper: pepper!
  enabled: false
rc_login:
  address: {per_second: 0.5, burst_count: 7}
rc_registration:
  per_second: 1
  burst_count: 2
max_upload_size: 50M
federation_verify_certificates: false
enable_metrics: true
redis:
  enabled: true
  port: 6380
media_store_path: /var/lib/hs/media
)");
  auto loaded = LoadConfigFiles({path});
  ASSERT_TRUE(loaded.ok()) << Dump(loaded.problems);
  const auto& c = loaded.config;
  EXPECT_EQ(c.server_name, "example.org");
  EXPECT_EQ(c.report_stats, true);
  EXPECT_EQ(c.pid_file, "/var/run/hs.pid");
  EXPECT_EQ(c.public_baseurl, "https://matrix.example.org/");  // Synapse adds the slash
  ASSERT_EQ(c.listeners.size(), 2u);
  EXPECT_EQ(c.listeners[0].port, 8448);
  EXPECT_TRUE(c.listeners[0].tls);
  EXPECT_EQ(c.listeners[0].bind_addresses, (std::vector<std::string>{"::", "0.0.0.0"}));
  EXPECT_EQ(c.listeners[1].bind_addresses, (std::vector<std::string>{"::1", "127.0.0.1"}));
  EXPECT_TRUE(c.listeners[1].x_forwarded);
  EXPECT_EQ(c.listeners[1].ResourceNames(), (std::set<std::string>{"client", "metrics"}));
  EXPECT_TRUE(c.listeners[1].resources[0].compress);
  EXPECT_EQ(c.database.engine, storage::Engine::kPostgres);
  EXPECT_EQ(c.database.database, "synapse");
  EXPECT_EQ(c.database.port, 5432);
  EXPECT_EQ(c.database.cp_min, 2);
  EXPECT_EQ(c.database.cp_max, 7);
  std::string conninfo = c.database.PostgresConninfo();
  EXPECT_NE(conninfo.find("dbname='synapse'"), std::string::npos) << conninfo;
  EXPECT_NE(conninfo.find("password='it\\'s secret'"), std::string::npos) << conninfo;
  EXPECT_NE(conninfo.find("sslmode='require'"), std::string::npos) << conninfo;
  EXPECT_EQ(conninfo.find("cp_min"), std::string::npos) << conninfo;
  EXPECT_EQ(c.database.ToSettings().args.at("database"), "synapse");
  EXPECT_TRUE(c.enable_registration);
  EXPECT_TRUE(c.allow_public_rooms_without_auth);
  EXPECT_FALSE(c.allow_public_rooms_over_federation);
  EXPECT_FALSE(c.stats.enabled);
  EXPECT_EQ(c.stats.bucket_size_ms, 3600 * 1000);
  EXPECT_TRUE(c.email.present);
  EXPECT_EQ(c.email.smtp_port, 587);
  EXPECT_EQ(c.email.template_files.at("password_reset_template_html"), "my_reset.html");
  EXPECT_EQ(c.email.template_files.at("registration_template_html"), "registration.html");
  EXPECT_EQ(c.account_threepid_delegate_msisdn, "http://localhost:8090");
  EXPECT_FALSE(c.account_threepid_delegate_email);
  EXPECT_EQ(c.trusted_third_party_id_servers, (std::vector<std::string>{"id.example.org"}));
  EXPECT_EQ(c.app_service_config_files, (std::vector<std::string>{"/etc/hs/bridge.yaml"}));
  EXPECT_EQ(c.password_config.pepper, "pepper!");
  EXPECT_FALSE(c.password_config.enabled);
  EXPECT_DOUBLE_EQ(c.rc_login.address.per_second, 0.5);
  EXPECT_EQ(c.rc_login.address.burst_count, 7);
  EXPECT_DOUBLE_EQ(c.rc_registration.per_second, 1.0);
  EXPECT_EQ(c.max_upload_size, 50 * 1024 * 1024);
  EXPECT_FALSE(c.federation_verify_certificates);
  EXPECT_TRUE(c.enable_metrics);
  EXPECT_TRUE(c.redis.enabled);
  EXPECT_EQ(c.redis.port, 6380);
  EXPECT_EQ(c.media_store_path, "/var/lib/hs/media");
  // Locations name the file and the line of each key.
  EXPECT_EQ(c.Where("email.smtp_port").file, path);
  EXPECT_EQ(c.Where("email.smtp_port").line, 41);
  EXPECT_EQ(c.Where("listeners.1.port").line, 12);
}

TEST(HomeserverConfigTest, DefaultsFollowSynapse17) {
  auto loaded = ParseConfig(BaseYaml(), "hs.yaml");
  ASSERT_TRUE(loaded.ok()) << Dump(loaded.problems);
  const auto& c = loaded.config;
  EXPECT_FALSE(c.allow_public_rooms_without_auth);
  EXPECT_FALSE(c.allow_public_rooms_over_federation);
  EXPECT_FALSE(c.enable_registration);
  EXPECT_EQ(c.database.engine, storage::Engine::kSqlite);
  EXPECT_EQ(c.database.database, "homeserver.db");
  EXPECT_EQ(c.trusted_third_party_id_servers,
            (std::vector<std::string>{"matrix.org", "vector.im"}));
  EXPECT_TRUE(c.stats.enabled);
  EXPECT_FALSE(c.email.present);
  EXPECT_EQ(c.max_upload_size, 10 * 1024 * 1024);
}

TEST(HomeserverConfigTest, TypeErrorsNameKeyFileAndLine) {
  TempDir dir;
  std::string path = WriteFile(dir, "homeserver.yaml",
                               BaseYaml() +
                                   "enable_registration: maybe\n"
                                   "max_upload_size: lots\n"
                                   "database:\n"
                                   "  name: mysql\n"
                                   "email:\n"
                                   "  smtp_port: twenty-five\n");
  auto loaded = LoadConfigFiles({path});
  EXPECT_FALSE(loaded.ok());
  const Problem* p = FindProblem(loaded.problems, "config", "enable_registration");
  ASSERT_NE(p, nullptr) << Dump(loaded.problems);
  EXPECT_EQ(p->file, path);
  EXPECT_EQ(p->line, 9);
  EXPECT_NE(p->message.find("maybe"), std::string::npos);
  EXPECT_NE(p->ToString().find(path + ":9: error: enable_registration:"), std::string::npos)
      << p->ToString();
  ASSERT_NE(FindProblem(loaded.problems, "config", "max_upload_size"), nullptr);
  p = FindProblem(loaded.problems, "config", "database.name");
  ASSERT_NE(p, nullptr) << Dump(loaded.problems);
  EXPECT_NE(p->message.find("Unsupported database engine 'mysql'"), std::string::npos);
  p = FindProblem(loaded.problems, "config", "email.smtp_port");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->line, 14);
}

TEST(HomeserverConfigTest, MissingServerNameAndBadYamlAreErrors) {
  TempDir dir;
  std::string no_name = WriteFile(dir, "a.yaml", "report_stats: false\n");
  auto loaded = LoadConfigFiles({no_name});
  const Problem* p = FindProblem(loaded.problems, "config", "server_name");
  ASSERT_NE(p, nullptr) << Dump(loaded.problems);
  EXPECT_EQ(p->file, no_name);

  std::string broken = WriteFile(dir, "b.yaml", "server_name: x\nlisteners: [\n  - port\n");
  loaded = LoadConfigFiles({broken});
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.problems[0].file, broken);
  EXPECT_NE(loaded.problems[0].message.find("not valid YAML"), std::string::npos);

  loaded = LoadConfigFiles({dir.File("missing.yaml")});
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.problems[0].message.find("does not exist"), std::string::npos);
}

TEST(HomeserverConfigTest, LaterFilesOverrideTopLevelKeys) {
  TempDir dir;
  std::string a = WriteFile(dir, "a.yaml", BaseYaml() + "email:\n  smtp_host: a.example\n");
  std::string b = WriteFile(dir, "b.yaml", "server_name: other.org\nemail:\n  notif_from: x@y\n");
  auto loaded = LoadConfigFiles({a, b});
  ASSERT_TRUE(loaded.ok()) << Dump(loaded.problems);
  EXPECT_EQ(loaded.config.server_name, "other.org");
  // Top-level keys are replaced whole, as Synapse merges files.
  EXPECT_EQ(loaded.config.email.smtp_host, "localhost");
  EXPECT_EQ(loaded.config.email.notif_from, "x@y");
  EXPECT_EQ(loaded.config.Where("server_name").file, b);
  EXPECT_EQ(loaded.config.Where("report_stats").file, a);
  EXPECT_FALSE(loaded.config.IsSet("email.smtp_host"));
  EXPECT_EQ(loaded.config.files, (std::vector<std::string>{a, b}));
}

TEST(HomeserverConfigTest, DirectoryStandsForItsYamlFiles) {
  TempDir dir;
  std::filesystem::create_directory(dir.path() / "conf.d");
  WriteFile(dir, "conf.d/10-base.yaml", BaseYaml());
  WriteFile(dir, "conf.d/20-extra.yaml", "enable_registration: true\n");
  WriteFile(dir, "conf.d/notes.txt", "not yaml: [");
  auto loaded = LoadConfigFiles({dir.File("conf.d")});
  ASSERT_TRUE(loaded.ok()) << Dump(loaded.problems);
  EXPECT_TRUE(loaded.config.enable_registration);
  EXPECT_EQ(loaded.config.files.size(), 2u);
}

TEST(HomeserverConfigTest, ReleaseDefaultsOnlyFillUnsetKeys) {
  auto loaded = ParseConfig(BaseYaml() + "allow_public_rooms_without_auth: false\n", "hs.yaml");
  ASSERT_TRUE(loaded.ok());
  auto& c = loaded.config;
  // A pre-1.7 release defaulted both to true.
  Status st = ApplyReleaseDefaults(c, {{"allow_public_rooms_without_auth", "true"},
                                       {"allow_public_rooms_over_federation", "true"},
                                       {"stats.bucket_size", "2d"}});
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_FALSE(c.allow_public_rooms_without_auth);  // set in the file
  EXPECT_TRUE(c.allow_public_rooms_over_federation);
  EXPECT_EQ(c.stats.bucket_size_ms, 2 * 86400 * 1000);

  EXPECT_FALSE(ApplyReleaseDefaults(c, {{"no_such_key", "1"}}).ok());
  EXPECT_FALSE(ApplyReleaseDefaults(c, {{"enable_search", "perhaps"}}).ok());
}

TEST(HomeserverConfigTest, LegacyRestrictKeyDecidesBothDirectoryKeys) {
  auto loaded = ParseConfig(BaseYaml() + "restrict_public_rooms_to_local_users: true\n", "hs.yaml");
  ASSERT_TRUE(loaded.ok());
  auto& c = loaded.config;
  ASSERT_TRUE(ApplyReleaseDefaults(c, {{"allow_public_rooms_without_auth", "true"},
                                       {"allow_public_rooms_over_federation", "true"}})
                  .ok());
  EXPECT_FALSE(c.allow_public_rooms_without_auth);
  EXPECT_FALSE(c.allow_public_rooms_over_federation);

  loaded = ParseConfig(BaseYaml() + "restrict_public_rooms_to_local_users: false\n", "hs.yaml");
  EXPECT_TRUE(loaded.config.allow_public_rooms_without_auth);
  EXPECT_TRUE(loaded.config.allow_public_rooms_over_federation);
}

TEST(HomeserverConfigTest, EmailDelegateFollowsSynapse14Rules) {
  auto c = ParseConfig(BaseYaml(), "hs.yaml").config;
  EXPECT_FALSE(c.EmailThreepidDelegate());
  c = ParseConfig(BaseYaml() + "email:\n  trust_identity_server_for_password_resets: true\n",
                  "hs.yaml")
          .config;
  EXPECT_EQ(c.EmailThreepidDelegate(), "https://matrix.org");
  c = ParseConfig(BaseYaml() + "account_threepid_delegates:\n  email: https://id.example\n",
                  "hs.yaml")
          .config;
  EXPECT_EQ(c.EmailThreepidDelegate(), "https://id.example");
}

TEST(HomeserverConfigTest, OldPortKeysBecomeListeners) {
  auto loaded =
      ParseConfig("server_name: x\nreport_stats: false\nunsecure_port: 8080\n", "hs.yaml");
  ASSERT_TRUE(loaded.ok()) << Dump(loaded.problems);
  ASSERT_EQ(loaded.config.listeners.size(), 1u);
  EXPECT_EQ(loaded.config.listeners[0].port, 8080);
  EXPECT_FALSE(loaded.config.listeners[0].tls);
}

TEST(HomeserverConfigTest, EmptyValuesMeanDefaults) {
  // The generated sample config leaves blocks such as account_threepid_delegates empty.
  auto loaded =
      ParseConfig(BaseYaml() + "account_threepid_delegates:\nemail:\npid_file:\n", "hs.yaml");
  ASSERT_TRUE(loaded.ok()) << Dump(loaded.problems);
  EXPECT_FALSE(loaded.config.IsSet("account_threepid_delegates"));
  EXPECT_FALSE(loaded.config.email.present);
}

TEST(SizeAndDurationTest, ParseSynapseForms) {
  EXPECT_EQ(ParseSize("10M"), 10 * 1024 * 1024);
  EXPECT_EQ(ParseSize("512K"), 512 * 1024);
  EXPECT_EQ(ParseSize("1G"), int64_t{1024} * 1024 * 1024);
  EXPECT_EQ(ParseSize("1234"), 1234);
  EXPECT_FALSE(ParseSize("ten"));
  EXPECT_FALSE(ParseSize("-1M"));
  EXPECT_EQ(ParseDurationMs("1d"), 86400000);
  EXPECT_EQ(ParseDurationMs("30m"), 1800000);
  EXPECT_EQ(ParseDurationMs("2w"), 14 * 86400000LL);
  EXPECT_EQ(ParseDurationMs("1y"), 365LL * 86400000);
  EXPECT_EQ(ParseDurationMs("500"), 500);
  EXPECT_FALSE(ParseDurationMs("1x"));
}

}  // namespace
}  // namespace strata::config
