// http_resume_test.cpp - legacy (2025-11-25) SSE resumability: POST SSE
// replies carry event ids "<stream>-<seq>" unique in the session, and GET
// with Last-Event-ID replays the rest of that stream (response included);
// idle GET streams, standalone or resumed, get keep-alive comments.
#include <catch2/catch.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <algorithm>
#include <optional>
#include <regex>
#include <thread>

#include "runtime/host_runtime.h"
#include "transport/http/http_server.h"
#include "transport/http/session_stream.h"
#include "http_test_support.h"
#include "util/json.h"

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;

using namespace http_test;  // Served, Reply, Do, PostMcp, ModernHeaders

namespace {


std::vector<std::string> EventIds(const std::string& body) {
  std::vector<std::string> ids;
  static const std::regex re("(^|\n)id: ([^\n]*)\n");
  for (auto it = std::sregex_iterator(body.begin(), body.end(), re); it != std::sregex_iterator(); ++it)
    ids.push_back((*it)[2].str());
  return ids;
}

std::string LegacySession(uint16_t port) {
  auto init = PostMcp(port,
                      R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}})");
  REQUIRE(init.status == 200);
  std::string sid = init.header("Mcp-Session-Id");
  REQUIRE(!sid.empty());
  REQUIRE(PostMcp(port, R"({"jsonrpc":"2.0","method":"notifications/initialized"})", {{"Mcp-Session-Id", sid}}).status ==
          202);
  return sid;
}

const char* kProgressCall =
    R"({"jsonrpc":"2.0","id":"c1","method":"tools/call","params":{"name":"misbehaving__progress","arguments":{},"_meta":{"progressToken":"t1"}}})";

}  // namespace

TEST_CASE("http: event ids parse as <stream>-<seq>", "[http]") {
  using mcph::http::ParseEventId;
  auto a = ParseEventId("3-7");
  REQUIRE(a);
  CHECK(a->stream == 3);
  CHECK(a->seq == 7);
  auto b = ParseEventId("12");
  REQUIRE(b);
  CHECK(b->stream == 0);
  CHECK(b->seq == 12);
  CHECK_FALSE(ParseEventId("x-1"));
  CHECK_FALSE(ParseEventId("1-"));
  CHECK_FALSE(ParseEventId(""));
}

TEST_CASE("http: legacy POST SSE streams carry event ids and resume with GET + Last-Event-ID", "[http]") {
  Served s;
  std::string sid = LegacySession(s.port);
  std::vector<std::pair<std::string, std::string>> h = {{"Mcp-Session-Id", sid}, {"MCP-Protocol-Version", "2025-11-25"}};

  auto r = PostMcp(s.port, kProgressCall, h);
  REQUIRE(r.status == 200);
  CHECK(r.header("Content-Type") == "text/event-stream");
  auto ids = EventIds(r.body);
  REQUIRE(ids.size() == 4);  // 3 progress notifications, then the response
  CHECK(ids == std::vector<std::string>{"1-1", "1-2", "1-3", "1-4"});
  CHECK(r.body.rfind("\"result\"") > r.body.rfind("notifications/progress"));

  // A second SSE reply is another stream: ids stay unique in the session.
  auto r2 = PostMcp(s.port, std::string(kProgressCall).replace(std::string(kProgressCall).find("c1"), 2, "c2"), h);
  REQUIRE(r2.status == 200);
  auto ids2 = EventIds(r2.body);
  REQUIRE(ids2.size() == 4);
  CHECK(ids2.front() == "2-1");

  // Resume stream 1 after its first event: the later two progress events and the response.
  auto g = Do(s.port, bhttp::verb::get, "/mcp", "",
              {{"Accept", "text/event-stream"}, {"Mcp-Session-Id", sid}, {"Last-Event-ID", ids[0]}}, false);
  REQUIRE(g.status == 200);
  CHECK(g.header("Content-Type") == "text/event-stream");
  CHECK(EventIds(g.body) == std::vector<std::string>{"1-2", "1-3", "1-4"});
  CHECK_THAT(g.body, Catch::Contains("step 2 of 3"));
  CHECK(g.body.find("step 1 of 3") == std::string::npos);
  CHECK_THAT(g.body, Catch::Contains("\"id\":\"c1\""));
  CHECK(g.body.find("\"id\":\"c2\"") == std::string::npos);  // only that stream's events

  // Resuming after the last event: nothing left, the stream ends at once.
  auto end = Do(s.port, bhttp::verb::get, "/mcp", "",
                {{"Accept", "text/event-stream"}, {"Mcp-Session-Id", sid}, {"Last-Event-ID", ids.back()}}, false);
  CHECK(end.status == 200);
  CHECK(EventIds(end.body).empty());

  // Modern streams keep having no ids.
  auto modern = PostMcp(
      s.port,
      R"({"jsonrpc":"2.0","id":"m","method":"tools/call","params":{"name":"misbehaving__progress","arguments":{},"_meta":{"progressToken":"t1","io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}})",
      ModernHeaders("tools/call", "misbehaving__progress"));
  CHECK(modern.status == 200);
  CHECK(EventIds(modern.body).empty());
  CHECK(Do(s.port, bhttp::verb::delete_, "/mcp", "", {{"Mcp-Session-Id", sid}}).status == 200);
}

