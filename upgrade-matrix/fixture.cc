#include "fixture.h"

#include <filesystem>
#include <fstream>
#include <map>

namespace strata::matrix {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

std::optional<json> ReadJson(const fs::path& file) {
  std::ifstream in(file);
  if (!in) return std::nullopt;
  json doc = json::parse(in, nullptr, false);
  if (doc.is_discarded()) return std::nullopt;
  return doc;
}

Status WriteJson(const fs::path& file, const json& doc) {
  std::ofstream out(file);
  out << doc.dump(1) << "\n";
  if (!out) return Status::IoError("cannot write " + file.string());
  return Status::Ok();
}

void Flatten(const json& value, const std::string& prefix,
             std::map<std::string, std::string>& out) {
  if (value.is_object() && !value.empty()) {
    for (const auto& [key, child] : value.items()) {
      Flatten(child, prefix.empty() ? key : prefix + "." + key, out);
    }
  } else if (value.is_array() && !value.empty()) {
    for (size_t i = 0; i < value.size(); ++i) {
      Flatten(value[i], prefix + "[" + std::to_string(i) + "]", out);
    }
  } else {
    out[prefix] = value.dump();
  }
}

std::map<std::string, std::string> FlattenSteps(const json& steps) {
  std::map<std::string, std::string> out;
  if (!steps.is_array()) return out;
  for (const auto& step : steps) {
    Flatten(step, "[" + step.value("step", std::string("?")) + "]", out);
  }
  return out;
}

}  // namespace

std::string EngineName(storage::Engine engine) {
  return engine == storage::Engine::kSqlite ? "sqlite" : "postgres";
}

std::optional<Fixture> LoadFixture(const std::string& dir, const std::string& path_name,
                                   storage::Engine engine) {
  for (const std::string& name : {EngineName(engine), std::string("expected")}) {
    const fs::path file = fs::path(dir) / path_name / (name + ".json");
    if (auto doc = ReadJson(file)) return Fixture{file.string(), *doc};
  }
  return std::nullopt;
}

std::vector<std::string> DiffSteps(const json& expected, const json& actual) {
  const auto want = FlattenSteps(expected);
  const auto got = FlattenSteps(actual);
  std::vector<std::string> out;
  for (const auto& [key, value] : want) {
    auto it = got.find(key);
    if (it == got.end()) {
      out.push_back(key + ": expected " + value + ", missing");
    } else if (it->second != value) {
      out.push_back(key + ": expected " + value + ", got " + it->second);
    }
  }
  for (const auto& [key, value] : got) {
    if (!want.count(key)) out.push_back(key + ": unexpected " + value);
  }
  return out;
}

Status WriteFixture(const std::string& dir, const std::string& path_name, storage::Engine engine,
                    const json& document) {
  const fs::path folder = fs::path(dir) / path_name;
  std::error_code ec;
  fs::create_directories(folder, ec);
  const fs::path shared = folder / "expected.json";
  const fs::path own = folder / (EngineName(engine) + ".json");
  const fs::path other =
      folder / (EngineName(engine == storage::Engine::kSqlite ? storage::Engine::kPostgres
                                                              : storage::Engine::kSqlite) +
                ".json");
  if (ReadJson(shared) == document) {
    fs::remove(own, ec);
    return Status::Ok();
  }
  if (ReadJson(other) == document) {
    fs::remove(other, ec);
    fs::remove(own, ec);
    return WriteJson(shared, document);
  }
  // The other engine keeps what it had: its own file, or the shared one moved to its name.
  if (fs::exists(shared) && !fs::exists(other)) fs::rename(shared, other, ec);
  fs::remove(shared, ec);
  return WriteJson(own, document);
}

}  // namespace strata::matrix
