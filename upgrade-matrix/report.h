// The matrix's reports: the terminal table (paths x steps, per engine) and JUnit XML for CI.
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
  std::vector<std::string> problems;  // why it failed: diff lines, bug detector, errors
  std::string note;                   // e.g. the bug reproduced
};

// The table, one line per row, steps as "1.4.0 ok" / "1.12.4 DIFF".
std::string RenderTable(const std::vector<RowResult>& rows);

// JUnit XML: one testsuite per engine, one testcase per path.
std::string RenderJUnit(const std::vector<RowResult>& rows);

}  // namespace strata::matrix
