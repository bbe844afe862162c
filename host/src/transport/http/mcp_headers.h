// mcp_headers.h - the header rules of Streamable HTTP that need no socket:
// content negotiation (Accept, Content-Type) and the 2026-07-28 routing
// headers (MCP-Protocol-Version, Mcp-Method, Mcp-Name, Mcp-Param-*) checked
// against the body, as spec-2026-07-28 (b)8 orders them.
#pragma once

#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mcph::http {

// True when the Accept header admits the media type (type/subtype, type/*
// or */*, q=0 excluded).
bool Accepts(std::string_view accept, std::string_view media_type);
// Content-Type's media type is application/json (parameters ignored).
bool IsJsonContentType(std::string_view content_type);

// A header value as the client meant it: trimmed, and "=?base64?...?=" decoded
// (nullopt when that encoding is malformed).
std::optional<std::string> DecodeHeaderValue(std::string_view raw);

// The request headers the modern checks read; nullopt = absent.
struct ModernHeaders {
  std::optional<std::string_view> protocol_version;
  std::optional<std::string_view> method;
  std::optional<std::string_view> name;
  std::vector<std::pair<std::string, std::string_view>> params;  // "Mcp-Param-X": lower-cased X, value
};

// Which body field Mcp-Name mirrors for `method` (nullptr: none).
const char* McpNameField(std::string_view method);

// Checks (b)8 steps 4 and 5 for one modern request `msg` whose claim is
// `claimed_version`: "" when the headers agree with the body, else the
// message of the -32020 error. `input_schema` is the called tool's inputSchema
// (null when not a tools/call or no such tool), for the Mcp-Param-* headers.
std::string CheckModernHeaders(const ModernHeaders& h, const rapidjson::Value& msg, std::string_view claimed_version,
                               const rapidjson::Value* input_schema);

}  // namespace mcph::http
