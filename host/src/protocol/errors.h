// errors.h - the JSON-RPC and MCP error codes the host answers with.
#pragma once

namespace mcph::rpc {

constexpr int kParseError = -32700;      // not JSON (id null unless it could be read)
constexpr int kInvalidRequest = -32600;  // not a JSON-RPC 2.0 request
constexpr int kMethodNotFound = -32601;  // unknown, removed or not-yet-served method
constexpr int kInvalidParams = -32602;   // bad params, unknown tool/prompt, bad cursor
constexpr int kInternalError = -32603;   // the host or a plugin failed
constexpr int kResourceNotFound = -32002;       // legacy eras only
constexpr int kHeaderMismatch = -32020;          // 2026-07-28, HTTP
constexpr int kMissingClientCapability = -32021; // 2026-07-28
constexpr int kUnsupportedProtocolVersion = -32022;  // 2026-07-28

}  // namespace mcph::rpc
