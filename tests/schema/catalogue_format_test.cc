// The catalogue file format: what Load accepts, how it picks a delta's content per release, and
// that every kind of mistake is refused with a message naming the entry.
#include <gtest/gtest.h>

#include "schema/catalogue.h"

namespace strata::schema {
namespace {

using storage::Engine;

std::string ReleaseYaml(const std::string& name, int schema, const std::string& extra = "") {
  return "  - release: \"" + name + "\"\n    schema_version: " + std::to_string(schema) +
         "\n    full_schema: 54\n    background_runner: round_robin\n"
         "    room_directory: current_state\n    stats_engine: legacy\n" +
         extra;
}

// A small valid catalogue: three releases, deltas with a revision, an engine-specific pair, a
// removed file and a native delta.
struct Fixture {
  std::string yaml = "releases:\n" + ReleaseYaml("1.0.0", 55) + ReleaseYaml("1.3.0", 56) +
                     ReleaseYaml("1.4.0", 56) + ReleaseYaml("1.5.0", 56) +
                     "deltas:\n"
                     "  - file: \"55/a.sql\"\n    since: \"1.0.0\"\n"
                     "  - file: \"56/b.sql\"\n    since: \"1.3.0\"\n    revisions: [\"1.5.0\"]\n"
                     "  - file: \"56/a_first.sql.postgres\"\n    since: \"1.4.0\"\n"
                     "  - file: \"56/a_first.sql.sqlite\"\n    since: \"1.4.0\"\n"
                     "  - file: \"56/gone.sql\"\n    since: \"1.3.0\"\n    removed_in: \"1.5.0\"\n"
                     "  - file: \"56/unique_user_filter_index.py\"\n    since: \"1.5.0\"\n"
                     "    native: true\n";
  std::map<std::string, std::string> files = {
      {"full_schemas/54/full.sql.sqlite", "CREATE TABLE s (a INT);"},
      {"full_schemas/54/full.sql.postgres", "CREATE TABLE p (a INT);"},
      {"full_schemas/54/seed.sql", "INSERT INTO t VALUES (1);"},
      {"delta/55/a.sql", "-- a"},
      {"delta/56/b.sql", "-- b original"},
      {"delta/56/b.sql@1.5.0", "-- b as of 1.5.0"},
      {"delta/56/a_first.sql.postgres", "-- pg"},
      {"delta/56/a_first.sql.sqlite", "-- lite"},
      {"delta/56/gone.sql", "-- gone"},
  };

  Result<Catalogue> Load() const { return Catalogue::Load(yaml, files); }

  // Loads, expecting failure, and returns the message.
  std::string Error() const {
    auto result = Load();
    EXPECT_FALSE(result.ok()) << "loaded although it should not";
    return result.ok() ? "" : result.status().message();
  }

