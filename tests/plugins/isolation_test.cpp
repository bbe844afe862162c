// isolation_test.cpp - plugins[].isolation: process. The crashing fixture
// (tests/fixtures/plugins/misbehaving/crashing.c) runs in a runner process
// beside the in-process echo and misbehaving plugins; each test takes the
// runner down one way and checks that only its calls in flight fail, that its
// tools are withdrawn and come back, and that the others keep serving.
// (The rest of the unit suite runs again with every plugin isolated: the
// isolation.unit ctest sets MCPHOST_ISOLATION=process.)
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>

#include "../protocol/host_harness.h"

using namespace mcph_test;  // NOLINT: the harness is this file's vocabulary

namespace {

std::string Call(const std::string& id, const std::string& tool, const std::string& args = "{}") {
  return Legacy(id, "tools/call", R"("name":")" + tool + R"(","arguments":)" + args);
}

bool IsError(const rapidjson::Value& reply) {
  return reply.HasMember("result") && reply["result"].HasMember("isError") && reply["result"]["isError"].GetBool();
}

std::string Text(const rapidjson::Value& reply) {
  INFO(mcph::ToJson(reply));
  REQUIRE(reply.HasMember("result"));
  return reply["result"]["content"][0]["text"].GetString();
}

// Adds the crashing plugin, isolated, as plugins[2] with alias "crash".
std::function<void(HostConfig&)> WithCrashing(const std::function<void(mcph::PluginConfig&)>& tweak = nullptr) {
  return [tweak](HostConfig& cfg) {
    mcph::PluginConfig p;
    p.path = std::string(MCPHOST_TEST_FIXTURE_DIR) + "/libcrashing.so";
    p.has_alias = true;
    p.alias = "crash";
    p.line = 3;
    p.isolation.enabled = true;
    p.isolation.restart_initial_ms = 50;
    if (tweak) tweak(p);
    cfg.plugins.push_back(p);
  };
}

mcph::RemotePlugin& Runner(Host& h) {
  auto catalog = h.rt->state().snapshot();
  REQUIRE(catalog->plugins().size() == 3);
  mcph::RemotePlugin* remote = catalog->plugins()[2]->library().remote();
  REQUIRE(remote != nullptr);
  return *remote;
}

// Waits (bounded) until the catalog does / does not list `tool`.
bool WaitForTool(Host& h, const std::string& tool, bool listed) {
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < give_up) {
    if ((h.rt->state().snapshot()->FindTool(tool) != nullptr) == listed) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

int Counter() {
  static int n = 100;
  return ++n;
}

// Calls crash__pid until a runner answers (after a restart); its pid. Until
// then a call fails (the runner is down) or finds no such tool (withdrawn).
std::string PidAfterRestart(Host& h) {
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < give_up) {
    std::string id = "\"p" + std::to_string(Counter()) + "\"";
    auto reply = h.Call(Call(id, "crash__pid"), id);
    if (reply.HasMember("result") && !IsError(reply)) return Text(reply);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  FAIL("the runner did not come back within 10 s");
  return {};
}

}  // namespace

TEST_CASE("isolation: a plugin runs in its own process and serves as in-process", "[isolation]") {
  Host h(100, true, WithCrashing());
  h.Initialize();
  auto pid = h.Call(Call("1", "crash__pid"), "1");
  CHECK(Text(pid) == std::to_string(Runner(h).pid()));
  CHECK(Text(pid) != std::to_string(::getpid()));
  auto echo = h.Call(Call("2", "crash__echo", R"({"text":"through the socket"})"), "2");
  CHECK(Text(echo) == "through the socket");
}

TEST_CASE("isolation: a segfault, an abort or an exit fails only the call, and the runner comes back",
          "[isolation]") {
  const char* tool = GENERATE("crash__segfault", "crash__abort", "crash__exit");
  Host h(100, true, WithCrashing());
  h.Initialize();
  h.rt->AddConnection(h.conn);  // so list_changed reaches it
  const std::string before = PidAfterRestart(h);
  auto reply = h.Call(Call("1", tool), "1");
  INFO(tool);
  REQUIRE(IsError(reply));
  CHECK_THAT(Text(reply), Catch::Contains("process") && Catch::Contains("while the call was running"));
#if !defined(__SANITIZE_ADDRESS__)  // ASan reports a SEGV itself and exits with status 1
  if (std::string(tool) == "crash__segfault") CHECK_THAT(Text(reply), Catch::Contains("SIGSEGV"));
#endif
  if (std::string(tool) == "crash__abort") CHECK_THAT(Text(reply), Catch::Contains("SIGABRT"));
  if (std::string(tool) == "crash__exit") CHECK_THAT(Text(reply), Catch::Contains("exited with status 7"));
  // The in-process plugins never noticed.
  auto echo = h.Call(Call("2", "echo", R"({"text":"still here"})"), "2");
  CHECK(Text(echo) == "still here");
  // A new runner, a new process; clients were told twice (withdrawn, back).
  const std::string after = PidAfterRestart(h);
  CHECK(after != before);
  CHECK(Runner(h).starts() == 2);
  CHECK(h.Notifications("notifications/tools/list_changed").size() >= 2);
}

TEST_CASE("isolation: SIGKILL fails the calls in flight in the runner and nothing else", "[isolation]") {
  // A slow restart, so the withdrawal can be seen.
  Host h(100, true, WithCrashing([](mcph::PluginConfig& p) { p.isolation.restart_initial_ms = 600; }));
  h.Initialize();
  const pid_t pid = Runner(h).pid();
  REQUIRE(pid > 0);
  for (int i = 0; i < 3; ++i) h.Send(Call("\"s" + std::to_string(i) + "\"", "crash__sleep", R"({"ms":5000})"));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the calls reach the runner
  REQUIRE(::kill(pid, SIGKILL) == 0);
  for (int i = 0; i < 3; ++i) {
    auto reply = h.Await("\"s" + std::to_string(i) + "\"");
    REQUIRE(IsError(reply));
    CHECK_THAT(Text(reply), Catch::Contains("killed by signal 9") && Catch::Contains("restarts it"));
  }
  // Meanwhile the other plugins answer, and the runner's tools are withdrawn.
  for (int i = 0; i < 20; ++i) {
    std::string id = "\"e" + std::to_string(i) + "\"";
    CHECK(Text(h.Call(Call(id, "echo", R"({"text":"x"})"), id)) == "x");
  }
  CHECK(WaitForTool(h, "crash__echo", false));
  auto gone = h.Call(Call("\"gone\"", "crash__echo"), "\"gone\"");
  CHECK(gone.HasMember("error"));
  // Then it is back, under a new process.
  CHECK(PidAfterRestart(h) != std::to_string(pid));
}

TEST_CASE("isolation: a call hung past its deadline gets the runner killed and restarted", "[isolation]") {
  Host h(100, true, WithCrashing([](mcph::PluginConfig& p) {
    p.timeout_ms = 100;
    p.isolation.kill_hung_after_ms = 200;
  }));
  h.Initialize();
  const std::string before = PidAfterRestart(h);
  auto reply = h.Call(Call("1", "crash__sleep", R"({"ms":60000})"), "1");
  REQUIRE(IsError(reply));
  CHECK_THAT(Text(reply), Catch::Contains("no answer within 100 ms"));
  // The host answered at the deadline; the hung thread is reclaimed by killing its process.
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (Runner(h).starts() < 2 && std::chrono::steady_clock::now() < give_up)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(Runner(h).starts() == 2);
  CHECK(PidAfterRestart(h) != before);
}

#if !defined(__SANITIZE_ADDRESS__)  // ASan's shadow memory does not fit an address-space limit
TEST_CASE("isolation: a leaking plugin under address_space_mb dies of it alone and comes back", "[isolation]") {
  Host h(100, true, WithCrashing([](mcph::PluginConfig& p) { p.isolation.address_space_mb = 512; }));
  h.Initialize();
  const std::string before = PidAfterRestart(h);
  bool died = false;
  for (int i = 0; i < 20 && !died; ++i) {
    std::string id = "\"l" + std::to_string(i) + "\"";
    auto reply = h.Call(Call(id, "crash__leak", R"({"mb":64})"), id);
    if (IsError(reply)) {
      CHECK_THAT(Text(reply), Catch::Contains("while the call was running"));
      died = true;
    }
  }
  REQUIRE(died);
  CHECK(Text(h.Call(Call("2", "echo", R"({"text":"fine"})"), "2")) == "fine");
  CHECK(PidAfterRestart(h) != before);
}
#endif

TEST_CASE("isolation: the runner starts under the configured resource limits", "[isolation]") {
  Host h(100, true, WithCrashing([](mcph::PluginConfig& p) {
    p.isolation.cpu_seconds = 3600;
    p.isolation.open_files = 64;
#if !defined(__SANITIZE_ADDRESS__)
    p.isolation.address_space_mb = 2048;
#endif
  }));
  h.Initialize();
  const std::string limits = Text(h.Call(Call("1", "crash__limits"), "1"));
  CHECK_THAT(limits, Catch::Contains("cpu=3600") && Catch::Contains("nofile=64"));
#if !defined(__SANITIZE_ADDRESS__)
  CHECK_THAT(limits, Catch::Contains("as=" + std::to_string(2048ull << 20)));
#endif
  // Without limits, the runner inherits the host's.
  Host plain(100, true, WithCrashing());
  plain.Initialize();
  CHECK_THAT(Text(plain.Call(Call("1", "crash__limits"), "1")), !Catch::Contains("nofile=64"));
}

TEST_CASE("isolation: a plugin file that is not a plugin fails to load with the runner's reason", "[isolation]") {
  HostConfig cfg;
  cfg.server.workers = 2;
  mcph::PluginConfig p;
  p.path = std::string(MCPHOST_TEST_FIXTURE_DIR) + "/libno_entry.so";
  p.line = 7;
  p.isolation.enabled = true;
  cfg.plugins = {p};
  auto r = mcph::HostRuntime::Start(cfg, /*strict=*/true);
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error(), Catch::Contains("mcpp_plugin_negotiate"));
}
