// ops.h - analyze_data's operations over a DataFrame. Each writes its
// structuredContent `result` (pandas' to_dict() shapes), an optional `info`
// object, and a readable text table.
#pragma once

#include <rapidjson/document.h>
#include <stdexcept>
#include <string>
#include <vector>

#include "frame.h"

namespace analytics {

// A request that cannot be served as asked; the message says what to do.
class UserError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct OpOutput {
  std::string result_json;  // the `result` member
  std::string info_json;    // the `info` member, or "" for none
  std::string text;         // the readable table
  std::vector<size_t> rows; // filter: the matching rows (for save_as)
};

struct OpLimits {
  size_t max_rows = 500;  // rows any operation returns at most
};

// The operations analyze_data accepts, in the order the docs list them.
const std::vector<std::string>& OperationNames();

// Runs `operation` with the tool arguments `args` (an object). Throws
// UserError for bad arguments (unknown column, wrong type, ...).
OpOutput RunOperation(const DataFrame& df, const std::string& operation, const rapidjson::Value& args,
                      const OpLimits& limits);

// A frame of the given rows (in that order).
DataFrame TakeRows(const DataFrame& df, const std::vector<size_t>& rows);

// Rows matching the filter conditions in args ("conditions", "combine").
std::vector<size_t> FilterRows(const DataFrame& df, const rapidjson::Value& args);

// Column list for messages: "a, b, c" (the first 30).
std::string ColumnList(const DataFrame& df);

// A text table (first row = header), right-aligned numbers.
std::string TextTable(const std::vector<std::vector<std::string>>& rows);

// %g-style number text as pandas prints it (NaN for non-finite).
std::string FormatNumber(double v);

}  // namespace analytics
