// Reader: typed reads out of the merged homeserver.yaml document, for the config loader only.
//
// Every read that cannot be used is recorded as a Problem naming the dotted key, its file and
// line; the read then leaves its target alone, so the field keeps its default. A key that is
// absent or null is not a problem: Synapse treats it as "use the default".
//
// Also the scalar parsers that reading YAML and applying a release default (text) share, so a
// key's value means the same whichever way it arrives.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "config/homeserver_config.h"
#include "config/problem.h"

namespace strata::config {

// YAML 1.1 booleans, as PyYAML's safe_load reads them (true/yes/on/y, any case).
std::optional<bool> ParseBool(const std::string& text);
// A whole decimal number, all of `text`.
std::optional<int64_t> ParseInt(const std::string& text);
// A finite number, all of `text`.
std::optional<double> ParseDouble(const std::string& text);

class Reader {
 public:
  // `top_file`: the file each top-level key came from (for problems on keys with no location).
  // REQUIRES: all three outlive the Reader; `root` is the merged document.
  Reader(HomeserverConfig& config, std::vector<Problem>& problems, const YAML::Node& root,
         const std::map<std::string, std::string>& top_file);

  const YAML::Node& root() const { return root_; }

  // Records an error at `key`: its recorded location, else `node`'s position, else its file.
  void Error(const std::string& key, const YAML::Node& node, const std::string& message,
             const std::string& check = "config");

  static bool Present(const YAML::Node& node) { return node.IsDefined() && !node.IsNull(); }

  // Each reads parent[name] (reported as `key`) into `out`. Returns true if it did; false, with
  // `out` untouched, if the key is absent, null or of the wrong type (the last is reported).
  bool String(const YAML::Node& parent, const std::string& name, const std::string& key,
              std::string& out);
  bool Bool(const YAML::Node& parent, const std::string& name, const std::string& key, bool& out);
  bool OptBool(const YAML::Node& parent, const std::string& name, const std::string& key,
               std::optional<bool>& out);
  template <typename Int>
  bool Integer(const YAML::Node& parent, const std::string& name, const std::string& key,
               Int& out) {
    int64_t v = 0;
    if (!Integer64(parent, name, key, v)) return false;
    out = static_cast<Int>(v);
    return true;
  }
  bool Number(const YAML::Node& parent, const std::string& name, const std::string& key,
              double& out);
  bool Size(const YAML::Node& parent, const std::string& name, const std::string& key,
            int64_t& out);
  bool Duration(const YAML::Node& parent, const std::string& name, const std::string& key,
                int64_t& out);
  bool StringList(const YAML::Node& parent, const std::string& name, const std::string& key,
                  std::vector<std::string>& out);

  // A mapping-valued key; returns an undefined node (and reports) if it has another type.
  YAML::Node Map(const YAML::Node& parent, const std::string& name, const std::string& key);

  // The mapping at a dotted path ("" : the document, "rc_login.address"), looked up (and a
  // wrong type reported) once per path however many keys below it are read. Undefined if it or
  // a mapping above it is absent or not a mapping.
  YAML::Node Section(const std::string& path);

  // Which keys the key table read successfully, for the keys whose rules depend on that
  // (media_store_path before uploads_path, ...).
  void NoteRead(const std::string& key) { read_.insert(key); }
  bool WasRead(const std::string& key) const { return read_.count(key) > 0; }

 private:
  bool Integer64(const YAML::Node& parent, const std::string& name, const std::string& key,
                 int64_t& out);
  std::string FileOf(const std::string& key) const;

  HomeserverConfig& c_;
  std::vector<Problem>& problems_;
  const YAML::Node root_;
  const std::map<std::string, std::string>& top_file_;
  std::map<std::string, YAML::Node> sections_;
  std::set<std::string> read_;
};

}  // namespace strata::config
