// json_out.h - writing results: NaN/inf as null, text always valid UTF-8.
#pragma once

#include <cmath>
#include <cstdint>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <string>
#include <string_view>

#include "frame.h"

namespace analytics {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// `s` if it is valid UTF-8, else a copy with each bad byte as U+FFFD.
bool IsValidUtf8(std::string_view s);
std::string ToValidUtf8(std::string_view s);

inline void Str(JsonWriter& w, std::string_view s) {
  if (IsValidUtf8(s)) {
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  } else {
    std::string fixed = ToValidUtf8(s);
    w.String(fixed.data(), static_cast<rapidjson::SizeType>(fixed.size()));
  }
}
inline void Key(JsonWriter& w, std::string_view s) { Str(w, s); }
inline void Num(JsonWriter& w, double v) {
  if (std::isfinite(v))
    w.Double(v);
  else
    w.Null();
}
// One cell with its natural JSON type (null for a missing value).
void Cell(JsonWriter& w, const Column& c, size_t row);

// JSON string literal of `s` (quotes included).
std::string Quote(std::string_view s);

}  // namespace analytics
