#include "json.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <stdexcept>

namespace conformance {

bool Parse(std::string_view json, rapidjson::Document& doc) {
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError()) {
    doc.SetNull();
    return false;
  }
  return true;
}

const rapidjson::Value* Member(const rapidjson::Value* v, const char* key) {
  if (v == nullptr || !v->IsObject()) return nullptr;
  auto it = v->FindMember(key);
  return it == v->MemberEnd() ? nullptr : &it->value;
}

std::optional<std::string> StringMember(std::string_view json, const char* key) {
  rapidjson::Document doc;
  if (!Parse(json, doc)) return std::nullopt;
  const rapidjson::Value* v = Member(&doc, key);
  if (v == nullptr || !v->IsString()) return std::nullopt;
  return std::string(v->GetString(), v->GetStringLength());
}

std::string ToJson(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

std::string Quote(std::string_view s) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  return std::string(buf.GetString(), buf.GetSize());
}

std::vector<unsigned char> Base64Decode(std::string_view b64) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  if (b64.size() % 4 != 0) throw std::invalid_argument("base64: length is not a multiple of 4");
  std::vector<unsigned char> out;
  out.reserve(b64.size() / 4 * 3);
  for (size_t i = 0; i < b64.size(); i += 4) {
    int v[4] = {0, 0, 0, 0};
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      char c = b64[i + static_cast<size_t>(k)];
      if (c == '=' && i + 4 == b64.size() && k >= 2) {
        v[k] = 0;
        ++pad;
      } else if (pad > 0 || (v[k] = value(c)) < 0) {
        throw std::invalid_argument("base64: bad character");
      }
    }
    unsigned n = (static_cast<unsigned>(v[0]) << 18) | (static_cast<unsigned>(v[1]) << 12) |
                 (static_cast<unsigned>(v[2]) << 6) | static_cast<unsigned>(v[3]);
    out.push_back(static_cast<unsigned char>(n >> 16));
    if (pad < 2) out.push_back(static_cast<unsigned char>((n >> 8) & 0xFF));
    if (pad < 1) out.push_back(static_cast<unsigned char>(n & 0xFF));
  }
  return out;
}

InputResponses::InputResponses(std::string_view json) {
  if (json.empty() || !Parse(json, doc_) || !doc_.IsObject()) doc_.SetObject();
}

const rapidjson::Value* InputResponses::Get(const char* key) const { return Member(&doc_, key); }

std::optional<std::string> Elicited::String(const char* field) const {
  if (action != "accept") return std::nullopt;
  const rapidjson::Value* v = Member(content, field);
  if (v == nullptr || !v->IsString()) return std::nullopt;
  return std::string(v->GetString(), v->GetStringLength());
}

std::string Elicited::ContentJson() const { return content != nullptr ? ToJson(*content) : "{}"; }

std::optional<Elicited> ReadElicitation(const rapidjson::Value* v) {
  const rapidjson::Value* action = Member(v, "action");
  if (action == nullptr || !action->IsString()) return std::nullopt;
  Elicited e;
  e.action.assign(action->GetString(), action->GetStringLength());
  if (e.action != "accept" && e.action != "decline" && e.action != "cancel") return std::nullopt;
  const rapidjson::Value* content = Member(v, "content");
  if (content != nullptr && !content->IsObject()) return std::nullopt;
  if (content != nullptr) {
    e.owned = std::make_shared<rapidjson::Document>();
    e.owned->CopyFrom(*content, e.owned->GetAllocator());
    e.content = e.owned.get();
  }
  return e;
}

std::optional<std::string> ReadSamplingText(const rapidjson::Value* v) {
  const rapidjson::Value* content = Member(v, "content");
  if (content == nullptr) return std::nullopt;
  auto text_of = [](const rapidjson::Value& block) -> std::optional<std::string> {
    const rapidjson::Value* type = Member(&block, "type");
    const rapidjson::Value* text = Member(&block, "text");
    if (type == nullptr || !type->IsString() || std::string_view(type->GetString()) != "text" ||
        text == nullptr || !text->IsString())
      return std::nullopt;
    return std::string(text->GetString(), text->GetStringLength());
  };
  if (content->IsObject()) {
    if (Member(content, "type") == nullptr) return std::nullopt;
    return text_of(*content).value_or("");  // an image or audio answer has no text
  }
  if (!content->IsArray()) return std::nullopt;
  std::string joined;
  for (const rapidjson::Value& block : content->GetArray()) {
    if (!block.IsObject()) return std::nullopt;
    if (auto t = text_of(block)) joined += (joined.empty() ? "" : "\n") + *t;
  }
  return joined;
}

std::optional<std::vector<std::string>> ReadRoots(const rapidjson::Value* v) {
  const rapidjson::Value* roots = Member(v, "roots");
  if (roots == nullptr || !roots->IsArray()) return std::nullopt;
  std::vector<std::string> uris;
  for (const rapidjson::Value& r : roots->GetArray()) {
    const rapidjson::Value* uri = Member(&r, "uri");
    if (uri == nullptr || !uri->IsString()) return std::nullopt;
    uris.emplace_back(uri->GetString(), uri->GetStringLength());
  }
  return uris;
}

bool HasCapability(std::string_view capabilities_json, const char* name) {
  rapidjson::Document doc;
  if (!Parse(capabilities_json, doc)) return false;
  const rapidjson::Value* v = Member(&doc, name);
  return v != nullptr && !v->IsNull() && !(v->IsBool() && !v->GetBool());
}

}  // namespace conformance
