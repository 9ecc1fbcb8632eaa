#include "util/logging.h"

#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

namespace strata::logging {
namespace {

namespace fs = std::filesystem;

// ---- Records and formats ------------------------------------------------------------------

struct Record {
  Level level;
  std::string_view logger;
  std::string_view file;  // base name
  int line;
  std::string_view message;
  std::chrono::system_clock::time_point time;
  std::string_view request;
};

// One piece of a Python %-style format: literal text, or a %(field)[flags][width]<conv>.
struct Segment {
  std::string literal;  // used when field is empty
  std::string field;
  bool left_align = false;
  int width = 0;
};

std::vector<Segment> ParseFormat(std::string_view fmt) {
  std::vector<Segment> out;
  std::string literal;
  size_t i = 0;
  while (i < fmt.size()) {
    char c = fmt[i];
    if (c == '%' && i + 1 < fmt.size() && fmt[i + 1] == '%') {
      literal += '%';
      i += 2;
      continue;
    }
    if (c == '%' && i + 1 < fmt.size() && fmt[i + 1] == '(') {
      size_t close = fmt.find(')', i + 2);
      if (close != std::string_view::npos) {
        Segment seg;
        seg.field = std::string(fmt.substr(i + 2, close - i - 2));
        size_t j = close + 1;
        while (j < fmt.size() && (fmt[j] == '-' || fmt[j] == ' ' || fmt[j] == '+' ||
                                  fmt[j] == '#' || fmt[j] == '0')) {
          if (fmt[j] == '-') seg.left_align = true;
          ++j;
        }
        while (j < fmt.size() && fmt[j] >= '0' && fmt[j] <= '9') {
          seg.width = seg.width * 10 + (fmt[j] - '0');
          ++j;
        }
        if (j < fmt.size() && fmt[j] == '.') {  // precision: accepted, not applied
          ++j;
          while (j < fmt.size() && fmt[j] >= '0' && fmt[j] <= '9') ++j;
        }
        if (j < fmt.size()) ++j;  // the conversion letter (s, d, f, r, ...)
        if (!literal.empty()) out.push_back(Segment{std::move(literal), "", false, 0});
        literal.clear();
        out.push_back(std::move(seg));
        i = j;
        continue;
      }
    }
    literal += c;
    ++i;
  }
  if (!literal.empty()) out.push_back(Segment{std::move(literal), "", false, 0});
  return out;
}

std::string AscTime(std::chrono::system_clock::time_point t) {
  auto secs = std::chrono::system_clock::to_time_t(t);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()) % 1000;
  std::tm tm{};
  localtime_r(&secs, &tm);
  char buf[48];
  size_t n = std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof(buf) - n, ",%03d", static_cast<int>(millis.count()));
  return buf;
}

std::string ThreadIdText() {
  std::ostringstream s;
  s << std::this_thread::get_id();
  return s.str();
}

void AppendField(const Record& r, const std::string& field, std::string& out) {
  if (field == "asctime") {
    out += AscTime(r.time);
  } else if (field == "name") {
    out += r.logger;
  } else if (field == "lineno") {
    out += std::to_string(r.line);
  } else if (field == "levelname") {
    out += LevelName(r.level);
  } else if (field == "levelno") {
    out += std::to_string(static_cast<int>(r.level));
  } else if (field == "message" || field == "msg") {
    out += r.message;
  } else if (field == "request") {
    out += r.request;
  } else if (field == "filename") {
    out += r.file;
  } else if (field == "module") {
    out += r.file.substr(0, r.file.find('.'));
  } else if (field == "process") {
    out += std::to_string(::getpid());
  } else if (field == "thread" || field == "threadName") {
    out += ThreadIdText();
  } else if (field == "created") {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(r.time.time_since_epoch());
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.3f", static_cast<double>(ms.count()) / 1000.0);
    out += buf;
  } else if (field == "msecs") {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(r.time.time_since_epoch());
    out += std::to_string(ms.count() % 1000);
  }
  // Other Python fields (funcName, pathname, ...) have no equivalent here and render empty,
  // as a missing attribute would under a lenient formatter.
}

std::string Render(const std::vector<Segment>& format, const Record& r) {
  std::string out;
  out.reserve(128 + r.message.size());
  for (const auto& seg : format) {
    if (seg.field.empty()) {
      out += seg.literal;
      continue;
    }
    if (seg.width == 0) {
      AppendField(r, seg.field, out);
      continue;
    }
    std::string value;
    AppendField(r, seg.field, value);
    size_t pad = value.size() < static_cast<size_t>(seg.width) ? seg.width - value.size() : 0;
    if (!seg.left_align) out.append(pad, ' ');
    out += value;
    if (seg.left_align) out.append(pad, ' ');
  }
  out += '\n';
  return out;
}

