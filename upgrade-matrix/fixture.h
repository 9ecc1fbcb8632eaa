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

// What a fixture keeps of a step snapshot: everything a reviewer needs, with the applied deltas
// as a count plus the ones this step added (relative to `previous`, null for the first step),
// the scenario's per-step rooms folded into one entry, and a fresh-vs-upgraded schema diff only
// where it changed from the previous step.
nlohmann::json FixtureView(const nlohmann::json& state, const nlohmann::json& previous);

// A fixture as text: objects and arrays one entry per line, except objects of plain values
// (a stats row, a /publicRooms entry), which stay on one line so a change reads as one line.
std::string FixtureText(const nlohmann::json& document);

// Differences between two step lists as unified-diff hunks of each step's pretty-printed JSON,
// every line prefixed with the step: "[1.12.4] -      \"joined_members\": 121,". Empty if equal.
std::vector<std::string> DiffSteps(const nlohmann::json& expected, const nlohmann::json& actual);

// Records `document` as the fixture of `path_name` on `engine`, sharing expected.json between
// engines when their documents are equal.
Status WriteFixture(const std::string& dir, const std::string& path_name, storage::Engine engine,
                    const nlohmann::json& document);

}  // namespace strata::matrix
