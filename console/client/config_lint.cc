#include "client/config_lint.h"

#include <yaml-cpp/yaml.h>

#include <sstream>

#include "config/homeserver_config.h"
#include "config/startup_checks.h"
#include "schema/catalogue.h"

namespace strata::console {

int LineOf(const YAML::Node& root, const std::string& key) {
  if (!root || !root.IsMap() || key.empty()) return 0;
  std::istringstream parts(key);
  // Moved along with reset(): yaml-cpp's operator= would overwrite the shared node, so the
  // first lookup would replace `root` by a child and every later lookup would go astray.
  YAML::Node node;
  node.reset(root);
  int line = 0;
  for (std::string part; std::getline(parts, part, '.');) {
    YAML::Node next;
    bool found = false;
    if (node.IsMap()) {
      for (const auto& kv : node) {
        if (kv.first.IsScalar() && kv.first.Scalar() == part) {
          line = kv.first.Mark().line + 1;
          next.reset(kv.second);
          found = true;
          break;
        }
      }
    } else if (node.IsSequence() && !part.empty() &&
               part.find_first_not_of("0123456789") == std::string::npos) {
      const size_t i = std::stoul(part);
      if (i < node.size()) {
        next.reset(node[i]);
        line = next.Mark().line + 1;
        found = true;
      }
    }
    if (!found) break;
    node.reset(next);
  }
  return line;
}

LintResult LintConfigFile(const std::string& path, const std::string& release) {
  LintResult result;
  const auto& catalogue = schema::Catalogue::Builtin();
  const schema::Release* r = release.empty() ? &catalogue.newest() : catalogue.Find(release);
  if (!r) r = &catalogue.newest();
  result.release = r->name;
  // Exactly the server's start-up config check (homeserver_main.cc) for release `r`.
  config::LoadedConfig loaded = config::LoadConfigFiles({path});
  config::CheckOptions options;
  options.only = catalogue.StartupChecks(*r);
  auto checked = config::CheckLoadedConfig(loaded, r->config_defaults, options);
  if (checked.ok()) {
    result.problems = std::move(*checked);
  } else {
    result.problems = loaded.problems;
    config::Problem p;
    p.check = "config";
    p.message = checked.status().message();
    result.problems.push_back(std::move(p));
  }
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception&) {
    // The loader already reported the syntax error with its line.
  }
  for (auto& p : result.problems) {
    if (p.line == 0 && (p.file.empty() || p.file == path)) p.line = LineOf(root, p.key);
    if (p.file.empty()) p.file = path;
    (p.is_error() ? result.errors : result.warnings)++;
  }
  return result;
}

}  // namespace strata::console