// ---- Sinks -------------------------------------------------------------------------------

class Sink {
 public:
  virtual ~Sink() = default;
  virtual void Write(std::string_view text, std::chrono::system_clock::time_point when) = 0;
};

class StreamSink final : public Sink {
 public:
  explicit StreamSink(FILE* stream) : stream_(stream) {}
  void Write(std::string_view text, std::chrono::system_clock::time_point) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::fwrite(text.data(), 1, text.size(), stream_);
    std::fflush(stream_);
  }

 private:
  std::mutex mu_;
  FILE* stream_;
};

std::string LocalDate(std::chrono::system_clock::time_point t) {
  auto secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  localtime_r(&secs, &tm);
  char buf[16];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d", &tm);
  return buf;
}

class FileSink final : public Sink {
 public:
  static Result<std::shared_ptr<FileSink>> Open(const HandlerSettings& s) {
    auto sink = std::shared_ptr<FileSink>(new FileSink(s));
    Status st = sink->Reopen();
    if (!st.ok()) return st;
    struct stat info {};
    if (::stat(s.filename.c_str(), &info) == 0) {
      sink->size_ = info.st_size;
      sink->day_ = LocalDate(std::chrono::system_clock::from_time_t(info.st_mtime));
    }
    return sink;
  }

  ~FileSink() override {
    if (file_) std::fclose(file_);
  }

  void Write(std::string_view text, std::chrono::system_clock::time_point when) override {
    std::lock_guard<std::mutex> lock(mu_);
    MaybeRotate(text.size(), when);
    if (!file_) return;
    std::fwrite(text.data(), 1, text.size(), file_);
    std::fflush(file_);
    size_ += static_cast<int64_t>(text.size());
  }

 private:
  explicit FileSink(HandlerSettings s) : settings_(std::move(s)) {}

  Status Reopen() {
    if (file_) std::fclose(file_);
    file_ = std::fopen(settings_.filename.c_str(), "ab");
    if (!file_) {
      return Status::IoError("cannot open log file " + settings_.filename + " (handler '" +
                             settings_.name + "'): " + std::strerror(errno));
    }
    size_ = 0;
    return Status::Ok();
  }

  void MaybeRotate(size_t incoming, std::chrono::system_clock::time_point when) {
    if (settings_.max_bytes > 0 && settings_.backup_count > 0 && size_ > 0 &&
        size_ + static_cast<int64_t>(incoming) > settings_.max_bytes) {
      RotateBySize();
    }
    if (settings_.rotate_daily) {
      std::string today = LocalDate(when);
      if (day_.empty()) day_ = today;
      if (today != day_ && size_ > 0) RotateByDay();
      day_ = today;
    }
  }

  // filename.N-1 -> filename.N, ..., filename -> filename.1, as RotatingFileHandler does.
  void RotateBySize() {
    std::error_code ec;
    const std::string& base = settings_.filename;
    for (int i = settings_.backup_count - 1; i >= 1; --i) {
      fs::path from = base + "." + std::to_string(i);
      if (fs::exists(from, ec)) fs::rename(from, base + "." + std::to_string(i + 1), ec);
    }
    fs::rename(base, base + ".1", ec);
    (void)Reopen();
  }

  void RotateByDay() {
    std::error_code ec;
    const std::string& base = settings_.filename;
    fs::rename(base, base + "." + day_, ec);
    (void)Reopen();
    if (settings_.backup_count <= 0) return;
    // Keep the newest backup_count dated files; ISO dates sort by age.
    fs::path dir = fs::path(base).parent_path();
    if (dir.empty()) dir = ".";
    std::string prefix = fs::path(base).filename().string() + ".";
    std::vector<fs::path> dated;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      std::string name = entry.path().filename().string();
      if (name.size() == prefix.size() + 10 && name.rfind(prefix, 0) == 0) {
        dated.push_back(entry.path());
      }
    }
    std::sort(dated.begin(), dated.end());
    while (dated.size() > static_cast<size_t>(settings_.backup_count)) {
      fs::remove(dated.front(), ec);
      dated.erase(dated.begin());
    }
  }

  HandlerSettings settings_;
  std::mutex mu_;
  FILE* file_ = nullptr;
  int64_t size_ = 0;
  std::string day_;
};

// ---- Current state -----------------------------------------------------------------------

