#include "frame.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <system_error>

namespace analytics {

const char* TypeName(Type t) {
  switch (t) {
    case Type::Integer: return "integer";
    case Type::Float: return "float";
    case Type::Boolean: return "boolean";
    case Type::Datetime: return "datetime";
    case Type::String: return "string";
  }
  return "string";
}

const char* PandasDtype(Type t, size_t null_count) {
  switch (t) {
    case Type::Integer: return null_count ? "float64" : "int64";
    case Type::Float: return "float64";
    case Type::Boolean: return null_count ? "object" : "bool";
    default: return "object";
  }
}

double Column::number(size_t i) const {
  if (is_null(i)) return std::numeric_limits<double>::quiet_NaN();
  switch (type) {
    case Type::Integer: return static_cast<double>(ints[i]);
    case Type::Float: return floats[i];
    case Type::Boolean: return bools[i] ? 1.0 : 0.0;
    default: return std::numeric_limits<double>::quiet_NaN();
  }
}

std::string Column::display(size_t i) const {
  if (is_null(i)) return std::string();
  switch (type) {
    case Type::Integer: return std::to_string(ints[i]);
    case Type::Float: {
      double v = floats[i];
      if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
      char buf[64];
      auto r = std::to_chars(buf, buf + sizeof buf, v);
      return std::string(buf, r.ptr);
    }
    case Type::Boolean: return bools[i] ? "True" : "False";
    default: return std::string(text(i));
  }
}

size_t Column::memory_bytes() const {
  return ints.capacity() * sizeof(int64_t) + floats.capacity() * sizeof(double) +
         bools.capacity() + chars.capacity() + offsets.capacity() * sizeof(uint64_t) +
         nulls.capacity() + name.capacity() + sizeof(Column);
}

const Column* DataFrame::find(std::string_view name) const {
  for (const auto& c : columns)
    if (c.name == name) return &c;
  return nullptr;
}

size_t DataFrame::memory_bytes() const {
  size_t n = sizeof(DataFrame);
  for (const auto& c : columns) n += c.memory_bytes();
  return n;
}

// ---- Cell classification -------------------------------------------------

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool Digits(std::string_view s, size_t pos, size_t min, size_t max, int& value, size_t& end) {
  size_t i = pos;
  value = 0;
  while (i < s.size() && i - pos < max && s[i] >= '0' && s[i] <= '9') value = value * 10 + (s[i++] - '0');
  if (i - pos < min) return false;
  end = i;
  return true;
}

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

}  // namespace

bool IsNaToken(std::string_view s) {
  static constexpr std::string_view kNa[] = {"",     "#N/A", "#N/A N/A", "#NA",  "-1.#IND", "-1.#QNAN",
                                              "-NaN", "-nan", "1.#IND",   "1.#QNAN", "<NA>", "N/A",
                                              "NA",   "NULL", "NaN",      "None", "n/a",  "nan",
                                              "null"};
  if (s.size() > 8) return false;
  if (!s.empty()) {
    char c = s[0];  // every token starts with one of these
    if (c != '#' && c != '-' && c != '1' && c != '<' && c != 'N' && c != 'n') return false;
  }
  for (std::string_view na : kNa)
    if (s == na) return true;
  return false;
}

bool ParseInt(std::string_view s, int64_t& out) {
  s = Trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

bool ParseFloat(std::string_view s, double& out) {
  s = Trim(s);
  bool neg = false;
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    neg = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s.empty() || s.front() == '+' || s.front() == '-') return false;
  // from_chars accepts "nan"/"inf"/"infinity" in any case; pandas reads
  // inf/Infinity too, while the NaN spellings are NA tokens before this.
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  if (r.ec == std::errc::result_out_of_range) {
    // Overflow/underflow: strtod's answer (inf or a denormal/zero).
    std::string tmp(s);
    out = std::strtod(tmp.c_str(), nullptr);
  } else if (r.ec != std::errc() || r.ptr != s.data() + s.size()) {
    return false;
  }
  if (neg) out = -out;
  return true;
}

