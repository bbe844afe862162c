// common.hpp - what both load generator modes share: the options, the
// request template (serialised once, the id spliced in per request), the
// cheap response scan, latency statistics and the server's /proc figures.
//
// The hot loops never parse JSON: a response is matched by its "id" and
// classified by a substring scan, so the generator costs far less per
// request than the servers it measures (issue 9: "a load generator that is
// not the bottleneck").
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace loadgen {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string mode;           // "stdio" or "http"
  std::string label;          // free text copied into the report (server name)
  std::string method = "tools/call";
  std::string params = R"({"name":"echo","arguments":{"text":"hello"}})";
  double seconds = 3.0;       // measured phase length
  double warmup = 1.0;        // unmeasured phase first (V8's JIT, caches)
  uint64_t max_requests = 0;  // 0 = no cap, the phase ends by time only
  // stdio
  std::vector<int> inflight{1};   // one phase per value, on the same server
  std::vector<std::string> argv;  // server command (after --)
  // http
  std::string url;
  std::vector<int> sessions{1};   // one phase per value
  std::string era = "legacy";     // legacy | modern | stateless
  pid_t pid = 0;                  // server to read /proc from
};

// One request body as prefix + id + suffix, built once at start (RapidJSON
// is used only there, to inject _meta for the modern era).
struct RequestTemplate {
  std::string prefix;  // {"jsonrpc":"2.0","id":
  std::string suffix;  // ,"method":...,"params":...}
  std::string mcp_name;  // Mcp-Name header value for the modern era ("" = none)
  void Append(std::string& out, uint64_t id) const;
};

RequestTemplate MakeTemplate(const std::string& method, const std::string& params_json, bool modern_meta);

// The numeric "id" of a JSON-RPC response, without parsing it: servers put
// "id" either first (mcphost) or last (the TypeScript SDK), so look near the
// start, then from the end.
std::optional<uint64_t> ScanId(std::string_view msg);

// A JSON-RPC error or a tool result flagged isError.
bool IsErrorResponse(std::string_view msg);

struct ProcSample {
  double cpu_seconds = 0;  // utime + stime of all threads
  long rss_kib = 0, hwm_kib = 0;
};
ProcSample SampleProc(pid_t pid);
double SelfCpuSeconds();

struct PhaseResult {
  std::string transport, era;
  int concurrency = 0;  // in flight (stdio) or sessions (http)
  uint64_t requests = 0, errors = 0;
  double wall_seconds = 0, server_cpu_seconds = 0, gen_cpu_seconds = 0;
  double cold_ms = -1;  // stdio: spawn to initialize response
  long rss_kib = 0, hwm_kib = 0;
  std::vector<uint32_t> latency_ns;  // measured requests only
};

// Prints one JSON line per phase on stdout (run.py reads these).
void Report(const Options& o, PhaseResult& r);

}  // namespace loadgen
