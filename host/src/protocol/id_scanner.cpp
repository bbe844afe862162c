// id_scanner.cpp - see id_scanner.h. A byte state machine that tracks
// strings and nesting, remembers the last string at depth 1 (a key when a
// ':' follows) and captures the value after the key "id".
#include "protocol/id_scanner.h"

namespace mcph {

void IdScanner::Feed(std::string_view chunk) {
  for (char c : chunk) {
    if (value_ == Value::kString) {
      if (capture_.size() < kMaxCapture) capture_.push_back(c);
      else overflow_ = true;
      if (escape_) {
        escape_ = false;
      } else if (c == '\\') {
        escape_ = true;
      } else if (c == '"') {
        if (!overflow_) id_ = capture_;
        value_ = Value::kNone;
        capture_.clear();
        overflow_ = false;
      }
      continue;
    }
    if (value_ == Value::kNumber) {
      if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E') {
        if (capture_.size() < kMaxCapture) capture_.push_back(c);
        continue;
      }
      id_ = capture_;
      value_ = Value::kNone;
      capture_.clear();
      // fall through: c still needs normal handling
    }
    if (in_string_) {
      if (escape_) {
        escape_ = false;
      } else if (c == '\\') {
        escape_ = true;
      } else if (c == '"') {
        in_string_ = false;
        if (string_at_top_) {
          last_string_ = overflow_ ? std::string() : str_;
          key_pending_ = true;
        }
        continue;
      }
      if (string_at_top_ && str_.size() < 16) str_.push_back(c);
      else if (string_at_top_) overflow_ = true;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    if (want_value_) {
      want_value_ = false;
      if (c == '"') {
        value_ = Value::kString;
        capture_.assign(1, '"');
        escape_ = false;
        overflow_ = false;
        continue;
      }
      if ((c >= '0' && c <= '9') || c == '-') {
        value_ = Value::kNumber;
        capture_.assign(1, c);
        continue;
      }
      id_.clear();  // null, object, array: no usable id
    }
    if (c == '"') {
      in_string_ = true;
      string_at_top_ = depth_ == 1;
      str_.clear();
      overflow_ = false;
      continue;
    }
    if (c == ':' && depth_ == 1 && key_pending_) {
      key_pending_ = false;
      want_value_ = last_string_ == "id";
      continue;
    }
    key_pending_ = false;
    if (c == '{' || c == '[') ++depth_;
    else if (c == '}' || c == ']') --depth_;
  }
}

}  // namespace mcph
