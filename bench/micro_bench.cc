// Micro-benchmarks of what sits on Strata's hot paths, each paired with a floor measured in the
// same run: `BM_X` is Strata's code, `BM_X_Floor` the least work that could produce the same
// answer (a plain JSON dump, the raw SHA-256 + ed25519 calls, a prepared sqlite3 statement, the
// same event sent with statistics switched off). bench/run prints their ratio.
//
// Storage-backed benchmarks use a real SQLite file prepared as Synapse 1.18.0, through the same
// handlers the HTTP routes call.
#include <benchmark/benchmark.h>
#include <openssl/sha.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "crypto/canonical_json.h"
#include "crypto/event_hashing.h"
#include "crypto/room_versions.h"
#include "crypto/signing_key.h"
#include "handlers/accounts.h"
#include "handlers/directory.h"
#include "handlers/rooms.h"
#include "handlers/services.h"
#include "schema/catalogue.h"
#include "schema/prepare_database.h"
#include "storage/connection_pool.h"

namespace strata::bench {
namespace {

using json = nlohmann::json;

// A message event as a v5 room carries it, about 900 bytes of canonical JSON.
json SampleEvent() {
  return json::parse(R"({
    "auth_events": ["$Ra9cXnHyEf0T1qAr6wqZWm1pvIrSJvd2yBuhRRO_HOU", "$mdALGd4rpYqoUYnbS7yc1i9qdoMrfAmaO9CQp2e_bg8", "$wRzBD8b8GiWz5N5aC-eMQw5Yrxxx6nlwGqgCjzpRtjo"],
    "content": {"body": "Hello there, this is a message of a typical length for a chat room.", "msgtype": "m.text", "format": "org.matrix.custom.html", "formatted_body": "<b>Hello</b> there, this is a message of a typical length for a chat room."},
    "depth": 4242,
    "hashes": {"sha256": "QZ3PNa0MXpqVlzKt3hH7BFWzeqvIRyrGRz52QuSJ1Ng"},
    "origin": "example.org",
    "origin_server_ts": 1606400000000,
    "prev_events": ["$hVNcPtXVS3UepI0dGzErjkmjD0KiPa7GTJpm2rLuGlU"],
    "room_id": "!qporfwtGhfesfoyyuE:example.org",
    "sender": "@alice:example.org",
    "type": "m.room.message",
    "unsigned": {"age_ts": 1606400000000, "transaction_id": "m1606400000000.0"},
    "signatures": {"example.org": {"ed25519:a_AbCd": "placeholder"}}
  })");
}

void BM_CanonicalJson(benchmark::State& state) {
  const json event = SampleEvent();
  for (auto _ : state) {
    auto out = crypto::EncodeCanonicalJson(event, crypto::CanonicalMode::kStrict);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_CanonicalJson);

void BM_CanonicalJson_Floor(benchmark::State& state) {
  const json event = SampleEvent();  // nlohmann already sorts keys: dump() is the same bytes
  for (auto _ : state) {
    std::string out = event.dump();
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_CanonicalJson_Floor);

const crypto::SigningKey& Key() {
  static const crypto::SigningKey key = crypto::SigningKey::Generate();
  return key;
}

void BM_HashAndSignEvent(benchmark::State& state) {
  const json base = SampleEvent();
  const auto* version = crypto::FindRoomVersion("5");
  for (auto _ : state) {
    json event = base;
    event.erase("hashes");
    event.erase("signatures");
    auto st = crypto::HashAndSignEvent(event, *version, "example.org", Key());
    if (!st.ok()) state.SkipWithError(st.message().c_str());
    benchmark::DoNotOptimize(event);
  }
}
BENCHMARK(BM_HashAndSignEvent);

// The raw cryptography of the same work: one SHA-256 and one ed25519 signature over the
// event's canonical bytes, with the copy of the event the real path also makes.
void BM_HashAndSignEvent_Floor(benchmark::State& state) {
  const json base = SampleEvent();
  const std::string bytes = base.dump();
  for (auto _ : state) {
    json event = base;
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
    std::string sig = Key().Sign(bytes);
    benchmark::DoNotOptimize(digest);
    benchmark::DoNotOptimize(sig);
    benchmark::DoNotOptimize(event);
  }
}
BENCHMARK(BM_HashAndSignEvent_Floor);

// A homeserver's services over a real SQLite file: 200 users, 200 public rooms (one per user,
// the first 20 joined by 20 users), as in the serving workload.
class World {
 public:
  explicit World(bool stats_enabled) {
    path_ = std::filesystem::temp_directory_path() /
            ("strata-micro-" + std::to_string(::getpid()) + (stats_enabled ? "-s" : "-n") + ".db");
    std::filesystem::remove(path_);
    auto conn = storage::OpenSqlite(path_.string());
    if (!conn.ok()) throw std::runtime_error(conn.status().message());
    const auto& catalogue = schema::Catalogue::Builtin();
    release_ = catalogue.Find("1.18.0");
    // No fsync per commit: the figures are the CPU and SQL cost of the code, not the disk's.
    (*conn)->Execute("PRAGMA synchronous = OFF");
    auto prepared = schema::PrepareDatabase(**conn, catalogue, *release_);
    if (!prepared.ok()) throw std::runtime_error(prepared.status().message());
    config_.server_name = "bench.local";
    config_.bcrypt_rounds = 4;
    config_.stats.enabled = stats_enabled;
    config_.rc_message = {1000000,
                          1000000};  // rate limits out of the way, as in the serving workload
    config_.rc_registration = {1000000, 1000000};
    config_.rc_login.address = {1000000, 1000000};
    config_.rc_message = {0, 0};  // no rc_message limit: the handlers enforce it since issue 4
    std::vector<std::unique_ptr<storage::Connection>> conns;
    conns.push_back(std::move(*conn));
    pool_ = std::make_unique<storage::ConnectionPool>(std::move(conns));
    services_ = std::make_unique<handlers::Services>(*pool_, config_, *release_,
                                                     crypto::SigningKey::Generate());
    auto& s = *services_;
    for (int i = 0; i < 200; ++i) {
      std::string user = "@user" + std::to_string(i) + ":bench.local";
      handlers::CreateAccount(s, user, "", false, false, std::nullopt);
      json login = handlers::IssueLogin(s, user, std::nullopt, std::nullopt);
      tokens_.push_back(login["access_token"]);
      requesters_.push_back(handlers::Authenticate(s, tokens_.back()));
    }
    for (int i = 0; i < 200; ++i) {
      json room = handlers::CreateRoom(s, requesters_[i],
                                       {{"preset", "public_chat"},
                                        {"visibility", "public"},
                                        {"name", "Room " + std::to_string(i)}});
      rooms_.push_back(room["room_id"]);
    }
    for (int r = 0; r < 20; ++r) {
      for (int u = 0; u < 20; ++u) {
        if (u != r) handlers::JoinRoom(s, requesters_[u], rooms_[r]);
      }
    }
  }
  ~World() {
    services_.reset();
    pool_.reset();
    std::filesystem::remove(path_);
  }

  handlers::Services& services() { return *services_; }
  const std::string& path() const { return path_.native(); }
  const std::vector<std::string>& tokens() const { return tokens_; }
  const std::vector<handlers::Requester>& requesters() const { return requesters_; }
  const std::vector<std::string>& rooms() const { return rooms_; }

 private:
  std::filesystem::path path_;
  const schema::Release* release_ = nullptr;
  config::HomeserverConfig config_;
  std::unique_ptr<storage::ConnectionPool> pool_;
  std::unique_ptr<handlers::Services> services_;
  std::vector<std::string> tokens_;
  std::vector<handlers::Requester> requesters_;
  std::vector<std::string> rooms_;
};

World& SharedWorld(bool stats_enabled) {
  static World with_stats(true);
  static World without_stats(false);
  return stats_enabled ? with_stats : without_stats;
}

void BM_TokenLookup(benchmark::State& state) {
  World& w = SharedWorld(true);
  size_t i = 0;
  for (auto _ : state) {
    auto who = handlers::Authenticate(w.services(), w.tokens()[i++ % w.tokens().size()]);
    benchmark::DoNotOptimize(who);
  }
}
BENCHMARK(BM_TokenLookup);

// A second sqlite3 handle on the same file, with one statement prepared once.
class RawStatement {
 public:
  RawStatement(const std::string& path, const char* sql) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK ||
        sqlite3_prepare_v2(db_, sql, -1, &stmt_, nullptr) != SQLITE_OK) {
      throw std::runtime_error(std::string("sqlite3: ") + sqlite3_errmsg(db_));
    }
  }
  ~RawStatement() {
    sqlite3_finalize(stmt_);
    sqlite3_close(db_);
  }
  sqlite3_stmt* get() { return stmt_; }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

void BM_TokenLookup_Floor(benchmark::State& state) {
  World& w = SharedWorld(true);
  RawStatement stmt(w.path(),
                    "SELECT a.user_id, a.device_id, a.id, u.admin, u.is_guest, u.deactivated, "
                    "a.valid_until_ms FROM access_tokens a JOIN users u ON u.name = a.user_id "
                    "WHERE a.token = ?");
  size_t i = 0;
  for (auto _ : state) {
    const std::string& token = w.tokens()[i++ % w.tokens().size()];
    sqlite3_bind_text(stmt.get(), 1, token.data(), static_cast<int>(token.size()), SQLITE_STATIC);
    while (sqlite3_step(stmt.get()) == SQLITE_ROW) {
      benchmark::DoNotOptimize(sqlite3_column_text(stmt.get(), 0));
    }
    sqlite3_reset(stmt.get());
  }
}
BENCHMARK(BM_TokenLookup_Floor);

void BM_DirectoryQuery(benchmark::State& state) {
  World& w = SharedWorld(true);
  handlers::PublicRoomsQuery q;
  q.limit = 50;
  for (auto _ : state) {
    json page = handlers::PublicRooms(w.services(), q);
    benchmark::DoNotOptimize(page);
  }
}
BENCHMARK(BM_DirectoryQuery);

// The directory's page query alone, stepped through its 51 rows.
void BM_DirectoryQuery_Floor(benchmark::State& state) {
  World& w = SharedWorld(true);
  RawStatement stmt(
      w.path(),
      "SELECT room_id, name, topic, canonical_alias, joined_members, avatar, history_visibility, "
      "guest_access FROM (SELECT room_id FROM rooms WHERE is_public = 1) AS published "
      "INNER JOIN room_stats_state USING (room_id) INNER JOIN room_stats_current USING (room_id) "
      "WHERE (join_rules = 'public' OR history_visibility = 'world_readable') AND "
      "joined_members > 0 ORDER BY joined_members DESC, room_id DESC LIMIT 51");
  for (auto _ : state) {
    while (sqlite3_step(stmt.get()) == SQLITE_ROW) {
      benchmark::DoNotOptimize(sqlite3_column_text(stmt.get(), 0));
    }
    sqlite3_reset(stmt.get());
  }
}
BENCHMARK(BM_DirectoryQuery_Floor);

// One state event (a topic change) sent through the handlers; with statistics on, the
// incremental stats engine applies its deltas in the same transaction. The floor is the same
// event with statistics switched off: the ratio is what stats add per event.
void SendTopics(benchmark::State& state, bool stats) {
  World& w = SharedWorld(stats);
  int64_t n = 0;
  for (auto _ : state) {
    json ev = handlers::SendState(w.services(), w.requesters()[0], w.rooms()[0], "m.room.topic", "",
                                  {{"topic", "topic " + std::to_string(n++)}});
    benchmark::DoNotOptimize(ev);
  }
}
void BM_StatsPerEvent(benchmark::State& state) {
  SendTopics(state, true);
}
void BM_StatsPerEvent_Floor(benchmark::State& state) {
  SendTopics(state, false);
}
BENCHMARK(BM_StatsPerEvent)->Iterations(300);
BENCHMARK(BM_StatsPerEvent_Floor)->Iterations(300);

}  // namespace
}  // namespace strata::bench

BENCHMARK_MAIN();
