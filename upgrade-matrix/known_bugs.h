// Detectors for migration bugs the matrix reproduces, by name (paths.yaml `known_bug.name`).
// A detector reads a step snapshot and says whether the bug's damage is there, and where.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace strata::matrix {

// The names of all detectors.
std::vector<std::string> KnownBugNames();

// Where the damage of bug `name` shows in `state` (one line per affected thing); empty when
// the snapshot is healthy. An unknown name is reported as damage, so a typo cannot pass.
std::vector<std::string> DetectBug(const std::string& name, const nlohmann::json& state);

}  // namespace strata::matrix
