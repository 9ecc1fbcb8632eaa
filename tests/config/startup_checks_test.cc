// Every start-up refusal, from a real YAML file on disk: the problem names the key and the file.
#include "config/startup_checks.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "config_test_util.h"
#include "schema/catalogue.h"
#include "storage/engine_checks.h"
#include "support/test_support.h"

namespace strata::config {
namespace {

using strata::testing::TempDir;
using testing::BaseYaml;
using testing::Dump;
using testing::FindProblem;
using testing::WriteFile;

class StartupChecksTest : public ::testing::Test {
 protected:
  // Writes homeserver.yaml and runs every check on it.
  std::vector<Problem> Check(const std::string& yaml, CheckOptions options = {}) {
    auto loaded = Load(yaml);
    EXPECT_TRUE(loaded.ok()) << Dump(loaded.problems);
    return RunStartupChecks(config_, options);
  }
  // The loader's problems followed by the checks', for configs the loader also objects to.
  std::vector<Problem> LoadAndCheck(const std::string& yaml) {
    auto loaded = Load(yaml);
    auto problems = loaded.problems;
    auto more = RunStartupChecks(config_);
    problems.insert(problems.end(), more.begin(), more.end());
    return problems;
  }
  LoadedConfig Load(const std::string& yaml) {
    path_ = WriteFile(dir_, "homeserver.yaml", yaml);
    auto loaded = LoadConfigFiles({path_});
    config_ = loaded.config;
    return loaded;
  }

  // Asserts an error from `check` about `key` in homeserver.yaml whose message holds `text`.
  const Problem* ExpectError(const std::vector<Problem>& problems, const std::string& check,
                             const std::string& key, const std::string& text) {
    const Problem* p = FindProblem(problems, check, key);
    EXPECT_NE(p, nullptr) << "no " << check << " problem for " << key << "; got:\n"
                          << Dump(problems);
    if (!p) return nullptr;
    EXPECT_TRUE(p->is_error()) << p->ToString();
    EXPECT_EQ(p->key, key);
    EXPECT_NE(p->message.find(text), std::string::npos) << p->ToString();
    std::string shown = p->ToString();
    EXPECT_NE(shown.find(key), std::string::npos) << shown;
    return p;
  }

  TempDir dir_;
  std::string path_;
  HomeserverConfig config_;
};

TEST_F(StartupChecksTest, CleanConfigPassesEveryCheck) {
  auto problems = Check(BaseYaml());
  EXPECT_TRUE(problems.empty()) << Dump(problems);
}

TEST_F(StartupChecksTest, MissingReportStatsIsRefused) {
  auto problems = Check("server_name: example.org\n");
  const Problem* p =
      ExpectError(problems, "report_stats", "report_stats", std::string(kMissingReportStats));
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->file, path_);
  EXPECT_NE(p->message.find(path_), std::string::npos);  // says which file to edit
}

TEST_F(StartupChecksTest, LogFileIsRefusedPointingToLogConfig) {
  auto problems = Check(BaseYaml() + "log_file: /var/log/hs.log\n");
  const Problem* p =
      ExpectError(problems, "log_file_fatal", "log_file", std::string(kLogFileError));
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->file, path_);
  EXPECT_EQ(p->line, 9);
  EXPECT_NE(p->message.find("log_config"), std::string::npos);

  CheckOptions flag;
  flag.log_file_flag = true;
  problems = Check(BaseYaml(), flag);
  p = ExpectError(problems, "log_file_fatal", "--log-file", "removed in Synapse 1.3.0");
  ASSERT_NE(p, nullptr);
  EXPECT_NE(p->message.find("log_config"), std::string::npos);
}

TEST_F(StartupChecksTest, TrustIdentityServerWithoutServersIsRefused) {
  // Synapse 1.4-1.18 read the top-level key ...
  auto problems = Check(BaseYaml() +
                        "trust_identity_server_for_password_resets: true\n"
                        "trusted_third_party_id_servers: []\n");
  const Problem* p =
      ExpectError(problems, "trust_identity_server_requires_servers",
                  "trust_identity_server_for_password_resets", std::string(kEmptyTrustedServers));
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->file, path_);
  EXPECT_EQ(p->line, 9);
  EXPECT_NE(p->message.find("account_threepid_delegates.email"), std::string::npos);

  // ... while the upgrade notes name the one under email: both are accepted.
  problems = Check(BaseYaml() +
                   "email:\n"
                   "  trust_identity_server_for_password_resets: true\n"
                   "trusted_third_party_id_servers: []\n");
  ExpectError(problems, "trust_identity_server_requires_servers",
              "email.trust_identity_server_for_password_resets",
              "Attempted to use an identity server from\"trusted_third_party_id_servers\"");

  // With a trusted server (here the default list) or a delegate it is fine.
  problems = Check(BaseYaml() + "trust_identity_server_for_password_resets: true\n");
  EXPECT_EQ(FindProblem(problems, "trust_identity_server_requires_servers"), nullptr)
      << Dump(problems);
  problems = Check(BaseYaml() +
                   "trust_identity_server_for_password_resets: true\n"
                   "trusted_third_party_id_servers: []\n"
                   "account_threepid_delegates:\n"
                   "  email: https://id.example.org\n");
  EXPECT_EQ(FindProblem(problems, "trust_identity_server_requires_servers"), nullptr)
      << Dump(problems);
}

