#include "report.h"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>

namespace strata::matrix {

const char* OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kPass:
      return "PASS";
    case Outcome::kBugReproduced:
      return "BUG-REPRODUCED";
    case Outcome::kFail:
      break;
  }
  return "FAIL";
}

namespace {

std::string Pad(const std::string& s, size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

std::string Xml(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", s);
  return buf;
}

}  // namespace

std::string RenderTable(const std::vector<RowResult>& rows) {
  size_t path_width = 4;
  for (const auto& r : rows) path_width = std::max(path_width, r.path.size());
  std::string out = Pad("path", path_width) + "  " + Pad("engine", 8) + "  " + Pad("result", 14) +
                    "  " + Pad("time", 6) + "  steps\n";
  for (const auto& r : rows) {
    std::string steps;
    for (const auto& [label, ok] : r.steps) {
      steps += (steps.empty() ? "" : " -> ") + label + (ok ? " ok" : " DIFF");
    }
    out += Pad(r.path, path_width) + "  " + Pad(r.engine, 8) + "  " +
           Pad(OutcomeName(r.outcome), 14) + "  " + Pad(Seconds(r.seconds) + "s", 6) + "  " +
           steps + "\n";
  }
  return out;
}

std::string RenderJUnit(const std::vector<RowResult>& rows) {
  std::map<std::string, std::vector<const RowResult*>> by_engine;
  for (const auto& r : rows) by_engine[r.engine].push_back(&r);
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"strata-matrix\">\n";
  for (const auto& [engine, list] : by_engine) {
    size_t failures = 0;
    double total = 0;
    for (const auto* r : list) {
      failures += r->outcome == Outcome::kFail;
      total += r->seconds;
    }
    out += "  <testsuite name=\"upgrade-matrix." + engine + "\" tests=\"" +
           std::to_string(list.size()) + "\" failures=\"" + std::to_string(failures) +
           "\" time=\"" + Seconds(total) + "\">\n";
    for (const auto* r : list) {
      out += "    <testcase classname=\"upgrade-matrix." + engine + "\" name=\"" + Xml(r->path) +
             "\" time=\"" + Seconds(r->seconds) + "\">\n";
      if (r->outcome == Outcome::kFail) {
        std::string text;
        for (const auto& p : r->problems) text += p + "\n";
        out +=
            "      <failure message=\"does not match its fixture\">" + Xml(text) + "</failure>\n";
      }
      if (!r->note.empty()) out += "      <system-out>" + Xml(r->note) + "</system-out>\n";
      out += "    </testcase>\n";
    }
    out += "  </testsuite>\n";
  }
  return out + "</testsuites>\n";
}

std::string RenderMarkdown(const std::vector<RowResult>& rows,
                           const std::vector<std::pair<std::string, double>>& engine_times) {
  std::string out = "# Strata upgrade-matrix report\n\n";
  size_t failed = 0;
  for (const auto& r : rows) failed += r.outcome == Outcome::kFail;
  out += std::to_string(rows.size()) + " rows, " + std::to_string(failed) + " failed.";
  for (const auto& [engine, seconds] : engine_times) {
    out += " " + engine + ": " + Seconds(seconds) + " s.";
  }
  out += "\n\n| path | engine | result | time | steps |\n|---|---|---|---|---|\n";
  for (const auto& r : rows) {
    std::string steps;
    for (const auto& [label, ok] : r.steps) {
      steps += (steps.empty() ? "" : " → ") + label + (ok ? " ✓" : " ✗");
    }
    out += "| " + r.path + " | " + r.engine + " | " + OutcomeName(r.outcome) + " | " +
           Seconds(r.seconds) + " s | " + steps + " |\n";
  }
  for (const auto& r : rows) {
    out += "\n## " + r.path + " (" + r.engine + "): " + OutcomeName(r.outcome) + "\n\n";
    out += "Path: " + r.releases + "\n\n";
    if (!r.description.empty()) out += r.description + "\n\n";
    if (!r.note.empty()) out += "**" + r.note + "**\n\n";
    if (!r.summaries.empty()) {
      out += "Steps:\n\n";
      for (const auto& s : r.summaries) out += "- " + s + "\n";
      out += "\n";
    }
    if (!r.problems.empty()) {
      out += "Problems and differences from the fixture:\n\n```diff\n";
      for (const auto& p : r.problems) out += p + "\n";
      out += "```\n\n";
    }
    bool any_schema_diff = false;
    for (const auto& d : r.schema_diffs) any_schema_diff |= !d.empty();
    if (any_schema_diff) {
      out +=
          "<details><summary>Schema: upgraded vs a fresh database of the same release</summary>"
          "\n\n```diff\n";
      for (const auto& d : r.schema_diffs) out += d;
      out += "```\n\n</details>\n";
    }
  }
  return out;
}

Progress::Progress(std::vector<std::pair<std::string, std::string>> rows, bool tty)
    : rows_(std::move(rows)), status_(rows_.size(), "waiting"), tty_(tty) {}

void Progress::Start(size_t row) {
  status_[row] = "running";
  if (tty_) {
    Redraw();
  } else {
    std::cout << "[" << rows_[row].second << "] " << rows_[row].first << ": started\n"
              << std::flush;
  }
}

void Progress::Step(size_t row, const std::string& text) {
  status_[row] = "running: " + text;
  if (tty_) {
    Redraw();
  } else {
    std::cout << "[" << rows_[row].second << "] " << rows_[row].first << ": " << text << "\n"
              << std::flush;
  }
}

void Progress::Done(size_t row, const RowResult& r) {
  status_[row] = std::string(OutcomeName(r.outcome)) + " (" + Seconds(r.seconds) + " s)";
  if (tty_) {
    Redraw();
  } else {
    std::cout << "[" << rows_[row].second << "] " << rows_[row].first << ": " << status_[row]
              << (r.note.empty() ? "" : ": " + r.note) << "\n"
              << std::flush;
  }
}

void Progress::Print(const std::string& line) {
  if (!tty_) {
    std::cout << line << "\n" << std::flush;
    return;
  }
  extra_.push_back(line);
  Redraw();
}

void Progress::Redraw() {
  // Move up over the previous drawing and clear it; extra lines scroll away above the table.
  if (drawn_ > 0) std::cout << "\x1b[" << drawn_ << "A\x1b[J";
  for (const auto& line : extra_) std::cout << line << "\n";
  extra_.clear();
  size_t width = 4;
  for (const auto& [path, engine] : rows_) width = std::max(width, path.size());
  drawn_ = 0;
  for (size_t i = 0; i < rows_.size(); ++i) {
    std::string line =
        Pad(rows_[i].first, width) + "  " + Pad(rows_[i].second, 8) + "  " + status_[i];
    if (line.size() > 150) line = line.substr(0, 147) + "...";
    std::cout << line << "\n";
    ++drawn_;
  }
  std::cout << std::flush;
}

}  // namespace strata::matrix
