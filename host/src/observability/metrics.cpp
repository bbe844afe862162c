// metrics.cpp - see metrics.h.
#include "observability/metrics.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "util/unix_time.h"

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

int64_t Metrics::NowSecond() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void Metrics::RecordRequest(std::string_view method, int era, double seconds, bool error, int error_code,
                            std::string_view error_message) {
  Series& s = series_[MethodIndex(method)][era == 1 ? 1 : 0];
  {
    int64_t now = NowSecond();
    RateSlot& slot = rate_[static_cast<size_t>(now % kRateSeconds)];
    int64_t seen = slot.second.load(std::memory_order_relaxed);
    // The first request of a new second claims the slot and restarts its count.
    if (seen != now && slot.second.compare_exchange_strong(seen, now, std::memory_order_relaxed))
      slot.count.store(0, std::memory_order_relaxed);
    slot.count.fetch_add(1, std::memory_order_relaxed);
  }
  if (error) {
    RecentError e;
    e.unix_ms = UnixMs();
    e.method = std::string(method.empty() ? std::string_view("other") : method);
    e.era = era == 1 ? 1 : 0;
    e.code = error_code;
    e.message = std::string(error_message.substr(0, kMaxErrorMessage));
    std::lock_guard lock(errors_mu_);
    if (errors_.size() < kRecentErrors) {
      errors_.push_back(std::move(e));
    } else {
      errors_[errors_next_] = std::move(e);
      errors_next_ = (errors_next_ + 1) % kRecentErrors;
    }
  }
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

std::vector<Metrics::MethodStats> Metrics::Requests() const {
  std::vector<MethodStats> out;
  for (size_t m = 0; m < kMethods.size(); ++m)
    for (int e = 0; e < kEras; ++e) {
      const Series& s = series_[m][e];
      MethodStats st;
      st.count = s.count.load(std::memory_order_relaxed);
      if (!st.count) continue;
      st.method = kMethods[m];
      st.era = e;
      st.errors = s.errors.load(std::memory_order_relaxed);
      st.seconds_sum = static_cast<double>(s.sum_ns.load(std::memory_order_relaxed)) / 1e9;
      out.push_back(st);
    }
  return out;
}

std::vector<Metrics::ToolStats> Metrics::Tools() const {
  std::vector<ToolStats> out;
  std::lock_guard lock(tools_mu_);
  for (const auto& [key, c] : tools_)
    out.push_back({key.first, key.second, c->calls.load(std::memory_order_relaxed),
                   c->errors.load(std::memory_order_relaxed)});
  return out;
}

std::vector<RecentError> Metrics::RecentErrors() const {
  std::lock_guard lock(errors_mu_);
  std::vector<RecentError> out;
  out.reserve(errors_.size());
  // Oldest is errors_next_ once the ring is full, else index 0; walk back from the newest.
  for (size_t i = 0; i < errors_.size(); ++i)
    out.push_back(errors_[(errors_next_ + errors_.size() - 1 - i) % errors_.size()]);
  return out;
}

uint64_t Metrics::RequestsInLast(int seconds) const {
  seconds = std::clamp(seconds, 1, kRateSeconds - 2);
  int64_t now = NowSecond();
  uint64_t n = 0;
  for (const RateSlot& slot : rate_) {
    int64_t s = slot.second.load(std::memory_order_relaxed);
    if (s < now && s >= now - seconds) n += slot.count.load(std::memory_order_relaxed);
  }
  return n;
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