TEST_F(StartupChecksTest, PartialEmailBlockNamesTheMissingKeys) {
  auto problems = Check(BaseYaml() +
                        "email:\n"
                        "  smtp_host: mail.example.org\n");
  const Problem* p =
      ExpectError(problems, "email_partial_block", "email",
                  std::string(kPartialEmailBlock) + "smtp_port, notif_from, public_baseurl");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->file, path_);
  EXPECT_EQ(p->line, 9);

  problems = Check(BaseYaml() +
                   "public_baseurl: https://example.org/\n"
                   "email:\n"
                   "  smtp_host: mail.example.org\n"
                   "  smtp_port: 25\n"
                   "  notif_from: hs@example.org\n");
  EXPECT_EQ(FindProblem(problems, "email_partial_block"), nullptr) << Dump(problems);

  // Delegated to an identity server: the server sends nothing itself.
  problems = Check(BaseYaml() +
                   "account_threepid_delegates:\n"
                   "  email: https://id.example.org\n"
                   "email:\n"
                   "  app_name: Example\n");
  EXPECT_EQ(FindProblem(problems, "email_partial_block"), nullptr) << Dump(problems);
}

TEST_F(StartupChecksTest, CustomEmailTemplateDirMustHoldEveryTemplate) {
  std::filesystem::create_directory(dir_.path() / "templates");
  for (const char* f :
       {"password_reset.html", "password_reset.txt", "registration.txt", "add_threepid.html",
        "add_threepid.txt", "password_reset_failure.html", "registration_failure.html",
        "add_threepid_failure.html", "password_reset_success.html", "registration_success.html",
        "add_threepid_success.html"}) {
    WriteFile(dir_, std::string("templates/") + f, "<p>{{ link }}</p>");
  }
  std::string yaml = BaseYaml() +
                     "public_baseurl: https://example.org/\n"
                     "email:\n"
                     "  smtp_host: mail.example.org\n"
                     "  smtp_port: 25\n"
                     "  notif_from: hs@example.org\n"
                     "  template_dir: " +
                     dir_.File("templates") + "\n";
  auto problems = Check(yaml);
  const Problem* p =
      ExpectError(problems, "email_templates", "email.template_dir",
                  "Unable to find template file " + dir_.File("templates/registration.html"));
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->file, path_);
  EXPECT_EQ(p->line, 14);
  EXPECT_EQ(problems.size(), 1u) << Dump(problems);

  WriteFile(dir_, "templates/registration.html", "<p>ok</p>");
  EXPECT_TRUE(Check(yaml).empty());
  // enable_notifs needs the notification templates too.
  problems = Check(yaml + "  enable_notifs: true\n");
  ExpectError(problems, "email_templates", "email.template_dir", "notif_mail.html");
}

TEST_F(StartupChecksTest, CustomSsoTemplateDirMustHoldThe113Templates) {
  std::filesystem::create_directory(dir_.path() / "sso");
  WriteFile(dir_, "sso/sso_redirect_confirm.html", "x");
  WriteFile(dir_, "sso/sso_auth_success.html", "x");
  WriteFile(dir_, "sso/sso_account_deactivated.html", "x");
  auto problems = Check(BaseYaml() + "sso:\n  template_dir: " + dir_.File("sso") + "\n");
  const Problem* p =
      ExpectError(problems, "sso_templates", "sso.template_dir", "sso_auth_confirm.html");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->file, path_);
  EXPECT_EQ(problems.size(), 1u) << Dump(problems);

  problems = Check(BaseYaml() + "sso_redirect_confirm_template_dir: " + dir_.File("sso") + "\n");
  ExpectError(problems, "sso_templates", "sso_redirect_confirm_template_dir",
              "Unable to find template file " + dir_.File("sso/sso_auth_confirm.html"));
}

