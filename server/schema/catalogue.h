// The release catalogue: Strata's one source of truth for Synapse's release history.
//
// The data lives in catalogue.yaml (releases, their schema versions, behaviour switches, config
// defaults, start-up checks and upgrade notes) beside the SQL it names (full_schemas/<N>/,
// delta/<N>/), all compiled into the binary (the CMake globs pick new files up). The server,
// the upgrade-matrix, the console and the tests read releases only through this header: none
// keeps its own list, and "the current release" is newest().
//
// Adding release 1.19 touches exactly:
//   1. its entry at the end of `releases` in catalogue.yaml (schema version, switches, config
//      defaults, its own startup_checks, notes, rollback);
//   2. its deltas: new files under delta/<N>/ listed under `deltas` with `since: "1.19.0"`,
//      and delta/<file>@1.19.0 plus a `revisions` entry for a file it edits;
//   3. its fixtures: the upgrade-matrix's every-release path takes its releases from here, so
//      fixtures/matrix/every-release/*.json gain the 1.19.0 step (regenerate them with
//      strata-matrix --update-fixtures and review the diff), and any new path in
//      fixtures/matrix/paths.yaml that names 1.19.0 brings its own fixture folder.
// Unless 1.19 brings behaviour Strata lacks (a new switch, a native delta), no C++ changes: the
// server acts as the newest release by default, start-up checks and the console's Config lint
// follow StartupChecks(), and tests ask for newest().
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "storage/database.h"
#include "util/status.h"

namespace strata::schema {

// A dotted release number ("1.12.4") that orders numerically.
struct ReleaseVersion {
  std::vector<int> parts;
  static std::optional<ReleaseVersion> Parse(const std::string& text);
  std::string ToString() const;
  auto operator<=>(const ReleaseVersion&) const = default;
};

// How the background updater picks work (facts §3.3).
enum class BackgroundRunner {
  kRoundRobin,  // <= 1.12.x: every eligible update, one batch each in turn
  kOneAtATime,  // >= 1.13.0: first eligible by (ordering, update_name), run until done
};

// Where /publicRooms reads from (facts §4.4).
enum class RoomDirectorySource {
  kCurrentState,  // <= 1.4.x: public_room_list_stream + current state, entries carry aliases
  kStatsTables,   // >= 1.5.0: room_stats_state x room_stats_current, joined_members > 0
};

// Which statistics engine the release runs (facts §6, "1.4.0 stats rework").
enum class StatsEngine {
  kLegacy,     // 1.0-1.3.x: room_stats/room_state/user_stats time buckets
  kSeparated,  // >= 1.4.0: *_stats_current, *_stats_historical, room_stats_state
};

// A piece of upgrade advice in Strata's words, with SQL per engine where there is any.
struct UpgradeNote {
  std::string id;  // empty, or a name unique in the catalogue that code finds it by (FindNote)
  std::string title;
  std::string text;
  std::string sql_sqlite;    // empty if none; the form that works on SQLite
  std::string sql_postgres;  // empty if none
  bool manual_step = false;  // true: do this before starting the release
};

// The id of the 1.13.0 note that repairs a room directory damaged by an old upgrade (its two
// INSERTs queue populate_stats_process_rooms and _users); the upgrade-matrix runs its SQL.
inline constexpr char kStatsRepairNote[] = "stats_repair";

struct Release {
  ReleaseVersion version;
  std::string name;        // "1.12.4"
  int schema_version = 0;  // SCHEMA_VERSION
  int full_schema = 0;     // the full_schemas/<N> a new database starts from
  BackgroundRunner runner = BackgroundRunner::kRoundRobin;
  RoomDirectorySource directory = RoomDirectorySource::kCurrentState;
  StatsEngine stats = StatsEngine::kLegacy;
  // Config keys whose default this release sets (e.g. allow_public_rooms_without_auth: false).
  std::map<std::string, std::string> config_defaults;
  // Start-up checks that describe this release's behaviour, by name (e.g. "log_file_fatal").
  // What a server acting as this release runs is Catalogue::StartupChecks(release): these plus
  // the catalogue's always-on checks.
  std::vector<std::string> startup_checks;
  std::vector<UpgradeNote> notes;     // "Upgrading to <this release>"
  std::vector<UpgradeNote> rollback;  // how to roll back from this release to the previous one
};

// One schema file as a given release shipped it.
struct Delta {
  int version = 0;            // the delta folder: 56 for "56/stats_separated.sql"
  std::string file;           // recorded name: "56/stats_separated.sql"
  std::string engine;         // "" for both, else "sqlite" or "postgres" (from the suffix)
  bool native = false;        // a Synapse .py delta, implemented in C++ (native_deltas.h)
  std::string sql;            // the content this release ships (empty when native)
  std::string introduced_in;  // the release that first shipped the file
  std::string revised_in;     // the release whose content this is, if the file was edited later
};

class Catalogue {
 public:
  // The catalogue compiled into this binary. Aborts with a clear message if the embedded data
  // is inconsistent (that is a build error, caught by the tests).
  static const Catalogue& Builtin();
  // Parses a catalogue from YAML text and a file lookup (for tests of the format itself).
  static Result<Catalogue> Load(const std::string& yaml_text,
                                const std::map<std::string, std::string>& files);

  const std::vector<Release>& releases() const { return releases_; }
  // The newest catalogued release: what tests and defaults mean by "the current release".
  const Release& newest() const { return releases_.back(); }
  // nullptr if the name is not a catalogued release.
  const Release* Find(const std::string& name) const;
  // Every start-up check a server acting as `release` runs, by name: the release's own
  // startup_checks, then the catalogue's always_on_checks (legacy_keys, unknown_keys,
  // appservice_registrations, sqlite_not_recommended: configs and databases no release could
  // use). The server at start-up and the console's Config lint both run exactly this list.
  std::vector<std::string> StartupChecks(const Release& release) const;
  const std::vector<std::string>& always_on_checks() const { return always_on_checks_; }
  // The upgrade or rollback note with this `id:` in catalogue.yaml; nullptr if none.
  const UpgradeNote* FindNote(const std::string& id) const;

  // The newest release whose SCHEMA_VERSION is `schema_version`.
  const Release* NewestWithSchema(int schema_version) const;

  // The delta files of folder `version` as `release` shipped them, sorted by file name, for
  // `engine` (files for the other engine left out).
  std::vector<Delta> DeltasFor(const Release& release, int version, storage::Engine engine) const;
  // The full-schema files of full_schemas/<N> for `engine`, in name order, as SQL text.
  std::vector<std::pair<std::string, std::string>> FullSchema(int n, storage::Engine engine) const;

 private:
  struct DeltaEntry {
    int version = 0;
    std::string file;
    std::string engine;
    bool native = false;
    ReleaseVersion since;
    std::optional<ReleaseVersion> removed_in;
    // (release, content) pairs, oldest first; the first is the original.
    std::vector<std::pair<ReleaseVersion, std::string>> contents;
  };
  std::vector<Release> releases_;
  std::vector<std::string> always_on_checks_;
  std::vector<DeltaEntry> deltas_;
  std::map<std::string, std::string> files_;  // embedded path -> content
};

}  // namespace strata::schema
