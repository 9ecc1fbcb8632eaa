#include "config/config_reader.h"

#include <cctype>
#include <cmath>

namespace strata::config {
namespace {

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Got(const YAML::Node& n) {
  if (n.IsScalar()) return ", got '" + n.Scalar() + "'";
  if (n.IsMap()) return ", got a mapping";
  if (n.IsSequence()) return ", got a list";
  return "";
}

// parent[name] as a scalar that `parse` accepts, reported as "expected <what>, got ..." if not.
template <typename T, typename Parse>
bool ReadScalar(Reader& r, const YAML::Node& parent, const std::string& name,
                const std::string& key, Parse parse, const std::string& expected, T& out) {
  YAML::Node n = parent[name];
  if (!Reader::Present(n)) return false;
  auto v = n.IsScalar() ? parse(n.Scalar()) : std::nullopt;
  if (!v) {
    r.Error(key, n, "expected " + expected + Got(n));
    return false;
  }
  out = *v;
  return true;
}

}  // namespace

std::optional<bool> ParseBool(const std::string& text) {
  std::string t = Lower(text);
  if (t == "true" || t == "yes" || t == "on" || t == "y") return true;
  if (t == "false" || t == "no" || t == "off" || t == "n") return false;
  return std::nullopt;
}

std::optional<int64_t> ParseInt(const std::string& text) {
  if (text.empty()) return std::nullopt;
  try {
    size_t used = 0;
    long long v = std::stoll(text, &used, 10);
    if (used == text.size()) return v;
  } catch (...) {
  }
  return std::nullopt;
}

std::optional<double> ParseDouble(const std::string& text) {
  if (text.empty()) return std::nullopt;
  try {
    size_t used = 0;
    double v = std::stod(text, &used);
    if (used == text.size() && std::isfinite(v)) return v;
  } catch (...) {
  }
  return std::nullopt;
}

std::optional<int64_t> ParseSize(const std::string& text) {
  if (text.empty()) return std::nullopt;
  int64_t unit = 1;
  std::string number = text;
  char last = static_cast<char>(std::toupper(static_cast<unsigned char>(text.back())));
  if (last == 'K' || last == 'M' || last == 'G') {
    unit = last == 'K' ? 1024 : last == 'M' ? 1024 * 1024 : int64_t{1024} * 1024 * 1024;
    number = text.substr(0, text.size() - 1);
  }
  auto v = ParseInt(number);
  if (!v || *v < 0) return std::nullopt;
  return *v * unit;
}

std::optional<int64_t> ParseDurationMs(const std::string& text) {
  if (text.empty()) return std::nullopt;
  static const std::map<char, int64_t> units = {
      {'s', 1000},         {'m', 60 * 1000},        {'h', 3600 * 1000},
      {'d', 86400 * 1000}, {'w', 7 * 86400 * 1000}, {'y', int64_t{365} * 86400 * 1000}};
  auto it = units.find(text.back());
  if (it == units.end()) {
    auto v = ParseInt(text);
    if (!v || *v < 0) return std::nullopt;
    return v;
  }
  auto v = ParseInt(text.substr(0, text.size() - 1));
  if (!v || *v < 0) return std::nullopt;
  return *v * it->second;
}

Reader::Reader(HomeserverConfig& config, std::vector<Problem>& problems, const YAML::Node& root,
               const std::map<std::string, std::string>& top_file)
    : c_(config), problems_(problems), root_(root), top_file_(top_file) {}

std::string Reader::FileOf(const std::string& key) const {
  std::string top = key.substr(0, key.find('.'));
  auto it = top_file_.find(top);
  if (it != top_file_.end()) return it->second;
  return c_.files.empty() ? std::string() : c_.files.back();
}

void Reader::Error(const std::string& key, const YAML::Node& node, const std::string& message,
                   const std::string& check) {
  Problem p;
  p.severity = Problem::Severity::kError;
  p.check = check;
  p.key = key;
  auto loc = c_.locations.find(key);
  p.file = loc != c_.locations.end() ? loc->second.file : FileOf(key);
  if (loc != c_.locations.end()) {
    p.line = loc->second.line;
  } else if (node.IsDefined() && node.Mark().line >= 0) {  // absent keys have no position
    p.line = node.Mark().line + 1;
  }
  p.message = message;
  problems_.push_back(std::move(p));
}

bool Reader::String(const YAML::Node& parent, const std::string& name, const std::string& key,
                    std::string& out) {
  YAML::Node n = parent[name];
  if (!Present(n)) return false;
  if (!n.IsScalar()) {
    Error(key, n, "expected a string, found a " + std::string(n.IsMap() ? "mapping" : "list"));
    return false;
  }
  out = n.Scalar();
  return true;
}

bool Reader::Bool(const YAML::Node& parent, const std::string& name, const std::string& key,
                  bool& out) {
  return ReadScalar(*this, parent, name, key, ParseBool, "true or false", out);
}

bool Reader::OptBool(const YAML::Node& parent, const std::string& name, const std::string& key,
                     std::optional<bool>& out) {
  bool v = false;
  if (!Bool(parent, name, key, v)) return false;
  out = v;
  return true;
}

bool Reader::Integer64(const YAML::Node& parent, const std::string& name, const std::string& key,
                       int64_t& out) {
  return ReadScalar(*this, parent, name, key, ParseInt, "a whole number", out);
}

bool Reader::Number(const YAML::Node& parent, const std::string& name, const std::string& key,
                    double& out) {
  return ReadScalar(*this, parent, name, key, ParseDouble, "a number", out);
}

bool Reader::Size(const YAML::Node& parent, const std::string& name, const std::string& key,
                  int64_t& out) {
  return ReadScalar(*this, parent, name, key, ParseSize,
                    "a size such as 10M, 512K or a number of bytes", out);
}

bool Reader::Duration(const YAML::Node& parent, const std::string& name, const std::string& key,
                      int64_t& out) {
  return ReadScalar(*this, parent, name, key, ParseDurationMs,
                    "a duration such as 1d, 12h, 30m or a number of milliseconds", out);
}

bool Reader::StringList(const YAML::Node& parent, const std::string& name, const std::string& key,
                        std::vector<std::string>& out) {
  YAML::Node n = parent[name];
  if (!Present(n)) return false;
  if (!n.IsSequence()) {
    Error(key, n, "expected a list of strings" + Got(n));
    return false;
  }
  std::vector<std::string> values;
  for (size_t i = 0; i < n.size(); ++i) {
    if (!n[i].IsScalar()) {
      Error(key + "." + std::to_string(i), n[i], "expected a string");
      return false;
    }
    values.push_back(n[i].Scalar());
  }
  out = std::move(values);
  return true;
}

YAML::Node Reader::Map(const YAML::Node& parent, const std::string& name, const std::string& key) {
  YAML::Node n = parent[name];
  if (!Present(n)) return YAML::Node(YAML::NodeType::Undefined);
  if (!n.IsMap()) {
    Error(key, n, "expected a mapping of keys to values" + Got(n));
    return YAML::Node(YAML::NodeType::Undefined);
  }
  return n;
}

YAML::Node Reader::Section(const std::string& path) {
  if (path.empty()) return root_;
  if (auto it = sections_.find(path); it != sections_.end()) return it->second;
  const size_t dot = path.rfind('.');
  const std::string name = dot == std::string::npos ? path : path.substr(dot + 1);
  const YAML::Node parent = Section(dot == std::string::npos ? "" : path.substr(0, dot));
  YAML::Node section =
      parent.IsDefined() ? Map(parent, name, path) : YAML::Node(YAML::NodeType::Undefined);
  // emplace, never assign: assigning to a yaml-cpp node writes through to the node it refers to.
  sections_.emplace(path, section);
  return section;
}

}  // namespace strata::config
