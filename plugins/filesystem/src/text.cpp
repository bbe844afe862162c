// text.cpp - text helpers that reproduce the reference server's formats:
// UTF-8 decoding with U+FFFD, JSON.stringify quoting, formatSize, padEnd,
// localeCompare (approximated), Date strings, file URLs, head/tail.
#include <time.h>

#include <cmath>
#include <ctime>
#include <cstdio>
#include <cstring>

#include "fs_internal.hpp"

namespace fsplug {

namespace {
/* Length of the valid UTF-8 sequence at s[i], or 0 with *consumed set to the
 * maximal invalid subpart (WHATWG decoder). */
size_t utf8_seq(std::string_view s, size_t i, size_t* consumed) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  size_t need;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    need = 1;
  } else if (c >= 0xE0 && c <= 0xEF) {
    need = 2;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 3;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    *consumed = 1;
    return 0;
  }
  size_t j = i + 1;
  for (size_t k = 0; k < need; ++k, ++j) {
    if (j >= s.size()) {
      *consumed = j - i;
      return 0;
    }
    unsigned char d = static_cast<unsigned char>(s[j]);
    if (d < lo || d > hi) {
      *consumed = j - i;
      return 0;
    }
    lo = 0x80;
    hi = 0xBF;
  }
  return need + 1;
}

uint32_t decode_cp(std::string_view s, size_t i, size_t len) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (len == 1) return c;
  uint32_t cp = c & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
  for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  return cp;
}

std::vector<uint32_t> codepoints(std::string_view s) {
  std::vector<uint32_t> out;
  for (size_t i = 0; i < s.size();) {
    size_t consumed = 0;
    size_t len = utf8_seq(s, i, &consumed);
    if (len == 0) {
      out.push_back(0xFFFD);
      i += consumed;
    } else {
      out.push_back(decode_cp(s, i, len));
      i += len;
    }
  }
  return out;
}

size_t utf16_length(std::string_view s) {
  size_t n = 0;
  for (uint32_t cp : codepoints(s)) n += cp >= 0x10000 ? 2 : 1;
  return n;
}
}  // namespace

bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    // Text is mostly ASCII: skip it 8 bytes at a time (no byte has the top bit).
    while (i + 8 <= s.size()) {
      uint64_t block;
      std::memcpy(&block, s.data() + i, 8);
      if (block & 0x8080808080808080ull) break;
      i += 8;
    }
    if (i >= s.size()) break;
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t consumed = 0;
    size_t len = utf8_seq(s, i, &consumed);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

std::string sanitize_utf8_owned(std::string s) {
  if (valid_utf8(s)) return s;  // the common case: moved out, no copy of a large file
  return sanitize_utf8(std::string_view(s));
}

std::string sanitize_utf8(std::string_view s) {
  if (valid_utf8(s)) return std::string(s);
  std::string out;
  out.reserve(s.size() + 16);
  for (size_t i = 0; i < s.size();) {
    size_t consumed = 0;
    size_t len = utf8_seq(s, i, &consumed);
    if (len == 0) {
      out += "\xEF\xBF\xBD";
      i += consumed;
    } else {
      out.append(s.substr(i, len));
      i += len;
    }
  }
  return out;
}

void json_quote(std::string& out, std::string_view s) {
  static const char hex[] = "0123456789abcdef";
  out += '"';
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.substr(start, i - start));
    start = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += hex[c >> 4];
        out += hex[c & 15];
    }
  }
  out.append(s.substr(start));
  out += '"';
}

std::string json_quote(std::string_view s) {
  std::string out;
  json_quote(out, s);
  return out;
}

namespace {
/* Number.prototype.toFixed(2): the exact decimal value, ties away from zero. */
std::string to_fixed2(double v) {
  char buf[400];
  std::snprintf(buf, sizeof buf, "%.60f", v);  // exact for the magnitudes used here
  std::string s = buf;
  size_t dot = s.find('.');
  std::string ip = s.substr(0, dot);
  std::string frac = s.substr(dot + 1);
  std::string keep = frac.substr(0, 2);
  bool up = frac[2] >= '5';
  std::string digits = ip + keep;
  if (up) {
    int i = static_cast<int>(digits.size()) - 1;
    while (i >= 0) {
      if (digits[static_cast<size_t>(i)] == '9') {
        digits[static_cast<size_t>(i)] = '0';
        --i;
      } else {
        ++digits[static_cast<size_t>(i)];
        break;
      }
    }
    if (i < 0) digits.insert(digits.begin(), '1');
  }
  return digits.substr(0, digits.size() - 2) + "." + digits.substr(digits.size() - 2);
}
}  // namespace

std::string format_size(uint64_t bytes) {
  static const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  if (bytes == 0) return "0 B";
  double b = static_cast<double>(bytes);
  double i = std::floor(std::log(b) / std::log(1024.0));
  if (i <= 0) return std::to_string(bytes) + " B";
  int unit = static_cast<int>(std::min(i, 4.0));
  return to_fixed2(b / std::pow(1024.0, unit)) + " " + units[unit];
}

std::string pad_end(std::string_view s, size_t width) {
  std::string out(s);
  size_t n = utf16_length(s);
  if (n < width) out.append(width - n, ' ');
  return out;
}

std::string pad_start(std::string_view s, size_t width) {
  size_t n = utf16_length(s);
  std::string out;
  if (n < width) out.append(width - n, ' ');
  out.append(s);
  return out;
}

