// Line diffs for people: what a fixture expected against what a run gave, and a fresh schema
// against an upgraded one, shown as unified-diff hunks ("-expected", "+actual").
#pragma once

#include <string>
#include <vector>

namespace strata::matrix {

std::vector<std::string> SplitLines(const std::string& text);

// Unified-diff hunks of `before` -> `after` with `context` lines around each change; empty when
// the two are equal. Lines are prefixed "-", "+" or " "; hunks start with "@@ -a +b @@".
std::vector<std::string> UnifiedDiff(const std::vector<std::string>& before,
                                     const std::vector<std::string>& after, size_t context = 2);

}  // namespace strata::matrix
