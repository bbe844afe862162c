// sql.h - the query tool's engine: read-only SQL (SQLite, in memory) over the
// loaded frames, each exposed as a virtual table that reads the columnar
// arrays in place (no copy of the data).
//
// Contract: RunQuery opens a private connection per call, so calls may run
// on several threads at once; the frames must stay alive (callers hold the
// shared_ptrs) until it returns. Errors: UserError for SQL the engine refuses
// or cannot run (the message names the tables and their columns);
// QueryStopped when the call was cancelled or passed its deadline.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "frame.h"

namespace analytics {

struct SqlTable {
  std::string name;  // the table name in SQL (a data_id)
  std::shared_ptr<const DataFrame> frame;
};

struct SqlOptions {
  size_t max_rows = 500;                // rows returned at most (info.truncated beyond)
  int64_t deadline_unix_ms = 0;         // 0: none
  std::function<bool()> cancelled;      // polled by SQLite's progress handler
  size_t text_rows = 50;                // rows in the readable table
};

struct SqlResult {
  std::vector<std::string> columns;
  // Per result column: integer, float, boolean, datetime, string, blob,
  // null (no non-null value) or mixed.
  std::vector<std::string> types;
  std::string rows_json;  // [[v, ...], ...]
  size_t row_count = 0;
  bool truncated = false;
  std::string text;       // the readable table
};

class QueryStopped : public std::runtime_error {
 public:
  QueryStopped(const std::string& what, bool deadline) : std::runtime_error(what), deadline_(deadline) {}
  bool deadline() const { return deadline_; }

 private:
  bool deadline_;
};

// Runs one SELECT (or read-only PRAGMA table_info & co.). Throws UserError,
// QueryStopped.
SqlResult RunQuery(const std::string& sql, const std::vector<SqlTable>& tables, const SqlOptions& options);

// "name(col type, ...); ..." for error messages and the tool's text.
std::string DescribeTables(const std::vector<SqlTable>& tables);

// The ISO 8601 form of a datetime cell (kept as is when already
// YYYY-MM-DD[ T]...); `buf` holds the text when it had to be rewritten.
std::string_view IsoDatetime(std::string_view cell, std::string& buf);

}  // namespace analytics
