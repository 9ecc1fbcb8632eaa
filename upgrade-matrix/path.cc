#include "path.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <sstream>

namespace strata::matrix {

std::string UpgradePath::Describe() const {
  std::string out;
  for (const auto& step : steps) {
    if (!out.empty()) out += " -> ";
    out += step.release->name;
    if (!step.sql_before.empty()) out += " (after SQL)";
    if (!step.stats_enabled) out += " (stats off)";
    if (step.crashes()) out += " (kill -9, restart)";
    if (step.twice) out += " (twice)";
    if (repair_after && *repair_after == step.release->name) {
      out += " -> " + step.release->name + "+repair";
    }
  }
  return out;
}

Result<std::vector<const schema::Release*>> ParseReleaseList(const std::string& text,
                                                             const schema::Catalogue& catalogue) {
  std::vector<const schema::Release*> out;
  std::stringstream in(text);
  std::string name;
  while (std::getline(in, name, ',')) {
    name.erase(0, name.find_first_not_of(" \t"));
    name.erase(name.find_last_not_of(" \t") + 1);
    const schema::Release* r = catalogue.Find(name);
    if (!r) return Status::InvalidArgument("'" + name + "' is not a catalogued release");
    out.push_back(r);
  }
  if (out.empty()) return Status::InvalidArgument("a path needs at least one release");
  return out;
}

namespace {

Result<Step> ParseStep(const YAML::Node& node, const schema::Catalogue& catalogue) {
  Step step;
  const std::string name =
      node.IsScalar() ? node.as<std::string>() : node["release"].as<std::string>("");
  step.release = catalogue.Find(name);
  if (!step.release) return Status::InvalidArgument("'" + name + "' is not a catalogued release");
  if (node.IsMap()) {
    step.sql_before = node["sql_before"].as<std::string>("");
    step.stats_enabled = node["stats_enabled"].as<bool>(true);
    step.crash_before_delta = node["crash_before_delta"].as<std::string>("");
    step.crash_in_batch = node["crash_in_batch"].as<std::string>("");
    step.twice = node["twice"].as<bool>(false);
  }
  return step;
}

Result<UpgradePath> ParseEntry(const YAML::Node& node, const schema::Catalogue& catalogue) {
  UpgradePath path;
  path.name = node["name"].as<std::string>("");
  if (path.name.empty()) return Status::InvalidArgument("a path without a name");
  const std::string where = "path " + path.name + ": ";
  path.description = node["description"].as<std::string>("");
  const YAML::Node releases = node["releases"];
  if (releases.IsScalar() && releases.Scalar() == kEveryCatalogued) {
    // Derived from the catalogue, so a new release joins this path by being catalogued.
    for (const auto& release : catalogue.releases()) {
      Step step;
      step.release = &release;
      path.steps.push_back(step);
    }
  } else {
    for (const auto& r : releases) {
      auto step = ParseStep(r, catalogue);
      if (!step.ok()) return Status::InvalidArgument(where + step.status().message());
      path.steps.push_back(*step);
    }
  }
  if (path.steps.empty()) return Status::InvalidArgument(where + "no releases");
  path.dataset = node["seed"]["dataset"].as<std::string>("");
  path.scenario = node["seed"]["scenario"].as<std::string>("");
  if (path.dataset.empty() == path.scenario.empty()) {
    return Status::InvalidArgument(where + "seed needs exactly one of dataset and scenario");
  }
  if (node["repair_after"]) {
    path.repair_after = node["repair_after"].as<std::string>();
    if (std::none_of(path.steps.begin(), path.steps.end(),
                     [&](const Step& s) { return s.release->name == *path.repair_after; })) {
      return Status::InvalidArgument(where + "repair_after names a release not on the path");
    }
  }
  if (node["known_bug"]) {
    path.known_bug = KnownBug{node["known_bug"]["name"].as<std::string>(""),
                              node["known_bug"]["description"].as<std::string>("")};
  }
  path.downgrade = node["downgrade"].as<bool>(false);
  path.same_as = node["same_as"].as<std::string>("");
  return path;
}

}  // namespace

Result<std::vector<UpgradePath>> LoadPathsFile(const std::string& file,
                                               const schema::Catalogue& catalogue) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(file);
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(file + ": " + e.what());
  }
  std::vector<UpgradePath> out;
  try {
    for (const auto& node : root["paths"]) {
      auto path = ParseEntry(node, catalogue);
      if (!path.ok()) return Status::InvalidArgument(file + ": " + path.status().message());
      out.push_back(std::move(*path));
    }
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(file + ": " + e.what());
  }
  if (out.empty()) return Status::InvalidArgument(file + ": no paths");
  return out;
}

}  // namespace strata::matrix