  void Replace(const std::string& from, const std::string& to) {
    size_t at = yaml.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    yaml.replace(at, from.size(), to);
  }
};

std::vector<std::string> Files(const std::vector<Delta>& deltas) {
  std::vector<std::string> out;
  for (const Delta& d : deltas) out.push_back(d.file);
  return out;
}

TEST(CatalogueFormatTest, PicksFilesAndContentPerRelease) {
  Fixture f;
  auto loaded = f.Load();
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  const Catalogue& c = *loaded;
  ASSERT_EQ(c.releases().size(), 4u);

  // 1.3.0: b (original) and gone; the 1.4.0 files are not out yet.
  auto at_1_3 = c.DeltasFor(*c.Find("1.3.0"), 56, Engine::kSqlite);
  EXPECT_EQ(Files(at_1_3), (std::vector<std::string>{"56/b.sql", "56/gone.sql"}));
  EXPECT_EQ(at_1_3[0].sql, "-- b original");
  EXPECT_EQ(at_1_3[0].revised_in, "");

  // 1.4.0 on SQLite: sorted by name, the .postgres twin left out.
  auto at_1_4 = c.DeltasFor(*c.Find("1.4.0"), 56, Engine::kSqlite);
  EXPECT_EQ(Files(at_1_4),
            (std::vector<std::string>{"56/a_first.sql.sqlite", "56/b.sql", "56/gone.sql"}));
  EXPECT_EQ(at_1_4[0].engine, "sqlite");
  EXPECT_EQ(at_1_4[0].sql, "-- lite");
  EXPECT_EQ(Files(c.DeltasFor(*c.Find("1.4.0"), 56, Engine::kPostgres)),
            (std::vector<std::string>{"56/a_first.sql.postgres", "56/b.sql", "56/gone.sql"}));

  // 1.5.0: b's revision, gone removed, the native delta present with no SQL.
  auto at_1_5 = c.DeltasFor(*c.Find("1.5.0"), 56, Engine::kSqlite);
  EXPECT_EQ(Files(at_1_5), (std::vector<std::string>{"56/a_first.sql.sqlite", "56/b.sql",
                                                     "56/unique_user_filter_index.py"}));
  EXPECT_EQ(at_1_5[1].sql, "-- b as of 1.5.0");
  EXPECT_EQ(at_1_5[1].revised_in, "1.5.0");
  EXPECT_EQ(at_1_5[1].introduced_in, "1.3.0");
  EXPECT_TRUE(at_1_5[2].native);
  EXPECT_TRUE(at_1_5[2].sql.empty());

  // Other folders are separate.
  EXPECT_EQ(Files(c.DeltasFor(*c.Find("1.5.0"), 55, Engine::kSqlite)),
            (std::vector<std::string>{"55/a.sql"}));
  EXPECT_TRUE(c.DeltasFor(*c.Find("1.5.0"), 57, Engine::kSqlite).empty());

  // Full schema: shared files plus the engine's own, in name order.
  auto full = c.FullSchema(54, Engine::kPostgres);
  ASSERT_EQ(full.size(), 2u);
  EXPECT_EQ(full[0].first, "full_schemas/54/full.sql.postgres");
  EXPECT_EQ(full[1].first, "full_schemas/54/seed.sql");
}

TEST(CatalogueFormatTest, RejectsBrokenYaml) {
  Fixture f;
  f.yaml = "releases: [\n  - oops";
  EXPECT_NE(f.Error().find("not valid YAML"), std::string::npos);
}

TEST(CatalogueFormatTest, RejectsUnknownKeysNamingTheEntry) {
  Fixture f;
  f.Replace("    stats_engine: legacy\n", "    stats_engine: legacy\n    stats_engin: legacy\n");
  std::string error = f.Error();
  EXPECT_NE(error.find("releases[0]"), std::string::npos) << error;
  EXPECT_NE(error.find("unknown key 'stats_engin'"), std::string::npos) << error;

  Fixture g;
  g.Replace("  - file: \"55/a.sql\"\n    since: \"1.0.0\"\n",
            "  - file: \"55/a.sql\"\n    since: \"1.0.0\"\n    revision: [\"1.3.0\"]\n");
  error = g.Error();
  EXPECT_NE(error.find("deltas[0] (55/a.sql)"), std::string::npos) << error;
  EXPECT_NE(error.find("unknown key 'revision'"), std::string::npos) << error;

  Fixture h;
  h.yaml += "extra: 1\n";
  EXPECT_NE(h.Error().find("unknown key 'extra'"), std::string::npos);
}

TEST(CatalogueFormatTest, RejectsBadEnumValues) {
  Fixture f;
  f.Replace("background_runner: round_robin", "background_runner: round-robin");
  std::string error = f.Error();
  EXPECT_NE(error.find("releases[0] (1.0.0)"), std::string::npos) << error;
  EXPECT_NE(
      error.find("'background_runner' is 'round-robin', expected round_robin | one_at_a_time"),
      std::string::npos)
      << error;
}

TEST(CatalogueFormatTest, RejectsMissingDeltaFiles) {
  Fixture f;
  f.files.erase("delta/56/gone.sql");
  std::string error = f.Error();
  EXPECT_NE(error.find("deltas[4] (56/gone.sql)"), std::string::npos) << error;
  EXPECT_NE(error.find("missing file delta/56/gone.sql"), std::string::npos) << error;

  Fixture g;
  g.files.erase("delta/56/b.sql@1.5.0");
  EXPECT_NE(g.Error().find("missing file delta/56/b.sql@1.5.0"), std::string::npos);
}

TEST(CatalogueFormatTest, RejectsFilesNoEntryNames) {
  Fixture f;
  f.files["delta/56/forgotten.sql"] = "-- nobody lists me";
  EXPECT_NE(f.Error().find("delta/56/forgotten.sql is not named by any entry"), std::string::npos);

  Fixture g;
  g.files["delta/56/b.sql@1.4.0"] = "-- a revision the entry does not list";
  EXPECT_NE(g.Error().find("delta/56/b.sql@1.4.0 is not named"), std::string::npos);
}

TEST(CatalogueFormatTest, RejectsReleasesOutOfOrder) {
  Fixture f;
  f.yaml = "releases:\n" + ReleaseYaml("1.3.0", 56) + ReleaseYaml("1.0.0", 55) + "deltas: []\n";
  f.files = {{"full_schemas/54/full.sql.sqlite", ""}};
  std::string error = f.Error();
  EXPECT_NE(error.find("releases[1] (1.0.0)"), std::string::npos) << error;
  EXPECT_NE(error.find("oldest first"), std::string::npos) << error;

  Fixture g;
  g.yaml = "releases:\n" + ReleaseYaml("1.0.0", 56) + ReleaseYaml("1.3.0", 55) + "deltas: []\n";
  g.files = f.files;
  EXPECT_NE(g.Error().find("schema_version 55 is lower than 1.0.0's 56"), std::string::npos);
}

TEST(CatalogueFormatTest, RejectsInconsistentDeltaEntries) {
  struct Case {
    std::string from, to, message;
  };
  const std::vector<Case> cases = {
      {"since: \"1.0.0\"", "since: \"1.0.1\"",
       "'since' names 1.0.1, which is not a listed release"},
      {"file: \"55/a.sql\"", "file: \"a.sql\"", "must look like <version>/<name>"},
      {"file: \"56/gone.sql\"\n    since: \"1.3.0\"", "file: \"56/gone.sql\"\n    since: \"1.0.0\"",
       "whose schema_version 55 is below the delta folder"},
      {"revisions: [\"1.5.0\"]", "revisions: [\"1.3.0\"]", "revisions must be newer than 'since'"},
      {"removed_in: \"1.5.0\"", "removed_in: \"1.3.0\"", "removed_in must be after since"},
      {"56/unique_user_filter_index.py", "56/not_implemented.py",
       "no native implementation is registered"},
      {"    native: true\n", "", "must end in .sql, .sql.sqlite or .sql.postgres"},
      {"  - file: \"56/b.sql\"",
       "  - file: \"55/a.sql\"\n    since: \"1.0.0\"\n  - file: \"56/b.sql\"", "listed twice"},
  };
  for (const Case& c : cases) {
    Fixture f;
    f.Replace(c.from, c.to);
    std::string error = f.Error();
    EXPECT_NE(error.find(c.message), std::string::npos) << c.message << "\n got: " << error;
    EXPECT_NE(error.find("deltas["), std::string::npos) << error;
  }
}

TEST(CatalogueFormatTest, RejectsMalformedReleaseEntries) {
  struct Case {
    std::string from, to, message;
  };
  const std::vector<Case> cases = {
      {"release: \"1.0.0\"", "release: \"one\"", "not a release number"},
      {"schema_version: 55", "schema_version: fifty-five", "must be a non-negative integer"},
      {"full_schema: 54\n", "full_schema: 53\n", "full schema 53 has no files"},
      {"    stats_engine: legacy\n", "    stats_engine: legacy\n    startup_checks: [Report]\n",
       "must be lower_snake_case"},
      {"    stats_engine: legacy\n", "    stats_engine: legacy\n    notes:\n      - title: \"t\"\n",
       "missing 'text'"},
  };
  for (const Case& c : cases) {
    Fixture f;
    f.Replace(c.from, c.to);
    std::string error = f.Error();
    EXPECT_NE(error.find(c.message), std::string::npos) << c.message << "\n got: " << error;
    EXPECT_NE(error.find("releases[0]"), std::string::npos) << error;
  }
}

// always_on_checks: optional, added after every release's own checks; note ids are unique.
TEST(CatalogueFormatTest, AlwaysOnChecksAndNoteIds) {
  Fixture f;
  f.Replace("releases:\n", "always_on_checks: [legacy_keys, report_stats]\nreleases:\n");
  f.Replace("    stats_engine: legacy\n",
            "    stats_engine: legacy\n    startup_checks: [report_stats, log_file_fatal]\n"
            "    notes:\n      - id: first_note\n        title: \"t\"\n        text: \"x\"\n");
  auto loaded = f.Load();
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  const Catalogue& c = *loaded;
  EXPECT_EQ(c.StartupChecks(*c.Find("1.0.0")),
            (std::vector<std::string>{"report_stats", "log_file_fatal", "legacy_keys"}));
  EXPECT_EQ(c.StartupChecks(*c.Find("1.3.0")),
            (std::vector<std::string>{"legacy_keys", "report_stats"}));
  ASSERT_NE(c.FindNote("first_note"), nullptr);
  EXPECT_EQ(c.FindNote("first_note")->title, "t");
  EXPECT_EQ(c.FindNote("other"), nullptr);

  Fixture bad_name;
  bad_name.Replace("releases:\n", "always_on_checks: [Legacy]\nreleases:\n");
  EXPECT_NE(bad_name.Error().find("must be lower_snake_case"), std::string::npos);

  Fixture twice;
  const std::string note =
      "    notes:\n      - id: same\n        title: \"t\"\n        text: \"x\"\n";
  twice.Replace("    stats_engine: legacy\n", "    stats_engine: legacy\n" + note);
  size_t second = twice.yaml.find("    stats_engine: legacy\n", twice.yaml.find("1.3.0"));
  ASSERT_NE(second, std::string::npos);
  twice.yaml.insert(second + std::string("    stats_engine: legacy\n").size(), note);
  EXPECT_NE(twice.Error().find("note id 'same' is used twice"), std::string::npos) << twice.Error();
}

}  // namespace
}  // namespace strata::schema
