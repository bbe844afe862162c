// metrics.cpp - see metrics.h.
#include "observability/metrics.h"

#include <cstdio>

namespace mcph {
namespace {

// Label values are our own method names and plugin/tool names, which the
// registrar limits to [A-Za-z0-9_.-]; escape anyway, as the format asks.
std::string Escape(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

void AppendDouble(std::string& out, double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  out += buf;
}

}  // namespace

size_t Metrics::MethodIndex(std::string_view method) {
  for (size_t i = 0; i + 1 < kMethods.size(); ++i)
    if (kMethods[i] == method) return i;
  if (method.rfind("notifications/", 0) == 0) return kMethods.size() - 2;
  return kMethods.size() - 1;
}

void Metrics::RecordRequest(std::string_view method, int era, double seconds, bool error) {
  Series& s = series_[MethodIndex(method)][era == 1 ? 1 : 0];
  s.count.fetch_add(1, std::memory_order_relaxed);
  if (error) s.errors.fetch_add(1, std::memory_order_relaxed);
  s.sum_ns.fetch_add(static_cast<uint64_t>(seconds * 1e9), std::memory_order_relaxed);
  for (size_t b = 0; b < kBuckets.size(); ++b) {
    if (seconds <= kBuckets[b]) {
      s.buckets[b].fetch_add(1, std::memory_order_relaxed);  // cumulative at render time
      break;
    }
  }
}

std::shared_ptr<ToolCounters> Metrics::ForTool(const std::string& tool, const std::string& plugin) {
  std::lock_guard lock(tools_mu_);
  auto& slot = tools_[{tool, plugin}];
  if (!slot) slot = std::make_shared<ToolCounters>();
  return slot;
}

std::string Metrics::RenderPrometheus() const {
  static constexpr const char* kEraNames[kEras] = {"legacy", "modern"};
  std::string out;
  out.reserve(8192);
  out += "# HELP mcp_requests_total MCP requests answered, by method and protocol era.\n";
  out += "# TYPE mcp_requests_total counter\n";
  for (size_t m = 0; m < kMethods.size(); ++m)
    for (int e = 0; e < kEras; ++e) {
      uint64_t n = series_[m][e].count.load(std::memory_order_relaxed);
      if (!n) continue;
      out += "mcp_requests_total{method=\"" + Escape(kMethods[m]) + "\",era=\"" + kEraNames[e] + "\"} " +
             std::to_string(n) + "\n";
    }
  out += "# HELP mcp_request_errors_total MCP requests answered with a JSON-RPC error.\n";
  out += "# TYPE mcp_request_errors_total counter\n";
  for (size_t m = 0; m < kMethods.size(); ++m)
    for (int e = 0; e < kEras; ++e) {
      uint64_t n = series_[m][e].errors.load(std::memory_order_relaxed);
      if (!n) continue;
      out += "mcp_request_errors_total{method=\"" + Escape(kMethods[m]) + "\",era=\"" + kEraNames[e] + "\"} " +
             std::to_string(n) + "\n";
    }
  out += "# HELP mcp_request_duration_seconds Time from a request's arrival to its answer.\n";
  out += "# TYPE mcp_request_duration_seconds histogram\n";
  for (size_t m = 0; m < kMethods.size(); ++m)
    for (int e = 0; e < kEras; ++e) {
      const Series& s = series_[m][e];
      uint64_t n = s.count.load(std::memory_order_relaxed);
      if (!n) continue;
      std::string labels = "method=\"" + Escape(kMethods[m]) + "\",era=\"" + kEraNames[e] + "\"";
      uint64_t cumulative = 0;
      for (size_t b = 0; b < kBuckets.size(); ++b) {
        cumulative += s.buckets[b].load(std::memory_order_relaxed);
        out += "mcp_request_duration_seconds_bucket{" + labels + ",le=\"";
        AppendDouble(out, kBuckets[b]);
        out += "\"} " + std::to_string(cumulative) + "\n";
      }
      out += "mcp_request_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} " + std::to_string(n) + "\n";
      out += "mcp_request_duration_seconds_sum{" + labels + "} ";
      AppendDouble(out, static_cast<double>(s.sum_ns.load(std::memory_order_relaxed)) / 1e9);
      out += "\nmcp_request_duration_seconds_count{" + labels + "} " + std::to_string(n) + "\n";
    }
  out += "# HELP mcp_active_connections Open client connections (HTTP connections and stdio pipes).\n";
  out += "# TYPE mcp_active_connections gauge\n";
  out += "mcp_active_connections " + std::to_string(active_connections_.load(std::memory_order_relaxed)) + "\n";
  std::lock_guard lock(tools_mu_);
  out += "# HELP mcp_tool_calls_total tools/call requests that reached a tool, by tool and plugin.\n";
  out += "# TYPE mcp_tool_calls_total counter\n";
  for (const auto& [key, c] : tools_)
    out += "mcp_tool_calls_total{tool=\"" + Escape(key.first) + "\",plugin=\"" + Escape(key.second) + "\"} " +
           std::to_string(c->calls.load(std::memory_order_relaxed)) + "\n";
  out += "# HELP mcp_tool_errors_total Tool calls whose result was an error, by tool and plugin.\n";
  out += "# TYPE mcp_tool_errors_total counter\n";
  for (const auto& [key, c] : tools_)
    out += "mcp_tool_errors_total{tool=\"" + Escape(key.first) + "\",plugin=\"" + Escape(key.second) + "\"} " +
           std::to_string(c->errors.load(std::memory_order_relaxed)) + "\n";
  return out;
}

}  // namespace mcph
