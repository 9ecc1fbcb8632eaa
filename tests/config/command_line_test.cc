#include "config/command_line.h"

#include <gtest/gtest.h>

namespace strata::config {
namespace {

Result<CommandLine> Parse(std::vector<std::string> args) {
  return ParseCommandLine(args);
}

TEST(CommandLineTest, ParsesSynapseFlagsInBothForms) {
  auto cl =
      Parse({"--config-path", "a.yaml", "-c", "b.yaml", "--config-path=c.yaml", "--generate-config",
             "-H", "example.org", "--report-stats=yes", "--data-directory", "/var/lib/hs"});
  ASSERT_TRUE(cl.ok()) << cl.status().message();
  EXPECT_EQ(cl->config_paths, (std::vector<std::string>{"a.yaml", "b.yaml", "c.yaml"}));
  EXPECT_TRUE(cl->generate_config);
  EXPECT_EQ(cl->server_name, "example.org");
  EXPECT_EQ(cl->report_stats, true);
  EXPECT_EQ(cl->data_directory, "/var/lib/hs");

  cl = Parse({"--server-name=x.org", "--report-stats", "no"});
  ASSERT_TRUE(cl.ok());
  EXPECT_EQ(cl->server_name, "x.org");
  EXPECT_EQ(cl->report_stats, false);
}

TEST(CommandLineTest, ParsesStrataFlags) {
  auto cl = Parse(
      {"-c", "hs.yaml", "--as-release", "1.12.4", "--upgrade-only", "--run-background-updates"});
  ASSERT_TRUE(cl.ok()) << cl.status().message();
  EXPECT_EQ(cl->as_release, "1.12.4");
  EXPECT_TRUE(cl->upgrade_only);
  EXPECT_TRUE(cl->run_background_updates);
  EXPECT_TRUE(Parse({"--list-releases"})->list_releases);
  EXPECT_TRUE(Parse({"--version"})->version);
  EXPECT_TRUE(Parse({"-h"})->help);
  EXPECT_EQ(Parse({"--log-file", "x.log"})->log_file, "x.log");  // accepted, refused later
}

TEST(CommandLineTest, BadArgumentsNameTheArgument) {
  struct Case {
    std::vector<std::string> args;
    std::string says;
  };
  for (const auto& c : std::vector<Case>{
           {{"--report-stats=maybe"}, "--report-stats"},
           {{"--report-stats=maybe"}, "'maybe'"},
           {{"--bogus"}, "--bogus"},
           {{"homeserver.yaml"}, "homeserver.yaml"},
           {{"--config-path"}, "--config-path"},
           {{"--as-release", "latest"}, "--as-release"},
           {{"--as-release=1.x"}, "1.x"},
           {{"--help=yes"}, "--help"},
           {{"--run-background-updates"}, "--upgrade-only"},
       }) {
    auto cl = Parse(c.args);
    ASSERT_FALSE(cl.ok()) << c.args[0];
    EXPECT_EQ(cl.status().code(), Status::Code::kInvalidArgument);
    EXPECT_NE(cl.status().message().find(c.says), std::string::npos) << cl.status().message();
  }
}

TEST(CommandLineTest, HelpDocumentsEveryFlag) {
  std::string help = HelpText("strata");
  for (const char* flag :
       {"--config-path", "-c,", "--generate-config", "--server-name", "-H,", "--report-stats",
        "--data-directory", "--log-file", "--help", "--as-release", "--upgrade-only",
        "--run-background-updates", "--list-releases", "--version"}) {
    EXPECT_NE(help.find(flag), std::string::npos) << flag;
  }
  EXPECT_NE(UsageHint("strata").find("strata --help"), std::string::npos);
}

}  // namespace
}  // namespace strata::config
