// The log line format: Python %-style formats (Synapse's formatters' `format`) parsed once and
// rendered per record.
//
// Promises:
//  - ParseFormat accepts any text: %% is a literal %, %(field)[flags][width][.precision]<conv>
//    is a field (the "-" flag left-aligns in `width`; precision is accepted and not applied);
//    anything else, an unclosed "%(" included, is literal text.
//  - Render writes one line ending in '\n'. The fields Python names (asctime as
//    "YYYY-MM-DD HH:MM:SS,mmm" local time, name, lineno, levelname, levelno, message/msg,
//    request, filename, module, process, thread/threadName, created, msecs) have their values;
//    other fields render empty. Message bytes are copied as given.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "util/logging.h"

namespace strata::logging::internal {

// One record as the formatter sees it. The views must outlive the Render call.
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

std::vector<Segment> ParseFormat(std::string_view fmt);

// True if `a` and `b` render every record the same way.
bool SameFormat(const std::vector<Segment>& a, const std::vector<Segment>& b);

std::string Render(const std::vector<Segment>& format, const Record& r);

}  // namespace strata::logging::internal
