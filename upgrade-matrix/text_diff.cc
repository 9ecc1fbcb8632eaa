#include "text_diff.h"

#include <algorithm>
#include <sstream>

namespace strata::matrix {

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

std::vector<std::string> UnifiedDiff(const std::vector<std::string>& a,
                                     const std::vector<std::string>& b, size_t context) {
  // Longest common subsequence on the middle part; fixtures and schema listings are a few
  // thousand lines at most, so the quadratic table is fine once common ends are trimmed.
  size_t head = 0;
  while (head < a.size() && head < b.size() && a[head] == b[head]) ++head;
  size_t tail = 0;
  while (tail < a.size() - head && tail < b.size() - head &&
         a[a.size() - 1 - tail] == b[b.size() - 1 - tail]) {
    ++tail;
  }
  const size_t n = a.size() - head - tail, m = b.size() - head - tail;
  if (n == 0 && m == 0) return {};
  std::vector<std::vector<uint32_t>> lcs(n + 1, std::vector<uint32_t>(m + 1, 0));
  for (size_t i = n; i-- > 0;) {
    for (size_t j = m; j-- > 0;) {
      lcs[i][j] = a[head + i] == b[head + j] ? lcs[i + 1][j + 1] + 1
                                             : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  // The edit script over the whole texts: ' ' kept, '-' only in a, '+' only in b.
  struct Op {
    char kind;
    size_t ai, bi;
  };
  std::vector<Op> ops;
  for (size_t k = 0; k < head; ++k) ops.push_back({' ', k, k});
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[head + i] == b[head + j]) {
      ops.push_back({' ', head + i++, head + j++});
    } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      ops.push_back({'-', head + i++, head + j});
    } else {
      ops.push_back({'+', head + i, head + j++});
    }
  }
  for (size_t k = 0; k < tail; ++k) ops.push_back({' ', head + n + k, head + m + k});

  std::vector<std::string> out;
  size_t k = 0;
  while (k < ops.size()) {
    if (ops[k].kind == ' ') {
      ++k;
      continue;
    }
    // A hunk: from `context` lines before this change to `context` lines after the last change
    // that is no more than 2*context lines from the previous one.
    size_t start = k >= context ? k - context : 0;
    size_t end = k;
    size_t last_change = k;
    while (end < ops.size()) {
      if (ops[end].kind != ' ') last_change = end;
      if (end - last_change > 2 * context) break;
      ++end;
    }
    end = std::min(ops.size(), last_change + context + 1);
    size_t a_count = 0, b_count = 0;
    for (size_t x = start; x < end; ++x) {
      a_count += ops[x].kind != '+';
      b_count += ops[x].kind != '-';
    }
    out.push_back("@@ -" + std::to_string(ops[start].ai + 1) + "," + std::to_string(a_count) +
                  " +" + std::to_string(ops[start].bi + 1) + "," + std::to_string(b_count) + " @@");
    for (size_t x = start; x < end; ++x) {
      const std::string& line = ops[x].kind == '+' ? b[ops[x].bi] : a[ops[x].ai];
      out.push_back(std::string(1, ops[x].kind) + line);
    }
    k = end;
  }
  return out;
}

}  // namespace strata::matrix
