// metrics.h - the host's counters, in the Prometheus text format.
//
// Shared by every transport: the HTTP exchanges and the stdio transport
// record into the runtime's one instance (ServerState::metrics).
//
// Hot-path rule: recording takes no lock and allocates nothing. Requests are
// counted in fixed arrays indexed by (method, era); per-tool counters live in
// objects the catalog looks up once, at build time, and keeps a pointer to.
// Rendering (GET /metrics) reads the atomics; it may run on any thread.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace mcph {

struct ToolCounters {
  std::atomic<uint64_t> calls{0};
  std::atomic<uint64_t> errors{0};
};

class Metrics {
 public:
  static constexpr int kEras = 2;  // 0 legacy, 1 modern
  // Upper bounds of the latency histogram, in seconds.
  static constexpr std::array<double, 12> kBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                      0.01,   0.025,   0.05,   0.1,   1.0,    10.0};

  // One request answered: its method (unknown ones count as "other"), era,
  // time from arrival to answer, and whether the answer was an error.
  void RecordRequest(std::string_view method, int era, double seconds, bool error);

  void ConnectionOpened() { active_connections_.fetch_add(1, std::memory_order_relaxed); }
  void ConnectionClosed() { active_connections_.fetch_sub(1, std::memory_order_relaxed); }

  // The counters of one exposed tool (created on first use; stable address).
  // Takes a lock: call it when building a catalog, not per call.
  std::shared_ptr<ToolCounters> ForTool(const std::string& tool, const std::string& plugin);

  std::string RenderPrometheus() const;

 private:
  static constexpr std::array<std::string_view, 15> kMethods = {
      "initialize",  "ping",          "server/discover",          "tools/list",     "tools/call",
      "resources/list", "resources/read", "resources/templates/list", "prompts/list", "prompts/get",
      "completion/complete", "logging/setLevel", "subscriptions/listen", "notifications", "other"};
  struct Series {
    std::atomic<uint64_t> count{0};
    std::atomic<uint64_t> errors{0};
    std::atomic<uint64_t> sum_ns{0};
    std::array<std::atomic<uint64_t>, kBuckets.size()> buckets{};
  };
  static size_t MethodIndex(std::string_view method);

  std::array<std::array<Series, kEras>, kMethods.size()> series_{};
  std::atomic<int64_t> active_connections_{0};
  mutable std::mutex tools_mu_;
  std::map<std::pair<std::string, std::string>, std::shared_ptr<ToolCounters>> tools_;
};

}  // namespace mcph
