// Helpers for config tests: write YAML to real files and find problems by check and key.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "config/homeserver_config.h"
#include "config/problem.h"
#include "support/test_support.h"

namespace strata::config::testing {

inline std::string WriteFile(const strata::testing::TempDir& dir, const std::string& name,
                             const std::string& text) {
  std::string path = dir.File(name);
  std::ofstream(path) << text;
  return path;
}

// A valid minimal config; tests append or replace keys.
inline std::string BaseYaml() {
  return "server_name: example.org\n"
         "report_stats: false\n"
         "listeners:\n"
         "  - port: 8008\n"
         "    bind_addresses: ['127.0.0.1']\n"
         "    type: http\n"
         "    resources:\n"
         "      - names: [client, federation]\n";
}

inline const Problem* FindProblem(const std::vector<Problem>& problems, const std::string& check,
                                  const std::string& key = "") {
  for (const auto& p : problems) {
    if (p.check == check && (key.empty() || p.key == key)) return &p;
  }
  return nullptr;
}

inline std::string Dump(const std::vector<Problem>& problems) {
  std::string out;
  for (const auto& p : problems) out += "  [" + p.check + "] " + p.ToString() + "\n";
  return out;
}

}  // namespace strata::config::testing