struct Handler {
  Level level;
  std::vector<Segment> format;
  std::shared_ptr<Sink> sink;
};

struct State {
  Level root_level = Level::kInfo;
  std::vector<size_t> root_handlers;
  std::vector<Handler> handlers;
  struct Logger {
    std::optional<Level> level;
    std::vector<size_t> handlers;
    bool propagate = true;
  };
  std::map<std::string, Logger, std::less<>> loggers;
};

std::mutex g_state_mu;
std::shared_ptr<const State> g_state;
// The lowest level any record could be written at: a cheap first test for Enabled.
std::atomic<int> g_min_level{static_cast<int>(Level::kInfo)};

thread_local std::string t_request = "sentinel";

std::shared_ptr<const State> CurrentState() {
  std::lock_guard<std::mutex> lock(g_state_mu);
  return g_state;
}

// Synapse's logger names configure Strata's: "synapse.storage" -> "strata.storage".
std::string StrataLoggerName(const std::string& name) {
  if (name == "synapse") return "strata";
  if (name.rfind("synapse.", 0) == 0) return "strata" + name.substr(7);
  return name;
}

Result<std::shared_ptr<const State>> Build(const Settings& settings) {
  auto state = std::make_shared<State>();
  state->root_level = settings.root_level;
  std::map<std::string, size_t> index;
  for (const auto& h : settings.handlers) {
    Handler handler;
    handler.level = h.level;
    handler.format = ParseFormat(h.format);
    if (h.kind == HandlerSettings::Kind::kFile) {
      auto sink = FileSink::Open(h);
      if (!sink.ok()) return sink.status();
      handler.sink = std::move(sink).value();
    } else {
      handler.sink =
          std::make_shared<StreamSink>(h.kind == HandlerSettings::Kind::kStdout ? stdout : stderr);
    }
    index[h.name] = state->handlers.size();
    state->handlers.push_back(std::move(handler));
  }
  auto resolve = [&](const std::vector<std::string>& names,
                     const std::string& owner) -> Result<std::vector<size_t>> {
    std::vector<size_t> out;
    for (const auto& n : names) {
      auto it = index.find(n);
      if (it == index.end()) {
        return Status::InvalidArgument(owner + " names an unknown handler '" + n + "'");
      }
      out.push_back(it->second);
    }
    return out;
  };
  auto root = resolve(settings.root_handlers, "root");
  if (!root.ok()) return root.status();
  state->root_handlers = std::move(root).value();
  // Explicit strata names win over names translated from synapse.
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& [name, logger] : settings.loggers) {
      std::string target = StrataLoggerName(name);
      bool translated = target != name;
      if ((pass == 0) != translated) continue;
      if (pass == 1 && state->loggers.count(target)) continue;
      auto handlers = resolve(logger.handlers, "logger '" + name + "'");
      if (!handlers.ok()) return handlers.status();
      state->loggers[target] =
          State::Logger{logger.level, std::move(handlers).value(), logger.propagate};
    }
  }
  return std::shared_ptr<const State>(std::move(state));
}

int MinLevel(const State& state) {
  if (state.handlers.empty()) return static_cast<int>(Level::kCritical) + 1;
  int min_logger = static_cast<int>(state.root_level);
  for (const auto& [name, logger] : state.loggers) {
    if (logger.level) min_logger = std::min(min_logger, static_cast<int>(*logger.level));
  }
  int min_handler = static_cast<int>(Level::kCritical);
  for (const auto& h : state.handlers)
    min_handler = std::min(min_handler, static_cast<int>(h.level));
  return std::max(min_logger, min_handler);
}

// The handlers a record from `logger` at `level` goes to, in order, without duplicates.
std::vector<const Handler*> Route(const State& state, std::string_view logger, Level level) {
  std::vector<const Handler*> out;
  // Effective level: the nearest configured ancestor's, else the root's.
  Level effective = state.root_level;
  std::string_view name = logger;
  while (!name.empty()) {
    auto it = state.loggers.find(name);
    if (it != state.loggers.end() && it->second.level) {
      effective = *it->second.level;
      break;
    }
    size_t dot = name.rfind('.');
    name = dot == std::string_view::npos ? std::string_view() : name.substr(0, dot);
  }
  if (level < effective) return out;

  std::set<size_t> seen;
  auto add = [&](const std::vector<size_t>& handlers) {
    for (size_t i : handlers) {
      if (seen.insert(i).second && level >= state.handlers[i].level) {
        out.push_back(&state.handlers[i]);
      }
    }
  };
  name = logger;
  bool propagate = true;
  while (!name.empty() && propagate) {
    auto it = state.loggers.find(name);
    if (it != state.loggers.end()) {
      add(it->second.handlers);
      propagate = it->second.propagate;
    }
    size_t dot = name.rfind('.');
    name = dot == std::string_view::npos ? std::string_view() : name.substr(0, dot);
  }
  if (propagate) add(state.root_handlers);
  return out;
}

