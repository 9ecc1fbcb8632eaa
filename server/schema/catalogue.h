// The release catalogue: Strata's one source of truth for Synapse's release history.
//
// The data lives in catalogue.yaml (releases, their schema versions, behaviour switches, config
// defaults and upgrade notes) beside the SQL it names (full_schemas/<N>/, delta/<N>/), all
// compiled into the binary. The server, the upgrade-matrix and the console read it through this
// header; adding release 1.19 means adding an entry and its delta files, nothing else.
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
  kRoundRobin,   // <= 1.12.x: every eligible update, one batch each in turn
  kOneAtATime,   // >= 1.13.0: first eligible by (ordering, update_name), run until done
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
  std::string title;
  std::string text;
  std::string sql_sqlite;    // empty if none; the form that works on SQLite
  std::string sql_postgres;  // empty if none
  bool manual_step = false;  // true: do this before starting the release
};

struct Release {
  ReleaseVersion version;
  std::string name;          // "1.12.4"
  int schema_version = 0;    // SCHEMA_VERSION
  int full_schema = 0;       // the full_schemas/<N> a new database starts from
  BackgroundRunner runner = BackgroundRunner::kRoundRobin;
  RoomDirectorySource directory = RoomDirectorySource::kCurrentState;
  StatsEngine stats = StatsEngine::kLegacy;
  // Config keys whose default this release sets (e.g. allow_public_rooms_without_auth: false).
  std::map<std::string, std::string> config_defaults;
  // Start-up checks this release performs, by name (e.g. "log_file_fatal").
  std::vector<std::string> startup_checks;
  std::vector<UpgradeNote> notes;     // "Upgrading to <this release>"
  std::vector<UpgradeNote> rollback;  // how to roll back from this release to the previous one
};

// One schema file as a given release shipped it.
struct Delta {
  int version = 0;           // the delta folder: 56 for "56/stats_separated.sql"
  std::string file;          // recorded name: "56/stats_separated.sql"
  std::string engine;        // "" for both, else "sqlite" or "postgres" (from the suffix)
  bool native = false;       // a Synapse .py delta, implemented in C++ (native_deltas.h)
  std::string sql;           // the content this release ships (empty when native)
  std::string introduced_in; // the release that first shipped the file
  std::string revised_in;    // the release whose content this is, if the file was edited later
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
  const Release& newest() const { return releases_.back(); }
  // nullptr if the name is not a catalogued release.
  const Release* Find(const std::string& name) const;
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
  std::vector<DeltaEntry> deltas_;
  std::map<std::string, std::string> files_;  // embedded path -> content
};

}  // namespace strata::schema
