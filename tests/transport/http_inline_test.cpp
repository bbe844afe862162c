// http_inline_test.cpp - the HTTP I/O threads run plugin calls themselves
// (transport/http/io_threads.h): a call that runs long or hangs must not
// stop the other connections of its I/O thread, its deadline must be kept,
// the connection it came on must keep working after its thread moved on,
// and a plugin whose last step was slow goes to the pool. One I/O thread,
// so every connection shares it.
#include <catch2/catch.hpp>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <condition_variable>
#include <future>
#include <mutex>

#include "http_test_support.h"
#include "protocol/inline_step.h"
#include "transport/http/io_threads.h"

using namespace http_test;  // NOLINT: the support header is this file's vocabulary

namespace {

mcph::HttpConfig Stateless() {
  mcph::HttpConfig http;
  http.legacy_stateless = true;  // plain POSTs, no session to set up
  return http;
}

void OneIoThread(mcph::HostConfig& cfg) { cfg.server.http.threads = 1; }

std::string Call(int id, const std::string& tool, const std::string& args) {
  return R"({"jsonrpc":"2.0","id":)" + std::to_string(id) + R"(,"method":"tools/call","params":{"name":")" + tool +
         R"(","arguments":)" + args + "}}";
}

std::string ResultText(const Reply& r) {
  INFO(r.body);
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  REQUIRE(d.IsObject());
  REQUIRE(d.HasMember("result"));
  return d["result"]["content"][0]["text"].GetString();
}

bool IsToolError(const Reply& r) {
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  return d.IsObject() && d.HasMember("result") && d["result"].HasMember("isError") && d["result"]["isError"].GetBool();
}

}  // namespace

TEST_CASE("http inline: a call that runs long on the I/O thread does not stop its other connections",
          "[http][http_inline]") {
  Served s(Stateless(), OneIoThread);
  std::atomic<bool> long_done{false};
  auto long_call = std::async(std::launch::async, [&] {
    Reply r = PostMcp(s.port, Call(2, "misbehaving__hang", R"({"ms":1500})"));
    long_done = true;
    return r;
  });
  // Until the long call is in progress, the echo below could come first.
  for (int i = 0; i < 500 && s.server->unfinished() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  REQUIRE(s.server->unfinished() == 1);
  Reply echo = PostMcp(s.port, Call(3, "echo", R"({"text":"meanwhile"})"));
  CHECK(ResultText(echo) == "meanwhile");
  CHECK_FALSE(long_done.load());  // answered while the long call still ran
  Reply slept = long_call.get();
  CHECK(ResultText(slept) == "slept 1500 ms");
  // It ran on the I/O thread, which the watcher replaced.
  CHECK(s.server->io_takeovers() >= 1);
}

TEST_CASE("http inline: the deadline of a call run on the I/O thread is kept", "[http][http_inline]") {
  Served s(Stateless(), [](mcph::HostConfig& cfg) {
    OneIoThread(cfg);
    cfg.plugins[1].timeout_ms = 150;
  });
  Reply r = PostMcp(s.port, Call(2, "misbehaving__hang", R"({"ms":1000})"));
  INFO(r.body);
  CHECK(r.status == 200);
  CHECK(IsToolError(r));
  CHECK_THAT(ResultText(r), Catch::Contains("no answer within 150 ms"));
  // Others are answered while the handler still sleeps.
  CHECK(ResultText(PostMcp(s.port, Call(3, "echo", R"({"text":"after"})"))) == "after");
}

TEST_CASE("http inline: the connection of a long call keeps working after its thread moved on",
          "[http][http_inline]") {
  Served s(Stateless(), OneIoThread);
  Client conn(s.port);
  CHECK(ResultText(conn.Post(Call(2, "misbehaving__hang", R"({"ms":100})"))) == "slept 100 ms");
  const uint64_t moved = s.server->io_takeovers();
  CHECK(moved >= 1);
  // The same connection, now served by the new thread.
  for (int i = 0; i < 20; ++i)
    CHECK(ResultText(conn.Post(Call(3 + i, "echo", R"({"text":"k)" + std::to_string(i) + "\"}"))) ==
          "k" + std::to_string(i));
  // The plugin's last step was slow: its next call goes to the pool, and the
  // I/O thread is not held (no further move).
  CHECK(ResultText(conn.Post(Call(30, "misbehaving__hang", R"({"ms":100})"))) == "slept 100 ms");
  CHECK(s.server->io_takeovers() == moved);
}

