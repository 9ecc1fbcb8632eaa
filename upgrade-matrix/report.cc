#include "report.h"

#include <algorithm>
#include <cstdio>
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

}  // namespace strata::matrix