bool ParseBool(std::string_view s, bool& out) {
  s = Trim(s);
  if (s == "True" || s == "TRUE" || s == "true") {
    out = true;
    return true;
  }
  if (s == "False" || s == "FALSE" || s == "false") {
    out = false;
    return true;
  }
  return false;
}

bool ParseDatetime(std::string_view s, double* epoch_seconds) {
  s = Trim(s);
  if (s.size() < 8 || s.size() > 40) return false;
  int y = 0, mo = 0, d = 0;
  size_t i = 0, e = 0;
  // Year first: YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD (same separator twice).
  if (Digits(s, 0, 4, 4, y, e) && e < s.size() && (s[e] == '-' || s[e] == '/' || s[e] == '.')) {
    char sep = s[e];
    if (!Digits(s, e + 1, 1, 2, mo, e) || e >= s.size() || s[e] != sep) return false;
    if (!Digits(s, e + 1, 1, 2, d, e)) return false;
    i = e;
  } else if (Digits(s, 0, 1, 2, mo, e) && e < s.size() && (s[e] == '/' || s[e] == '-' || s[e] == '.')) {
    // Month/day first: MM/DD/YYYY (or DD/MM/YYYY when the first part > 12).
    char sep = s[e];
    if (!Digits(s, e + 1, 1, 2, d, e) || e >= s.size() || s[e] != sep) return false;
    if (!Digits(s, e + 1, 4, 4, y, e)) return false;
    if (mo > 12 && d <= 12) std::swap(mo, d);
    i = e;
  } else {
    return false;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return false;
  int hh = 0, mm = 0, ss = 0;
  double frac = 0;
  int tz = 0;  // minutes east of UTC
  if (i < s.size()) {
    if (s[i] != 'T' && s[i] != ' ') return false;
    if (!Digits(s, i + 1, 1, 2, hh, e) || e >= s.size() || s[e] != ':') return false;
    if (!Digits(s, e + 1, 2, 2, mm, e)) return false;
    i = e;
    if (i < s.size() && s[i] == ':') {
      if (!Digits(s, i + 1, 2, 2, ss, e)) return false;
      i = e;
      if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
        size_t j = i + 1;
        double scale = 0.1;
        while (j < s.size() && s[j] >= '0' && s[j] <= '9') {
          frac += (s[j] - '0') * scale;
          scale /= 10;
          ++j;
        }
        if (j == i + 1) return false;
        i = j;
      }
    }
    if (hh > 23 || mm > 59 || ss > 60) return false;
    if (i < s.size()) {
      if (s[i] == 'Z' && i + 1 == s.size()) {
        i++;
      } else if (s[i] == '+' || s[i] == '-') {
        int sign = s[i] == '-' ? -1 : 1;
        int th = 0, tm = 0;
        if (!Digits(s, i + 1, 2, 2, th, e)) return false;
        i = e;
        if (i < s.size() && s[i] == ':') ++i;
        if (i < s.size()) {
          if (!Digits(s, i, 2, 2, tm, e)) return false;
          i = e;
        }
        tz = sign * (th * 60 + tm);
      } else {
        return false;
      }
      if (i != s.size()) return false;
    }
  }
  if (epoch_seconds) {
    int64_t days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
    *epoch_seconds = static_cast<double>(days * 86400 + hh * 3600 + mm * 60 + ss - tz * 60) + frac;
  }
  return true;
}

void TypeTracker::observe(std::string_view cell) {
  if (IsNaToken(cell)) return;
  any = true;
  int64_t iv;
  double dv;
  bool bv;
  if (can_int && !ParseInt(cell, iv)) can_int = false;
  if (can_float && !can_int && !ParseFloat(cell, dv)) can_float = false;
  if (can_bool && !ParseBool(cell, bv)) can_bool = false;
  if (can_datetime && !ParseDatetime(cell)) can_datetime = false;
}

