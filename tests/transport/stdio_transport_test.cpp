// stdio_transport_test.cpp - newline-delimited JSON over a pair of pipes:
// framing (CRLF, blank lines, a last line without newline), oversized lines
// answered with their id, and only whole JSON messages on the output; every
// answered request recorded into the runtime's shared Metrics (method, era,
// errors, latency histogram) and the pipe counted as an active connection.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "observability/metrics.h"
#include "protocol/errors.h"
#include "runtime/host_runtime.h"
#include "transport/stdio_transport.h"
#include "util/json.h"

using mcph::HostRuntime;
using mcph::StdioTransport;

namespace {

std::unique_ptr<HostRuntime> StartHost() {
  mcph::HostConfig cfg;
  cfg.server.workers = 2;
  mcph::PluginConfig echo;
  echo.path = std::string(MCPHOST_TEST_PLUGIN_DIR) + "/libmcphost_echo.so";
  echo.has_alias = true;
  echo.alias = "";
  cfg.plugins = {echo};
  auto r = HostRuntime::Start(cfg, true);
  INFO((r.ok() ? std::string() : r.error()));
  REQUIRE(r.ok());
  return std::move(r.value());
}

void WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    REQUIRE(n > 0);
    done += static_cast<size_t>(n);
  }
}

// Runs a transport over pipes: writes `input` (then EOF), waits (bounded)
// until at least `expect_lines` output lines arrived, returns every line.
// The output must end with a newline: no partial message is left behind.
// With `host`, serves through that runtime (to look at its metrics after).
std::vector<std::string> Serve(const std::string& input, size_t max_bytes, size_t expect_lines,
                               HostRuntime* host = nullptr) {
  std::unique_ptr<HostRuntime> own;
  if (!host) own = StartHost();
  HostRuntime* rt = host ? host : own.get();
  int in[2], out[2];
  REQUIRE(::pipe(in) == 0);
  REQUIRE(::pipe(out) == 0);

  std::mutex mu;
  std::condition_variable cv;
  std::string output;
  auto lines_in = [&] {
    size_t n = 0;
    for (char c : output) n += c == '\n';
    return n;
  };
  std::thread reader([&] {
    char buf[65536];
    for (;;) {
      ssize_t n = ::read(out[0], buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      {
        std::lock_guard lock(mu);
        output.append(buf, static_cast<size_t>(n));
      }
      cv.notify_all();
    }
  });

  StdioTransport transport(rt->dispatcher(), in[0], out[1], max_bytes);
  std::thread serving([&] { transport.Run(); });
  WriteAll(in[1], input);
  ::close(in[1]);
  serving.join();
  {
    std::unique_lock lock(mu);
    cv.wait_for(lock, std::chrono::seconds(5), [&] { return lines_in() >= expect_lines; });
  }
  // Let stragglers (which would be a bug) arrive before closing.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ::close(out[1]);
  reader.join();
  ::close(in[0]);
  ::close(out[0]);

  std::vector<std::string> lines;
  CHECK((output.empty() || output.back() == '\n'));
  size_t start = 0;
  for (size_t nl; (nl = output.find('\n', start)) != std::string::npos; start = nl + 1)
    lines.push_back(output.substr(start, nl - start));
  for (const std::string& l : lines) {
    INFO("output line: " << l.substr(0, 300));
    CHECK(mcph::IsValidJson(l));
    CHECK(l.find('\r') == std::string::npos);
  }
  return lines;
}

rapidjson::Document Parse(const std::string& text) {
  rapidjson::Document d;
  INFO(text.substr(0, 300));
  REQUIRE(mcph::ParseJson(text, d).ok());
  return d;
}

std::string IdOf(const std::string& line) {
  auto d = Parse(line);
  return d.HasMember("id") ? mcph::ToJson(d["id"]) : std::string();
}

const rapidjson::Value* FindById(std::vector<rapidjson::Document>& docs, const std::string& id) {
  for (auto& d : docs)
    if (d.HasMember("id") && mcph::ToJson(d["id"]) == id) return &d;
  return nullptr;
}

std::vector<rapidjson::Document> ParseAll(const std::vector<std::string>& lines) {
  std::vector<rapidjson::Document> out;
  for (const auto& l : lines) out.push_back(Parse(l));
  return out;
}

const std::string kInit =
    R"({"jsonrpc":"2.0","id":"init","method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}})";

std::string Ping(const std::string& id) { return R"({"jsonrpc":"2.0","id":)" + id + R"(,"method":"ping"})"; }

}  // namespace

