#include "fixture.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "text_diff.h"

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
  out << FixtureText(doc) << "\n";
  if (!out) return Status::IoError("cannot write " + file.string());
  return Status::Ok();
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

namespace {

bool IsLeafObject(const json& v) {
  if (!v.is_object()) return false;
  for (const auto& [key, child] : v.items()) {
    if (child.is_structured()) return false;
  }
  return true;
}

void Print(const json& v, int indent, std::string& out) {
  const std::string pad(indent, ' ');
  if (IsLeafObject(v) && !v.empty()) {
    out += v.dump();
    return;
  }
  if (v.is_object() && !v.empty()) {
    out += "{\n";
    size_t i = 0;
    for (const auto& [key, child] : v.items()) {
      out += pad + " " + json(key).dump() + ": ";
      Print(child, indent + 1, out);
      out += ++i < v.size() ? ",\n" : "\n";
    }
    out += pad + "}";
  } else if (v.is_array() && !v.empty()) {
    out += "[\n";
    for (size_t i = 0; i < v.size(); ++i) {
      out += pad + " ";
      Print(v[i], indent + 1, out);
      out += i + 1 < v.size() ? ",\n" : "\n";
    }
    out += pad + "]";
  } else {
    out += v.dump();
  }
}

// The scenario's per-step rooms (one per step, all alike) folded into one line.
json FoldStepRooms(const json& rooms) {
  if (!rooms.is_object()) return rooms;
  json out = json::object();
  int64_t count = 0, messages = 0, joined = 0, stats_joined = 0;
  for (const auto& [name, room] : rooms.items()) {
    if (name.rfind("Step ", 0) != 0) {
      out[name] = room;
      continue;
    }
    ++count;
    messages += room.value("messages", int64_t{0});
    joined += room.value("joined_in_current_state", int64_t{0});
    const json& current = room.value("room_stats_current", json::object());
    if (current.is_object()) stats_joined += current.value("joined_members", int64_t{0});
  }
  if (count > 0) {
    out["(per-step rooms)"] = {{"rooms", count},
                               {"messages", messages},
                               {"joined_in_current_state", joined},
                               {"room_stats_current.joined_members", stats_joined}};
  }
  return out;
}

}  // namespace

std::string FixtureText(const json& document) {
  std::string out;
  Print(document, 0, out);
  return out;
}

json FixtureView(const json& state, const json& previous) {
  json out = state;
  if (state.contains("rooms")) out["rooms"] = FoldStepRooms(state["rooms"]);
  // A schema diff the previous step already showed is named, not repeated.
  if (previous.is_object() && state.contains("fresh_schema_diff") &&
      previous.contains("fresh_schema_diff") && !state["fresh_schema_diff"].empty() &&
      state["fresh_schema_diff"] == previous["fresh_schema_diff"]) {
    out["fresh_schema_diff"] = "as in the previous step";
  }
  if (state.contains("applied_schema_deltas") && state["applied_schema_deltas"].is_array()) {
    std::set<std::string> before;
    if (previous.is_object() && previous["applied_schema_deltas"].is_array()) {
      for (const auto& d : previous["applied_schema_deltas"]) before.insert(d.get<std::string>());
    }
    json added = json::array();
    for (const auto& d : state["applied_schema_deltas"]) {
      if (!before.count(d.get<std::string>())) added.push_back(d);
    }
    out["applied_schema_deltas"] = {{"count", state["applied_schema_deltas"].size()},
                                    {"added_by_this_step", added}};
  }
  return out;
}

std::vector<std::string> DiffSteps(const json& expected, const json& actual) {
  std::vector<std::string> out;
  const size_t n =
      std::max(expected.is_array() ? expected.size() : 0, actual.is_array() ? actual.size() : 0);
  for (size_t i = 0; i < n; ++i) {
    const json want = expected.is_array() && i < expected.size() ? expected[i] : json();
    const json got = actual.is_array() && i < actual.size() ? actual[i] : json();
    if (want == got) continue;
    const std::string label =
        "[" + (got.is_object() ? got : want).value("step", std::string("?")) + "] ";
    if (want.is_null()) {
      out.push_back(label + "a step the fixture does not have");
      continue;
    }
    if (got.is_null()) {
      out.push_back(label + "the fixture's step did not run");
      continue;
    }
    for (const auto& line :
         UnifiedDiff(SplitLines(FixtureText(want)), SplitLines(FixtureText(got)), 3)) {
      out.push_back(label + line);
    }
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
