// http_tasks_test.cpp - legacy (2025-11-25) tasks over HTTP sessions: once
// the CreateTaskResult is sent, the task's notifications belong to no
// request and go on the session's GET stream, and the task does not keep its
// tools/call's exchange (and so the drain) waiting for its ttl.
#include <catch2/catch.hpp>
#include <sys/socket.h>

#include <boost/asio/write.hpp>
#include <chrono>
#include <string>
#include <thread>

#include "http_test_support.h"

using namespace http_test;  // NOLINT: the support header is this file's vocabulary

TEST_CASE("http: a legacy task's status notifications go on the session's GET stream", "[http]") {
  Served s({}, [](mcph::HostConfig& cfg) { cfg.plugins[1].task_tools = {"hang"}; });
  auto init = PostMcp(s.port,
                      R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",)"
                      R"("capabilities":{"tasks":{}},"clientInfo":{"name":"t","version":"1"}}})");
  REQUIRE(init.status == 200);
  const std::string sid = init.header("Mcp-Session-Id");
  REQUIRE(PostMcp(s.port, R"({"jsonrpc":"2.0","method":"notifications/initialized"})", {{"Mcp-Session-Id", sid}})
              .status == 202);

  // The session's standalone stream, open before the call.
  net::io_context ioc;
  tcp::socket stream(ioc);
  stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), s.port));
  timeval tv{5, 0};
  REQUIRE(::setsockopt(stream.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0);
  net::write(stream, net::buffer("GET /mcp HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(s.port) +
                                 "\r\nAccept: text/event-stream\r\nMcp-Session-Id: " + sid + "\r\n\r\n"));
  std::string got;
  auto read_until = [&](const std::string& what) {
    while (got.find(what) == std::string::npos) {
      char buf[4096];
      ssize_t n = ::recv(stream.native_handle(), buf, sizeof buf, 0);
      INFO(got);
      REQUIRE(n > 0);  // a 5 s timeout: it never came
      got.append(buf, static_cast<size_t>(n));
    }
  };
  read_until(": stream open");

  auto call = PostMcp(s.port,
                      R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"misbehaving__hang",)"
                      R"("arguments":{"ms":50},"task":{"ttl":60000}}})",
                      {{"Mcp-Session-Id", sid}, {"MCP-Protocol-Version", "2025-11-25"}});
  INFO(call.body);
  REQUIRE(call.status == 200);
  CHECK_THAT(call.body, Catch::Contains("\"taskId\""));
  read_until("\"completed\"");
  CHECK_THAT(got, Catch::Contains("notifications/tasks/status"));
  // The task's record lives on for its ttl (60 s); its tools/call is over.
  for (int i = 0; i < 1000 && s.server->unfinished() != 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  CHECK(s.server->unfinished() == 0);
  stream.close();
}
