#include "config/homeserver_config.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/config_keys.h"
#include "config/config_reader.h"
#include "util/quoting.h"

namespace strata::config {
namespace {

namespace fs = std::filesystem;

void RecordLocations(const YAML::Node& node, const std::string& prefix, const std::string& file,
                     std::map<std::string, Location>& out) {
  if (node.IsMap()) {
    for (const auto& entry : node) {
      if (!entry.first.IsScalar()) continue;
      if (!Reader::Present(entry.second)) continue;  // `key:` with nothing: unset, as in Synapse
      std::string key = prefix.empty() ? entry.first.Scalar() : prefix + "." + entry.first.Scalar();
      int line = entry.first.Mark().line >= 0 ? entry.first.Mark().line + 1 : 0;
      out[key] = Location{file, line};
      RecordLocations(entry.second, key, file, out);
    }
  } else if (node.IsSequence()) {
    for (size_t i = 0; i < node.size(); ++i) {
      std::string key = prefix + "." + std::to_string(i);
      int line = node[i].Mark().line >= 0 ? node[i].Mark().line + 1 : 0;
      out[key] = Location{file, line};
      RecordLocations(node[i], key, file, out);
    }
  }
}

// The files a --config-path names: itself, or a directory's *.yaml files in name order.
std::vector<std::string> ExpandPaths(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> files;
      for (const auto& entry : fs::directory_iterator(p, ec)) {
        if (entry.is_regular_file(ec) && entry.path().extension() == ".yaml") {
          files.push_back(entry.path().string());
        }
      }
      std::sort(files.begin(), files.end());
      out.insert(out.end(), files.begin(), files.end());
    } else {
      out.push_back(p);
    }
  }
  return out;
}

LoadedConfig LoadDocuments(const std::vector<std::pair<std::string, YAML::Node>>& docs,
                           std::vector<Problem> problems) {
  LoadedConfig loaded;
  loaded.problems = std::move(problems);
  HomeserverConfig& c = loaded.config;
  YAML::Node merged(YAML::NodeType::Map);
  std::map<std::string, std::string> top_file;
  for (const auto& [file, doc] : docs) {
    c.files.push_back(file);
    if (!doc.IsMap()) continue;
    for (const auto& entry : doc) {
      if (!entry.first.IsScalar()) continue;
      std::string key = entry.first.Scalar();
      merged[key] = entry.second;
      top_file[key] = file;
      // A later file's key replaces the earlier one wholesale, locations included.
      for (auto it = c.locations.begin(); it != c.locations.end();) {
        if (it->first == key || it->first.rfind(key + ".", 0) == 0) {
          it = c.locations.erase(it);
        } else {
          ++it;
        }
      }
      YAML::Node single(YAML::NodeType::Map);
      single.force_insert(entry.first, entry.second);
      RecordLocations(single, "", file, c.locations);
    }
  }
  c.document = merged;
  Reader reader(c, loaded.problems, merged, top_file);
  ReadConfigKeys(reader, c);
  return loaded;
}

Problem FileProblem(const std::string& file, int line, const std::string& message) {
  Problem p;
  p.severity = Problem::Severity::kError;
  p.check = "config";
  p.file = file;
  p.line = line;
  p.message = message;
  return p;
}

// Parses one YAML text into a document, or records why it cannot be.
std::optional<YAML::Node> ParseDocument(const std::string& text, const std::string& file,
                                        std::vector<Problem>& problems) {
  YAML::Node doc;
  try {
    doc = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    problems.push_back(
        FileProblem(file, e.mark.line >= 0 ? e.mark.line + 1 : 0, "not valid YAML: " + e.msg));
    return std::nullopt;
  }
  if (doc.IsNull()) return YAML::Node(YAML::NodeType::Map);  // an empty file sets nothing
  if (!doc.IsMap()) {
    problems.push_back(FileProblem(file, 1,
                                   "a homeserver config is a YAML mapping of keys to values "
                                   "(server_name: ..., listeners: ...)"));
    return std::nullopt;
  }
  return doc;
}

}  // namespace

std::string Problem::ToString() const {
  std::string out;
  if (!file.empty()) out += file + (line > 0 ? ":" + std::to_string(line) : std::string()) + ": ";
  out += is_error() ? "error: " : "warning: ";
  if (!key.empty()) out += key + ": ";
  return out + message;
}

bool HasErrors(const std::vector<Problem>& problems) {
  return std::any_of(problems.begin(), problems.end(),
                     [](const Problem& p) { return p.is_error(); });
}

