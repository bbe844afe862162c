// utf8.h - strict UTF-8 validation (no overlongs, no surrogates, <= U+10FFFF).
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace mcph {

inline bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t i = 0;
  while (i < s.size()) {
    // Most text is ASCII: skip it eight bytes at a time.
    while (i + 8 <= s.size()) {
      uint64_t word;
      std::memcpy(&word, p + i, 8);
      if (word & 0x8080808080808080ull) break;
      i += 8;
    }
    if (i >= s.size()) break;
    unsigned c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t n = (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k)
      if ((p[i + k] & 0xC0) != 0x80) return false;
    if (n == 2 && c < 0xC2) return false;
    if (n == 3 && c == 0xE0 && p[i + 1] < 0xA0) return false;
    if (n == 3 && c == 0xED && p[i + 1] >= 0xA0) return false;
    if (n == 4 && (c > 0xF4 || (c == 0xF0 && p[i + 1] < 0x90) || (c == 0xF4 && p[i + 1] >= 0x90))) return false;
    i += n;
  }
  return true;
}

}  // namespace mcph
