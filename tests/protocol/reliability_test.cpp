// reliability_test.cpp - the host outlives its plugins: deadlines answered by
// the host, per-tool deadlines, max_concurrency, max_in_flight, log floods
// and oversized results, through a HostRuntime with the misbehaving fixture.
#include <catch2/catch.hpp>

#include <string>

#include "plugins/call_context.h"
#include "host_harness.h"

using namespace mcph_test;  // NOLINT: the harness is this file's vocabulary

namespace {

// The misbehaving plugin's entry (the second one) in a harness config.
mcph::PluginConfig& Misbehaving(HostConfig& cfg) { return cfg.plugins[1]; }

std::string Text(const rapidjson::Value& reply) {
  INFO(mcph::ToJson(reply));
  REQUIRE(reply.HasMember("result"));
  return reply["result"]["content"][0]["text"].GetString();
}

bool IsError(const rapidjson::Value& reply) {
  return reply.HasMember("result") && reply["result"].HasMember("isError") && reply["result"]["isError"].GetBool();
}

std::string Call(const std::string& id, const std::string& tool, const std::string& args = "{}") {
  return Legacy(id, "tools/call", R"("name":")" + tool + R"(","arguments":)" + args);
}

// Waits until the handler of every call has returned (the gate is empty).
bool GateDrained(Host& h) {
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  auto catalog = h.rt->state().snapshot();
  while (std::chrono::steady_clock::now() < give_up) {
    bool idle = true;
    for (const auto& p : catalog->plugins()) idle = idle && p->gate().pending() == 0;
    if (idle) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

}  // namespace

TEST_CASE("a handler past its deadline is answered by the host, once, and its late result is dropped",
          "[reliability]") {
  Host h(100, true, [](HostConfig& cfg) { Misbehaving(cfg).timeout_ms = 150; });
  h.Initialize();
  auto reply = h.Call(Call("1", "hang", R"({"ms":1500})"), "1");
  INFO(mcph::ToJson(reply));
  REQUIRE(IsError(reply));
  CHECK_THAT(Text(reply), Catch::Contains("no answer within 150 ms"));
  // The handler is still sleeping: the host answered for it.
  auto catalog = h.rt->state().snapshot();
  CHECK(catalog->plugins()[1]->gate().pending() == 1);
  REQUIRE(GateDrained(h));
  CHECK(h.CountWithId("1") == 1);  // its own result, when it came, was dropped
  // The id is free again and the host keeps serving.
  auto again = h.Call(Call("2", "echo", R"({"text":"still here"})"), "2");
  CHECK(Text(again) == "still here");
}

TEST_CASE("tool_timeouts give one tool its own deadline", "[reliability]") {
  Host h(100, true, [](HostConfig& cfg) {
    Misbehaving(cfg).timeout_ms = 100;
    Misbehaving(cfg).tool_timeouts = {{"ha*", 0}};  // no deadline for hang
  });
  h.Initialize();
  auto hang = h.Call(Call("1", "hang", R"({"ms":300})"), "1");
  CHECK_FALSE(IsError(hang));
  CHECK(Text(hang) == "slept 300 ms");
  // Others keep the plugin's deadline: slow runs until cancelled.
  auto slow = h.Call(Call("2", "slow"), "2");
  REQUIRE(IsError(slow));
  CHECK_THAT(Text(slow), Catch::Contains("no answer within 100 ms"));
}

TEST_CASE("max_concurrency queues a plugin's calls without starving the others", "[reliability]") {
  Host h(100, true, [](HostConfig& cfg) {
    Misbehaving(cfg).max_concurrency = 1;
    Misbehaving(cfg).timeout_ms = 0;
  });
  h.Initialize();
  h.Send(Call("1", "hang", R"({"ms":400})"));
  h.Send(Call("2", "log"));
  // Another plugin is served while the misbehaving one is busy.
  auto echo = h.Call(Call("3", "echo", R"({"text":"free"})"), "3");
  CHECK(Text(echo) == "free");
  auto catalog = h.rt->state().snapshot();
  CHECK(catalog->plugins()[1]->gate().pending() == 2);  // one running, one queued
  CHECK(h.CountWithId("2") == 0);  // the fast call waits behind the hanging one
  CHECK(Text(h.Await("1")) == "slept 400 ms");
  CHECK(Text(h.Await("2")) == "logged");
}

TEST_CASE("a call whose deadline passes while it waits in the queue never reaches the plugin", "[reliability]") {
  Host h(100, true, [](HostConfig& cfg) {
    Misbehaving(cfg).max_concurrency = 1;
    Misbehaving(cfg).timeout_ms = 150;
  });
  h.Initialize("2025-06-18");
  h.Send(R"({"jsonrpc":"2.0","id":"lvl","method":"logging/setLevel","params":{"level":"debug"}})");
  h.Await("\"lvl\"");
  h.Send(Call("1", "hang", R"({"ms":800})"));
  auto queued = h.Call(Call("2", "log"), "2");
  REQUIRE(IsError(queued));
  CHECK_THAT(Text(queued), Catch::Contains("no answer within 150 ms"));
  REQUIRE(GateDrained(h));
  CHECK(h.Notifications("notifications/message").empty());  // `log` never ran
  CHECK(h.CountWithId("1") == 1);
}

TEST_CASE("server.max_in_flight bounds one client's running requests", "[reliability]") {
  Host h(100, true, [](HostConfig& cfg) {
    cfg.server.max_in_flight = 2;
    Misbehaving(cfg).timeout_ms = 0;
  });
  h.Initialize();
  h.Send(Call("1", "hang", R"({"ms":300})"));
  h.Send(Call("2", "hang", R"({"ms":300})"));
  auto busy = h.Call(Call("3", "echo", R"({"text":"x"})"), "3");
  CHECK(ErrorCode(busy) == -32603);
  CHECK_THAT(std::string(busy["error"]["message"].GetString()), Catch::Contains("server.max_in_flight"));
  h.Await("1");
  h.Await("2");
  REQUIRE(h.WaitIdle());
  CHECK(Text(h.Call(Call("4", "echo", R"({"text":"ok"})"), "4")) == "ok");
}

TEST_CASE("a plugin flooding logs is held to its log_rate", "[reliability]") {
  Host h(100, true, [](HostConfig& cfg) {
    Misbehaving(cfg).log_rate = 5;  // bursts of 20
    cfg.server.log_level = "off";
  });
  h.Initialize("2025-06-18");
  h.Send(R"({"jsonrpc":"2.0","id":"lvl","method":"logging/setLevel","params":{"level":"debug"}})");
  h.Await("\"lvl\"");
  auto reply = h.Call(Call("1", "flood_logs", R"({"lines":5000})"), "1");
  CHECK(Text(reply) == "logged 5000");
  size_t forwarded = h.Notifications("notifications/message").size();
  CHECK(forwarded >= 1);
  CHECK(forwarded <= 40);  // the burst, shared with the host log, plus what refilled meanwhile
  auto catalog = h.rt->state().snapshot();
  CHECK(catalog->plugins()[1]->log_limiter().dropped_total() >= 10000 - 60);
}

TEST_CASE("an oversized result is refused as it grows, not buffered", "[reliability]") {
  Host h(100, true, [](HostConfig& cfg) { cfg.server.max_result_bytes = 3 << 20; });
  h.Initialize();
  auto reply = h.Call(Call("1", "huge_result", R"({"mib":1024})"), "1");
  REQUIRE(IsError(reply));
  // Blocks 1-2 fit in 3 MiB; the third is refused and the plugin stops there.
  CHECK_THAT(Text(reply), Catch::Contains("refused block 3"));
  auto small = h.Call(Call("2", "huge_result", R"({"mib":2})"), "2");
  CHECK_FALSE(IsError(small));
}
