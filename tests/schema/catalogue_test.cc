// The built-in release catalogue against the facts it encodes: Synapse's schema versions, the
// behaviour switches, and the delta files real Synapse releases recorded.
#include "schema/catalogue.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "support/test_support.h"

namespace strata::schema {
namespace {

using storage::Engine;

using testing::ReadTextFile;

// The `file` column of a real-synapse applied_schema_deltas.txt ("version|file" lines).
std::vector<std::string> RealAppliedDeltas(const std::string& kind, const std::string& release) {
  std::istringstream lines(ReadTextFile(testing::ReferenceDir() / "real-synapse" / kind /
                                        ("v" + release) / "applied_schema_deltas.txt"));
  std::vector<std::string> files;
  std::string line;
  std::getline(lines, line);  // header
  while (std::getline(lines, line)) {
    if (!line.empty()) files.push_back(line.substr(line.find('|') + 1));
  }
  return files;
}

// Every file `release` ships for `engine`, folder by folder, in the order they apply.
std::vector<std::string> Shipped(const Release& release, Engine engine) {
  std::vector<std::string> files;
  for (int v = 55; v <= release.schema_version; ++v) {
    for (const Delta& delta : Catalogue::Builtin().DeltasFor(release, v, engine)) {
      files.push_back(delta.file);
    }
  }
  return files;
}

const Release& Get(const std::string& name) {
  const Release* release = Catalogue::Builtin().Find(name);
  if (!release) throw std::runtime_error("release " + name + " is not catalogued");
  return *release;
}

// synapse-facts.md §1: every catalogued release and its SCHEMA_VERSION.
const std::vector<std::pair<std::string, int>> kSchemaVersions = {
    {"1.0.0", 55},  {"1.1.0", 55},  {"1.2.0", 55},  {"1.2.1", 55},  {"1.3.0", 56},  {"1.3.1", 56},
    {"1.4.0", 56},  {"1.4.1", 56},  {"1.5.0", 56},  {"1.6.0", 56},  {"1.7.0", 56},  {"1.8.0", 56},
    {"1.9.0", 57},  {"1.10.0", 57}, {"1.11.0", 57}, {"1.12.0", 57}, {"1.12.4", 57}, {"1.13.0", 58},
    {"1.14.0", 58}, {"1.16.0", 58}, {"1.16.1", 58}, {"1.18.0", 58}};

// The releases the facts cover come first, in order; a release catalogued after them (1.19 ...)
// is checked by its own fixtures, so adding one does not touch this table.
TEST(CatalogueTest, ListsEveryReleaseWithItsSchemaVersion) {
  const auto& releases = Catalogue::Builtin().releases();
  ASSERT_GE(releases.size(), kSchemaVersions.size());
  for (size_t i = 0; i < kSchemaVersions.size(); ++i) {
    EXPECT_EQ(releases[i].name, kSchemaVersions[i].first);
    EXPECT_EQ(releases[i].schema_version, kSchemaVersions[i].second) << releases[i].name;
    EXPECT_EQ(releases[i].full_schema, 54) << releases[i].name;
  }
  EXPECT_EQ(&Catalogue::Builtin().newest(), &releases.back());
  EXPECT_EQ(Catalogue::Builtin().NewestWithSchema(57)->name, "1.12.4");
  EXPECT_EQ(Catalogue::Builtin().NewestWithSchema(55)->name, "1.2.1");
  EXPECT_EQ(Catalogue::Builtin().NewestWithSchema(54), nullptr);
  EXPECT_EQ(Catalogue::Builtin().Find("1.15.0"), nullptr);
}

TEST(CatalogueTest, BehaviourSwitchesFlipAtTheRightReleases) {
  const ReleaseVersion v1_4 = *ReleaseVersion::Parse("1.4.0");
  const ReleaseVersion v1_5 = *ReleaseVersion::Parse("1.5.0");
  const ReleaseVersion v1_7 = *ReleaseVersion::Parse("1.7.0");
  const ReleaseVersion v1_13 = *ReleaseVersion::Parse("1.13.0");
  for (const Release& r : Catalogue::Builtin().releases()) {
    const auto v = r.version;
    EXPECT_EQ(r.runner, v < v1_13 ? BackgroundRunner::kRoundRobin : BackgroundRunner::kOneAtATime)
        << r.name;
    EXPECT_EQ(r.directory,
              v < v1_5 ? RoomDirectorySource::kCurrentState : RoomDirectorySource::kStatsTables)
        << r.name;
    EXPECT_EQ(r.stats, v < v1_4 ? StatsEngine::kLegacy : StatsEngine::kSeparated) << r.name;
    const std::string directory_default = v < v1_7 ? "true" : "false";
    EXPECT_EQ(r.config_defaults.at("allow_public_rooms_without_auth"), directory_default) << r.name;
    EXPECT_EQ(r.config_defaults.at("allow_public_rooms_over_federation"), directory_default)
        << r.name;
    EXPECT_EQ(r.config_defaults.at("stats.enabled"), "true") << r.name;
  }
}

TEST(CatalogueTest, StartupChecksFollowTheReleaseThatIntroducedThem) {
  // check name -> first release that performs it
  const std::map<std::string, std::string> introduced = {
      {"report_stats", "1.0.0"},
      {"postgres_encoding", "1.0.0"},
      {"postgres_min_version", "1.1.0"},
      {"trust_identity_server_requires_servers", "1.4.0"},
      {"email_partial_block", "1.4.0"},
      {"email_templates", "1.4.0"},
      {"public_rooms_keys_conflict", "1.7.0"},
      {"log_file_fatal", "1.8.0"},
      {"sqlite_min_version", "1.9.0"},
      {"postgres_locale", "1.10.0"},
      {"sso_templates", "1.13.0"},
  };
  for (const Release& r : Catalogue::Builtin().releases()) {
    std::set<std::string> expected;
    for (const auto& [check, since] : introduced) {
      if (!(r.version < *ReleaseVersion::Parse(since))) expected.insert(check);
    }
    std::set<std::string> actual(r.startup_checks.begin(), r.startup_checks.end());
    EXPECT_EQ(actual, expected) << r.name;
  }
}

// The files real Synapse recorded in databases it created, and in the big 1.2.1 dataset it
// upgraded, are exactly what the catalogue says those releases ship, in the same order.
TEST(CatalogueTest, ShipsExactlyTheDeltasRealSynapseApplied) {
  for (const std::string release : {"1.2.1", "1.3.1", "1.4.0", "1.12.4", "1.13.0", "1.18.0"}) {
    EXPECT_EQ(Shipped(Get(release), Engine::kSqlite), RealAppliedDeltas("fresh", release))
        << release;
  }
  for (const std::string release : {"1.3.1", "1.4.0", "1.12.4", "1.13.0"}) {
    EXPECT_EQ(Shipped(Get(release), Engine::kSqlite), RealAppliedDeltas("migrated-only", release))
        << release;
  }
}

TEST(CatalogueTest, EngineSpecificFilesGoToTheirEngineOnly) {
  auto sqlite = Shipped(Get("1.18.0"), Engine::kSqlite);
  auto postgres = Shipped(Get("1.18.0"), Engine::kPostgres);
  auto has = [](const std::vector<std::string>& files, const std::string& file) {
    return std::find(files.begin(), files.end(), file) != files.end();
  };
  EXPECT_TRUE(has(sqlite, "57/rooms_version_column_3.sql.sqlite"));
  EXPECT_FALSE(has(sqlite, "57/rooms_version_column_3.sql.postgres"));
  EXPECT_TRUE(has(postgres, "57/rooms_version_column_3.sql.postgres"));
  EXPECT_FALSE(has(postgres, "57/rooms_version_column_3.sql.sqlite"));
  EXPECT_TRUE(has(postgres, "58/05cache_instance.sql.postgres"));
  EXPECT_TRUE(has(postgres, "56/redaction_censor3_fix_update.sql.postgres"));
  EXPECT_FALSE(has(postgres, "56/hidden_devices_fix.sql.sqlite"));
  // Engine-neutral files and native deltas go to both.
  for (const std::string file : {"56/stats_separated.sql", "58/11user_id_seq.py"}) {
    EXPECT_TRUE(has(sqlite, file));
    EXPECT_TRUE(has(postgres, file));
  }
  // 1.4.0 already shipped the PostgreSQL-only retry-interval change; 1.4.1 added the fix-up.
  EXPECT_TRUE(has(Shipped(Get("1.4.0"), Engine::kPostgres),
                  "56/destinations_retry_interval_type.sql.postgres"));
  EXPECT_FALSE(has(Shipped(Get("1.4.0"), Engine::kPostgres),
                   "56/redaction_censor3_fix_update.sql.postgres"));
}

// A copy: callers pass DeltasFor's temporary vector, which dies at the end of their statement.
Delta FindDelta(const std::vector<Delta>& deltas, const std::string& file) {
  for (const Delta& delta : deltas) {
    if (delta.file == file) return delta;
  }
  throw std::runtime_error(file + " is not shipped");
}

// The room directory bug in data form: as 1.4.0-1.12.x shipped it the stats pass has an empty
// dependency; from 1.13.0 it waits for the membership fill.
TEST(CatalogueTest, StatsSeparatedHasItsOriginalAndItsOneThirteenContent) {
  const Catalogue& catalogue = Catalogue::Builtin();
  for (const std::string release : {"1.4.0", "1.12.4"}) {
    for (Engine engine : {Engine::kSqlite, Engine::kPostgres}) {
      const Delta d =
          FindDelta(catalogue.DeltasFor(Get(release), 56, engine), "56/stats_separated.sql");
      EXPECT_NE(d.sql.find("('populate_stats_process_rooms', '{}', '')"), std::string::npos)
          << release;
      EXPECT_EQ(d.sql.find("'current_state_events_membership')"), std::string::npos) << release;
      EXPECT_EQ(d.introduced_in, "1.4.0");
      EXPECT_EQ(d.revised_in, "");
      EXPECT_FALSE(d.native);
      EXPECT_EQ(d.version, 56);
    }
  }
  for (const std::string release : {"1.13.0", "1.18.0"}) {
    const Delta d =
        FindDelta(catalogue.DeltasFor(Get(release), 56, Engine::kSqlite), "56/stats_separated.sql");
    EXPECT_NE(
        d.sql.find("('populate_stats_process_rooms', '{}', 'current_state_events_membership')"),
        std::string::npos)
        << release;
    EXPECT_EQ(d.sql.find("('populate_stats_process_rooms', '{}', '')"), std::string::npos);
    EXPECT_EQ(d.introduced_in, "1.4.0");
    EXPECT_EQ(d.revised_in, "1.13.0");
  }
  // Not shipped at all before 1.4.0.
  for (const Delta& d : catalogue.DeltasFor(Get("1.3.1"), 56, Engine::kSqlite)) {
    EXPECT_NE(d.file, "56/stats_separated.sql");
  }
}

TEST(CatalogueTest, FullSchemaFilesComeInNameOrderPerEngine) {
  auto names = [](Engine engine) {
    std::vector<std::string> out;
    for (const auto& [name, sql] : Catalogue::Builtin().FullSchema(54, engine)) {
      EXPECT_FALSE(sql.empty()) << name;
      out.push_back(name);
    }
    return out;
  };
  EXPECT_EQ(names(Engine::kSqlite),
            (std::vector<std::string>{"full_schemas/54/full.sql.sqlite",
                                      "full_schemas/54/stream_positions.sql"}));
  EXPECT_EQ(names(Engine::kPostgres),
            (std::vector<std::string>{"full_schemas/54/full.sql.postgres",
                                      "full_schemas/54/stream_positions.sql"}));
  EXPECT_TRUE(Catalogue::Builtin().FullSchema(16, Engine::kSqlite).empty());
}

// The block of the upgrade notes that follows `marker`, from `first` up to a blank line, with
// the notes' 4-space indentation removed.
std::string NotesBlock(const std::string& marker, const std::string& first,
                       const std::string& last) {
  const std::string notes = ReadTextFile(testing::ReferenceDir() / "000_f47dee6856d61323.txt");
  size_t at = notes.find(marker);
  EXPECT_NE(at, std::string::npos) << marker;
  size_t begin = notes.find(first, at);
  size_t end = notes.find(last, begin);
  EXPECT_NE(end, std::string::npos) << last;
  std::string block = notes.substr(begin, end + last.size() - begin);
  std::string dedented;
  std::istringstream lines(block);
  std::string line;
  bool first_line = true;
  while (std::getline(lines, line)) {
    if (!first_line && line.rfind("    ", 0) == 0) line = line.substr(4);
    dedented += (first_line ? "" : "\n") + line;
    first_line = false;
  }
  return dedented;
}

std::string TrimNewlines(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

const UpgradeNote& NoteWithSql(const std::vector<UpgradeNote>& notes, const std::string& part) {
  for (const UpgradeNote& note : notes) {
    if (note.sql_sqlite.find(part) != std::string::npos) return note;
  }
  throw std::runtime_error("no note with SQL containing " + part);
}

TEST(CatalogueTest, RepairNoteCarriesTheInsertsExactlyAsTheUpgradeNotesPrintThem) {
  const std::string printed =
      NotesBlock("Incorrect database migration in old synapse versions",
                 "INSERT INTO background_updates", "'populate_stats_process_rooms');");
  const UpgradeNote& repair = NoteWithSql(Get("1.13.0").notes, "populate_stats_process_users");
  EXPECT_TRUE(repair.manual_step);
  EXPECT_EQ(TrimNewlines(repair.sql_sqlite), printed);
  EXPECT_EQ(TrimNewlines(repair.sql_postgres), printed);
}

TEST(CatalogueTest, OneTwelveNotesGiveWorkingPreCheckAndTemporaryIndex) {
  const auto& notes = Get("1.12.0").notes;
  const UpgradeNote& check = NoteWithSql(notes, "SELECT MAX(q.v)");
  // The alias sits on the outer select (SQLite rejects it inside the scalar subquery).
  EXPECT_NE(check.sql_sqlite.find(") AS v FROM rooms WHERE rooms.room_version IS NULL"),
            std::string::npos);
  EXPECT_EQ(check.sql_sqlite.find("ej.json AS v"), std::string::npos);
  EXPECT_NE(check.text.find("schema 57"), std::string::npos);

  const UpgradeNote& create = NoteWithSql(notes, "CREATE INDEX tmp_upgrade_1_12_0_index");
  EXPECT_EQ(create.sql_sqlite.find("CONCURRENTLY"), std::string::npos);
  EXPECT_NE(create.sql_postgres.find("CREATE INDEX CONCURRENTLY tmp_upgrade_1_12_0_index"),
            std::string::npos);
  EXPECT_NE(create.sql_postgres.find("ON state_events(room_id) WHERE type = 'm.room.create'"),
            std::string::npos);

  const UpgradeNote& drop = NoteWithSql(notes, "DROP INDEX IF EXISTS tmp_upgrade_1_12_0_index");
  EXPECT_EQ(TrimNewlines(drop.sql_sqlite), "DROP INDEX IF EXISTS tmp_upgrade_1_12_0_index;");
  EXPECT_EQ(TrimNewlines(drop.sql_postgres), "DROP INDEX IF EXISTS tmp_upgrade_1_12_0_index;");
}

TEST(CatalogueTest, RollbackNotesGiveTheDocumentedSteps) {
  const auto& from_1_13 = Get("1.13.0").rollback;
  ASSERT_EQ(from_1_13.size(), 1u);
  EXPECT_EQ(TrimNewlines(from_1_13[0].sql_sqlite), "UPDATE schema_version SET version = 57;");
  EXPECT_EQ(TrimNewlines(from_1_13[0].sql_postgres), "UPDATE schema_version SET version = 57;");

  const auto& from_1_4 = Get("1.4.0").rollback;
  ASSERT_EQ(from_1_4.size(), 1u);
  EXPECT_NE(from_1_4[0].text.find("enabled: false"), std::string::npos);

  // Only those two releases document a rollback.
  for (const Release& r : Catalogue::Builtin().releases()) {
    if (r.name != "1.13.0" && r.name != "1.4.0") {
      EXPECT_TRUE(r.rollback.empty()) << r.name;
    }
  }
}

TEST(CatalogueTest, EveryUpgradeNotesSectionThatAppliesIsCatalogued) {
  // release -> a phrase its notes must carry (one per section of the Synapse notes)
  const std::vector<std::pair<std::string, std::string>> sections = {
      {"1.0.0", "federation_verify_certificates"},
      {"1.0.0", "trust_identity_server_for_password_resets"},
      {"1.0.0", "password_reset_failure.html"},
      {"1.1.0", "9.5"},
      {"1.2.0", "_total"},
      {"1.4.0", "add_threepid_failure.html"},
      {"1.4.0", "account_threepid_delegates.msisdn"},
      {"1.5.0", "devices"},
      {"1.7.0", "allow_public_rooms_over_federation"},
      {"1.8.0", "log_config"},
      {"1.10.0", "LC_COLLATE"},
      {"1.12.0", "tmp_upgrade_1_12_0_index"},
      {"1.13.0", "sso_account_deactivated.html"},
      {"1.14.0", "couple of minutes"},
  };
  for (const auto& [release, phrase] : sections) {
    std::string all;
    for (const UpgradeNote& note : Get(release).notes) {
      all += note.title + "\n" + note.text + "\n" + note.sql_sqlite + "\n" + note.sql_postgres;
    }
    EXPECT_NE(all.find(phrase), std::string::npos) << release << ": " << phrase;
  }
}

TEST(ReleaseVersionTest, ParsesAndOrdersNumerically) {
  auto v = [](const std::string& text) { return ReleaseVersion::Parse(text).value(); };
  EXPECT_LT(v("1.4.1"), v("1.12.4"));
  EXPECT_LT(v("1.2.1"), v("1.3.0"));
  EXPECT_EQ(v("1.12.4").ToString(), "1.12.4");
  EXPECT_EQ(v("1.12.4").parts, (std::vector<int>{1, 12, 4}));
  for (const std::string bad : {"", "1", "1..2", "1.2.", "v1.2.3", "1.2.3rc1", "1.-2"}) {
    EXPECT_FALSE(ReleaseVersion::Parse(bad).has_value()) << bad;
  }
}

// Every release runs the always-on checks after its own, once each, so the server and the
// console's Config lint (both run StartupChecks) refuse the same configs whatever the release.
TEST(CatalogueTest, EveryReleaseRunsTheAlwaysOnChecks) {
  const Catalogue& catalogue = Catalogue::Builtin();
  EXPECT_EQ(catalogue.always_on_checks(),
            (std::vector<std::string>{"legacy_keys", "unknown_keys", "appservice_registrations",
                                      "sqlite_not_recommended"}));
  for (const Release& r : catalogue.releases()) {
    std::vector<std::string> expected = r.startup_checks;
    expected.insert(expected.end(), catalogue.always_on_checks().begin(),
                    catalogue.always_on_checks().end());
    EXPECT_EQ(catalogue.StartupChecks(r), expected) << r.name;
  }
}

// The matrix finds the 1.13.0 room-directory repair by its id, with SQL for both engines.
TEST(CatalogueTest, FindsTheStatsRepairNoteById) {
  const Catalogue& catalogue = Catalogue::Builtin();
  const UpgradeNote* note = catalogue.FindNote(kStatsRepairNote);
  ASSERT_NE(note, nullptr);
  EXPECT_TRUE(note->manual_step);
  const auto& notes = Get("1.13.0").notes;
  EXPECT_TRUE(
      std::any_of(notes.begin(), notes.end(), [&](const UpgradeNote& n) { return &n == note; }));
  for (const std::string* sql : {&note->sql_sqlite, &note->sql_postgres}) {
    EXPECT_NE(
        sql->find("('populate_stats_process_rooms', '{}', 'current_state_events_membership')"),
        std::string::npos)
        << *sql;
    EXPECT_NE(sql->find("('populate_stats_process_users', '{}', 'populate_stats_process_rooms')"),
              std::string::npos)
        << *sql;
  }
  EXPECT_EQ(catalogue.FindNote("no_such_note"), nullptr);
  EXPECT_EQ(catalogue.FindNote(""), nullptr);
}

}  // namespace
}  // namespace strata::schema
