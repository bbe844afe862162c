// glob_match.h - the tiny glob matcher behind the tool allow/deny lists.
//
// `*` matches any run of characters (also none), `?` exactly one character;
// every other character matches itself (case-sensitive, byte by byte, no
// escapes, no character classes). The whole text must match. Never fails:
// a pattern is just a string, so there is no error to report.
#pragma once

#include <string_view>

namespace mcph {

// True when `text` matches `pattern` as a whole. Linear in practice
// (O(pattern * text) worst case), no recursion, no allocation.
bool GlobMatch(std::string_view pattern, std::string_view text);

}  // namespace mcph