namespace {
struct Weight {
  uint32_t primary;
  uint8_t secondary;
  uint8_t tertiary;
};

Weight weight_of(uint32_t cp) {
  static const char punct[] = " _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$";
  if (cp < 0x80) {
    char c = static_cast<char>(cp);
    if (cp < 0x20 || cp == 0x7F) return {0, 0, 0};  // ignorable controls
    if (const char* p = std::strchr(punct, c)) return {static_cast<uint32_t>(1 + (p - punct)), 0, 0};
    if (c >= '0' && c <= '9') return {static_cast<uint32_t>(100 + (c - '0')), 0, 0};
    if (c >= 'a' && c <= 'z') return {static_cast<uint32_t>(200 + (c - 'a')), 0, 0};
    if (c >= 'A' && c <= 'Z') return {static_cast<uint32_t>(200 + (c - 'A')), 0, 1};
    return {90, 0, 0};
  }
  // Latin-1 letters with diacritics sort with their base letter.
  static const struct {
    uint32_t from, to;
    char base;
  } folds[] = {{0xE0, 0xE5, 'a'}, {0xC0, 0xC5, 'A'}, {0xE7, 0xE7, 'c'}, {0xC7, 0xC7, 'C'},
               {0xE8, 0xEB, 'e'}, {0xC8, 0xCB, 'E'}, {0xEC, 0xEF, 'i'}, {0xCC, 0xCF, 'I'},
               {0xF1, 0xF1, 'n'}, {0xD1, 0xD1, 'N'}, {0xF2, 0xF6, 'o'}, {0xD2, 0xD6, 'O'},
               {0xF8, 0xF8, 'o'}, {0xD8, 0xD8, 'O'}, {0xF9, 0xFC, 'u'}, {0xD9, 0xDC, 'U'},
               {0xFD, 0xFD, 'y'}, {0xFF, 0xFF, 'y'}, {0xDD, 0xDD, 'Y'}};
  for (const auto& f : folds) {
    if (cp >= f.from && cp <= f.to) {
      Weight w = weight_of(static_cast<uint32_t>(f.base));
      w.secondary = static_cast<uint8_t>(1 + cp - f.from);
      return w;
    }
  }
  return {1000 + cp, 0, 0};
}
}  // namespace

int locale_compare(std::string_view a, std::string_view b) {
  std::vector<Weight> wa, wb;
  for (uint32_t cp : codepoints(a))
    if (Weight w = weight_of(cp); w.primary != 0) wa.push_back(w);
  for (uint32_t cp : codepoints(b))
    if (Weight w = weight_of(cp); w.primary != 0) wb.push_back(w);
  size_t n = std::min(wa.size(), wb.size());
  for (size_t i = 0; i < n; ++i)
    if (wa[i].primary != wb[i].primary) return wa[i].primary < wb[i].primary ? -1 : 1;
  if (wa.size() != wb.size()) return wa.size() < wb.size() ? -1 : 1;
  for (size_t i = 0; i < n; ++i)
    if (wa[i].secondary != wb[i].secondary) return wa[i].secondary < wb[i].secondary ? -1 : 1;
  for (size_t i = 0; i < n; ++i)
    if (wa[i].tertiary != wb[i].tertiary) return wa[i].tertiary < wb[i].tertiary ? -1 : 1;
  int c = a.compare(b);
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

std::string js_date_string(const struct timespec& ts) {
  struct tm tm;
  time_t t = ts.tv_sec;
  localtime_r(&t, &tm);
  char buf[128];
  std::strftime(buf, sizeof buf, "%a %b %d %Y %H:%M:%S GMT%z", &tm);
  std::string zone = tm.tm_zone ? tm.tm_zone : "";
  if (zone == "UTC" || zone == "UCT" || zone == "Etc/UTC")
    zone = "Coordinated Universal Time";
  else if (zone == "GMT")
    zone = "Greenwich Mean Time";
  return std::string(buf) + " (" + zone + ")";
}

std::string iso_date_string(const struct timespec& ts) {
  struct tm tm;
  time_t t = ts.tv_sec;
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[80];
  std::snprintf(out, sizeof out, "%s.%03ldZ", buf, static_cast<long>(ts.tv_nsec / 1000000));
  return out;
}

std::string file_url(std::string_view abs) {
  static const char hex[] = "0123456789ABCDEF";
  std::string out = "file://";
  for (unsigned char c : abs) {
    if (c <= 0x20 || c >= 0x7F || std::strchr("\"#<>?`{}%\\", c) != nullptr) {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string percent_decode(std::string_view s) {
  auto val = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && val(s[i + 1]) >= 0 && val(s[i + 2]) >= 0) {
      out += static_cast<char>(val(s[i + 1]) * 16 + val(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string normalize_line_endings(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') continue;
    out += s[i];
  }
  return out;
}

std::string head_lines(std::string_view text, double n) {
  if (!(n > 0)) return "";
  std::string out;
  size_t count = 0, pos = 0;
  while (pos < text.size() && static_cast<double>(count) < n) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
    if (count > 0) out += '\n';
    out.append(line);
    ++count;
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return out;
}

std::string tail_lines(std::string_view text, double n) {
  if (!(n > 0)) return "";
  double t = std::trunc(n);
  size_t k = t < 1 ? 1 : t > 1e15 ? static_cast<size_t>(1e15) : static_cast<size_t>(t);
  std::string norm = normalize_line_endings(text);
  // split('\n').slice(-k).join('\n') == the text after the k-th '\n' from the end.
  size_t pos = norm.size();
  for (size_t found = 0; found < k; ++found) {
    if (pos == 0) return norm;
    size_t nl = norm.rfind('\n', pos - 1);
    if (nl == std::string::npos) return norm;
    pos = nl;
  }
  return norm.substr(pos + 1);
}

}  // namespace fsplug