struct Initialiser {
  Initialiser() {
    auto state = Build(DefaultSettings());
    g_state = state.ok() ? state.value() : std::make_shared<const State>();
    g_min_level = MinLevel(*g_state);
  }
};
const Initialiser g_initialiser;

// ---- Reading a dictConfig ----------------------------------------------------------------

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

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "DEBUG";
    case Level::kInfo:
      return "INFO";
    case Level::kWarning:
      return "WARNING";
    case Level::kError:
      return "ERROR";
    case Level::kCritical:
      return "CRITICAL";
  }
  return "INFO";
}

std::optional<Level> ParseLevel(std::string_view text) {
  std::string upper(text);
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper == "DEBUG" || upper == "NOTSET") return Level::kDebug;
  if (upper == "INFO") return Level::kInfo;
  if (upper == "WARNING" || upper == "WARN") return Level::kWarning;
  if (upper == "ERROR") return Level::kError;
  if (upper == "CRITICAL" || upper == "FATAL") return Level::kCritical;
  if (!upper.empty() && std::all_of(upper.begin(), upper.end(), ::isdigit) && upper.size() < 4) {
    int n = std::stoi(upper);
    if (n <= 10) return Level::kDebug;
    if (n <= 20) return Level::kInfo;
    if (n <= 30) return Level::kWarning;
    if (n <= 40) return Level::kError;
    return Level::kCritical;
  }
  return std::nullopt;
}

Settings DefaultSettings() {
  Settings s;
  HandlerSettings console;
  console.name = "console";
  console.kind = HandlerSettings::Kind::kStderr;
  s.handlers.push_back(console);
  s.root_handlers = {"console"};
  s.root_level = Level::kInfo;
  return s;
}

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

Status Configure(const Settings& settings) {
  auto state = Build(settings);
  if (!state.ok()) return state.status();
  std::shared_ptr<const State> old;
  {
    std::lock_guard<std::mutex> lock(g_state_mu);
    old = std::move(g_state);
    g_state = state.value();
    g_min_level = MinLevel(*g_state);
  }
  return Status::Ok();  // `old` (and its files) go away here unless a writer still holds it
}

Status ConfigureFromFile(const std::string& path, std::vector<std::string>* warnings) {
  auto settings = LoadLogConfig(path, warnings);
  if (!settings.ok()) return settings.status();
  return Configure(settings.value());
}

bool Enabled(std::string_view logger, Level level) {
  if (static_cast<int>(level) < g_min_level.load(std::memory_order_relaxed)) return false;
  auto state = CurrentState();
  return state && !Route(*state, logger, level).empty();
}

void Write(Level level, std::string_view logger, const char* file, int line,
           std::string_view message) {
  if (static_cast<int>(level) < g_min_level.load(std::memory_order_relaxed)) return;
  auto state = CurrentState();
  if (!state) return;
  auto handlers = Route(*state, logger, level);
  if (handlers.empty()) return;
  std::string_view base = file ? std::string_view(file) : std::string_view();
  if (auto slash = base.rfind('/'); slash != std::string_view::npos) base = base.substr(slash + 1);
  Record record{level, logger, base, line, message, std::chrono::system_clock::now(), t_request};
  // Handlers sharing a format share the rendered text.
  const std::vector<Segment>* last_format = nullptr;
  std::string text;
  for (const Handler* h : handlers) {
    if (last_format == nullptr ||
        !(h->format.size() == last_format->size() &&
          std::equal(h->format.begin(), h->format.end(), last_format->begin(),
                     [](const auto& a, const auto& b) {
                       return a.literal == b.literal && a.field == b.field && a.width == b.width &&
                              a.left_align == b.left_align;
                     }))) {
      text = Render(h->format, record);
      last_format = &h->format;
    }
    h->sink->Write(text, record.time);
  }
}

ScopedRequest::ScopedRequest(std::string name) : previous_(std::move(t_request)) {
  t_request = std::move(name);
}

ScopedRequest::~ScopedRequest() {
  t_request = std::move(previous_);
}

const std::string& CurrentRequest() {
  return t_request;
}

}  // namespace strata::logging
