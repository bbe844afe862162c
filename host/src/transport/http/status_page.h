// status_page.h - the operator status page (GET / with
// server.http.status_page: true): plugins with versions and health, the
// catalog, request rates and recent errors, as one self-contained HTML page
// (inline CSS, no scripts, no external assets).
//
// Two steps so each can be tested alone: CollectStatus reads a live runtime
// (the current catalog snapshot and the metrics registry, both safe to read
// from any thread) into plain data; RenderStatusPage turns that data into
// HTML, escaping every piece of text (plugin names, error messages and URIs
// come from plugins and clients). Neither throws for bad data; neither keeps
// a pointer into the runtime.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "observability/metrics.h"

namespace mcph {
class HostRuntime;
}

namespace mcph::http {

struct StatusPlugin {
  std::string name, id, version, alias, path;
  uint32_t abi_version = 0;
  size_t tools = 0, resources = 0, templates = 0, prompts = 0;
  uint64_t calls = 0, call_errors = 0;  // its tools' calls and tool errors
  std::vector<std::string> rejections;  // entries its registration refused
  // "ok"; "degraded" (some entries refused, or some tool calls failed);
  // "failed" (did not load: only `detail` is set).
  std::string health = "ok";
  std::string detail;
};

struct StatusEntry {
  std::string name;    // exposed tool/prompt name, resource URI or URI template
  std::string plugin;  // the plugin's alias or name; "mcphost" for the host's own
  std::string detail;  // title or description, MIME type for resources
  uint64_t calls = 0, errors = 0;  // tools only
};

struct StatusData {
  std::string server_name, server_version, transport_note;
  uint32_t abi_version = 0;
  double uptime_seconds = 0;
  bool draining = false;
  int64_t connections = 0;
  size_t sessions = 0;
  int64_t in_progress = 0;
  std::vector<StatusPlugin> plugins;  // loaded ones first, then failed ones
  std::vector<StatusEntry> tools, resources, templates, prompts;
  std::vector<Metrics::MethodStats> requests;
  uint64_t requests_total = 0, errors_total = 0;
  uint64_t requests_last_minute = 0;  // over kRateWindow seconds
  std::vector<RecentError> recent_errors;
  int64_t now_unix_ms = 0;
};

// The window of the "requests per second" figure.
constexpr int kRateWindow = 60;

// Reads the runtime's current catalog, load errors and metrics.
StatusData CollectStatus(HostRuntime& runtime, const Metrics& metrics, bool draining, size_t sessions,
                         int64_t in_progress);

std::string RenderStatusPage(const StatusData& data);

// HTML text escaping (&, <, >, ", '); invalid UTF-8 bytes become U+FFFD.
std::string HtmlEscape(std::string_view text);

}  // namespace mcph::http