TEST_CASE("http inline: progress of a call that runs long on the I/O thread reaches the client while it runs",
          "[http][http_inline]") {
  Served s({}, OneIoThread);
  const std::string body =
      R"({"jsonrpc":"2.0","id":"p","method":"tools/call","params":{"name":"misbehaving__slow","arguments":{"progress":1},)"
      R"("_meta":{"progressToken":"t1","io.modelcontextprotocol/protocolVersion":"2026-07-28",)"
      R"("io.modelcontextprotocol/clientCapabilities":{}}}})";
  Client client(s.port);
  client.Write(bhttp::verb::post, "/mcp", body, ModernHeaders("tools/call", "misbehaving__slow"));
  tcp::socket& sock = client.socket();
  // Read until the progress event is whole. The call runs until it is
  // cancelled, so nothing else can have been sent by then.
  timeval tv{5, 0};
  REQUIRE(::setsockopt(sock.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0);
  std::string got;
  size_t at = std::string::npos;
  while ((at = got.find("notifications/progress")) == std::string::npos || got.find("\n\n", at) == std::string::npos) {
    char buf[4096];
    ssize_t n = ::recv(sock.native_handle(), buf, sizeof buf, 0);
    INFO(got);
    REQUIRE(n > 0);  // a timeout here: the progress waited for the call
    got.append(buf, static_cast<size_t>(n));
  }
  INFO(got);
  CHECK(got.find("\"result\"") == std::string::npos);
  CHECK(got.find("\"error\"") == std::string::npos);
  CHECK(s.server->unfinished() == 1);
  // A modern client that goes away cancels its call; the handler returns.
  sock.close();
  for (int i = 0; i < 1000 && s.server->unfinished() != 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  CHECK(s.server->unfinished() == 0);
  CHECK(s.server->io_takeovers() >= 1);
}

TEST_CASE("http inline: a task's call is not run on the I/O thread", "[http][http_inline]") {
  Served s({}, [](mcph::HostConfig& cfg) {
    OneIoThread(cfg);
    cfg.plugins[1].task_tools = {"hang"};
  });
  // A task-augmented call answers with the task at once and runs in the
  // background; on the I/O thread it would hold its connections first.
  // (Modern: a legacy task keeps its POST's exchange for its ttl.)
  Reply r = PostMcp(s.port,
                    R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"misbehaving__hang",)"
                    R"("arguments":{"ms":300},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28",)"
                    R"("io.modelcontextprotocol/clientCapabilities":{"extensions":{"io.modelcontextprotocol/tasks":{}}}}}})",
                    ModernHeaders("tools/call", "misbehaving__hang"));
  INFO(r.body);
  CHECK(r.status == 200);
  CHECK_THAT(r.body, Catch::Contains("\"taskId\""));
  CHECK(s.server->io_takeovers() == 0);
}

TEST_CASE("http inline: the watcher sleeps while a hung step whose deadline was answered still runs",
          "[http][http_inline]") {
  // IoThreads alone, on one io_context: a step that hangs past its deadline.
  net::io_context ioc;
  auto work = net::make_work_guard(ioc);
  mcph::http::IoThreads io({&ioc});
  io.Start();
  std::mutex mu;
  std::condition_variable cv;
  bool release = false, expired = false;
  net::post(ioc, [&] {
    mcph::InlineStep step;
    step.run = [&] {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return release; });
    };
    step.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(20);
    step.expire = [&] {
      std::lock_guard lock(mu);
      expired = true;
      cv.notify_all();
    };
    mcph::http::IoThreads::RunStep(step);  // last: throws once ioc moved on
  });
  {
    std::unique_lock lock(mu);
    REQUIRE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return expired; }));
  }
  CHECK(io.takeovers() == 1);
  // Nothing is left to watch (the deadline was kept; only the step's return
  // is awaited): the watcher parks after its idle second instead of
  // ticking until the step returns.
  const uint64_t parks = io.parks();
  for (int i = 0; i < 2000 && io.parks() == parks; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  CHECK(io.parks() > parks);
  {
    std::lock_guard lock(mu);
    release = true;
    cv.notify_all();
  }
  work.reset();
  ioc.stop();
  CHECK(io.Wait(std::chrono::seconds(10)));  // the hung thread ended too
}
