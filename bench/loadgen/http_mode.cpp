// http_mode.cpp - drives a Streamable HTTP endpoint with K concurrent
// clients, each on its own keep-alive connection (TCP_NODELAY) with one
// request in flight: the shape of K independent MCP clients.
//
// Eras:
//   legacy    initialize -> Mcp-Session-Id, notifications/initialized, then
//             POSTs with Mcp-Session-Id and MCP-Protocol-Version: 2025-11-25
//   modern    no handshake; _meta claims 2026-07-28 in every body, headers
//             MCP-Protocol-Version: 2026-07-28, Mcp-Method, Mcp-Name
//   stateless no handshake, no session, MCP-Protocol-Version: 2025-11-25
//             (the SDK 1.x peer's stateless mode, which knows no 2026-07-28)
//
// Requests are written as raw bytes (header block built once per
// connection, the id spliced into the body template); responses are read
// with Beast's parser (Content-Length, chunked or a finished SSE stream)
// and classified by status and a substring scan, never parsed as JSON.
// Single-threaded on purpose: one core for the generator, the rest for the
// server; its CPU share is reported so a saturated generator shows.
// Boost 1.74's asio/awaitable.hpp uses std::exchange without including
// <utility>; GCC 12 in C++20 mode then fails, so include it first.
#include <utility>
// clang-format off
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
// clang-format on

#include <charconv>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>

#include "common.hpp"

namespace loadgen {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct Shared {
  asio::io_context io;
  tcp::resolver::results_type endpoints;
  std::string host_header, path, era;
  RequestTemplate tmpl;
  // The current phase.
  Clock::time_point deadline;
  uint64_t cap = 0, issued = 0;
  bool record = false, running = false;
  uint64_t requests = 0, errors = 0;
  std::vector<uint32_t> lat;
};

class Conn : public std::enable_shared_from_this<Conn> {
 public:
  explicit Conn(Shared& g) : g_(g), sock_(g.io) {}

  // Connects and, in the legacy era, opens the session; then idles.
  void Setup() {
    Connect([self = shared_from_this()] {
      if (self->g_.era == "legacy" && self->session_.empty()) self->Initialize();
    });
  }

  // Sends requests until the phase ends.
  void Start() {
    if (!dead_) SendRequest();
  }

  bool dead() const { return dead_; }

  // Legacy: ends the session (DELETE), as a well-behaved client does, so
  // neither server carries hundreds of idle sessions into later workloads.
  void Close() {
    if (dead_ || session_.empty()) return;
    head_ = "DELETE " + g_.path + " HTTP/1.1\r\nHost: " + g_.host_header +
            "\r\nMCP-Protocol-Version: 2025-11-25\r\nMcp-Session-Id: " + session_ + "\r\n";
    auto self = shared_from_this();
    auto send = [self] { self->Post("", &Conn::OnClosed); };
    if (needs_reconnect_) Connect(send);
    else send();
  }

 private:
  template <class Then>
  void Connect(Then then) {
    beast::error_code ignored;
    sock_.close(ignored);
    asio::async_connect(sock_, g_.endpoints, [self = shared_from_this(), then](beast::error_code ec, const tcp::endpoint&) {
      if (ec) return self->Fail("connect: " + ec.message());
      self->sock_.set_option(tcp::no_delay(true));
      self->needs_reconnect_ = false;
      then();
    });
  }

  void BuildHeaders(bool with_session) {
    head_ = "POST " + g_.path + " HTTP/1.1\r\nHost: " + g_.host_header +
            "\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\n";
    if (g_.era == "modern") {
      head_ += "MCP-Protocol-Version: 2026-07-28\r\nMcp-Method: " + method_ + "\r\n";
      if (!g_.tmpl.mcp_name.empty()) head_ += "Mcp-Name: " + g_.tmpl.mcp_name + "\r\n";
    } else {
      head_ += "MCP-Protocol-Version: 2025-11-25\r\n";
    }
    if (with_session) head_ += "Mcp-Session-Id: " + session_ + "\r\n";
  }

  void Post(std::string_view body, void (Conn::*on_response)()) {
    out_ = head_;
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, body.size());
    (void)ec;
    out_.append("Content-Length: ").append(digits, end).append("\r\n\r\n").append(body);
    asio::async_write(sock_, asio::buffer(out_), [self = shared_from_this(), on_response](beast::error_code ec, size_t) {
      if (ec) return self->Retry("write: " + ec.message());
      self->parser_.emplace();
      self->parser_->body_limit(size_t(1) << 30);
      http::async_read(self->sock_, self->buf_, *self->parser_, [self, on_response](beast::error_code ec2, size_t) {
        if (ec2) return self->Retry("read: " + ec2.message());
        self->needs_reconnect_ = !self->parser_->get().keep_alive();
        ((*self).*on_response)();
      });
    });
  }

  void Initialize() {
    head_ = "POST " + g_.path + " HTTP/1.1\r\nHost: " + g_.host_header +
            "\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\n";
    Post(R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25",)"
         R"("capabilities":{},"clientInfo":{"name":"mcphost-loadgen","version":"1.0.0"}}})",
         &Conn::OnInitialized);
  }

  void OnInitialized() {
    auto& res = parser_->get();
    auto sid = res["Mcp-Session-Id"];
    if (res.result_int() != 200 || sid.empty()) return Fail("initialize: HTTP " + std::to_string(res.result_int()));
    session_ = std::string(sid);
    BuildHeaders(true);
    Post(R"({"jsonrpc":"2.0","method":"notifications/initialized"})", &Conn::OnNotified);
  }

