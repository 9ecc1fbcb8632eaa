// Where rendered log lines go: a console stream or a file, with the file handlers' rotation.
//
// Promises:
//  - Sink::Write is thread-safe and writes `text` whole, then flushes, so lines from different
//    threads never interleave and nothing is lost in a buffer when the process dies.
//  - File sinks open the file for appending (creating it). Size rotation (max_bytes and
//    backup_count both set) renames filename.N-1 -> filename.N ... filename -> filename.1 before
//    a write would pass max_bytes, as Python's RotatingFileHandler does. Daily rotation renames
//    the file to filename.YYYY-MM-DD at the first write of a new local day (the day of an
//    existing file is its modification time) and keeps the newest backup_count dated files
//    (0: all). A rotation that cannot reopen the file drops later lines rather than failing.
#pragma once

#include <chrono>
#include <cstdio>
#include <memory>
#include <string_view>

#include "util/logging.h"
#include "util/status.h"

namespace strata::logging::internal {

class Sink {
 public:
  virtual ~Sink() = default;
  // `when` is the record's time; daily rotation goes by it, not by the clock.
  virtual void Write(std::string_view text, std::chrono::system_clock::time_point when) = 0;
};

// Writes to `stream` (stderr or stdout), which must outlive the sink.
std::shared_ptr<Sink> OpenStreamSink(FILE* stream);

// Opens settings.filename (kind kFile) for appending. Fails with an IoError naming the file and
// the handler if it cannot be opened.
Result<std::shared_ptr<Sink>> OpenFileSink(const HandlerSettings& settings);

}  // namespace strata::logging::internal
