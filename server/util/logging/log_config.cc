// Reads a Synapse log config: a Python logging dictConfig in YAML (the file `--generate-config`
// writes), into Settings. What it honours and what it only warns about is promised at
// LoadLogConfig in util/logging.h.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "util/logging.h"

namespace strata::logging {
namespace {

std::string Where(const std::string& path, const YAML::Node& node) {
  auto mark = node.Mark();
  if (mark.line < 0) return path;
  return path + ":" + std::to_string(mark.line + 1);
}

Result<std::string> ScalarText(const std::string& path, const std::string& key,
                               const YAML::Node& node) {
  if (!node.IsScalar()) {
    return Status::InvalidArgument(Where(path, node) + ": " + key + ": expected a single value");
  }
  return node.Scalar();
}

Result<Level> LevelAt(const std::string& path, const std::string& key, const YAML::Node& node) {
  auto text = ScalarText(path, key, node);
  if (!text.ok()) return text.status();
  auto level = ParseLevel(text.value());
  if (!level) {
    return Status::InvalidArgument(Where(path, node) + ": " + key + ": unknown level '" +
                                   text.value() +
                                   "' (use DEBUG, INFO, WARNING, ERROR or CRITICAL)");
  }
  return *level;
}

Result<std::vector<std::string>> NameList(const std::string& path, const std::string& key,
                                          const YAML::Node& node) {
  std::vector<std::string> out;
  if (node.IsNull()) return out;
  if (!node.IsSequence()) {
    return Status::InvalidArgument(Where(path, node) + ": " + key + ": expected a list of names");
  }
  for (const auto& item : node) {
    auto text = ScalarText(path, key, item);
    if (!text.ok()) return text.status();
    out.push_back(text.value());
  }
  return out;
}

Result<int64_t> IntAt(const std::string& path, const std::string& key, const YAML::Node& node) {
  auto text = ScalarText(path, key, node);
  if (!text.ok()) return text.status();
  try {
    size_t used = 0;
    int64_t v = std::stoll(text.value(), &used);
    if (used == text.value().size()) return v;
  } catch (...) {
  }
  return Status::InvalidArgument(Where(path, node) + ": " + key + ": expected a whole number");
}

bool Contains(const std::string& s, std::string_view part) {
  return s.find(part) != std::string::npos;
}

}  // namespace

Result<Settings> LoadLogConfig(const std::string& path, std::vector<std::string>* warnings) {
  auto warn = [&](std::string text) {
    if (warnings) warnings->push_back(std::move(text));
  };
  YAML::Node doc;
  try {
    doc = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    return Status::NotFound("log config file " + path + " cannot be read (log_config)");
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(path + ":" + std::to_string(e.mark.line + 1) +
                                   ": not valid YAML: " + e.msg);
  }
  if (!doc.IsMap()) {
    return Status::InvalidArgument(
        path +
        ": a log config is a YAML mapping (Python logging dictConfig: version, "
        "formatters, handlers, loggers, root)");
  }
  if (doc["structured"] && doc["structured"].IsScalar() &&
      doc["structured"].as<std::string>() == "true") {
    warn(Where(path, doc["structured"]) +
         ": structured logging drains are not supported; using the handlers listed here");
  }

  Settings settings;

  std::map<std::string, std::string> formats;
  if (const auto formatters = doc["formatters"]) {
    if (!formatters.IsMap()) {
      return Status::InvalidArgument(Where(path, formatters) + ": formatters: expected a mapping");
    }
    for (const auto& entry : formatters) {
      std::string name = entry.first.as<std::string>();
      if (entry.second.IsMap() && entry.second["format"]) {
        auto text = ScalarText(path, "formatters." + name + ".format", entry.second["format"]);
        if (!text.ok()) return text.status();
        formats[name] = text.value();
      } else {
        formats[name] = "%(message)s";  // Python's Formatter() default
      }
    }
  }
  // `filters` are not read: Synapse's only filter attaches the request context, which Strata
  // supplies for %(request)s itself.

  // First pass: the plain settings of every handler; memory handlers resolved afterwards.
  struct Raw {
    HandlerSettings settings;
    std::string target;  // memory handlers: the handler they flush to
    bool usable = true;
  };
  std::map<std::string, Raw> raw;
  if (const auto handlers = doc["handlers"]) {
    if (!handlers.IsMap()) {
      return Status::InvalidArgument(Where(path, handlers) + ": handlers: expected a mapping");
    }
    for (const auto& entry : handlers) {
      std::string name = entry.first.as<std::string>();
      std::string key = "handlers." + name;
      const YAML::Node& h = entry.second;
      if (!h.IsMap()) {
        return Status::InvalidArgument(Where(path, h) + ": " + key + ": expected a mapping");
      }
      Raw r;
      r.settings.name = name;
      std::string cls;
      if (h["class"]) {
        auto text = ScalarText(path, key + ".class", h["class"]);
        if (!text.ok()) return text.status();
        cls = text.value();
      }
      if (h["level"]) {
        auto level = LevelAt(path, key + ".level", h["level"]);
        if (!level.ok()) return level.status();
        r.settings.level = level.value();
      }
      if (h["formatter"]) {
        auto text = ScalarText(path, key + ".formatter", h["formatter"]);
        if (!text.ok()) return text.status();
        auto it = formats.find(text.value());
        if (it == formats.end()) {
          return Status::InvalidArgument(Where(path, h["formatter"]) + ": " + key +
                                         ".formatter: unknown formatter '" + text.value() + "'");
        }
        r.settings.format = it->second;
      } else {
        r.settings.format = "%(message)s";
      }
      if (Contains(cls, "MemoryHandler")) {
        if (!h["target"]) {
          return Status::InvalidArgument(Where(path, h) + ": " + key +
                                         ": a memory handler needs a 'target' handler");
        }
        auto text = ScalarText(path, key + ".target", h["target"]);
        if (!text.ok()) return text.status();
        r.target = text.value();
      } else if (Contains(cls, "StreamHandler")) {
        r.settings.kind = HandlerSettings::Kind::kStderr;
        if (h["stream"] && h["stream"].IsScalar() &&
            Contains(h["stream"].as<std::string>(), "stdout")) {
          r.settings.kind = HandlerSettings::Kind::kStdout;
        }
      } else if (Contains(cls, "FileHandler")) {
        r.settings.kind = HandlerSettings::Kind::kFile;
        if (!h["filename"]) {
          return Status::InvalidArgument(Where(path, h) + ": " + key +
                                         ".filename: a file handler needs a filename");
        }
        auto text = ScalarText(path, key + ".filename", h["filename"]);
        if (!text.ok()) return text.status();
        r.settings.filename = text.value();
        if (h["backupCount"]) {
          auto n = IntAt(path, key + ".backupCount", h["backupCount"]);
          if (!n.ok()) return n.status();
          r.settings.backup_count = static_cast<int>(n.value());
        }
        if (Contains(cls, "TimedRotating")) {
          std::string when = h["when"] && h["when"].IsScalar() ? h["when"].as<std::string>() : "h";
          for (auto& c : when) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          if (when == "midnight" || when == "d") {
            r.settings.rotate_daily = true;
          } else {
            warn(Where(path, h) + ": " + key + ".when: '" + when +
                 "' rotation is not supported; rotating daily instead");
            r.settings.rotate_daily = true;
          }
        } else if (Contains(cls, "Rotating") && h["maxBytes"]) {
          auto n = IntAt(path, key + ".maxBytes", h["maxBytes"]);
          if (!n.ok()) return n.status();
          r.settings.max_bytes = n.value();
        }
      } else if (Contains(cls, "NullHandler")) {
        r.usable = false;
      } else {
        warn(Where(path, h) + ": " + key + ".class: '" + cls +
             "' is not a handler Strata can run; records sent to it are dropped");
        r.usable = false;
      }
      raw[name] = std::move(r);
    }
  }
  // Resolve memory handlers to their targets: buffering is an efficiency detail, where the
  // records end up is what matters.
  std::set<std::string> usable_names;
  for (auto& [name, r] : raw) {
    if (r.target.empty()) continue;
    std::string target = r.target;
    std::set<std::string> visited{name};
    while (true) {
      auto it = raw.find(target);
      if (it == raw.end()) {
        return Status::InvalidArgument(path + ": handlers." + name + ".target: unknown handler '" +
                                       target + "'");
      }
      if (!visited.insert(target).second) {
        return Status::InvalidArgument(path + ": handlers." + name +
                                       ".target: handlers form a loop");
      }
      if (it->second.target.empty()) {
        Level own = r.settings.level;
        r.settings = it->second.settings;
        r.settings.name = name;
        r.settings.level = std::max(own, it->second.settings.level);
        r.usable = it->second.usable;
        break;
      }
      target = it->second.target;
    }
    r.target.clear();
  }
  for (auto& [name, r] : raw) {
    if (!r.usable) continue;
    usable_names.insert(name);
    settings.handlers.push_back(r.settings);
  }
  auto keep_usable = [&](std::vector<std::string> names, const std::string& key,
                         const YAML::Node& node) -> Result<std::vector<std::string>> {
    std::vector<std::string> out;
    for (auto& n : names) {
      if (!raw.count(n)) {
        return Status::InvalidArgument(Where(path, node) + ": " + key + ": unknown handler '" + n +
                                       "'");
      }
      if (usable_names.count(n)) out.push_back(std::move(n));
    }
    return out;
  };

  if (const auto loggers = doc["loggers"]) {
    if (!loggers.IsMap()) {
      return Status::InvalidArgument(Where(path, loggers) + ": loggers: expected a mapping");
    }
    for (const auto& entry : loggers) {
      std::string name = entry.first.as<std::string>();
      std::string key = "loggers." + name;
      const YAML::Node& l = entry.second;
      LoggerSettings ls;
      if (l.IsMap()) {
        if (l["level"]) {
          auto level = LevelAt(path, key + ".level", l["level"]);
          if (!level.ok()) return level.status();
          ls.level = level.value();
        }
        if (l["handlers"]) {
          auto names = NameList(path, key + ".handlers", l["handlers"]);
          if (!names.ok()) return names.status();
          auto kept = keep_usable(std::move(names).value(), key + ".handlers", l["handlers"]);
          if (!kept.ok()) return kept.status();
          ls.handlers = std::move(kept).value();
        }
        if (l["propagate"] && l["propagate"].IsScalar()) {
          std::string p = l["propagate"].as<std::string>();
          ls.propagate = !(p == "false" || p == "False" || p == "no" || p == "0");
        }
      } else if (!l.IsNull()) {
        return Status::InvalidArgument(Where(path, l) + ": " + key + ": expected a mapping");
      }
      settings.loggers[name] = std::move(ls);
    }
  }

  if (const auto root = doc["root"]) {
    if (!root.IsMap()) {
      return Status::InvalidArgument(Where(path, root) + ": root: expected a mapping");
    }
    if (root["level"]) {
      auto level = LevelAt(path, "root.level", root["level"]);
      if (!level.ok()) return level.status();
      settings.root_level = level.value();
    } else {
      settings.root_level = Level::kWarning;  // Python's root logger default
    }
    if (root["handlers"]) {
      auto names = NameList(path, "root.handlers", root["handlers"]);
      if (!names.ok()) return names.status();
      auto kept = keep_usable(std::move(names).value(), "root.handlers", root["handlers"]);
      if (!kept.ok()) return kept.status();
      settings.root_handlers = std::move(kept).value();
    }
  } else {
    settings.root_level = Level::kWarning;
  }
  return settings;
}

}  // namespace strata::logging
