// metrics.h - the host's counters, in the Prometheus text format.
//
// Shared by every transport: the HTTP exchanges and the stdio transport
// record into the runtime's one instance (ServerState::metrics).
//
// Hot-path rule: recording takes no lock and allocates nothing. Requests are
// counted in fixed arrays indexed by (method, era); per-tool counters live in
// objects the catalog looks up once, at build time, and keeps a pointer to.
// Rendering (GET /metrics) reads the atomics; it may run on any thread.
//
// Two additions feed the operator status page (GET /): a per-second ring of
// request counts (approximate at second boundaries: a count racing with the
// slot's reset may be lost, which a rate display tolerates), and a bounded
// ring of the most recent errors behind a small mutex taken only when a
// request failed, so the success path stays lock-free.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace mcph {

struct ToolCounters {
  std::atomic<uint64_t> calls{0};
  std::atomic<uint64_t> errors{0};
};

// One failed request, as the status page lists it.
struct RecentError {
  int64_t unix_ms = 0;   // wall clock, for display
  std::string method;    // "tools/call", "other", ...
  int era = 0;           // 0 legacy, 1 modern
  int code = 0;          // the JSON-RPC error code; 0 when the transport did not say
  std::string message;   // truncated to kMaxErrorMessage bytes
};

class Metrics {
 public:
  static constexpr int kEras = 2;  // 0 legacy, 1 modern
  // Upper bounds of the latency histogram, in seconds.
  static constexpr std::array<double, 12> kBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                      0.01,   0.025,   0.05,   0.1,   1.0,    10.0};

  static constexpr size_t kRecentErrors = 32;       // how many errors the ring keeps
  static constexpr size_t kMaxErrorMessage = 300;   // bytes of each message kept
  static constexpr int kRateSeconds = 64;           // the per-second ring's length

  // One request answered: its method (unknown ones count as "other"), era,
  // time from arrival to answer, and whether the answer was an error. An
  // error also enters the recent-errors ring with its code and message when
  // the caller has them.
  void RecordRequest(std::string_view method, int era, double seconds, bool error, int error_code = 0,
                     std::string_view error_message = {});

  void ConnectionOpened() { active_connections_.fetch_add(1, std::memory_order_relaxed); }
  void ConnectionClosed() { active_connections_.fetch_sub(1, std::memory_order_relaxed); }

  // The counters of one exposed tool (created on first use; stable address).
  // Takes a lock: call it when building a catalog, not per call.
  std::shared_ptr<ToolCounters> ForTool(const std::string& tool, const std::string& plugin);

  std::string RenderPrometheus() const;

  // Read side for the status page (any thread; a consistent-enough view, not
  // an atomic snapshot of every counter at once).
  struct MethodStats {
    std::string_view method;
    int era = 0;
    uint64_t count = 0, errors = 0;
    double seconds_sum = 0;
  };
  std::vector<MethodStats> Requests() const;  // only series with requests
  struct ToolStats {
    std::string tool, plugin;
    uint64_t calls = 0, errors = 0;
  };
  std::vector<ToolStats> Tools() const;
  std::vector<RecentError> RecentErrors() const;  // newest first
  // Requests answered in the last `seconds` whole seconds (1..kRateSeconds-2),
  // the current, partial second excluded.
  uint64_t RequestsInLast(int seconds) const;
  int64_t active_connections() const { return active_connections_.load(std::memory_order_relaxed); }

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
  static int64_t NowSecond();
  struct RateSlot {
    std::atomic<int64_t> second{-1};
    std::atomic<uint64_t> count{0};
  };
  std::array<RateSlot, kRateSeconds> rate_{};
  mutable std::mutex errors_mu_;
  std::vector<RecentError> errors_;  // ring of kRecentErrors; errors_next_ is the oldest slot once full
  size_t errors_next_ = 0;
  mutable std::mutex tools_mu_;
  std::map<std::pair<std::string, std::string>, std::shared_ptr<ToolCounters>> tools_;
};

}  // namespace mcph
