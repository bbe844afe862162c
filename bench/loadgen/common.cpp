// common.cpp - request templates, the cheap response scan, /proc sampling
// and the report line (see common.hpp for why the hot path stays parse-free).
#include "common.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace loadgen {

void RequestTemplate::Append(std::string& out, uint64_t id) const {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, id);
  (void)ec;
  out.append(prefix).append(digits, end).append(suffix);
}

RequestTemplate MakeTemplate(const std::string& method, const std::string& params_json, bool modern_meta) {
  rapidjson::Document params;
  if (params.Parse(params_json.c_str()).HasParseError() || !params.IsObject())
    throw std::runtime_error("--params is not a JSON object: " + params_json);
  auto& a = params.GetAllocator();
  RequestTemplate t;
  if (modern_meta) {
    // 2026-07-28: every request claims its version and the client's
    // capabilities in _meta (stateless, no initialize).
    rapidjson::Value meta(rapidjson::kObjectType);
    meta.AddMember("io.modelcontextprotocol/protocolVersion", "2026-07-28", a);
    meta.AddMember("io.modelcontextprotocol/clientCapabilities", rapidjson::Value(rapidjson::kObjectType), a);
    params.AddMember("_meta", meta, a);
    const char* field = nullptr;
    if (method == "tools/call" || method == "prompts/get") field = "name";
    if (method == "resources/read") field = "uri";
    if (field && params.HasMember(field) && params[field].IsString()) t.mcp_name = params[field].GetString();
  }
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  params.Accept(w);
  rapidjson::StringBuffer mb;  // the method, JSON-escaped
  rapidjson::Writer<rapidjson::StringBuffer> mw(mb);
  mw.String(method.c_str());
  t.prefix = R"({"jsonrpc":"2.0","id":)";
  t.suffix = std::string(",\"method\":") + mb.GetString() + ",\"params\":" + sb.GetString() + "}";
  return t;
}

static std::optional<uint64_t> NumberAt(std::string_view s, size_t pos) {
  while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\t')) pos++;
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data() + pos, s.data() + s.size(), v);
  if (ec != std::errc() || p == s.data() + pos) return std::nullopt;
  return v;
}

std::optional<uint64_t> ScanId(std::string_view msg) {
  constexpr std::string_view key = "\"id\":";
  // Near the start: {"jsonrpc":"2.0","id":N,... is 22 bytes to the number.
  size_t p = msg.substr(0, 48).find(key);
  if (p == std::string_view::npos) {
    // At the end: ...,"jsonrpc":"2.0","id":N} (a result's own "id" keys, if
    // any, come earlier, so the last one is the envelope's).
    p = msg.rfind(key);
    if (p == std::string_view::npos) return std::nullopt;
  }
  return NumberAt(msg, p + key.size());
}

bool IsErrorResponse(std::string_view msg) {
  // A JSON-RPC error object always starts with its code in both servers;
  // isError in a text result is escaped (\"isError\"), so this cannot match it.
  return msg.find("\"error\":{") != std::string_view::npos || msg.find("\"isError\":true") != std::string_view::npos;
}

ProcSample SampleProc(pid_t pid) {
  ProcSample s;
  if (pid <= 0) return s;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  size_t close = text.rfind(')');  // the command name may contain spaces
  if (close != std::string::npos) {
    std::istringstream in(text.substr(close + 2));
    std::string field;
    unsigned long utime = 0, stime = 0;
    // Fields after ")" start at field 3 (state); utime and stime are 14 and 15.
    for (int i = 3; i <= 15 && in >> field; i++) {
      if (i == 14) utime = std::stoul(field);
      if (i == 15) stime = std::stoul(field);
    }
    s.cpu_seconds = double(utime + stime) / double(sysconf(_SC_CLK_TCK));
  }
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) s.rss_kib = std::stol(line.substr(6));
    if (line.rfind("VmHWM:", 0) == 0) s.hwm_kib = std::stol(line.substr(6));
  }
  return s;
}

double SelfCpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto sec = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
  return sec(ru.ru_utime) + sec(ru.ru_stime);
}

static double Percentile(const std::vector<uint32_t>& sorted, double q) {
  if (sorted.empty()) return 0;
  size_t i = size_t(q * double(sorted.size() - 1) + 0.5);
  return double(sorted[std::min(i, sorted.size() - 1)]) / 1e3;
}

void Report(const Options& o, PhaseResult& r) {
  std::sort(r.latency_ns.begin(), r.latency_ns.end());
  double n = r.requests ? double(r.requests) : 1.0;
  std::printf(
      "{\"label\":\"%s\",\"transport\":\"%s\",\"era\":\"%s\",\"method\":\"%s\",\"concurrency\":%d,"
      "\"requests\":%llu,\"errors\":%llu,\"seconds\":%.3f,\"rps\":%.1f,"
      "\"p50_us\":%.1f,\"p95_us\":%.1f,\"p99_us\":%.1f,\"max_us\":%.1f,"
      "\"cpu_us_per_req\":%.2f,\"gen_cpu_share\":%.3f,\"rss_kib\":%ld,\"hwm_kib\":%ld,\"cold_ms\":%.2f}\n",
      o.label.c_str(), r.transport.c_str(), r.era.c_str(), o.method.c_str(), r.concurrency,
      (unsigned long long)r.requests, (unsigned long long)r.errors, r.wall_seconds,
      r.wall_seconds > 0 ? double(r.requests) / r.wall_seconds : 0.0, Percentile(r.latency_ns, 0.50),
      Percentile(r.latency_ns, 0.95), Percentile(r.latency_ns, 0.99),
      r.latency_ns.empty() ? 0.0 : double(r.latency_ns.back()) / 1e3, r.server_cpu_seconds / n * 1e6,
      r.wall_seconds > 0 ? r.gen_cpu_seconds / r.wall_seconds : 0.0, r.rss_kib, r.hwm_kib, r.cold_ms);
  std::fflush(stdout);
}

}  // namespace loadgen