TEST_CASE("StdioTransport: CRLF line endings are tolerated", "[transport]") {
  std::string input = kInit + "\r\n" + R"({"jsonrpc":"2.0","method":"notifications/initialized"})" + "\r\n" + Ping("2") +
                      "\r\n\r\n  \t \r\n" +
                      R"({"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"echo","arguments":{"text":"crlf"}}})" +
                      "\r\n";
  auto lines = Serve(input, 1 << 20, 3);
  REQUIRE(lines.size() == 3);
  auto docs = ParseAll(lines);
  const auto* init = FindById(docs, R"("init")");
  REQUIRE(init != nullptr);
  CHECK((*init)["result"]["protocolVersion"] == "2025-11-25");
  const auto* ping = FindById(docs, "2");
  REQUIRE(ping != nullptr);
  CHECK(ping->HasMember("result"));
  const auto* echo = FindById(docs, "3");
  REQUIRE(echo != nullptr);
  CHECK((*echo)["result"]["content"][0]["text"] == "crlf");
}

TEST_CASE("StdioTransport: whitespace-only lines are ignored", "[transport]") {
  auto lines = Serve("\n\n   \n\t\t\n \t \n" + Ping("1") + "\n\n", 1 << 20, 1);
  REQUIRE(lines.size() == 1);
  CHECK(IdOf(lines[0]) == "1");
  CHECK(Serve("\n \n\t\n", 1 << 20, 0).empty());
}

TEST_CASE("StdioTransport: leading whitespace before a message is fine", "[transport]") {
  auto lines = Serve("  \t" + Ping("\"lead\"") + "\n", 1 << 20, 1);
  REQUIRE(lines.size() == 1);
  CHECK(IdOf(lines[0]) == R"("lead")");
  CHECK(Parse(lines[0]).HasMember("result"));
}

TEST_CASE("StdioTransport: a last line without a newline is still served", "[transport]") {
  auto lines = Serve(Ping("1") + "\n" + Ping("\"last\""), 1 << 20, 2);
  REQUIRE(lines.size() == 2);
  CHECK(IdOf(lines[0]) == "1");
  CHECK(IdOf(lines[1]) == R"("last")");
  CHECK(Parse(lines[1]).HasMember("result"));
}

TEST_CASE("StdioTransport: an oversized line is answered with its id and the host stays up", "[transport]") {
  const size_t limit = 1024;
  SECTION("string id after the payload") {
    std::string big = R"({"jsonrpc":"2.0","method":"tools/call","params":{"name":"echo","arguments":{"text":")" +
                      std::string(5000, 'x') + R"("}},"id":"big-1"})";
    auto lines = Serve(big + "\n" + Ping("2") + "\n", limit, 2);
    REQUIRE(lines.size() == 2);
    auto err = Parse(lines[0]);
    CHECK(mcph::ToJson(err["id"]) == R"("big-1")");
    CHECK(err["error"]["code"].GetInt() == mcph::rpc::kInvalidRequest);
    CHECK(std::string(err["error"]["message"].GetString()).find("1024") != std::string::npos);
    CHECK(IdOf(lines[1]) == "2");
    CHECK(Parse(lines[1]).HasMember("result"));
  }
  SECTION("number id, message crossing many read chunks, no final newline") {
    std::string big = R"({"jsonrpc":"2.0","method":"ping","params":{"pad":")" + std::string(3u << 20, 'y') +
                      R"("},"id":31})";
    auto lines = Serve(Ping("1") + "\n" + big, limit, 2);
    REQUIRE(lines.size() == 2);
    CHECK(IdOf(lines[0]) == "1");
    auto err = Parse(lines[1]);
    CHECK(mcph::ToJson(err["id"]) == "31");
    CHECK(err["error"]["code"].GetInt() == mcph::rpc::kInvalidRequest);
  }
  SECTION("no readable id: id null") {
    auto lines = Serve(std::string(4000, '[') + "\n" + Ping("3") + "\n", limit, 2);
    REQUIRE(lines.size() == 2);
    auto err = Parse(lines[0]);
    CHECK(err["id"].IsNull());
    CHECK(IdOf(lines[1]) == "3");
  }
}

TEST_CASE("StdioTransport: a line right at the limit is served, one byte more is refused", "[transport]") {
  const std::string head = R"({"jsonrpc":"2.0","id":5,"method":"ping","params":{"pad":")";
  const std::string tail = R"("}})";
  const size_t limit = 200;
  std::string exact = head + std::string(limit - head.size() - tail.size(), 'p') + tail;
  REQUIRE(exact.size() == limit);
  std::string over = head + std::string(limit + 1 - head.size() - tail.size(), 'p') + tail;
  over.replace(over.find("\"id\":5"), 6, "\"id\":6");
  auto lines = Serve(exact + "\n" + over + "\n", limit, 2);
  REQUIRE(lines.size() == 2);
  auto ok = Parse(lines[0]);
  CHECK(mcph::ToJson(ok["id"]) == "5");
  CHECK(ok.HasMember("result"));
  auto err = Parse(lines[1]);
  CHECK(mcph::ToJson(err["id"]) == "6");
  CHECK(err.HasMember("error"));
}

