#include "path.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <sstream>

namespace strata::matrix {

std::string UpgradePath::Describe() const {
  std::string out;
  for (const auto* r : releases) {
    if (!out.empty()) out += " -> ";
    out += r->name;
    if (repair_after && *repair_after == r->name) out += " -> " + r->name + "+repair";
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

Result<UpgradePath> ParseEntry(const YAML::Node& node, const schema::Catalogue& catalogue) {
  UpgradePath path;
  path.name = node["name"].as<std::string>("");
  if (path.name.empty()) return Status::InvalidArgument("a path without a name");
  const std::string where = "path " + path.name + ": ";
  std::string list;
  for (const auto& r : node["releases"]) list += (list.empty() ? "" : ",") + r.as<std::string>();
  auto releases = ParseReleaseList(list, catalogue);
  if (!releases.ok()) return Status::InvalidArgument(where + releases.status().message());
  path.releases = *releases;
  path.dataset = node["seed"]["dataset"].as<std::string>("");
  if (path.dataset.empty()) return Status::InvalidArgument(where + "seed.dataset is required");
  if (node["repair_after"]) {
    path.repair_after = node["repair_after"].as<std::string>();
    if (std::none_of(path.releases.begin(), path.releases.end(),
                     [&](const auto* r) { return r->name == *path.repair_after; })) {
      return Status::InvalidArgument(where + "repair_after names a release not on the path");
    }
  }
  if (node["known_bug"]) {
    path.known_bug = KnownBug{node["known_bug"]["name"].as<std::string>(""),
                              node["known_bug"]["description"].as<std::string>("")};
  }
  path.downgrade = node["downgrade"].as<bool>(false);
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
