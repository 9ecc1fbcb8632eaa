// The console's Config lint (console/client, no widgets) refuses exactly what the server refuses
// at start-up: the same problems, in the same order, from the same checks the catalogue names.
#include "client/config_lint.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/config_test_util.h"
#include "config/homeserver_config.h"
#include "config/startup_checks.h"
#include "schema/catalogue.h"
#include "support/test_support.h"

namespace strata::console {
namespace {

using config::testing::BaseYaml;

class ConsoleConfigLintTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& text) {
    return config::testing::WriteFile(dir_, name, text);
  }

  // What homeserver_main.cc reports for `path` before it opens the database, acting as the
  // newest release.
  static std::vector<config::Problem> ServerProblems(const std::string& path) {
    const auto& catalogue = schema::Catalogue::Builtin();
    const schema::Release& release = catalogue.newest();
    config::LoadedConfig loaded = config::LoadConfigFiles({path});
    config::CheckOptions options;
    options.only = catalogue.StartupChecks(release);
    auto checked = config::CheckLoadedConfig(loaded, release.config_defaults, options);
    EXPECT_TRUE(checked.ok()) << checked.status().message();
    return checked.ok() ? *checked : std::vector<config::Problem>{};
  }

  // The lint's problems equal the server's (the lint only adds lines and files for display).
  static void ExpectSameProblems(const LintResult& lint,
                                 const std::vector<config::Problem>& server) {
    ASSERT_EQ(lint.problems.size(), server.size());
    for (size_t i = 0; i < server.size(); ++i) {
      EXPECT_EQ(lint.problems[i].check, server[i].check) << i;
      EXPECT_EQ(lint.problems[i].key, server[i].key) << i;
      EXPECT_EQ(lint.problems[i].severity, server[i].severity) << i;
      EXPECT_EQ(lint.problems[i].message, server[i].message) << i;
    }
  }

  static const config::Problem* Find(const LintResult& lint, const std::string& check,
                                     const std::string& key) {
    for (const auto& p : lint.problems) {
      if (p.check == check && p.key == key) return &p;
    }
    return nullptr;
  }

  strata::testing::TempDir dir_;
};

TEST_F(ConsoleConfigLintTest, AValidConfigPassesLikeTheServer) {
  const std::string path = Write("homeserver.yaml", BaseYaml());
  LintResult lint = LintConfigFile(path);
  EXPECT_EQ(lint.release, schema::Catalogue::Builtin().newest().name);
  EXPECT_EQ(lint.errors, 0);
  ExpectSameProblems(lint, ServerProblems(path));
  EXPECT_FALSE(config::HasErrors(ServerProblems(path)));
}

TEST_F(ConsoleConfigLintTest, RefusesTheLegacyHostKeyAsTheServerDoes) {
  // A 0.2-era config: `host:` where server_name belongs.
  std::string yaml = BaseYaml();
  yaml.replace(yaml.find("server_name:"), std::string("server_name:").size(), "host:");
  const std::string path = Write("homeserver.yaml", yaml);
  const std::vector<config::Problem> server = ServerProblems(path);
  ASSERT_TRUE(config::HasErrors(server));
  // Every catalogued release refuses it, not only the newest.
  for (const auto& release : schema::Catalogue::Builtin().releases()) {
    LintResult lint = LintConfigFile(path, release.name);
    EXPECT_EQ(lint.release, release.name);
    EXPECT_GT(lint.errors, 0) << release.name;
    const config::Problem* p = Find(lint, "legacy_keys", "host");
    ASSERT_NE(p, nullptr) << release.name;
    EXPECT_TRUE(p->is_error());
    EXPECT_NE(p->message.find("server_name"), std::string::npos) << p->message;
    EXPECT_EQ(p->line, 1);  // the line of `host:` in the file
  }
  ExpectSameProblems(LintConfigFile(path), server);
}

// Beside server_name, `host:` is ignored: a warning from both, not a refusal.
TEST_F(ConsoleConfigLintTest, WarnsOfAnIgnoredHostKeyAsTheServerDoes) {
  const std::string path = Write("homeserver.yaml", BaseYaml() + "host: example.org\n");
  const std::vector<config::Problem> server = ServerProblems(path);
  EXPECT_FALSE(config::HasErrors(server));
  LintResult lint = LintConfigFile(path);
  EXPECT_EQ(lint.errors, 0);
  const config::Problem* p = Find(lint, "legacy_keys", "host");
  ASSERT_NE(p, nullptr);
  EXPECT_FALSE(p->is_error());
  EXPECT_EQ(p->line, 9);
  ExpectSameProblems(lint, server);
}

TEST_F(ConsoleConfigLintTest, RefusesABrokenAppserviceRegistrationAsTheServerDoes) {
  const std::string registration = Write("bad.yaml",
                                         "url: http://localhost:9000\n"
                                         "as_token: a\n"
                                         "sender_localpart: bot\n"
                                         "namespaces: {}\n");
  const std::string path = Write(
      "homeserver.yaml", BaseYaml() + "app_service_config_files:\n  - " + registration + "\n");
  const std::vector<config::Problem> server = ServerProblems(path);
  ASSERT_TRUE(config::HasErrors(server));
  LintResult lint = LintConfigFile(path);
  EXPECT_GT(lint.errors, 0);
  const config::Problem* id = Find(lint, "appservice_registrations", "id");
  ASSERT_NE(id, nullptr);
  EXPECT_TRUE(id->is_error());
  EXPECT_EQ(id->file, registration);
  EXPECT_NE(id->message.find("Required string field: 'id'"), std::string::npos) << id->message;
  ExpectSameProblems(lint, server);
}

}  // namespace
}  // namespace strata::console
