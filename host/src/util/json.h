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
#include <string>
#include <string_view>

#include "util/result.h"

namespace mcph {

// RapidJSON's writer, plus RawBlock: RawValue copies its input one byte at a
// time, which dominated the cost of large plugin results.
class JsonWriter : public rapidjson::Writer<rapidjson::StringBuffer> {
 public:
  using Writer::Writer;
  // Writes already-serialised JSON `raw` as the next value, in one copy.
  void RawBlock(std::string_view raw, rapidjson::Type type) {
    Prefix(type);
    if (!raw.empty()) std::memcpy(os_->Push(raw.size()), raw.data(), raw.size());
    EndValue(true);
  }
};
constexpr int kMaxJsonDepth = 128;

// Parses `text` into `doc`. On failure returns a message such as
// "invalid JSON at offset 12: Missing a comma or '}' after an object member."
Status ParseJson(std::string_view text, rapidjson::Document& doc);

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
