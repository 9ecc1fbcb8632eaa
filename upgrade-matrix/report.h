// The matrix's reports: the live progress table, the final terminal table (paths x steps, per
// engine), JUnit XML for CI and a self-contained Markdown report with the diffs.
#pragma once

#include <string>
#include <vector>

namespace strata::matrix {

enum class Outcome { kPass, kFail, kBugReproduced };
const char* OutcomeName(Outcome outcome);  // "PASS", "FAIL", "BUG-REPRODUCED"

struct RowResult {
  std::string path;                                 // name
  std::string engine;                               // "sqlite" / "postgres"
  std::vector<std::pair<std::string, bool>> steps;  // label, matched its fixture
  Outcome outcome = Outcome::kFail;
  double seconds = 0;
  std::vector<std::string> problems;      // why it failed: diff lines, bug detector, errors
  std::string note;                       // e.g. the bug reproduced
  std::string releases;                   // the path described: "1.2.1 -> 1.4.0 -> 1.12.4"
  std::string description;                // paths.yaml's description, or the known bug's
  std::vector<std::string> summaries;     // one line per step: what the release left
  std::vector<std::string> schema_diffs;  // fresh-vs-upgraded listing diffs, per step
};

// The table, one line per row, steps as "1.4.0 ok" / "1.12.4 DIFF".
std::string RenderTable(const std::vector<RowResult>& rows);

// JUnit XML: one testsuite per engine, one testcase per path.
std::string RenderJUnit(const std::vector<RowResult>& rows);

// The Markdown report: the table, each row's steps, problems and diffs, and `engine_times`.
std::string RenderMarkdown(const std::vector<RowResult>& rows,
                           const std::vector<std::pair<std::string, double>>& engine_times);

// Progress while the matrix runs: on a terminal, a table redrawn in place (one line per path and
// engine: waiting, the step it is at, the outcome); otherwise plain lines as things happen.
class Progress {
 public:
  // `rows`: (path, engine) in the order they will run.
  Progress(std::vector<std::pair<std::string, std::string>> rows, bool tty);
  void Start(size_t row);
  void Step(size_t row, const std::string& text);  // a step finished
  void Done(size_t row, const RowResult& result);
  void Print(const std::string& line);  // an extra line (kept above the table on a terminal)

 private:
  void Redraw();
  std::vector<std::pair<std::string, std::string>> rows_;
  std::vector<std::string> status_;
  std::vector<std::string> extra_;
  bool tty_;
  size_t drawn_ = 0;
};

}  // namespace strata::matrix