TEST_F(StartupChecksTest, RestrictWithEither17KeyIsRefused) {
  auto problems = Check(BaseYaml() +
                        "restrict_public_rooms_to_local_users: true\n"
                        "allow_public_rooms_over_federation: true\n");
  const Problem* p =
      ExpectError(problems, "public_rooms_keys_conflict", "restrict_public_rooms_to_local_users",
                  std::string(kPublicRoomsConflict));
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->file, path_);
  EXPECT_EQ(p->line, 9);

  problems = Check(BaseYaml() + "restrict_public_rooms_to_local_users: true\n");
  EXPECT_EQ(FindProblem(problems, "public_rooms_keys_conflict"), nullptr);
  const Problem* w = FindProblem(problems, "legacy_keys", "restrict_public_rooms_to_local_users");
  ASSERT_NE(w, nullptr) << Dump(problems);
  EXPECT_FALSE(w->is_error());
}

TEST_F(StartupChecksTest, ZeroTwoEraKeysNameTheirReplacement) {
  auto problems = LoadAndCheck(
      "host: example.org\n"
      "report_stats: false\n"
      "port: 8448\n"
      "database: /var/lib/hs/homeserver.db\n");
  const Problem* p = ExpectError(problems, "legacy_keys", "host", "server_name");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->file, path_);
  EXPECT_EQ(p->line, 1);
  p = ExpectError(problems, "legacy_keys", "port", "listeners");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->line, 3);
}

TEST_F(StartupChecksTest, PlainDatabasePathIsRefusedByTheLoader) {
  std::string path =
      WriteFile(dir_, "old.yaml", BaseYaml() + "database: /var/lib/hs/homeserver.db\n");
  auto loaded = LoadConfigFiles({path});
  ASSERT_FALSE(loaded.ok());
  const Problem* p = FindProblem(loaded.problems, "legacy_keys", "database");
  ASSERT_NE(p, nullptr) << Dump(loaded.problems);
  EXPECT_EQ(p->file, path);
  EXPECT_EQ(p->line, 9);
  EXPECT_NE(p->message.find("name: sqlite3"), std::string::npos);
  EXPECT_NE(p->message.find("/var/lib/hs/homeserver.db"), std::string::npos);
}

TEST_F(StartupChecksTest, LegacyKeyNextToItsReplacementIsOnlyAWarning) {
  auto problems = Check(BaseYaml() + "host: old.example.org\n");
  const Problem* p = FindProblem(problems, "legacy_keys", "host");
  ASSERT_NE(p, nullptr);
  EXPECT_FALSE(p->is_error());
  EXPECT_FALSE(HasErrors(problems)) << Dump(problems);
}

TEST_F(StartupChecksTest, UnknownTopLevelKeysAreWarnings) {
  auto problems = Check(BaseYaml() + "enable_registraton: true\n");
  const Problem* p = FindProblem(problems, "unknown_keys", "enable_registraton");
  ASSERT_NE(p, nullptr) << Dump(problems);
  EXPECT_FALSE(p->is_error());
  EXPECT_EQ(p->file, path_);
  EXPECT_EQ(p->line, 9);
}

TEST_F(StartupChecksTest, OnlyTheNamedChecksRun) {
  CheckOptions options;
  options.only = std::vector<std::string>{"log_file_fatal"};
  auto problems = Check("server_name: x\nlog_file: /tmp/x.log\n", options);
  EXPECT_EQ(FindProblem(problems, "report_stats"), nullptr);
  EXPECT_NE(FindProblem(problems, "log_file_fatal"), nullptr);
  options.only = std::vector<std::string>{};
  EXPECT_TRUE(Check("server_name: x\nlog_file: /tmp/x.log\n", options).empty());
}

