#include "util/logging/sinks.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

namespace strata::logging::internal {
namespace {

namespace fs = std::filesystem;

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

}  // namespace

std::shared_ptr<Sink> OpenStreamSink(FILE* stream) {
  return std::make_shared<StreamSink>(stream);
}

Result<std::shared_ptr<Sink>> OpenFileSink(const HandlerSettings& settings) {
  auto sink = FileSink::Open(settings);
  if (!sink.ok()) return sink.status();
  return std::shared_ptr<Sink>(std::move(sink).value());
}

}  // namespace strata::logging::internal