TEST_CASE("StdioTransport: bad input still yields valid JSON lines", "[transport]") {
  std::string input = "{not json\n"
                      "\xFF\xFE garbage\n" +
                      std::string(R"({"jsonrpc":"2.0","id":4,"method":"ping","params":{"x":"\xC3"}})") + "\n" +
                      R"({"jsonrpc":"2.0","id":"with\nescaped newline","method":"ping"})" + "\n";
  auto lines = Serve(input, 1 << 20, 4);
  REQUIRE(lines.size() == 4);
  auto docs = ParseAll(lines);
  CHECK(docs[0]["error"]["code"].GetInt() == mcph::rpc::kParseError);
  CHECK(docs[0]["id"].IsNull());
  CHECK(docs[1]["error"]["code"].GetInt() == mcph::rpc::kParseError);
  CHECK(docs[2]["error"]["code"].GetInt() == mcph::rpc::kParseError);
  CHECK(mcph::ToJson(docs[2]["id"]) == "4");
  CHECK(docs[3].HasMember("result"));
  CHECK(std::string(docs[3]["id"].GetString()) == "with\nescaped newline");
}

namespace {

// The value of the sample `series` (name and labels exactly as rendered,
// e.g. mcp_requests_total{method="ping",era="legacy"}) in a Prometheus text
// rendering; -1 when the series is absent.
double Sample(const std::string& text, const std::string& series) {
  size_t at = 0;
  while ((at = text.find(series + " ", at)) != std::string::npos) {
    if (at == 0 || text[at - 1] == '\n') return std::stod(text.substr(at + series.size() + 1));
    at += series.size();
  }
  return -1;
}

std::string Series(const std::string& name, const std::string& method, const std::string& era,
                   const std::string& extra = "") {
  return name + "{method=\"" + method + "\",era=\"" + era + "\"" + extra + "}";
}

const std::string kModernMeta =
    R"("_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}})";

}  // namespace

TEST_CASE("StdioTransport: answered requests are recorded into the shared metrics by method and era",
          "[transport][metrics]") {
  auto rt = StartHost();
  mcph::Metrics& metrics = *rt->state().metrics;
  std::string input =
      kInit + "\n" + R"({"jsonrpc":"2.0","method":"notifications/initialized"})" + "\n" + Ping("1") + "\n" +
      Ping("2") + "\n" +
      R"({"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hi"}}})" + "\n" +
      R"({"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"echo","arguments":{}}})" + "\n" +
      R"({"jsonrpc":"2.0","id":10,"method":"tools/list","params":{)" + kModernMeta + "}}\n" +
      R"({"jsonrpc":"2.0","id":11,"method":"tools/list","params":{)" + kModernMeta + "}}\n" +
      R"({"jsonrpc":"2.0","id":12,"method":"tools/list","params":{)" + kModernMeta + "}}\n" +
      R"({"jsonrpc":"2.0","id":13,"method":"ping","params":{)" + kModernMeta + "}}\n" +  // -32601 in 2026-07-28
      R"({"jsonrpc":"2.0","id":20,"method":"nope/nope"})" + "\n" +                      // unknown: "other"
      "{not json\n" +                                                                    // parse error: "other"
      R"({"jsonrpc":"2.0","id":"mcph-99","result":{}})" + "\n";                         // a response: not counted
  auto lines = Serve(input, 1 << 20, 11, rt.get());
  REQUIRE(lines.size() == 11);
  auto docs = ParseAll(lines);
  REQUIRE(FindById(docs, "3") != nullptr);
  CHECK((*FindById(docs, "3"))["result"]["content"][0]["text"] == "hi");
  REQUIRE(FindById(docs, "13") != nullptr);
  CHECK((*FindById(docs, "13"))["error"]["code"].GetInt() == mcph::rpc::kMethodNotFound);

  const std::string text = metrics.RenderPrometheus();
  INFO(text);
  CHECK(Sample(text, Series("mcp_requests_total", "initialize", "legacy")) == 1);
  CHECK(Sample(text, Series("mcp_requests_total", "ping", "legacy")) == 2);
  CHECK(Sample(text, Series("mcp_requests_total", "tools/call", "legacy")) == 2);
  CHECK(Sample(text, Series("mcp_requests_total", "tools/list", "modern")) == 3);
  CHECK(Sample(text, Series("mcp_requests_total", "ping", "modern")) == 1);
  CHECK(Sample(text, Series("mcp_requests_total", "other", "legacy")) == 2);
  CHECK(Sample(text, Series("mcp_requests_total", "tools/list", "legacy")) == -1);
  CHECK(text.find("method=\"notifications\"") == std::string::npos);  // notifications are not requests
  // JSON-RPC errors only (an isError tool result is a result).
  CHECK(Sample(text, Series("mcp_request_errors_total", "ping", "modern")) == 1);
  CHECK(Sample(text, Series("mcp_request_errors_total", "other", "legacy")) == 2);
  CHECK(Sample(text, Series("mcp_request_errors_total", "tools/call", "legacy")) == -1);
  CHECK(Sample(text, Series("mcp_request_errors_total", "ping", "legacy")) == -1);
  // The latency histogram: one observation per answered request.
  CHECK(Sample(text, Series("mcp_request_duration_seconds_count", "tools/list", "modern")) == 3);
  CHECK(Sample(text, Series("mcp_request_duration_seconds_bucket", "tools/list", "modern", ",le=\"+Inf\"")) == 3);
  CHECK(Sample(text, Series("mcp_request_duration_seconds_count", "ping", "legacy")) == 2);
  CHECK(Sample(text, Series("mcp_request_duration_seconds_sum", "tools/call", "legacy")) >= 0);
  // Per-tool counters (the catalog's): both calls reached the tool, one failed.
  CHECK(Sample(text, R"(mcp_tool_calls_total{tool="echo",plugin="echo"})") == 2);
  CHECK(Sample(text, R"(mcp_tool_errors_total{tool="echo",plugin="echo"})") == 1);
  // The pipe was an active connection while served, and is no more.
  CHECK(Sample(text, "mcp_active_connections") == 0);
}

