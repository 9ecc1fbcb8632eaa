// Migration benchmarks on generated databases "as Synapse 1.2.1 left them" (schema 55 with its
// background updates done), at several sizes, on SQLite and PostgreSQL:
//   - the 1.12 fill (57/rooms_version_column_3) run by Strata's prepare-database, without and
//     with the notes' tmp_upgrade_1_12_0_index, against the floor: the same file run alone by
//     sqlite3 / psql on an identical copy;
//   - the full straight upgrade 1.2.1 -> 1.18.0 with every background update run to completion
//     at full speed (Strata's --upgrade-only --run-background-updates, in process), with rows a
//     second per update and the count of batches the polite mode would pace.
// Prints "FIGURE {json}" lines (bench_support.h).
//
//   strata-bench-migrate --work DIR --source DIR [--sizes 1000,10000,50000]
//                        [--unindexed-max N] [--pg CONNINFO] [--keep DIR]
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/offline_upgrade.h"
#include "background/updater.h"
#include "bench_support.h"
#include "schema/catalogue.h"
#include "schema/prepare_database.h"
#include "storage/database.h"

namespace strata::bench {
namespace {

namespace fs = std::filesystem;
using storage::Engine;

struct Options {
  std::string work;
  std::string source;  // the repository, for the delta files the floor runs
  std::vector<int> sizes = {1000, 10000, 50000};
  int unindexed_max = 10000;  // the unindexed fill grows with rooms x state rows: cap it
  std::string pg;
  std::string keep;  // a folder to keep the middle size's SQLite database in (for the matrix)
};

constexpr int kEventsPerRoom = 10;

// Where one database of the run lives, on either engine.
class Db {
 public:
  Db(const Options& o, Engine engine, std::string name) : o_(o), engine_(engine), name_(name) {
    if (engine == Engine::kSqlite) location_ = o.work + "/" + name + ".db";
  }
  Engine engine() const { return engine_; }
  const std::string& name() const { return name_; }

  std::unique_ptr<storage::Connection> Open() const {
    auto c = engine_ == Engine::kSqlite ? storage::OpenSqlite(location_)
                                        : storage::OpenPostgres(Conninfo());
    if (!c.ok()) throw std::runtime_error(c.status().message());
    return std::move(*c);
  }
  std::string Conninfo() const { return o_.pg + " dbname=" + name_; }
  const std::string& location() const { return location_; }  // SQLite only

  void Drop() const {
    if (engine_ == Engine::kSqlite) {
      fs::remove(location_);
      fs::remove(location_ + "-journal");
      fs::remove(location_ + "-wal");
    } else {
      Admin()->Execute("DROP DATABASE IF EXISTS " + name_);
    }
  }
  void CreateEmpty() const {
    Drop();
    if (engine_ == Engine::kPostgres) {
      Admin()->Execute("CREATE DATABASE " + name_ +
                       " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'");
    }
  }
  // An identical copy (file copy / CREATE DATABASE ... TEMPLATE); no connection may be open.
  Db CopyTo(const std::string& name) const {
    Db copy(o_, engine_, name);
    copy.Drop();
    if (engine_ == Engine::kSqlite) {
      fs::copy_file(location_, copy.location_, fs::copy_options::overwrite_existing);
    } else {
      Admin()->Execute("CREATE DATABASE " + name + " TEMPLATE " + name_);
    }
    return copy;
  }
  // Runs a SQL file with the engine's own command-line client; the wall time in seconds.
  double RunFileWithClient(const std::string& file) const {
    std::string cmd =
        engine_ == Engine::kSqlite
            ? "sqlite3 " + QuoteShell(location_) + " < " + QuoteShell(file)
            : "psql -q -v ON_ERROR_STOP=1 " + QuoteShell(Conninfo()) + " -f " + QuoteShell(file);
    auto t = Clock::now();
    auto r = Shell(cmd + " 2>&1");
    double s = SecondsSince(t);
    if (r.status != 0) throw std::runtime_error(cmd + ": " + r.out);
    return s;
  }

