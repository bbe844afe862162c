// http_server_test.cpp - the HTTP server end to end on a loopback port, with a
// blocking Beast client: routing, guards, both eras on one endpoint, sessions,
// SSE, drain.
#include <catch2/catch.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <thread>

#include "runtime/host_runtime.h"
#include "transport/http/http_server.h"
#include "http_test_support.h"
#include "util/json.h"

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;

using namespace http_test;  // Served, Reply, Do, PostMcp, ModernHeaders

namespace {

const char* kMeta =
    R"("_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}})";

int ErrorCode(const std::string& body) {
  rapidjson::Document d;
  if (!mcph::ParseJson(body, d).ok() || !d.IsObject() || !d.HasMember("error")) return 0;
  return d["error"]["code"].GetInt();
}

}  // namespace

TEST_CASE("http: operations endpoints and routing", "[http]") {
  Served s;
  CHECK(Do(s.port, bhttp::verb::get, "/health", "").status == 200);
  auto ready = Do(s.port, bhttp::verb::get, "/ready", "");
  CHECK(ready.status == 200);
  CHECK_THAT(ready.body, Catch::Contains("\"tools\":"));
  CHECK(Do(s.port, bhttp::verb::get, "/nope", "").status == 404);
  CHECK(Do(s.port, bhttp::verb::post, "/health", "").status == 405);
  // Exempt from the Host check.
  CHECK(Do(s.port, bhttp::verb::get, "/health", "", {{"Host", "10.0.0.5:8080"}}).status == 200);
  auto r = Do(s.port, bhttp::verb::put, "/mcp", "");
  CHECK(r.status == 405);
  CHECK_THAT(r.header("Allow"), Catch::Contains("POST"));
}

TEST_CASE("http: POST content negotiation and parse errors", "[http]") {
  Served s;
  auto list = std::string(R"({"jsonrpc":"2.0","id":1,"method":"tools/list","params":{)") + kMeta + "}}";
  CHECK(PostMcp(s.port, list, {{"Accept", "application/json"}}).status == 406);
  CHECK(PostMcp(s.port, list, {{"Content-Type", "text/plain"}}).status == 415);
  auto bad = PostMcp(s.port, R"({"jsonrpc":"2.0","id":7,)");
  CHECK(bad.status == 400);
  CHECK(ErrorCode(bad.body) == -32700);
  CHECK(Do(s.port, bhttp::verb::post, "/mcp", list, {{"Host", "evil.example.com"}}).status == 403);
  CHECK(PostMcp(s.port, list, {{"Origin", "http://evil.example.com"}}).status == 403);
}

TEST_CASE("http: modern requests, the (b)8 order", "[http]") {
  Served s;
  auto list = std::string(R"({"jsonrpc":"2.0","id":1,"method":"tools/list","params":{)") + kMeta + "}}";
  auto ok = PostMcp(s.port, list, ModernHeaders("tools/list"));
  CHECK(ok.status == 200);
  CHECK(ok.header("Content-Type") == "application/json");
  CHECK_THAT(ok.body, Catch::Contains("\"resultType\":\"complete\""));
  CHECK(ok.header("Mcp-Session-Id").empty());

  auto no_header = PostMcp(s.port, list);
  CHECK(no_header.status == 400);
  CHECK(ErrorCode(no_header.body) == -32020);
  auto wrong_method = PostMcp(s.port, list, ModernHeaders("prompts/list"));
  CHECK(ErrorCode(wrong_method.body) == -32020);

  // Header mismatch comes before the version check.
  auto v999 = std::string(
      R"({"jsonrpc":"2.0","id":2,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"v999.0.0","io.modelcontextprotocol/clientCapabilities":{}}}})");
  CHECK(ErrorCode(PostMcp(s.port, v999, ModernHeaders("tools/list")).body) == -32020);
  auto unsupported = PostMcp(s.port, v999, {{"MCP-Protocol-Version", "v999.0.0"}, {"Mcp-Method", "tools/list"}});
  CHECK(unsupported.status == 400);
  CHECK(ErrorCode(unsupported.body) == -32022);

  auto ping = std::string(R"({"jsonrpc":"2.0","id":3,"method":"ping","params":{)") + kMeta + "}}";
  auto removed = PostMcp(s.port, ping, ModernHeaders("ping"));
  CHECK(removed.status == 404);
  CHECK(ErrorCode(removed.body) == -32601);

  auto no_caps = std::string(
      R"({"jsonrpc":"2.0","id":4,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}})");
  auto missing = PostMcp(s.port, no_caps, ModernHeaders("tools/list"));
  CHECK(missing.status == 400);
  CHECK(ErrorCode(missing.body) == -32602);

  // A modern header without the _meta claim.
  auto bare = PostMcp(s.port, R"({"jsonrpc":"2.0","id":5,"method":"tools/list"})", ModernHeaders("tools/list"));
  CHECK(bare.status == 400);
  CHECK(ErrorCode(bare.body) == -32602);

  // Unknown tool: a method-level error, 200.
  auto call = std::string(R"({"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"nope","arguments":{},)") +
              kMeta + "}}";
  auto unknown = PostMcp(s.port, call, ModernHeaders("tools/call", "nope"));
  CHECK(unknown.status == 200);
  CHECK(ErrorCode(unknown.body) == -32602);
}