  void OnNotified() {
    if (parser_->get().result_int() / 100 != 2) Fail("notifications/initialized: HTTP " + std::to_string(parser_->get().result_int()));
  }

  void OnClosed() {
    beast::error_code ignored;
    sock_.shutdown(tcp::socket::shutdown_both, ignored);
    sock_.close(ignored);
  }

  void SendRequest() {
    auto now = Clock::now();
    if (!g_.running || now >= g_.deadline || (g_.cap && g_.issued >= g_.cap)) return;  // phase over: idle
    g_.issued++;
    if (head_.empty()) BuildHeaders(g_.era == "legacy");
    body_.clear();
    g_.tmpl.Append(body_, next_id_++);
    sent_at_ = now;
    if (needs_reconnect_) {
      Connect([self = shared_from_this()] { self->Post(self->body_, &Conn::OnResponse); });
    } else {
      Post(body_, &Conn::OnResponse);
    }
  }

  void OnResponse() {
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - sent_at_).count();
    auto& res = parser_->get();
    g_.requests++;
    if (res.result_int() != 200 || res.body().empty() || IsErrorResponse(res.body())) {
      g_.errors++;
      if (g_.errors <= 3) std::fprintf(stderr, "loadgen: error answer (HTTP %d): %.300s\n", res.result_int(), res.body().c_str());
    }
    if (g_.record) g_.lat.push_back(uint32_t(std::min<long long>(ns, UINT32_MAX)));
    SendRequest();
  }

  // A broken connection counts as an error; the client reconnects (its
  // legacy session survives on the server) and goes on, a few times at most.
  void Retry(const std::string& what) {
    g_.errors++;
    if (++retries_ > 20) return Fail(what);
    std::fprintf(stderr, "loadgen: %s (reconnecting)\n", what.c_str());
    needs_reconnect_ = true;
    if (session_.empty() && g_.era == "legacy") return Fail(what);
    SendRequest();
  }

  void Fail(const std::string& what) {
    std::fprintf(stderr, "loadgen: connection given up: %s\n", what.c_str());
    dead_ = true;
  }

 public:
  std::string method_;

 private:
  Shared& g_;
  tcp::socket sock_;
  beast::flat_buffer buf_;
  std::optional<http::response_parser<http::string_body>> parser_;
  std::string head_, out_, body_, session_;
  uint64_t next_id_ = 1;
  Clock::time_point sent_at_;
  bool needs_reconnect_ = false, dead_ = false;
  int retries_ = 0;
};

void ParseUrl(const std::string& url, std::string& host, std::string& port, std::string& path) {
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0) throw std::runtime_error("--url must start with http://");
  std::string rest = url.substr(scheme.size());
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  path = slash == std::string::npos ? "/" : rest.substr(slash);
  size_t colon = authority.rfind(':');
  host = colon == std::string::npos ? authority : authority.substr(0, colon);
  port = colon == std::string::npos ? "80" : authority.substr(colon + 1);
}

}  // namespace

int RunHttp(const Options& o) {
  if (o.url.empty()) throw std::runtime_error("http needs --url");
  if (o.era != "legacy" && o.era != "modern" && o.era != "stateless")
    throw std::runtime_error("--era must be legacy, modern or stateless");
  std::string host, port;
  Shared g;
  ParseUrl(o.url, host, port, g.path);
  g.host_header = host + ":" + port;
  g.era = o.era;
  g.tmpl = MakeTemplate(o.method, o.params, o.era == "modern");
  g.endpoints = tcp::resolver(g.io).resolve(host, port);

  auto run_phase = [&](std::vector<std::shared_ptr<Conn>>& conns, double seconds, uint64_t cap, bool record) {
    g.deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    g.cap = cap;
    g.issued = 0;
    g.record = record;
    g.running = true;
    g.requests = g.errors = 0;
    g.lat.clear();
    for (auto& c : conns) c->Start();
    g.io.restart();
    g.io.run();  // returns once every client has gone idle after the deadline
    g.running = false;
  };

  for (int k : o.sessions) {
    std::vector<std::shared_ptr<Conn>> conns;
    for (int i = 0; i < k; i++) {
      conns.push_back(std::make_shared<Conn>(g));
      conns.back()->method_ = o.method;
      conns.back()->Setup();
    }
    g.io.restart();
    g.io.run();
    size_t alive = 0;
    for (auto& c : conns) alive += c->dead() ? 0 : 1;
    if (alive == 0) throw std::runtime_error("no client could connect / initialize");

    if (o.warmup > 0) run_phase(conns, o.warmup, 0, false);
    ProcSample before = SampleProc(o.pid);
    double gen0 = SelfCpuSeconds();
    auto start = Clock::now();
    run_phase(conns, o.seconds, o.max_requests, true);
    PhaseResult r;
    r.wall_seconds = std::chrono::duration<double>(Clock::now() - start).count();
    ProcSample after = SampleProc(o.pid);
    r.transport = "http";
    r.era = o.era;
    r.concurrency = k;
    r.requests = g.requests;
    r.errors = g.errors + (size_t(k) - alive);
    r.server_cpu_seconds = after.cpu_seconds - before.cpu_seconds;
    r.gen_cpu_seconds = SelfCpuSeconds() - gen0;
    r.rss_kib = after.rss_kib;
    r.hwm_kib = after.hwm_kib;
    r.latency_ns = std::move(g.lat);
    Report(o, r);
    for (auto& c : conns) c->Close();
    g.io.restart();
    g.io.run();
  }
  return 0;
}

}  // namespace loadgen
