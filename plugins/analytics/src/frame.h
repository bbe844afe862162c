// frame.h - columnar, immutable-after-load tables and the cell classifier
// that schema discovery and the loaders share.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace analytics {

// Column types as schema discovery reports them.
enum class Type { Integer, Float, Boolean, Datetime, String };

const char* TypeName(Type t);
// The dtype pandas gives the same column after read_csv (int with nulls
// becomes float64, bool with nulls object, datetimes stay object).
const char* PandasDtype(Type t, size_t null_count);

// One column. Exactly one of the value vectors is used, by type:
//   Integer  ints      Float    floats (NaN where null)
//   Boolean  bools     Datetime/String  chars+offsets (offsets.size() == rows+1)
// `nulls` is empty when no value is missing, else one byte per row (1 = null).
struct Column {
  std::string name;
  Type type = Type::String;
  std::vector<int64_t> ints;
  std::vector<double> floats;
  std::vector<uint8_t> bools;
  std::string chars;
  std::vector<uint64_t> offsets;
  std::vector<uint8_t> nulls;
  size_t null_count = 0;
  size_t rows = 0;

  bool is_null(size_t i) const { return !nulls.empty() && nulls[i] != 0; }
  bool is_numeric() const { return type == Type::Integer || type == Type::Float; }
  bool is_text() const { return type == Type::String || type == Type::Datetime; }
  // The value as a double (Integer, Float, Boolean); NaN when null.
  double number(size_t i) const;
  // The value of a text column (Datetime/String); "" when null.
  std::string_view text(size_t i) const {
    return std::string_view(chars.data() + offsets[i], offsets[i + 1] - offsets[i]);
  }
  // The value as display text ("" for null): integers exactly, floats in
  // shortest round-trip form, booleans True/False as pandas prints them.
  std::string display(size_t i) const;
  size_t memory_bytes() const;
};

struct DataFrame {
  std::vector<Column> columns;
  size_t rows = 0;

  const Column* find(std::string_view name) const;
  size_t memory_bytes() const;
};

// ---- Cell classification (shared by CSV and JSON loading) ---------------

// pandas' default na_values ('' included).
bool IsNaToken(std::string_view s);
// Strict parsers; whitespace around the value is tolerated as pandas does.
bool ParseInt(std::string_view s, int64_t& out);
bool ParseFloat(std::string_view s, double& out);
bool ParseBool(std::string_view s, bool& out);
// A date or date-time with date separators: 1958-03-29, 1958/03/29,
// 03/29/1958, 1958-03-29T10:00:00Z, "1958-03-29 10:00:00.5+02:00". Never a
// plain number (19580329, 1935). On success `epoch_seconds` (UTC) is set.
bool ParseDatetime(std::string_view s, double* epoch_seconds = nullptr);

// Tracks which types every non-null value of a column still fits.
struct TypeTracker {
  bool any = false;  // a non-null value was seen
  bool can_int = true, can_float = true, can_bool = true, can_datetime = true;
  void observe(std::string_view cell);
  Type result() const;
};

// Builds a column cell by cell once its type is known.
class ColumnBuilder {
 public:
  ColumnBuilder(std::string name, Type type, size_t reserve_rows = 0, size_t reserve_chars = 0);
  void add(std::string_view cell);  // parsed per the type; NA tokens become null
  void add_null();
  void add_int(int64_t v);
  void add_float(double v);
  void add_bool(bool v);
  void add_text(std::string_view v);
  size_t rows() const { return col_.rows; }
  Column finish();

 private:
  void mark(bool is_null);
  Column col_;
};

}  // namespace analytics