TEST_CASE("StdioTransport: oversized lines and batches are counted as \"other\"", "[transport][metrics]") {
  auto rt = StartHost();
  const size_t limit = 256;
  std::string big = R"({"jsonrpc":"2.0","id":"big","method":"ping","params":{"pad":")" + std::string(1000, 'x') + "\"}}";
  std::string init_0326 = kInit;
  init_0326.replace(init_0326.find("2025-11-25"), 10, "2025-03-26");
  std::string input = init_0326 + "\n" + big + "\n" + "[" + Ping("5") + "," + Ping("6") + "]\n" +
                      R"([{"jsonrpc":"2.0","method":"notifications/initialized"}])" + "\n";
  auto lines = Serve(input, limit, 3, rt.get());
  REQUIRE(lines.size() == 3);
  const std::string text = rt->state().metrics->RenderPrometheus();
  INFO(text);
  CHECK(Sample(text, Series("mcp_requests_total", "initialize", "legacy")) == 1);
  // The oversized ping (refused unread) and the batch of two pings (one answer).
  CHECK(Sample(text, Series("mcp_requests_total", "other", "legacy")) == 2);
  CHECK(Sample(text, Series("mcp_request_errors_total", "other", "legacy")) == 1);
  CHECK(Sample(text, Series("mcp_requests_total", "ping", "legacy")) == -1);
}

TEST_CASE("StdioTransport: the pipe is an active connection while it is served", "[transport][metrics]") {
  auto rt = StartHost();
  mcph::Metrics& metrics = *rt->state().metrics;
  int in[2], out[2];
  REQUIRE(::pipe(in) == 0);
  REQUIRE(::pipe(out) == 0);
  StdioTransport transport(rt->dispatcher(), in[0], out[1], 1 << 20);
  std::thread serving([&] { transport.Run(); });
  // One ping answered proves the reader is running (and its answer recorded:
  // the record precedes the write).
  WriteAll(in[1], Ping("1") + "\n");
  std::string got;
  char c;
  while (got.find('\n') == std::string::npos) {
    ssize_t n = ::read(out[0], &c, 1);
    if (n < 0 && errno == EINTR) continue;
    REQUIRE(n == 1);
    got.push_back(c);
  }
  CHECK(IdOf(got.substr(0, got.size() - 1)) == "1");
  std::string during = metrics.RenderPrometheus();
  CHECK(Sample(during, "mcp_active_connections") == 1);
  CHECK(Sample(during, Series("mcp_requests_total", "ping", "legacy")) == 1);
  ::close(in[1]);
  serving.join();
  CHECK(Sample(metrics.RenderPrometheus(), "mcp_active_connections") == 0);
  ::close(in[0]);
  ::close(out[0]);
  ::close(out[1]);
}
