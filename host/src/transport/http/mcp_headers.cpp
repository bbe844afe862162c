// mcp_headers.cpp - see mcp_headers.h.
#include "transport/http/mcp_headers.h"

#include <cctype>
#include <cmath>
#include <cstdio>

#include "util/json.h"

namespace mcph::http {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// ASCII only, inline: header tokens are ASCII, and std::tolower is a
// locale-aware library call per character (it showed in the per-request profile).
char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  return true;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Strict standard base64: padded to a multiple of 4, '=' only at the end.
std::optional<std::string> Base64Decode(std::string_view in) {
  if (in.size() % 4 != 0) return std::nullopt;
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  size_t pad = 0;
  for (char c : in) {
    if (c == '=') {
      ++pad;
      continue;
    }
    if (pad) return std::nullopt;  // data after padding
    int v = Base64Value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  if (pad > 2) return std::nullopt;
  return out;
}

// A JSON primitive as the header carries it; nullopt for null, objects,
// arrays and non-finite numbers (no header is sent for those).
std::optional<std::string> PrimitiveText(const rapidjson::Value& v) {
  if (v.IsString()) return std::string(v.GetString(), v.GetStringLength());
  if (v.IsBool()) return std::string(v.GetBool() ? "true" : "false");
  if (v.IsInt64()) return std::to_string(v.GetInt64());
  if (v.IsUint64()) return std::to_string(v.GetUint64());
  if (v.IsDouble()) {
    double d = v.GetDouble();
    if (!std::isfinite(d)) return std::nullopt;
    if (d == std::floor(d) && std::fabs(d) < 9007199254740992.0) return std::to_string(static_cast<int64_t>(d));
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", d);
    return std::string(buf);
  }
  return std::nullopt;
}

std::string Mismatch(std::string_view header, std::string_view got, std::string_view want) {
  return "Header mismatch: " + std::string(header) + " header value '" + std::string(got) +
         "' does not match body value '" + std::string(want) + "'";
}

}  // namespace

bool Accepts(std::string_view accept, std::string_view media_type) {
  size_t slash = media_type.find('/');
  std::string_view type = media_type.substr(0, slash);
  while (!accept.empty()) {
    size_t comma = accept.find(',');
    std::string_view item = accept.substr(0, comma);
    accept = comma == std::string_view::npos ? std::string_view() : accept.substr(comma + 1);
    size_t semi = item.find(';');
    std::string_view range = Trim(item.substr(0, semi));
    bool zero_q = false;
    if (semi != std::string_view::npos) {
      std::string params = Lower(item.substr(semi));
      size_t q = params.find("q=");
      if (q != std::string::npos) {
        std::string_view qv = Trim(std::string_view(params).substr(q + 2));
        zero_q = qv.size() >= 1 && qv[0] == '0' && qv.find_first_not_of("0.", 0) == std::string_view::npos;
      }
    }
    if (zero_q) continue;
    if (IEquals(range, media_type) || range == "*/*") return true;
    if (range.size() == type.size() + 2 && IEquals(range.substr(0, type.size()), type) &&
        range.substr(type.size()) == "/*")
      return true;
  }
  return false;
}

bool IsJsonContentType(std::string_view content_type) {
  return IEquals(Trim(content_type.substr(0, content_type.find(';'))), "application/json");
}

std::optional<std::string> DecodeHeaderValue(std::string_view raw) {
  std::string_view v = Trim(raw);
  constexpr std::string_view kPrefix = "=?base64?", kSuffix = "?=";
  if (v.size() >= kPrefix.size() + kSuffix.size() && IEquals(v.substr(0, kPrefix.size()), kPrefix) &&
      v.substr(v.size() - kSuffix.size()) == kSuffix)
    return Base64Decode(v.substr(kPrefix.size(), v.size() - kPrefix.size() - kSuffix.size()));
  return std::string(v);
}

const char* McpNameField(std::string_view method) {
  if (method == "tools/call" || method == "prompts/get") return "name";
  if (method == "resources/read") return "uri";
  if (method == "tasks/get" || method == "tasks/update" || method == "tasks/cancel") return "taskId";
  return nullptr;
}

std::string CheckModernHeaders(const ModernHeaders& h, const rapidjson::Value& msg, std::string_view claimed_version,
                               const rapidjson::Value* input_schema) {
  // Step 4: MCP-Protocol-Version present and equal to the claim.
  if (!h.protocol_version)
    return "Header mismatch: the MCP-Protocol-Version header is required and must equal _meta[\"io.modelcontextprotocol/protocolVersion\"] ('" +
           std::string(claimed_version) + "')";
  if (Trim(*h.protocol_version) != claimed_version)
    return Mismatch("MCP-Protocol-Version", Trim(*h.protocol_version), claimed_version);

  // Step 5: Mcp-Method, then Mcp-Name, then Mcp-Param-*.
  std::string_view method;
  if (const rapidjson::Value* m = FindMember(msg, "method"); m && m->IsString()) method = StringOf(*m);
  if (!h.method) return "Header mismatch: the Mcp-Method header is required (body method '" + std::string(method) + "')";
  auto got_method = DecodeHeaderValue(*h.method);
  if (!got_method) return "Header mismatch: the Mcp-Method header has a malformed base64 value";
  if (*got_method != method) return Mismatch("Mcp-Method", *got_method, method);

  static const rapidjson::Value kEmpty(rapidjson::kObjectType);
  const rapidjson::Value* params = FindMember(msg, "params");
  if (!params || !params->IsObject()) params = &kEmpty;
  if (const char* field = McpNameField(method); field) {
    const rapidjson::Value* v = FindMember(*params, field);
    std::optional<std::string> want;
    if (v && v->IsString()) want = std::string(StringOf(*v));
    if (want && !h.name) return "Header mismatch: the Mcp-Name header is required for " + std::string(method) + " (body value '" + *want + "')";
    if (h.name) {
      auto got = DecodeHeaderValue(*h.name);
      if (!got) return "Header mismatch: the Mcp-Name header has a malformed base64 value";
      if (!want || *got != *want) return Mismatch("Mcp-Name", *got, want.value_or(""));
    }
  }

  if (method == "tools/call" && input_schema && input_schema->IsObject()) {
    const rapidjson::Value* props = FindMember(*input_schema, "properties");
    const rapidjson::Value* args = FindMember(*params, "arguments");
    if (props && props->IsObject()) {
      for (auto it = props->MemberBegin(); it != props->MemberEnd(); ++it) {
        if (!it->value.IsObject()) continue;
        const rapidjson::Value* tag = FindMember(it->value, "x-mcp-header");
        if (!tag || !tag->IsString()) continue;
        std::string header = Lower(StringOf(*tag));
        const rapidjson::Value* arg = args && args->IsObject() ? FindMember(*args, std::string(StringOf(it->name)).c_str()) : nullptr;
        std::optional<std::string> want = arg ? PrimitiveText(*arg) : std::nullopt;
        const std::string_view* got_raw = nullptr;
        for (const auto& [name, value] : h.params)
          if (name == header) got_raw = &value;
        std::string shown = "Mcp-Param-" + std::string(StringOf(*tag));
        if (want && !got_raw) return "Header mismatch: the " + shown + " header is required (body value '" + *want + "')";
        if (got_raw) {
          auto got = DecodeHeaderValue(*got_raw);
          if (!got) return "Header mismatch: the " + shown + " header has a malformed base64 value";
          if (!want || *got != *want) return Mismatch(shown, *got, want.value_or(""));
        }
      }
    }
  }
  return {};
}

}  // namespace mcph::http
