// glob_match.cpp - `*` / `?` glob matching for tool allow/deny lists.
//
// Greedy scan with one backtrack point (the last `*` seen): on a mismatch,
// let that star swallow one more character and retry. Correct because a
// later star can always absorb whatever an earlier one would have. No
// errors: every pattern is valid.
#include "config/glob_match.h"

#include <cstddef>

namespace mcph {

bool GlobMatch(std::string_view pattern, std::string_view text) {
  std::size_t p = 0, t = 0;
  std::size_t star = std::string_view::npos;  // position of the last `*` in pattern
  std::size_t star_text = 0;                  // text position that star currently covers up to
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t]) && pattern[p] != '*') {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_text = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++star_text;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace mcph