TEST_CASE("http: a modern call that reports progress answers with SSE", "[http]") {
  Served s;
  auto call = std::string(R"({"jsonrpc":"2.0","id":"p","method":"tools/call","params":{"name":"misbehaving__progress","arguments":{},"_meta":{"progressToken":"t1","io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}})");
  auto r = PostMcp(s.port, call, ModernHeaders("tools/call", "misbehaving__progress"));
  CHECK(r.status == 200);
  CHECK(r.header("Content-Type") == "text/event-stream");
  CHECK_THAT(r.body, Catch::Contains("notifications/progress"));
  CHECK_THAT(r.body, Catch::Contains("\"id\":\"p\""));
  CHECK(r.body.find("id: ") == std::string::npos);  // no event ids for modern streams
  CHECK(r.body.rfind("\"result\"") > r.body.find("notifications/progress"));
}

TEST_CASE("http: legacy sessions", "[http]") {
  Served s;
  auto init = PostMcp(s.port,
                      R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}})");
  REQUIRE(init.status == 200);
  std::string sid = init.header("Mcp-Session-Id");
  REQUIRE(sid.size() == 64);
  CHECK(PostMcp(s.port, R"({"jsonrpc":"2.0","method":"notifications/initialized"})", {{"Mcp-Session-Id", sid}}).status ==
        202);
  auto list = PostMcp(s.port, R"({"jsonrpc":"2.0","id":2,"method":"tools/list"})",
                      {{"Mcp-Session-Id", sid}, {"MCP-Protocol-Version", "2025-11-25"}});
  CHECK(list.status == 200);
  CHECK_THAT(list.body, Catch::Contains("\"tools\""));
  CHECK(PostMcp(s.port, R"({"jsonrpc":"2.0","id":3,"method":"tools/list"})").status == 400);
  CHECK(PostMcp(s.port, R"({"jsonrpc":"2.0","id":3,"method":"tools/list"})", {{"Mcp-Session-Id", "deadbeef"}}).status ==
        404);
  // Any supported version is accepted on a session; an unsupported one is not.
  CHECK(PostMcp(s.port, R"({"jsonrpc":"2.0","id":4,"method":"tools/list"})",
                {{"Mcp-Session-Id", sid}, {"MCP-Protocol-Version", "2025-06-18"}})
            .status == 200);
  CHECK(PostMcp(s.port, R"({"jsonrpc":"2.0","id":4,"method":"tools/list"})",
                {{"Mcp-Session-Id", sid}, {"MCP-Protocol-Version", "1999-01-01"}})
            .status == 400);
  CHECK(PostMcp(s.port, R"({"jsonrpc":"2.0","id":5,"result":{}})", {{"Mcp-Session-Id", sid}}).status == 202);
  CHECK(s.server->sessions().size() == 1);
  CHECK(Do(s.port, bhttp::verb::delete_, "/mcp", "", {{"Mcp-Session-Id", sid}}).status == 200);
  CHECK(Do(s.port, bhttp::verb::delete_, "/mcp", "", {{"Mcp-Session-Id", sid}}).status == 404);
  CHECK(PostMcp(s.port, R"({"jsonrpc":"2.0","id":6,"method":"tools/list"})", {{"Mcp-Session-Id", sid}}).status == 404);
  // A modern request ignores the session header.
  auto modern = std::string(R"({"jsonrpc":"2.0","id":7,"method":"tools/list","params":{)") + kMeta + "}}";
  auto h = ModernHeaders("tools/list");
  h.emplace_back("Mcp-Session-Id", sid);
  CHECK(PostMcp(s.port, modern, h).status == 200);
}

TEST_CASE("http: bearer auth", "[http]") {
  ::setenv("MCPHOST_HTTP_SERVER_TEST_TOKEN", "s3cret", 1);
  mcph::HttpConfig cfg;
  cfg.auth.token_env = "MCPHOST_HTTP_SERVER_TEST_TOKEN";
  Served s(cfg);
  auto list = std::string(R"({"jsonrpc":"2.0","id":1,"method":"tools/list","params":{)") + kMeta + "}}";
  auto none = PostMcp(s.port, list, ModernHeaders("tools/list"));
  CHECK(none.status == 401);
  CHECK_THAT(none.header("WWW-Authenticate"), Catch::StartsWith("Bearer"));
  auto h = ModernHeaders("tools/list");
  h.emplace_back("Authorization", "Bearer wrong");
  CHECK(PostMcp(s.port, list, h).status == 401);
  h.back().second = "Bearer s3cret";
  CHECK(PostMcp(s.port, list, h).status == 200);
  CHECK(Do(s.port, bhttp::verb::get, "/health", "").status == 200);
}

TEST_CASE("http: /metrics counts requests by method and era", "[http]") {
  Served s;
  auto list = std::string(R"({"jsonrpc":"2.0","id":1,"method":"tools/list","params":{)") + kMeta + "}}";
  REQUIRE(PostMcp(s.port, list, ModernHeaders("tools/list")).status == 200);
  auto m = Do(s.port, bhttp::verb::get, "/metrics", "");
  CHECK(m.status == 200);
  CHECK_THAT(m.header("Content-Type"), Catch::StartsWith("text/plain"));
  CHECK_THAT(m.body, Catch::Contains("mcp_requests_total{method=\"tools/list\",era=\"modern\"} 1"));
  CHECK_THAT(m.body, Catch::Contains("mcp_active_connections "));
}
