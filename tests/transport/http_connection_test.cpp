// http_connection_test.cpp - HttpConnection's reading, writing and timeouts
// on a loopback port, with raw sockets: one connection's deadline timer is
// armed lazily (http_connection.h), a response is written at once when the
// socket takes it and the rest later when it does not, and several
// requests in one read (pipelining) are answered in order.
#include <catch2/catch.hpp>
#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <string>
#include <thread>

#include "http_test_support.h"

using namespace http_test;  // Served

namespace {

// A blocking loopback client; reads give up after 20 s (the server under
// test must have closed or answered long before: that is what is checked).
struct RawClient {
  explicit RawClient(uint16_t port, int rcvbuf = 0) : sock(ioc) {
    sock.open(tcp::v4());
    if (rcvbuf > 0) sock.set_option(net::socket_base::receive_buffer_size(rcvbuf));
    timeval tv{20, 0};
    ::setsockopt(sock.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sock.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    host = "127.0.0.1:" + std::to_string(port);
  }
  void Send(const std::string& bytes) { net::write(sock, net::buffer(bytes)); }
  // A small modern tools/call echo with this id.
  std::string Ping(int id) const {
    std::string body = R"({"jsonrpc":"2.0","id":)" + std::to_string(id) +
                       R"(,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hi"},)"
                       R"("_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28",)"
                       R"("io.modelcontextprotocol/clientCapabilities":{}}}})";
    return Post(body, "tools/call", "Mcp-Name: echo\r\n");
  }
  std::string Post(const std::string& body, const std::string& method, const std::string& extra = "") const {
    return "POST /mcp HTTP/1.1\r\nHost: " + host +
           "\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
           "MCP-Protocol-Version: 2026-07-28\r\nMcp-Method: " +
           method + "\r\n" + extra + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  }
  bhttp::response<bhttp::string_body> Read() {
    bhttp::response_parser<bhttp::string_body> p;
    p.body_limit(64 * 1024 * 1024);
    bhttp::read(sock, buf, p);
    return p.release();
  }
  // True when the server closed the connection (end of stream) before the
  // client's read timeout; false when it was still open after 20 s.
  bool ClosedByServer() {
    char c;
    boost::system::error_code ec;
    size_t n = sock.read_some(net::buffer(&c, 1), ec);
    return n == 0 && (ec == net::error::eof || ec == net::error::connection_reset);
  }
  net::io_context ioc;
  tcp::socket sock;
  beast::flat_buffer buf;
  std::string host;
};

}  // namespace

TEST_CASE("http connection: a request whose header never ends is closed at header_timeout_ms", "[http]") {
  mcph::HttpConfig cfg;
  cfg.header_timeout_ms = 200;
  Served s(cfg);
  RawClient c(s.port);
  c.Send("POST /mcp HTTP/1.1\r\nHost: " + c.host + "\r\nContent-Type: application/json\r\n");
  CHECK(c.ClosedByServer());
}

TEST_CASE("http connection: a body that never arrives is closed at body_timeout_ms", "[http]") {
  mcph::HttpConfig cfg;
  cfg.body_timeout_ms = 200;
  Served s(cfg);
  RawClient c(s.port);
  std::string req = c.Ping(1);
  c.Send(req.substr(0, req.size() - 10));  // the whole header, most of the body
  CHECK(c.ClosedByServer());
}

TEST_CASE("http connection: keep-alive requests reset the idle deadline; silence ends it", "[http]") {
  mcph::HttpConfig cfg;
  cfg.idle_timeout_ms = 1500;
  Served s(cfg);
  RawClient c(s.port);
  // 12 requests 250 ms apart: 3 s in all, twice the idle timeout, each
  // well inside it. The connection must serve them all.
  for (int i = 1; i <= 12; ++i) {
    c.Send(c.Ping(i));
    auto res = c.Read();
    REQUIRE(res.result_int() == 200);
    CHECK_THAT(res.body(), Catch::Contains("\"id\":" + std::to_string(i)));
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  // Then nothing: the server closes it.
  CHECK(c.ClosedByServer());
}

TEST_CASE("http connection: pipelined requests in one write are answered in order", "[http]") {
  Served s;
  RawClient c(s.port);
  c.Send(c.Ping(1) + c.Ping(2) + c.Ping(3));
  for (int i = 1; i <= 3; ++i) {
    auto res = c.Read();
    REQUIRE(res.result_int() == 200);
    CHECK_THAT(res.body(), Catch::Contains("\"id\":" + std::to_string(i)));
  }
}

TEST_CASE("http connection: a response larger than the socket takes at once arrives whole", "[http]") {
  Served s;
  // A small receive buffer and a client that does not read at first: the
  // server's first write is partial and the rest goes out as the client reads.
  RawClient c(s.port, 4096);
  std::string text(900 * 1024, 'x');
  for (size_t i = 0; i < text.size(); i += 1000) text[i] = static_cast<char>('a' + (i / 1000) % 26);
  std::string body = R"({"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"echo","arguments":{"text":")" +
                     text +
                     R"("},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28",)"
                     R"("io.modelcontextprotocol/clientCapabilities":{}}}})";
  c.Send(c.Post(body, "tools/call", "Mcp-Name: echo\r\n"));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto res = c.Read();
  REQUIRE(res.result_int() == 200);
  CHECK(res.body().find(text) != std::string::npos);
  // And the connection still serves the next request.
  c.Send(c.Ping(10));
  auto next = c.Read();
  CHECK(next.result_int() == 200);
  CHECK_THAT(next.body(), Catch::Contains("\"id\":10"));
}
