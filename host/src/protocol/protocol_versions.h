// protocol_versions.h - the MCP revisions the host serves, per era.
#pragma once

#include <array>
#include <string_view>

namespace mcph {

// Modern revisions: stateless, version claimed in every request's _meta.
constexpr std::string_view kModernVersion = "2026-07-28";
constexpr std::array<std::string_view, 1> kModernVersions = {kModernVersion};

// Legacy revisions: negotiated through initialize; newest first.
constexpr std::array<std::string_view, 4> kLegacyVersions = {"2025-11-25", "2025-06-18", "2025-03-26",
                                                             "2024-11-05"};
constexpr std::string_view kLatestLegacyVersion = kLegacyVersions[0];

// _meta keys of the modern revision.
constexpr const char* kMetaProtocolVersion = "io.modelcontextprotocol/protocolVersion";
constexpr const char* kMetaClientCapabilities = "io.modelcontextprotocol/clientCapabilities";
constexpr const char* kMetaClientInfo = "io.modelcontextprotocol/clientInfo";
constexpr const char* kMetaLogLevel = "io.modelcontextprotocol/logLevel";
constexpr const char* kMetaServerInfo = "io.modelcontextprotocol/serverInfo";

inline bool IsLegacyVersion(std::string_view v) {
  for (auto s : kLegacyVersions)
    if (s == v) return true;
  return false;
}

}  // namespace mcph
