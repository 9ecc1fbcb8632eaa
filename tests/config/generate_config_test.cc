#include "config/generate_config.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "config/startup_checks.h"
#include "config_test_util.h"
#include "crypto/signing_key.h"
#include "support/test_support.h"
#include "util/logging.h"

namespace strata::config {
namespace {

namespace fs = std::filesystem;
using strata::testing::TempDir;
using testing::Dump;

using strata::testing::ReadTextFile;

TEST(GenerateConfigTest, RoundTripsThroughTheLoader) {
  TempDir dir;
  GenerateOptions o;
  o.config_path = dir.File("conf/homeserver.yaml");
  o.server_name = "example.org";
  o.report_stats = false;
  o.data_directory = dir.File("data");
  auto outcome = GenerateConfig(o);
  ASSERT_TRUE(outcome.ok()) << outcome.status().message();
  EXPECT_TRUE(outcome->config_written);
  ASSERT_EQ(outcome->written.size(), 3u);
  EXPECT_NE(outcome->messages.back().find("A config file has been generated in '" + o.config_path +
                                          "' for server name 'example.org'"),
            std::string::npos)
      << outcome->messages.back();

  auto loaded = LoadConfigFiles({o.config_path});
  ASSERT_TRUE(loaded.ok()) << Dump(loaded.problems);
  const HomeserverConfig& c = loaded.config;
  EXPECT_EQ(c.server_name, "example.org");
  EXPECT_EQ(c.report_stats, false);
  ASSERT_EQ(c.listeners.size(), 1u);
  EXPECT_EQ(c.listeners[0].port, 8008);
  EXPECT_EQ(c.listeners[0].bind_addresses, (std::vector<std::string>{"127.0.0.1"}));
  EXPECT_EQ(c.listeners[0].ResourceNames(), (std::set<std::string>{"client", "federation"}));
  EXPECT_EQ(c.database.engine, storage::Engine::kSqlite);
  EXPECT_EQ(c.database.database, dir.File("data/homeserver.db"));
  EXPECT_EQ(c.log_config, dir.File("conf/example.org.log.config"));
  EXPECT_EQ(c.signing_key_path, dir.File("conf/example.org.signing.key"));
  EXPECT_EQ(c.pid_file, dir.File("data/homeserver.pid"));
  EXPECT_EQ(c.registration_shared_secret.size(), 50u);
  EXPECT_FALSE(c.macaroon_secret_key.empty());
  EXPECT_NE(c.macaroon_secret_key, c.registration_shared_secret);

  // A generated config passes every start-up check, warnings included.
  auto problems = RunStartupChecks(c);
  EXPECT_TRUE(problems.empty()) << Dump(problems);

  // The signing key is one line of Synapse's format and loads.
  std::string key_text = ReadTextFile(c.signing_key_path);
  EXPECT_TRUE(
      std::regex_match(key_text, std::regex("ed25519 a_[A-Za-z0-9]{4} [A-Za-z0-9+/]{43}\n")))
      << key_text;
  auto key = crypto::SigningKey::Load(c.signing_key_path);
  ASSERT_TRUE(key.ok()) << key.status().message();
  struct stat st {};
  ASSERT_EQ(::stat(c.signing_key_path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  ASSERT_EQ(::stat(o.config_path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0077, 0) << "the config holds secrets";

  // The log config is Synapse's dictConfig shape and logs to the data directory.
  std::vector<std::string> warnings;
  auto log = logging::LoadLogConfig(c.log_config, &warnings);
  ASSERT_TRUE(log.ok()) << log.status().message();
  EXPECT_TRUE(warnings.empty());
  ASSERT_EQ(log->handlers.size(), 2u);
  bool has_file = false;
  for (const auto& h : log->handlers) {
    if (h.kind == logging::HandlerSettings::Kind::kFile) {
      has_file = true;
      EXPECT_EQ(h.filename, dir.File("data/homeserver.log"));
      EXPECT_EQ(h.max_bytes, 104857600);
      EXPECT_EQ(h.format, logging::kDefaultFormat);
    }
  }
  EXPECT_TRUE(has_file);
  EXPECT_EQ(log->root_level, logging::Level::kInfo);
}

TEST(GenerateConfigTest, ExistingConfigIsLeftAloneButMissingFilesAreMade) {
  TempDir dir;
  GenerateOptions o;
  o.config_path = dir.File("homeserver.yaml");
  o.server_name = "example.org";
  o.data_directory = dir.path().string();
  ASSERT_TRUE(GenerateConfig(o).ok());
  std::string before = ReadTextFile(o.config_path);
  std::string key_path = dir.File("example.org.signing.key");
  std::string key_before = ReadTextFile(key_path);
  fs::remove(dir.File("example.org.log.config"));

  o.server_name = "other.org";
  auto outcome = GenerateConfig(o);
  ASSERT_TRUE(outcome.ok()) << outcome.status().message();
  EXPECT_FALSE(outcome->config_written);
  EXPECT_EQ(
      outcome->messages.front(),
      "Config file '" + o.config_path + "' already exists. Generating any missing config files.");
  EXPECT_EQ(ReadTextFile(o.config_path), before);
  EXPECT_EQ(ReadTextFile(key_path), key_before) << "an existing signing key must never be replaced";
  EXPECT_EQ(outcome->written, (std::vector<std::string>{dir.File("example.org.log.config")}));
  EXPECT_TRUE(fs::exists(dir.File("example.org.log.config")));
}

TEST(GenerateConfigTest, CommandLineRulesFollowSynapse) {
  TempDir dir;
  std::ostringstream out, err;
  CommandLine cl;
  cl.generate_config = true;
  cl.config_paths = {dir.File("hs.yaml")};
  cl.server_name = "example.org";
  EXPECT_EQ(RunGenerateConfig(cl, "strata", out, err), kUsageExitStatus);
  EXPECT_NE(err.str().find("Please specify either --report-stats=yes or --report-stats=no"),
            std::string::npos)
      << err.str();
  EXPECT_FALSE(fs::exists(dir.File("hs.yaml")));

  cl.report_stats = true;
  cl.server_name.reset();
  err.str("");
  EXPECT_EQ(RunGenerateConfig(cl, "strata", out, err), kUsageExitStatus);
  EXPECT_NE(err.str().find("Must specify a server_name to a generate config for."),
            std::string::npos);

  cl.server_name = "bad/name";
  EXPECT_EQ(RunGenerateConfig(cl, "strata", out, err), kUsageExitStatus);

  cl.config_paths.clear();
  cl.server_name = "example.org";
  err.str("");
  EXPECT_EQ(RunGenerateConfig(cl, "strata", out, err), kUsageExitStatus);
  EXPECT_NE(err.str().find("Must supply a config file."), std::string::npos);

  cl.config_paths = {dir.File("hs.yaml")};
  cl.data_directory = dir.File("data");
  EXPECT_EQ(RunGenerateConfig(cl, "strata", out, err), 0) << err.str();
  auto loaded = LoadConfigFiles({dir.File("hs.yaml")});
  ASSERT_TRUE(loaded.ok()) << Dump(loaded.problems);
  EXPECT_EQ(loaded.config.report_stats, true);
  // Again: exits 0 and says the file exists.
  out.str("");
  EXPECT_EQ(RunGenerateConfig(cl, "strata", out, err), 0);
  EXPECT_NE(out.str().find("already exists"), std::string::npos);
}

}  // namespace
}  // namespace strata::config
