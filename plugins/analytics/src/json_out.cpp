#include "json_out.h"

namespace analytics {

namespace {
// Length of the valid UTF-8 sequence at s[i], or 0.
size_t SeqLen(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  size_t n;
  uint32_t cp;
  if ((c & 0xE0) == 0xC0) {
    n = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return n;
}
}  // namespace

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    size_t n = SeqLen(s, i);
    if (!n) return false;
    i += n;
  }
  return true;
}

std::string ToValidUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  for (size_t i = 0; i < s.size();) {
    size_t n = SeqLen(s, i);
    if (!n) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s.data() + i, n);
      i += n;
    }
  }
  return out;
}

void Cell(JsonWriter& w, const Column& c, size_t row) {
  if (c.is_null(row)) {
    w.Null();
    return;
  }
  switch (c.type) {
    case Type::Integer: w.Int64(c.ints[row]); break;
    case Type::Float: Num(w, c.floats[row]); break;
    case Type::Boolean: w.Bool(c.bools[row] != 0); break;
    default: Str(w, c.text(row)); break;
  }
}

std::string Quote(std::string_view s) {
  rapidjson::StringBuffer sb;
  JsonWriter w(sb);
  Str(w, s);
  return std::string(sb.GetString(), sb.GetSize());
}

}  // namespace analytics
