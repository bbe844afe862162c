// json.cpp - see json.h.
#include "util/json.h"

#include <rapidjson/error/en.h>

namespace mcph {
namespace {

// Byte scan for nesting depth outside strings; rejects before the parser runs.
bool DepthWithin(std::string_view text, int limit) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > limit) return false;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return true;
}

constexpr unsigned kParseFlags = rapidjson::kParseValidateEncodingFlag |
                                 rapidjson::kParseIterativeFlag;

// The one parse of both Document kinds.
template <class Doc>
Status ParseInto(std::string_view text, Doc& doc) {
  // A raw NUL is never valid JSON, and RapidJSON would take it for the end
  // of the text (so "{}\0junk" would pass).
  if (text.find('\0') != std::string_view::npos) return Status::Error("invalid JSON: it contains a NUL byte");
  if (!DepthWithin(text, kMaxJsonDepth))
    return Status::Error("JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  doc.template Parse<kParseFlags>(text.data(), text.size());
  if (doc.HasParseError()) {
    return Status::Error("invalid JSON at offset " + std::to_string(doc.GetErrorOffset()) + ": " +
                         rapidjson::GetParseError_En(doc.GetParseError()));
  }
  return Status::Ok();
}

}  // namespace

Status ParseJson(std::string_view text, rapidjson::Document& doc) { return ParseInto(text, doc); }
Status ParseJson(std::string_view text, PooledDocument& doc) { return ParseInto(text, doc); }

bool IsValidJson(std::string_view text) {
  rapidjson::Document doc;
  return ParseJson(text, doc).ok();
}

std::string CompactJson(std::string_view text, const rapidjson::Value& parsed) {
  // Pretty-printed JSON would break stdio's one-message-per-line framing; a
  // newline outside a string is the only way one gets in (inside strings
  // they are escaped), so text without one is kept as it is.
  if (text.find_first_of("\n\r") == std::string_view::npos) return std::string(text);
  return ToJson(parsed);
}

std::string ToJson(const rapidjson::Value& v) {
  // Request ids are mostly integers: the same digits the Writer would print,
  // without its 256-byte buffer.
  if (v.IsInt64()) return std::to_string(v.GetInt64());
  if (v.IsUint64()) return std::to_string(v.GetUint64());
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  v.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

void AppendBase64(std::string& out, const uint8_t* data, size_t size) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t start = out.size();
  out.resize(start + (size + 2) / 3 * 4);
  char* o = out.data() + start;
  size_t i = 0;
  for (; i + 3 <= size; i += 3) {
    uint32_t n = (uint32_t(data[i]) << 16) | (uint32_t(data[i + 1]) << 8) | data[i + 2];
    *o++ = kAlphabet[(n >> 18) & 63];
    *o++ = kAlphabet[(n >> 12) & 63];
    *o++ = kAlphabet[(n >> 6) & 63];
    *o++ = kAlphabet[n & 63];
  }
  if (i < size) {
    uint32_t n = uint32_t(data[i]) << 16;
    if (i + 1 < size) n |= uint32_t(data[i + 1]) << 8;
    *o++ = kAlphabet[(n >> 18) & 63];
    *o++ = kAlphabet[(n >> 12) & 63];
    *o++ = (i + 1 < size) ? kAlphabet[(n >> 6) & 63] : '=';
    *o++ = '=';
  }
}

std::string Base64Url(std::string_view bytes) {
  std::string out;
  AppendBase64(out, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return out;
}

bool FromBase64Url(std::string_view text, std::string& out) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-') return 62;
    if (c == '_') return 63;
    return -1;
  };
  if (text.size() % 4 == 1) return false;
  out.clear();
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = value(c);
    if (v < 0) return false;
    acc = (acc << 6) | uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return true;
}

const rapidjson::Value* FindMember(const rapidjson::Value& obj, const char* key) {
  if (!obj.IsObject()) return nullptr;
  auto it = obj.FindMember(key);
  return it == obj.MemberEnd() ? nullptr : &it->value;
}

std::string_view StringOf(const rapidjson::Value& v) {
  return v.IsString() ? std::string_view(v.GetString(), v.GetStringLength()) : std::string_view();
}

}  // namespace mcph
