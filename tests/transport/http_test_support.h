// http_test_support.h - what the HTTP tests share: a host serving HTTP on a
// loopback port (Served) and a blocking Beast client (Client for a
// keep-alive connection; Do and PostMcp for one request each).
#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <functional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "runtime/host_runtime.h"
#include "transport/http/http_server.h"

namespace http_test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;

struct Served {
  explicit Served(mcph::HttpConfig http = {}, const std::function<void(mcph::HostConfig&)>& tweak = nullptr) {
    mcph::HostConfig cfg;
    cfg.server.workers = 2;
    cfg.server.transport = "http";
    http.listen = "127.0.0.1:0";
    http.threads = 2;
    cfg.server.http = http;
    mcph::PluginConfig echo;
    echo.path = std::string(MCPHOST_TEST_PLUGIN_DIR) + "/libmcphost_echo.so";
    echo.has_alias = true;
    echo.alias = "";
    echo.line = 1;
    mcph::PluginConfig mis;
    mis.path = std::string(MCPHOST_TEST_FIXTURE_DIR) + "/libmisbehaving.so";
    mis.line = 2;
    cfg.plugins = {echo, mis};
    if (tweak) tweak(cfg);
    auto r = mcph::HostRuntime::Start(cfg, true);
    REQUIRE(r.ok());
    rt = std::move(r.value());
    auto s = mcph::http::HttpServer::Create(*rt, cfg.server.http, 1024 * 1024);
    REQUIRE(s.ok());
    server = std::move(s.value());
    port = server->port();
    thread = std::thread([this] { server->Run(false); });
  }
  ~Served() {
    server->BeginDrain();
    thread.join();
  }
  std::unique_ptr<mcph::HostRuntime> rt;
  std::unique_ptr<mcph::http::HttpServer> server;
  uint16_t port = 0;
  std::thread thread;
};

struct Reply {
  int status = 0;
  std::string body;
  bhttp::fields headers;
  std::string header(const char* name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : std::string(it->value());
  }
};

using HeaderPairs = std::vector<std::pair<std::string, std::string>>;

// The request every client here sends: HTTP/1.1 (so the connection stays
// open after it) to 127.0.0.1:port, with the Accept and Content-Type an MCP
// POST needs unless !default_headers, then `headers`.
inline bhttp::request<bhttp::string_body> MakeRequest(uint16_t port, bhttp::verb verb, const std::string& target,
                                                      const std::string& body, const HeaderPairs& headers = {},
                                                      bool default_headers = true) {
  bhttp::request<bhttp::string_body> req(verb, target, 11);
  req.set(bhttp::field::host, "127.0.0.1:" + std::to_string(port));
  if (default_headers) {
    req.set(bhttp::field::accept, "application/json, text/event-stream");
    req.set(bhttp::field::content_type, "application/json");
  }
  for (auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  req.prepare_payload();
  return req;
}

// One connection to 127.0.0.1:port that sends requests one after another
// and reads each answer whole (blocking; one thread at a time).
class Client {
 public:
  explicit Client(uint16_t port) : port_(port), sock_(ioc_) {
    sock_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Sends a request without waiting for its answer (for a test that reads
  // the socket itself, e.g. an SSE stream).
  void Write(bhttp::verb verb, const std::string& target, const std::string& body, const HeaderPairs& headers = {},
             bool default_headers = true) {
    bhttp::write(sock_, MakeRequest(port_, verb, target, body, headers, default_headers));
  }
  // Reads one whole response.
  Reply Read() {
    bhttp::response<bhttp::string_body> res;
    bhttp::read(sock_, buf_, res);
    Reply r;
    r.status = static_cast<int>(res.result_int());
    r.body = res.body();
    r.headers = res.base();
    return r;
  }
  Reply Send(bhttp::verb verb, const std::string& target, const std::string& body, const HeaderPairs& headers = {},
             bool default_headers = true) {
    Write(verb, target, body, headers, default_headers);
    return Read();
  }
  Reply Post(const std::string& body, const HeaderPairs& headers = {}) {
    return Send(bhttp::verb::post, "/mcp", body, headers);
  }
  tcp::socket& socket() { return sock_; }

 private:
  uint16_t port_;
  net::io_context ioc_;
  tcp::socket sock_;
  beast::flat_buffer buf_;
};

// One request on a connection of its own.
inline Reply Do(uint16_t port, bhttp::verb verb, const std::string& target, const std::string& body,
                HeaderPairs headers = {}, bool default_headers = true) {
  return Client(port).Send(verb, target, body, headers, default_headers);
}

inline Reply PostMcp(uint16_t port, const std::string& body, std::vector<std::pair<std::string, std::string>> headers = {}) {
  return Do(port, bhttp::verb::post, "/mcp", body, std::move(headers));
}

inline std::vector<std::pair<std::string, std::string>> ModernHeaders(const std::string& method, const std::string& name = "") {
  std::vector<std::pair<std::string, std::string>> h = {{"MCP-Protocol-Version", "2026-07-28"}, {"Mcp-Method", method}};
  if (!name.empty()) h.emplace_back("Mcp-Name", name);
  return h;
}

}  // namespace http_test
