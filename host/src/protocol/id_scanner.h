// id_scanner.h - finds a JSON-RPC message's top-level "id" without parsing it.
//
// Used when a message cannot be parsed (malformed, or over the size limit and
// therefore never buffered whole), so the error still carries the request's
// id when it could be read. Streaming: Feed() chunks as they arrive, in
// constant memory. Not thread-safe; one per message.
#pragma once

#include <string>
#include <string_view>

namespace mcph {

class IdScanner {
 public:
  void Feed(std::string_view chunk);
  // The id as raw JSON (a string with its quotes, or a number), or "" when
  // none was found or it was not a string or number.
  const std::string& id_json() const { return id_; }

 private:
  static constexpr size_t kMaxCapture = 256;
  enum class Value { kNone, kString, kNumber };

  int depth_ = 0;
  bool in_string_ = false;
  bool escape_ = false;
  bool string_at_top_ = false;
  bool overflow_ = false;
  std::string str_;          // the current top-level string (possible key)
  std::string last_string_;  // the last completed top-level string
  bool key_pending_ = false; // last token at depth 1 was a string
  bool want_value_ = false;  // after "id":
  Value value_ = Value::kNone;
  std::string capture_;
  std::string id_;
};

}  // namespace mcph