TEST(StartupCheckNamesTest, ListsEveryCheck) {
  const auto& names = AllStartupChecks();
  for (const char* n :
       {"report_stats", "log_file_fatal", "trust_identity_server_requires_servers",
        "email_partial_block", "email_templates", "sso_templates", "public_rooms_keys_conflict",
        "legacy_keys", "appservice_registrations", "unknown_keys"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
  }
}

// The release catalogue names the checks each release makes; every name must be one that the
// config checks or the engine checks run, or a release would silently skip it.
TEST(StartupCheckNamesTest, CatalogueNamesOnlyKnownChecks) {
  std::set<std::string> known(AllStartupChecks().begin(), AllStartupChecks().end());
  known.insert(storage::AllEngineChecks().begin(), storage::AllEngineChecks().end());
  const auto& catalogue = schema::Catalogue::Builtin();
  for (const auto& release : catalogue.releases()) {
    for (const auto& name : catalogue.StartupChecks(release)) {
      EXPECT_TRUE(known.count(name)) << release.name << " names unknown check '" << name << "'";
    }
  }
}

// ---- application services (facts §10, v1.18 rules) --------------------------------------

class AppserviceChecksTest : public StartupChecksTest {
 protected:
  std::string Registration(const std::string& name, const std::string& body) {
    return WriteFile(dir_, name, body);
  }
  std::vector<Problem> CheckWith(const std::vector<std::string>& files) {
    std::string yaml = BaseYaml() + "app_service_config_files:\n";
    for (const auto& f : files) yaml += "  - " + f + "\n";
    return Check(yaml);
  }
  static std::string Valid(const std::string& id, const std::string& token) {
    return "id: " + id +
           "\n"
           "url: http://localhost:9000\n"
           "as_token: " +
           token +
           "\n"
           "hs_token: hs_" +
           token +
           "\n"
           "sender_localpart: " +
           id +
           "_bot\n"
           "namespaces:\n"
           "  users:\n"
           "    - exclusive: true\n"
           "      regex: '@" +
           id + "_.*'\n";
  }
};

TEST_F(AppserviceChecksTest, ValidRegistrationsPass) {
  auto problems = CheckWith({Registration("irc.yaml", Valid("irc", "tok1")),
                             Registration("slack.yaml", Valid("slack", "tok2"))});
  EXPECT_TRUE(problems.empty()) << Dump(problems);
}

TEST_F(AppserviceChecksTest, MissingRequiredFieldsAreRefused) {
  std::string file = Registration("bad.yaml",
                                  "url: http://localhost:9000\n"
                                  "as_token: a\n"
                                  "sender_localpart: bot\n"
                                  "namespaces: {}\n");
  auto problems = CheckWith({file});
  const Problem* p = ExpectError(problems, "appservice_registrations", "id",
                                 "Required string field: 'id' (" + file + ")");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->file, file);
  ExpectError(problems, "appservice_registrations", "hs_token",
              "Required string field: 'hs_token' (" + file + ")");
}

TEST_F(AppserviceChecksTest, UrlMustBeGivenOrExplicitlyNull) {
  std::string with_null = Registration("null.yaml",
                                       "id: a\nurl: null\nas_token: t\nhs_token: h\n"
                                       "sender_localpart: bot\nnamespaces: {}\n");
  EXPECT_TRUE(CheckWith({with_null}).empty());
  std::string without = Registration("nourl.yaml",
                                     "id: a\nas_token: t\nhs_token: h\n"
                                     "sender_localpart: bot\nnamespaces: {}\n");
  ExpectError(CheckWith({without}), "appservice_registrations", "url",
              "Required string field or explicit null: 'url' (" + without + ")");
}

TEST_F(AppserviceChecksTest, NamespaceEntriesAreChecked) {
  std::string file = Registration("ns.yaml",
                                  "id: a\nurl: null\nas_token: t\nhs_token: h\n"
                                  "sender_localpart: 'needs space'\n"
                                  "namespaces:\n"
                                  "  users:\n"
                                  "    - regex: '@a_.*'\n"
                                  "  rooms:\n"
                                  "    - just-a-string\n");
  auto problems = CheckWith({file});
  ExpectError(problems, "appservice_registrations", "sender_localpart",
              "sender_localpart needs characters which are not URL encoded.");
  const Problem* p = ExpectError(problems, "appservice_registrations", "namespaces.users",
                                 "Missing/bad type 'exclusive' key in users");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->line, 8);
  ExpectError(problems, "appservice_registrations", "namespaces.rooms",
              "Expected namespace entry in rooms to be an object");

  std::string no_ns = Registration("nons.yaml",
                                   "id: b\nurl: null\nas_token: t\nhs_token: h\n"
                                   "sender_localpart: bot\n");
  ExpectError(CheckWith({no_ns}), "appservice_registrations", "namespaces",
              "Requires 'namespaces' object.");
}

TEST_F(AppserviceChecksTest, DuplicateIdOrTokenNamesBothFiles) {
  std::string first = Registration("first.yaml", Valid("bridge", "token-one"));
  std::string second = Registration("second.yaml", Valid("bridge", "token-two"));
  auto problems = CheckWith({first, second});
  const Problem* p = ExpectError(
      problems, "appservice_registrations", "id",
      "Cannot reuse ID across application services: bridge (files: " + second + ", " + first + ")");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->file, second);

  std::string third = Registration("third.yaml", Valid("other", "token-one"));
  problems = CheckWith({first, third});
  p = ExpectError(problems, "appservice_registrations", "as_token",
                  "Cannot reuse as_token across application services:");
  ASSERT_NE(p, nullptr);
  EXPECT_NE(p->message.find(first), std::string::npos);
  EXPECT_NE(p->message.find(third), std::string::npos);
  EXPECT_EQ(p->message.find("token-one"), std::string::npos) << "the token is a secret";
}

TEST_F(AppserviceChecksTest, UnreadableFileIsRefused) {
  auto problems = CheckWith({dir_.File("nowhere.yaml")});
  const Problem* p = ExpectError(problems, "appservice_registrations", "app_service_config_files.0",
                                 "Failed to load appservice from '" + dir_.File("nowhere.yaml"));
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->file, path_);
}

}  // namespace
}  // namespace strata::config