 private:
  std::unique_ptr<storage::Connection> Admin() const {
    auto c = storage::OpenPostgres(o_.pg);
    if (!c.ok()) throw std::runtime_error(c.status().message());
    return std::move(*c);
  }

  const Options& o_;
  Engine engine_;
  std::string name_;
  std::string location_;
};

std::string EngineName(Engine e) {
  return e == Engine::kSqlite ? "sqlite" : "postgres";
}

const schema::Release& ReleaseNamed(const std::string& name) {
  const auto* r = schema::Catalogue::Builtin().Find(name);
  if (!r) throw std::runtime_error("no release " + name);
  return *r;
}

void Prepare(storage::Connection& conn, const std::string& release) {
  auto p = schema::PrepareDatabase(conn, schema::Catalogue::Builtin(), ReleaseNamed(release));
  if (!p.ok()) throw std::runtime_error(release + ": " + p.status().message());
}

// The rows of a server that ran 1.2.1: `rooms` rooms of 10 events each (create, the creator's
// join, power levels, join rules, history visibility, name, a second local member, a remote
// member, two messages), one state group per room, 1 user per 2 rooms. Create events alternate
// room versions 1 (no room_version key), 4 and 5. Built set-based from one generated table.
std::string PopulateSql(Engine engine, int rooms) {
  const std::string users = std::to_string(std::max(10, rooms / 2));
  std::string numbers =
      engine == Engine::kSqlite
          ? "WITH RECURSIVE n(r) AS (SELECT 0 UNION ALL SELECT r + 1 FROM n WHERE r < " +
                std::to_string(rooms - 1) + ") SELECT r FROM n"
          : "SELECT generate_series(0, " + std::to_string(rooms - 1) + ") AS r";
  std::ostringstream s;
  s << "CREATE TEMP TABLE gen_rooms AS " << numbers << ";\n";
  s << "CREATE TEMP TABLE gen_k (k INTEGER);\n"
       "INSERT INTO gen_k VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9);\n";
  // One row per event, with everything the tables below need.
  s << "CREATE TEMP TABLE gen AS SELECT r, k, "
       "'$e' || r || '_' || k || ':bench.local' AS event_id, "
       "'!room' || r || ':bench.local' AS room_id, "
       "'@u' || (r % "
    << users
    << ") || ':bench.local' AS creator, "
       "CASE k WHEN 0 THEN 'm.room.create' WHEN 1 THEN 'm.room.member' "
       "WHEN 2 THEN 'm.room.power_levels' WHEN 3 THEN 'm.room.join_rules' "
       "WHEN 4 THEN 'm.room.history_visibility' WHEN 5 THEN 'm.room.name' "
       "WHEN 6 THEN 'm.room.member' WHEN 7 THEN 'm.room.member' ELSE 'm.room.message' END AS type, "
       "CASE WHEN k IN (1) THEN '@u' || (r % "
    << users
    << ") || ':bench.local' "
       "WHEN k = 6 THEN '@u' || ((r + 1) % "
    << users
    << ") || ':bench.local' "
       "WHEN k = 7 THEN '@remote' || r || ':remote.example' "
       "WHEN k >= 8 THEN NULL ELSE '' END AS state_key, "
       "CASE WHEN k = 6 OR k = 9 THEN '@u' || ((r + 1) % "
    << users
    << ") || ':bench.local' "
       "WHEN k = 7 THEN '@remote' || r || ':remote.example' "
       "ELSE '@u' || (r % "
    << users
    << ") || ':bench.local' END AS sender, "
       "CASE k WHEN 0 THEN '{\"creator\":\"@u' || (r % "
    << users
    << ") || ':bench.local\"' || "
       "CASE r % 3 WHEN 0 THEN '' WHEN 1 THEN ',\"room_version\":\"4\"' "
       "ELSE ',\"room_version\":\"5\"' END || '}' "
       "WHEN 1 THEN '{\"membership\":\"join\",\"displayname\":\"User\"}' "
       "WHEN 6 THEN '{\"membership\":\"join\",\"displayname\":\"User\"}' "
       "WHEN 7 THEN '{\"membership\":\"join\",\"displayname\":\"Remote\"}' "
       "WHEN 2 THEN '{\"ban\":50,\"events_default\":0,\"invite\":0,\"kick\":50,\"redact\":50,"
       "\"state_default\":50,\"users\":{\"@u' || (r % "
    << users
    << ") || ':bench.local\":100},"
       "\"users_default\":0}' "
       "WHEN 3 THEN '{\"join_rule\":\"' || CASE WHEN r % 2 = 0 THEN 'public' ELSE 'invite' END || "
       "'\"}' "
       "WHEN 4 THEN '{\"history_visibility\":\"shared\"}' "
       "WHEN 5 THEN '{\"name\":\"Room ' || r || '\"}' "
       "ELSE '{\"body\":\"message ' || k || ' in room ' || r || '\",\"msgtype\":\"m.text\"}' "
       "END AS content "
       "FROM gen_rooms, gen_k;\n";
  const std::string ts = "(1580000000000 + r * 1000 + k)";
  s << "INSERT INTO events (stream_ordering, topological_ordering, event_id, type, room_id, "
       "content, processed, outlier, depth, origin_server_ts, received_ts, sender, contains_url) "
       "SELECT r * 10 + k + 1, k + 1, event_id, type, room_id, content, TRUE, FALSE, k + 1, "
    << ts << ", " << ts << ", sender, FALSE FROM gen;\n";
  s << "INSERT INTO event_json (event_id, room_id, internal_metadata, json, format_version) "
       "SELECT event_id, room_id, '{}', '{\"auth_events\":[],\"content\":' || content || "
       "',\"depth\":' || (k + 1) || ',\"event_id\":\"' || event_id || '\",\"hashes\":{},"
       "\"origin\":\"bench.local\",\"origin_server_ts\":' || "
    << ts
    << " || ',\"prev_events\":[],\"room_id\":\"' || room_id || '\",\"sender\":\"' || sender || "
       "'\",\"signatures\":{}' || CASE WHEN state_key IS NULL THEN '' ELSE "
       "',\"state_key\":\"' || state_key || '\"' END || ',\"type\":\"' || type || '\"}', 1 "
       "FROM gen;\n";
  s << "INSERT INTO state_events (event_id, room_id, type, state_key) "
       "SELECT event_id, room_id, type, state_key FROM gen WHERE state_key IS NOT NULL;\n";
  s << "INSERT INTO current_state_events (event_id, room_id, type, state_key) "
       "SELECT event_id, room_id, type, state_key FROM gen WHERE state_key IS NOT NULL;\n";
  s << "INSERT INTO room_memberships (event_id, user_id, sender, room_id, membership, "
       "display_name) SELECT event_id, state_key, sender, room_id, 'join', "
       "CASE WHEN k = 7 THEN 'Remote' ELSE 'User' END FROM gen WHERE type = 'm.room.member';\n";
  s << "INSERT INTO event_edges (event_id, prev_event_id, room_id, is_state) "
       "SELECT event_id, '$e' || r || '_' || (k - 1) || ':bench.local', room_id, FALSE "
       "FROM gen WHERE k > 0;\n";
  s << "INSERT INTO event_forward_extremities (event_id, room_id) "
       "SELECT event_id, room_id FROM gen WHERE k = 9;\n";
  s << "INSERT INTO state_groups (id, room_id, event_id) "
       "SELECT r + 1, room_id, event_id FROM gen WHERE k = 7;\n";
  s << "INSERT INTO state_groups_state (state_group, room_id, type, state_key, event_id) "
       "SELECT r + 1, room_id, type, state_key, event_id FROM gen WHERE state_key IS NOT NULL;\n";
  s << "INSERT INTO event_to_state_groups (event_id, state_group) "
       "SELECT event_id, r + 1 FROM gen;\n";
  s << "INSERT INTO room_depth (room_id, min_depth) SELECT room_id, 1 FROM gen WHERE k = 0;\n";
  s << "INSERT INTO rooms (room_id, is_public, creator) "
       "SELECT room_id, r % 2 = 0, creator FROM gen WHERE k = 0;\n";
  s << "INSERT INTO users (name, password_hash, creation_ts, admin, is_guest) "
       "SELECT '@u' || r || ':bench.local', "
       "'$2b$12$abcdefghijklmnopqrstuu5gB2/ZpHcSsBSRNQvfeAaTkbiV6Zri', 1580000000, 0, 0 "
       "FROM gen_rooms WHERE r < "
    << users << ";\n";
  s << "INSERT INTO profiles (user_id, displayname) "
       "SELECT 'u' || r, 'User ' || r FROM gen_rooms WHERE r < "
    << users << ";\n";
  // 1.2.1 had finished its own background updates.
  s << "DELETE FROM background_updates;\n";
  s << "DROP TABLE gen; DROP TABLE gen_k; DROP TABLE gen_rooms;\n";
  return s.str();
}

// A database as 1.2.1 left it, with `rooms` rooms; returns the seconds generation took.
double Generate(const Db& db, int rooms) {
  db.CreateEmpty();
  auto conn = db.Open();
  auto t = Clock::now();
  Prepare(*conn, "1.2.1");
  storage::Transaction tx(*conn);
  conn->ExecuteScript(PopulateSql(db.engine(), rooms));
  tx.Commit();
  if (db.engine() == Engine::kPostgres) conn->ExecuteScript("ANALYZE");
  return SecondsSince(t);
}

// GROUP BY room_version of the filled rooms: what both runs of a fill must agree on.
std::string VersionDigest(storage::Connection& conn) {
  std::string out;
  for (const auto& row : conn.Query(
           "SELECT COALESCE(room_version, 'NULL'), COUNT(*) FROM rooms GROUP BY room_version "
           "ORDER BY 1")) {
    out += row.Text(0) + "=" + row.Text(1) + " ";
  }
  return out;
}

// What the stats updates produced, for comparing Strata's run with the floor's.
std::string StatsDigest(storage::Connection& conn) {
  auto rows = conn.Query(
      "SELECT (SELECT COUNT(*) FROM room_stats_current), (SELECT SUM(joined_members) FROM "
      "room_stats_current), (SELECT SUM(local_users_in_room) FROM room_stats_current), "
      "(SELECT COUNT(*) FROM room_stats_state WHERE name IS NOT NULL), (SELECT "
      "SUM(joined_rooms) FROM user_stats_current), (SELECT COUNT(*) FROM current_state_events "
      "WHERE membership IS NULL)");
  std::string out;
  for (size_t i = 0; i < rows[0].size(); ++i) out += rows[0].Text(i) + "/";
  return out;
}

std::string Fmt(double v, int digits = 3) {
  std::ostringstream s;
  s.precision(digits);
  s << v;
  return s.str();
}

void FillBenchmarks(const Options& o, const Db& base, int rooms, std::vector<double>* sizes_out) {
  (void)sizes_out;
  const std::string e = EngineName(base.engine());
  const std::string delta_file =
      o.source + "/server/schema/delta/57/rooms_version_column_3.sql." + e;
  // The state #6924 left: schema 57 as 1.11 made it, with room versions missing (every room:
  // the worst case the 1.12 fill exists for).
  Db pre = base.CopyTo("bench_pre112_" + e);
  {
    auto conn = pre.Open();
    Prepare(*conn, "1.11.0");
    conn->Execute("UPDATE rooms SET room_version = NULL");
  }
  for (bool indexed : {false, true}) {
    if (!indexed && rooms > o.unindexed_max) continue;
    Db tmpl = pre.CopyTo("bench_fill_tmpl_" + e);
    double index_s = 0;
    if (indexed) {
      auto conn = tmpl.Open();
      auto t = Clock::now();
      conn->Execute(
          "CREATE INDEX tmp_upgrade_1_12_0_index ON state_events(room_id) "
          "WHERE type = 'm.room.create'");
      index_s = SecondsSince(t);
      if (base.engine() == Engine::kPostgres) conn->Execute("ANALYZE state_events");
    }
    Db strata_copy = tmpl.CopyTo("bench_fill_strata_" + e);
    Db floor_copy = tmpl.CopyTo("bench_fill_floor_" + e);
    double strata_s = 0;
    std::string strata_digest;
    {
      auto conn = strata_copy.Open();
      auto t = Clock::now();
      auto p = schema::PrepareDatabase(*conn, schema::Catalogue::Builtin(), ReleaseNamed("1.12.0"));
      strata_s = SecondsSince(t);
      if (!p.ok()) throw std::runtime_error("1.12.0: " + p.status().message());
      if (p->applied.size() != 1) {
        throw std::runtime_error("1.12.0 applied " + std::to_string(p->applied.size()) +
                                 " files, expected only the fill");
      }
      strata_digest = VersionDigest(*conn);
    }
    double floor_s = floor_copy.RunFileWithClient(delta_file);
    std::string floor_digest = VersionDigest(*floor_copy.Open());
    if (strata_digest != floor_digest || strata_digest.find("NULL") != std::string::npos) {
      throw std::runtime_error("fill results differ: strata " + strata_digest + "/ floor " +
                               floor_digest);
    }
    Emit({"1.12 fill " + std::string(indexed ? "with" : "without") + " tmp_upgrade_1_12_0_index, " +
              std::to_string(rooms) + " rooms (" + e + ")",
          strata_s * 1000, "ms", floor_s * 1000,
          std::string(e == "sqlite" ? "sqlite3" : "psql") + " running the same file on a copy",
          "<= 1.5x baseline",
          std::to_string(rooms * 8) + " state rows" +
              (indexed ? "; index built in " + Fmt(index_s * 1000) + " ms" : std::string())});
    strata_copy.Drop();
    floor_copy.Drop();
    tmpl.Drop();
  }
  pre.Drop();
}

void FullUpgrade(const Options& o, const Db& base, int rooms) {
  const std::string e = EngineName(base.engine());
  Db copy = base.CopyTo("bench_full_" + e);
  auto conn = copy.Open();
  app::OfflineUpgradeOptions opts;
  opts.run_background_updates = true;
  opts.settings.server_name = "bench.local";
  struct PerUpdate {
    int64_t items = 0;
    int64_t batches = 0;
    double seconds = 0;
  };
  std::map<std::string, PerUpdate> per;
  int64_t batches = 0;
  // The hook runs before each batch commits, when its duration is not yet known: a batch is
  // charged the time since the previous hook (so with the previous batch's commit).
  Clock::time_point last;
  opts.prepare_updater = [&](background::BackgroundUpdater& u) {
    last = Clock::now();
    u.SetBeforeCommitHook([&](const background::BatchRecord& b) {
      auto now = Clock::now();
      auto& p = per[b.update];
      p.items += b.items;
      p.batches += 1;
      p.seconds += std::chrono::duration<double>(now - last).count();
      last = now;
      ++batches;
    });
  };
  std::ostringstream out, err;
  auto t = Clock::now();
  int rc = app::RunOfflineUpgrade(*conn, schema::Catalogue::Builtin(), ReleaseNamed("1.18.0"), opts,
                                  out, err);
  double total = SecondsSince(t);
  if (rc != 0) throw std::runtime_error("full upgrade failed: " + err.str() + out.str());
  double update_s = 0;
  for (const auto& [name, p] : per) update_s += p.seconds;
  const std::string strata_digest = StatsDigest(*conn);
  conn.reset();
  copy.Drop();

  // The floor: the schema part (the delta files themselves, already set-based SQL) then every
  // update as one set-based statement (bench/floor/), run by the engine's own client.
  Db floor = base.CopyTo("bench_fullfloor_" + e);
  double schema_s = 0;
  std::string pending;
  {
    auto fconn = floor.Open();
    auto ts = Clock::now();
    Prepare(*fconn, "1.18.0");
    schema_s = SecondsSince(ts);
    for (const auto& row :
         fconn->Query("SELECT update_name FROM background_updates ORDER BY update_name")) {
      pending += (pending.empty() ? "" : ",") + row.Text(0);
    }
  }
  double updates_floor_s =
      floor.RunFileWithClient(o.source + "/bench/floor/full_upgrade_updates.sql." + e);
  const std::string floor_digest = StatsDigest(*floor.Open());
  floor.Drop();
  std::cerr << "full upgrade " << e << " " << rooms << ": pending after schema: " << pending
            << "\n";
  Emit({"full upgrade 1.2.1 -> 1.18.0 + background updates, " + std::to_string(rooms) + " rooms (" +
            e + ")",
        total * 1000, "ms", (schema_s + updates_floor_s) * 1000,
        "schema deltas + one set-based statement per update (bench/floor/)", "<= 2x baseline",
        std::to_string(batches) + " batches, " + Fmt(update_s * 1000) + " ms in updates vs " +
            Fmt(updates_floor_s * 1000) + " ms set-based; schema " + Fmt(schema_s * 1000) +
            " ms; polite mode (100 ms a second) would take >= " +
            Fmt(static_cast<double>(batches) * 1.1) + " s" +
            (strata_digest == floor_digest
                 ? "; same stats as the floor"
                 : "; STATS DIFFER: strata " + strata_digest + " floor " + floor_digest)});
  for (const auto& [name, p] : per) {
    if (p.items == 0) continue;
    const std::string figure =
        "  update " + name + ", " + std::to_string(rooms) + " rooms (" + e + ")";
    if (p.items == 1) {  // one item: an index build or a one-statement update; its time says more
      Emit({figure, p.seconds * 1000, "ms", 0, "", "", "one batch"});
      continue;
    }
    Emit({figure, static_cast<double>(p.items) / p.seconds, "rows/s", 0, "", "",
          std::to_string(p.items) + " items in " + std::to_string(p.batches) + " batches, " +
              Fmt(p.seconds * 1000) + " ms"});
  }
}

void Run(const Options& o) {
  fs::create_directories(o.work);
  std::vector<Engine> engines = {Engine::kSqlite};
  if (!o.pg.empty()) engines.push_back(Engine::kPostgres);
  for (Engine engine : engines) {
    const std::string e = EngineName(engine);
    for (int rooms : o.sizes) {
      Db base(o, engine, "bench_base_" + e);
      double gen_s = Generate(base, rooms);
      std::cerr << "generated " << rooms << " rooms on " << e << " in " << Fmt(gen_s) << " s\n";
      if (!o.keep.empty() && engine == Engine::kSqlite && rooms == o.sizes[o.sizes.size() / 2]) {
        fs::create_directories(o.keep);
        fs::copy_file(base.location(), o.keep + "/generated-" + std::to_string(rooms) + "-rooms.db",
                      fs::copy_options::overwrite_existing);
      }
      FillBenchmarks(o, base, rooms, nullptr);
      FullUpgrade(o, base, rooms);
      base.Drop();
    }
  }
}

std::vector<int> ParseSizes(const std::string& text) {
  std::vector<int> out;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, ',')) out.push_back(std::stoi(part));
  return out;
}

}  // namespace
}  // namespace strata::bench

int main(int argc, char** argv) {
  strata::bench::Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--work") {
      o.work = v;
    } else if (k == "--source") {
      o.source = v;
    } else if (k == "--sizes") {
      o.sizes = strata::bench::ParseSizes(v);
    } else if (k == "--unindexed-max") {
      o.unindexed_max = std::stoi(v);
    } else if (k == "--keep") {
      o.keep = v;
    } else if (k == "--pg") {
      o.pg = v;
    } else {
      std::cerr << "unknown option " << k << "\n";
      return 2;
    }
  }
  if (o.work.empty() || o.source.empty()) {
    std::cerr << "usage: strata-bench-migrate --work DIR --source DIR [--sizes A,B,C] "
                 "[--unindexed-max N] [--pg CONNINFO]\n";
    return 2;
  }
  try {
    strata::bench::Run(o);
  } catch (const std::exception& e) {
    std::cerr << "strata-bench-migrate: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
