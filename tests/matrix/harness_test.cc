// The upgrade-matrix's building blocks against real inputs: its line diff, the fixture view and
// step diff, conninfo rewriting, and the checked-in paths.yaml, fixtures and scenario (every
// adjacent pair of catalogued releases is covered, every path has its fixtures, and the scenario
// is big enough for the room-directory bug).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "fixture.h"
#include "path.h"
#include "scenario.h"
#include "storage/open_database.h"
#include "support/test_support.h"
#include "text_diff.h"

namespace strata::matrix {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

fs::path FixturesDir() {
  return fs::path(testing::SourceDir()) / "fixtures" / "matrix";
}

TEST(UnifiedDiff, EqualTextsHaveNoHunks) {
  EXPECT_TRUE(UnifiedDiff({"a", "b"}, {"a", "b"}).empty());
}

TEST(UnifiedDiff, ShowsAChangedLineWithContext) {
  const std::vector<std::string> a = {"1", "2", "3", "4", "5", "6", "7"};
  std::vector<std::string> b = a;
  b[3] = "four";
  const auto diff = UnifiedDiff(a, b, 1);
  ASSERT_EQ(diff.size(), 5u);
  EXPECT_EQ(diff[0], "@@ -3,3 +3,3 @@");
  EXPECT_EQ(diff[1], " 3");
  EXPECT_EQ(diff[2], "-4");
  EXPECT_EQ(diff[3], "+four");
  EXPECT_EQ(diff[4], " 5");
}

TEST(UnifiedDiff, InsertionsAndDeletionsAtTheEnds) {
  const auto diff = UnifiedDiff({"x", "a", "b"}, {"a", "b", "y"}, 0);
  EXPECT_EQ(diff, (std::vector<std::string>{"@@ -1,1 +1,0 @@", "-x", "@@ -4,0 +3,1 @@", "+y"}));
}

TEST(WithDbName, RewritesKeywordConninfoAndUris) {
  EXPECT_EQ(storage::WithDbName("host=/tmp/pg port=5432 dbname=old user=u", "new"),
            "host=/tmp/pg port=5432 user=u dbname=new");
  EXPECT_EQ(storage::WithDbName("host=/tmp/pg", "new"), "host=/tmp/pg dbname=new");
  EXPECT_EQ(storage::WithDbName("postgresql://u:p@h:5432/old?sslmode=disable", "new"),
            "postgresql://u:p@h:5432/new?sslmode=disable");
  EXPECT_EQ(storage::WithDbName("postgres://h", "new"), "postgres://h/new");
}

TEST(FixtureView, KeepsTheDeltaCountAndWhatTheStepAdded) {
  const json before = {{"applied_schema_deltas", {"55/a.sql"}}};
  const json after = {{"applied_schema_deltas", {"55/a.sql", "56/b.sql"}}, {"schema_version", 56}};
  const json view = FixtureView(after, before);
  EXPECT_EQ(view["applied_schema_deltas"]["count"], 2);
  EXPECT_EQ(view["applied_schema_deltas"]["added_by_this_step"], json({"56/b.sql"}));
  EXPECT_EQ(view["schema_version"], 56);
}

TEST(DiffSteps, NamesTheStepAndShowsTheChangedStatsRowAsOneLine) {
  const json expected = json::array(
      {{{"step", "1.12.4"},
        {"rooms", {{"Public room 2", {{"room_stats_current", {{"joined_members", 121}}}}}}}}});
  json actual = expected;
  EXPECT_TRUE(DiffSteps(expected, actual).empty());
  actual[0]["rooms"]["Public room 2"]["room_stats_current"]["joined_members"] = 0;
  const auto diff = DiffSteps(expected, actual);
  auto has = [&](const std::string& prefix, const std::string& text) {
    return std::any_of(diff.begin(), diff.end(), [&](const std::string& line) {
      return line.rfind(prefix, 0) == 0 && line.find(text) != std::string::npos;
    });
  };
  EXPECT_TRUE(has("[1.12.4] -", "\"room_stats_current\": {\"joined_members\":121}"));
  EXPECT_TRUE(has("[1.12.4] +", "\"room_stats_current\": {\"joined_members\":0}"));
  EXPECT_TRUE(has("[1.12.4] @@", ""));
}

TEST(FixtureText, IsJsonWithPlainObjectsOnOneLine) {
  const json doc = {{"steps", json::array({{{"row", {{"a", 1}, {"b", "x"}}}}})}};
  const std::string text = FixtureText(doc);
  EXPECT_EQ(json::parse(text), doc);
  EXPECT_NE(text.find("\"row\": {\"a\":1,\"b\":\"x\"}"), std::string::npos) << text;
}

class CheckedInMatrix : public ::testing::Test {
 protected:
  void SetUp() override {
    auto paths =
        LoadPathsFile((FixturesDir() / "paths.yaml").string(), schema::Catalogue::Builtin());
    ASSERT_TRUE(paths.ok()) << paths.status().message();
    paths_ = *paths;
  }
  const UpgradePath* Find(const std::string& name) const {
    for (const auto& p : paths_) {
      if (p.name == name) return &p;
    }
    return nullptr;
  }
  std::vector<UpgradePath> paths_;
};

TEST_F(CheckedInMatrix, CoversEveryAdjacentPairOfCataloguedReleases) {
  std::set<std::pair<std::string, std::string>> covered;
  for (const auto& p : paths_) {
    for (size_t i = 1; i < p.steps.size(); ++i) {
      covered.insert({p.steps[i - 1].release->name, p.steps[i].release->name});
    }
  }
  const auto& releases = schema::Catalogue::Builtin().releases();
  for (size_t i = 1; i < releases.size(); ++i) {
    EXPECT_TRUE(covered.count({releases[i - 1].name, releases[i].name}))
        << releases[i - 1].name << " -> " << releases[i].name << " is on no path";
  }
}

TEST_F(CheckedInMatrix, EveryPathHasItsFixturesOnBothEngines) {
  for (const auto& p : paths_) {
    for (auto engine : {storage::Engine::kSqlite, storage::Engine::kPostgres}) {
      auto fixture = LoadFixture(FixturesDir().string(), p.name, engine);
      ASSERT_TRUE(fixture) << p.name << " has no " << EngineName(engine) << " fixture";
      EXPECT_EQ(fixture->document["path"], p.name);
      EXPECT_EQ(fixture->document["steps"].size(), p.steps.size() + (p.repair_after ? 1 : 0))
          << p.name;
    }
  }
}

TEST_F(CheckedInMatrix, HasTheIssuesNamedPaths) {
  for (const std::string seed : {"", "scenario-"}) {
    const UpgradePath* bug = Find(seed + "straight-1.4.0-1.12.4");
    ASSERT_TRUE(bug);
    ASSERT_TRUE(bug->known_bug);
    EXPECT_EQ(bug->known_bug->name, "room-directory-stats");
    EXPECT_TRUE(Find(seed + "straight-1.13.0"));
    EXPECT_TRUE(Find(seed + "via-1.3.1"));
    EXPECT_TRUE(Find(seed + "repair-on-1.13.0"));
  }
  const UpgradePath* rollback = Find("rollback-1.13.0-to-1.12.4");
  ASSERT_TRUE(rollback);
  EXPECT_EQ(rollback->steps.back().sql_before, "UPDATE schema_version SET version = 57;");
  const UpgradePath* stats_off = Find("rollback-1.4.0-to-1.3.1");
  ASSERT_TRUE(stats_off);
  EXPECT_TRUE(std::any_of(stats_off->steps.begin(), stats_off->steps.end(),
                          [](const Step& s) { return !s.stats_enabled; }));
  EXPECT_TRUE(Find("crash-in-delta") && Find("crash-in-delta")->steps.back().crashes());
  EXPECT_TRUE(Find("crash-in-batch") && Find("crash-in-batch")->steps.back().crashes());
}

TEST(Scenario, TheDirectoryScenarioIsBigEnoughForTheBug) {
  auto s = LoadScenario((FixturesDir() / "scenarios" / "directory.yaml").string());
  ASSERT_TRUE(s.ok()) << s.status().message();
  ASSERT_GE(s->rooms.size(), 2u);
  // The membership update's first batch stops after whole rooms reach 100 rows: the first room
  // alone must fill it, and a later published room must be left for the stats pass to miscount.
  EXPECT_TRUE(s->rooms[0].published);
  EXPECT_GT(s->rooms[0].members, 100);
  EXPECT_TRUE(std::any_of(s->rooms.begin() + 1, s->rooms.end(),
                          [](const ScenarioRoom& r) { return r.published; }));
}

TEST(Scenario, ARoomWithMoreMembersThanUsersIsRefused) {
  testing::TempDir dir;
  const std::string file = dir.File("bad.yaml");
  std::ofstream(file) << "name: bad\npassword: p\nusers: {count: 2}\n"
                         "rooms:\n  - {name: R, alias: r, members: 3}\n";
  auto s = LoadScenario(file);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("members must be 1..users.count"), std::string::npos);
}

}  // namespace
}  // namespace strata::matrix