std::set<std::string> ListenerConfig::ResourceNames() const {
  std::set<std::string> out;
  for (const auto& r : resources) out.insert(r.names.begin(), r.names.end());
  return out;
}

std::string DatabaseConfig::PostgresConninfo() const {
  std::vector<std::pair<std::string, std::string>> parts;
  for (const auto& [key, value] : args) {
    if (key.rfind("cp_", 0) == 0 || key == "database" || key == "dbname") continue;
    parts.emplace_back(key, value);
  }
  if (!database.empty()) parts.emplace_back("dbname", database);
  std::string out;
  for (const auto& [key, value] : parts) {
    if (!out.empty()) out += ' ';
    out += key + "=" + util::QuoteConninfoValue(value);
  }
  return out;
}

std::string DatabaseConfig::Describe() const {
  if (engine == storage::Engine::kSqlite) return "sqlite3 database " + database;
  std::string out = "psycopg2 database " + database;
  if (!host.empty()) out += " on " + host + (port ? ":" + std::to_string(port) : std::string());
  if (!user.empty()) out += " as " + user;
  return out;
}

storage::DatabaseSettings DatabaseConfig::ToSettings() const {
  storage::DatabaseSettings settings;
  settings.name = name;
  settings.args = args;
  if (!database.empty() && !args.count("database") && !args.count("dbname")) {
    settings.args["database"] = database;
  }
  return settings;
}

Location HomeserverConfig::Where(const std::string& key) const {
  auto it = locations.find(key);
  if (it != locations.end()) return it->second;
  // A missing key belongs to the file that would have to hold it: the first one read, which
  // is the admin's main homeserver.yaml.
  return Location{files.empty() ? std::string() : files.front(), 0};
}

bool HomeserverConfig::TrustIdentityServerForPasswordResets() const {
  return trust_identity_server_for_password_resets.value_or(false) ||
         email.trust_identity_server_for_password_resets.value_or(false);
}

std::optional<std::string> HomeserverConfig::EmailThreepidDelegate() const {
  if (account_threepid_delegate_email) return account_threepid_delegate_email;
  if (TrustIdentityServerForPasswordResets() && !trusted_third_party_id_servers.empty()) {
    return "https://" + trusted_third_party_id_servers.front();
  }
  return std::nullopt;
}

LoadedConfig LoadConfigFiles(const std::vector<std::string>& paths) {
  std::vector<Problem> problems;
  std::vector<std::pair<std::string, YAML::Node>> docs;
  auto files = ExpandPaths(paths);
  if (files.empty()) {
    problems.push_back(FileProblem("", 0,
                                   "no config file given (use --config-path FILE, or "
                                   "--generate-config to make one)"));
  }
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      std::error_code ec;
      problems.push_back(FileProblem(
          file, 0,
          fs::exists(file, ec) ? "cannot read this config file (permissions?)"
                               : "config file does not exist (make one with --generate-config)"));
      docs.emplace_back(file, YAML::Node(YAML::NodeType::Map));
      continue;
    }
    std::stringstream text;
    text << in.rdbuf();
    auto doc = ParseDocument(text.str(), file, problems);
    docs.emplace_back(file, doc ? *doc : YAML::Node(YAML::NodeType::Map));
  }
  return LoadDocuments(docs, std::move(problems));
}

LoadedConfig ParseConfig(const std::string& yaml_text, const std::string& file) {
  std::vector<Problem> problems;
  auto doc = ParseDocument(yaml_text, file, problems);
  return LoadDocuments({{file, doc ? *doc : YAML::Node(YAML::NodeType::Map)}}, std::move(problems));
}

Status ApplyReleaseDefaults(HomeserverConfig& config,
                            const std::map<std::string, std::string>& defaults) {
  bool legacy_restrict = config.IsSet("restrict_public_rooms_to_local_users");
  for (const auto& [key, value] : defaults) {
    if (config.IsSet(key)) continue;
    // The legacy key, when present, has already decided both of these.
    if (legacy_restrict &&
        (key == "allow_public_rooms_without_auth" || key == "allow_public_rooms_over_federation")) {
      continue;
    }
    std::string error;
    if (!SetConfigKey(config, key, value, &error)) {
      return Status::InvalidArgument("release default for unknown config key '" + key + "'");
    }
    if (!error.empty()) {
      return Status::InvalidArgument("release default for " + key + ": " + error);
    }
  }
  return Status::Ok();
}

}  // namespace strata::config
