// json.h - RapidJSON conventions for the host: one parse per message, one
// serialisation per result, no exceptions.
//
// ParseJson refuses what the protocol layer must refuse before looking at a
// message: invalid UTF-8, nesting deeper than kMaxJsonDepth (the iterative
// parser cannot overflow the stack, but later recursive walks could), and
// trailing garbage.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "util/json_escape.h"
#include "util/result.h"

namespace mcph {

// RapidJSON's writer, plus RawBlock: RawValue copies its input one byte at a
// time, which dominated the cost of large plugin results. String and Key
// escape through AppendJsonString (json_escape.h: the same bytes, a block at
// a time); they hide the Writer's, so Value::Accept(JsonWriter&) uses them too.
class JsonWriter : public rapidjson::Writer<rapidjson::StringBuffer> {
 public:
  using Writer::Writer;
  bool String(const Ch* str, rapidjson::SizeType length, bool = false) {
    Prefix(rapidjson::kStringType);
    AppendJsonString(*os_, str, length);
    return EndValue(true);
  }
  bool String(const Ch* str) { return String(str, static_cast<rapidjson::SizeType>(std::strlen(str))); }
  bool String(const std::string& str) { return String(str.data(), static_cast<rapidjson::SizeType>(str.size())); }
  bool Key(const Ch* str, rapidjson::SizeType length, bool copy = false) { return String(str, length, copy); }
  bool Key(const Ch* str) { return String(str); }
  bool Key(const std::string& str) { return String(str); }
  // Writes already-serialised JSON `raw` as the next value, in one copy.
  void RawBlock(std::string_view raw, rapidjson::Type type) {
    Prefix(type);
    // With room for what usually follows (the reply's closing members), so
    // a large block is not copied again when the buffer grows after it.
    os_->Reserve(raw.size() + 512);
    if (!raw.empty()) std::memcpy(os_->Push(raw.size()), raw.data(), raw.size());
    EndValue(true);
  }
};
constexpr int kMaxJsonDepth = 128;

// Parses `text` into `doc`. On failure returns a message such as
// "invalid JSON at offset 12: Missing a comma or '}' after an object member."
Status ParseJson(std::string_view text, rapidjson::Document& doc);

// A Document whose parse stack also comes from a pool allocator, so a caller
// that parses message after message can give both allocators buffers it
// reuses (ParseBuffers): no malloc per message for small ones. Its root is an
// ordinary rapidjson::Value.
using PooledDocument =
    rapidjson::GenericDocument<rapidjson::UTF8<>, rapidjson::MemoryPoolAllocator<>, rapidjson::MemoryPoolAllocator<>>;
Status ParseJson(std::string_view text, PooledDocument& doc);

// Memory for parsing one message at a time on one thread: a Document's own
// allocator mallocs a 64 KiB chunk (and its parse stack) per message, which
// costs more than parsing a small one. Not thread-safe: one per thread.
class ParseBuffers {
 public:
  // A document over the buffers; valid until the next call. Larger messages
  // spill into malloc'd chunks, freed with the document.
  PooledDocument& Fresh() {
    doc_.reset();  // destroy the last document before its allocators
    values_.emplace(values_buf_, sizeof(values_buf_));
    stack_.emplace(stack_buf_, sizeof(stack_buf_));
    doc_.emplace(&*values_, kStackStart, &*stack_);
    return *doc_;
  }

 private:
  static constexpr size_t kStackStart = 1024;
  alignas(16) char values_buf_[16 * 1024];
  alignas(16) char stack_buf_[8 * 1024];
  std::optional<PooledDocument> doc_;
  std::optional<rapidjson::MemoryPoolAllocator<>> values_, stack_;
};

// True when `text` is one complete JSON value (and valid UTF-8).
bool IsValidJson(std::string_view text);

// `text` (which parsed to `parsed`) without line breaks: itself when it has
// none, else re-serialised.
std::string CompactJson(std::string_view text, const rapidjson::Value& parsed);

// Serialises a value to compact JSON.
std::string ToJson(const rapidjson::Value& v);

// Writes `text` as a JSON string (quoted, escaped) to `w`.
inline void WriteString(JsonWriter& w, std::string_view text) {
  w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

// Writes already-serialised JSON `raw` as the next value.
inline void WriteRaw(JsonWriter& w, std::string_view raw, rapidjson::Type type) { w.RawBlock(raw, type); }

// Appends standard base64 (with padding) of `data` to `out`.
void AppendBase64(std::string& out, const uint8_t* data, size_t size);

// Base64url without padding (RFC 4648 section 5), for opaque tokens (cursors,
// requestState); FromBase64Url refuses any other character.
std::string Base64Url(std::string_view bytes);
bool FromBase64Url(std::string_view text, std::string& out);

// Returns the string member `key` of `obj`, or nullptr when missing or not a string.
const rapidjson::Value* FindMember(const rapidjson::Value& obj, const char* key);
std::string_view StringOf(const rapidjson::Value& v);

}  // namespace mcph