Type TypeTracker::result() const {
  if (!any) return Type::Float;  // an all-empty column: float64 NaN, as pandas
  if (can_int) return Type::Integer;
  if (can_float) return Type::Float;
  if (can_bool) return Type::Boolean;
  if (can_datetime) return Type::Datetime;
  return Type::String;
}

// ---- ColumnBuilder ---------------------------------------------------------

ColumnBuilder::ColumnBuilder(std::string name, Type type, size_t reserve_rows, size_t reserve_chars) {
  col_.name = std::move(name);
  col_.type = type;
  switch (type) {
    case Type::Integer: col_.ints.reserve(reserve_rows); break;
    case Type::Float: col_.floats.reserve(reserve_rows); break;
    case Type::Boolean: col_.bools.reserve(reserve_rows); break;
    default:
      col_.offsets.reserve(reserve_rows + 1);
      col_.offsets.push_back(0);
      col_.chars.reserve(reserve_chars);
      break;
  }
}

void ColumnBuilder::mark(bool is_null) {
  if (is_null) {
    if (col_.nulls.empty()) col_.nulls.assign(col_.rows, 0);
    col_.nulls.push_back(1);
    col_.null_count++;
  } else if (!col_.nulls.empty()) {
    col_.nulls.push_back(0);
  }
  col_.rows++;
}

void ColumnBuilder::add_null() {
  switch (col_.type) {
    case Type::Integer: col_.ints.push_back(0); break;
    case Type::Float: col_.floats.push_back(std::numeric_limits<double>::quiet_NaN()); break;
    case Type::Boolean: col_.bools.push_back(0); break;
    default: col_.offsets.push_back(col_.chars.size()); break;
  }
  mark(true);
}

void ColumnBuilder::add_int(int64_t v) {
  switch (col_.type) {
    case Type::Integer: col_.ints.push_back(v); break;
    case Type::Float: col_.floats.push_back(static_cast<double>(v)); break;
    default: add_text(std::to_string(v)); return;
  }
  mark(false);
}

void ColumnBuilder::add_float(double v) {
  if (col_.type == Type::Float) {
    if (std::isnan(v)) return add_null();
    col_.floats.push_back(v);
    mark(false);
    return;
  }
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  add_text(std::string_view(buf, static_cast<size_t>(r.ptr - buf)));
}

void ColumnBuilder::add_bool(bool v) {
  if (col_.type == Type::Boolean) {
    col_.bools.push_back(v ? 1 : 0);
    mark(false);
    return;
  }
  add_text(v ? "True" : "False");
}

void ColumnBuilder::add_text(std::string_view v) {
  if (col_.type != Type::String && col_.type != Type::Datetime) return add(v);
  col_.chars.append(v.data(), v.size());
  col_.offsets.push_back(col_.chars.size());
  mark(false);
}

void ColumnBuilder::add(std::string_view cell) {
  if (IsNaToken(cell)) return add_null();
  switch (col_.type) {
    case Type::Integer: {
      int64_t v = 0;
      if (!ParseInt(cell, v)) return add_null();
      col_.ints.push_back(v);
      break;
    }
    case Type::Float: {
      double v = 0;
      if (!ParseFloat(cell, v) || std::isnan(v)) return add_null();
      col_.floats.push_back(v);
      break;
    }
    case Type::Boolean: {
      bool v = false;
      if (!ParseBool(cell, v)) return add_null();
      col_.bools.push_back(v ? 1 : 0);
      break;
    }
    default:
      col_.chars.append(cell.data(), cell.size());
      col_.offsets.push_back(col_.chars.size());
      break;
  }
  mark(false);
}

Column ColumnBuilder::finish() {
  Column c = std::move(col_);
  c.ints.shrink_to_fit();
  c.floats.shrink_to_fit();
  c.bools.shrink_to_fit();
  c.chars.shrink_to_fit();
  c.offsets.shrink_to_fit();
  c.nulls.shrink_to_fit();
  return c;
}

}  // namespace analytics
