// Expected fixtures: fixtures/matrix/<path>/<engine>.json ("sqlite" / "postgres"), or
// expected.json when both engines give the same result. A fixture holds the step snapshots a
// person reviewed; the matrix compares a run with it and shows differences one line each.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "storage/database.h"
#include "util/status.h"

namespace strata::matrix {

std::string EngineName(storage::Engine engine);

struct Fixture {
  std::string file;         // the file read
  nlohmann::json document;  // {"path", "releases", "known_bug", "steps": [...]}
};

// The fixture for `path_name` on `engine`: the engine's own file, else expected.json.
std::optional<Fixture> LoadFixture(const std::string& dir, const std::string& path_name,
                                   storage::Engine engine);

// Differences between two step lists, one line per leaf that differs:
//   "[1.12.4] rooms.Public room 2.room_stats_current.joined_members: expected 121, got 0"
std::vector<std::string> DiffSteps(const nlohmann::json& expected, const nlohmann::json& actual);

// Records `document` as the fixture of `path_name` on `engine`, sharing expected.json between
// engines when their documents are equal.
Status WriteFixture(const std::string& dir, const std::string& path_name, storage::Engine engine,
                    const nlohmann::json& document);

}  // namespace strata::matrix
