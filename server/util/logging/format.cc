#include "util/logging/format.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <sstream>
#include <thread>

namespace strata::logging::internal {

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

namespace {

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

}  // namespace

bool SameFormat(const std::vector<Segment>& a, const std::vector<Segment>& b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](const auto& x, const auto& y) {
           return x.literal == y.literal && x.field == y.field && x.width == y.width &&
                  x.left_align == y.left_align;
         });
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

}  // namespace strata::logging::internal