TEST_CASE("http: idle legacy GET streams get keep-alive comments", "[http]") {
  mcph::http::SessionStream::SetKeepAliveForTesting(std::chrono::milliseconds(100));
  Served s;
  std::string sid = LegacySession(s.port);
  net::io_context ioc;
  tcp::socket sock(ioc);
  sock.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), s.port));
  std::string req = "GET /mcp HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(s.port) +
                    "\r\nAccept: text/event-stream\r\nMcp-Session-Id: " + sid + "\r\n\r\n";
  net::write(sock, net::buffer(req));
  std::string got;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (got.find(": keep-alive\n\n") == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    char buf[1024];
    boost::system::error_code ec;
    size_t n = sock.read_some(net::buffer(buf), ec);
    if (ec) break;
    got.append(buf, n);
  }
  mcph::http::SessionStream::SetKeepAliveForTesting(mcph::http::SessionStream::kKeepAlive);
  CHECK_THAT(got, Catch::Contains("200"));
  CHECK_THAT(got, Catch::Contains(": stream open"));
  CHECK_THAT(got, Catch::Contains(": keep-alive\n\n"));
  sock.close();
  CHECK(Do(s.port, bhttp::verb::delete_, "/mcp", "", {{"Mcp-Session-Id", sid}}).status == 200);
}

namespace {

// Serves GETs on one loopback connection by attaching them to `stream` with
// their Last-Event-ID, as the MCP endpoint does; no runtime, no plugin.
struct ResumeHandler : mcph::http::RequestHandler {
  std::shared_ptr<mcph::http::SessionStream> stream;
  void OnRequest(const std::shared_ptr<mcph::http::HttpConnection>& conn, mcph::http::Request&& req) override {
    auto it = req.find("Last-Event-ID");
    std::optional<mcph::http::EventCursor> last;
    if (it != req.end()) last = mcph::http::ParseEventId(std::string_view(it->value().data(), it->value().size()));
    if (!stream->Attach(conn, last, {})) conn->Reply(mcph::http::Response{409, "", "", {}, false});
  }
  mcph::http::Response OnBadRequest(int status, const std::string&) override { return {status, "", "", {}, true}; }
  bool draining() const override { return false; }
};

struct NoRegistry : mcph::http::ConnectionRegistry {
  void Opened(const std::shared_ptr<mcph::http::HttpConnection>&) override {}
  void Closed(mcph::http::HttpConnection*) override {}
};

}  // namespace

TEST_CASE("http: a resumed POST stream gets keep-alive comments until its response ends it", "[http]") {
  using mcph::http::SessionStream;
  SessionStream::SetKeepAliveForTesting(std::chrono::milliseconds(20));
  auto stream = std::make_shared<SessionStream>();
  // A legacy POST stream whose call is still running: one event so far, then
  // its client went away (Exchange keeps recording into the store).
  auto n = stream->OpenPostStream();
  REQUIRE(n);
  std::string first = stream->RecordPost(*n, R"({"jsonrpc":"2.0","method":"notifications/progress","params":{"progress":1}})", false);
  CHECK_THAT(first, Catch::Contains("id: " + std::to_string(*n) + "-1\n"));

  ResumeHandler handler;  // outlives the io_context and the connection
  handler.stream = stream;
  auto registry = std::make_shared<NoRegistry>();
  net::io_context ioc;
  auto work = net::make_work_guard(ioc);
  std::thread io([&] { ioc.run(); });
  tcp::acceptor acceptor(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
  tcp::socket client(ioc);
  client.connect(acceptor.local_endpoint());
  auto conn = std::make_shared<mcph::http::HttpConnection>(acceptor.accept(), handler, registry,
                                                           mcph::http::ConnectionLimits{});
  net::post(conn->executor(), [conn] { conn->Start(); });

  std::string req = "GET /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nLast-Event-ID: " +
                    std::to_string(*n) + "-1\r\n\r\n";
  net::write(client, net::buffer(req));
  std::string got;
  auto count = [&](const std::string& needle) {
    size_t k = 0;
    for (size_t at = got.find(needle); at != std::string::npos; at = got.find(needle, at + needle.size())) ++k;
    return k;
  };
  // Reads until `needle` is in the output `times` times (bounded wait).
  auto read_until = [&](const std::string& needle, size_t times = 1) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (count(needle) < times && std::chrono::steady_clock::now() < deadline) {
      char buf[1024];
      boost::system::error_code ec;
      size_t k = client.read_some(net::buffer(buf), ec);
      if (ec) break;
      got.append(buf, k);
    }
    return count(needle) >= times;
  };
  // The stream is open (nothing after event 1 to replay) and, while the call
  // runs without events, keeps getting comments, tick after tick.
  REQUIRE(read_until(": stream resumed\n\n"));
  REQUIRE(read_until(": keep-alive\n\n", 3));
  // The response arrives (with the stream's next id) and ends the stream.
  stream->RecordPost(*n, R"({"jsonrpc":"2.0","id":"c1","result":{"content":[]}})", true);
  REQUIRE(read_until("0\r\n\r\n"));  // the chunked stream's end
  CHECK_THAT(got, Catch::Contains("200"));
  CHECK_THAT(got, Catch::Contains("id: " + std::to_string(*n) + "-2\n"));
  CHECK_THAT(got, Catch::Contains("\"id\":\"c1\""));
  CHECK(got.find(": keep-alive") < got.find("\"id\":\"c1\""));

  SessionStream::SetKeepAliveForTesting(SessionStream::kKeepAlive);
  client.close();
  net::post(conn->executor(), [conn] { conn->Close(); });
  work.reset();
  ioc.stop();
  io.join();
}
