// reload_test.cpp - HostRuntime::Reload: unchanged plugins keep their
// instances, new ones load, removed ones finish their calls and are unloaded
// on the lifecycle thread, a failing reload changes nothing, and a plugin
// file rebuilt in place is loaded again.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "../protocol/host_harness.h"

using namespace mcph_test;  // NOLINT: the harness is this file's vocabulary

namespace {

bool HasTool(const mcph::Catalog& c, const std::string& name) { return c.FindTool(name) != nullptr; }

mcph::PluginConfig ByPath(const std::string& path, const std::string& alias) {
  mcph::PluginConfig pc;
  pc.path = path;
  pc.resolved_path = path;
  pc.has_alias = true;
  pc.alias = alias;
  return pc;
}

const std::string kEcho = std::string(MCPHOST_TEST_PLUGIN_DIR) + "/libmcphost_echo.so";
const std::string kMisbehaving = std::string(MCPHOST_TEST_FIXTURE_DIR) + "/libmisbehaving.so";
const std::string kCppHelper = std::string(MCPHOST_TEST_FIXTURE_DIR) + "/libcpp_helper.so";

}  // namespace

TEST_CASE("Reload keeps unchanged plugins, loads new ones and announces the change", "[reload]") {
  Host h;
  h.Initialize();
  h.rt->AddConnection(h.conn);
  auto before = h.rt->state().snapshot();
  HostConfig next;
  next.plugins = {ByPath(kEcho, ""), ByPath(kMisbehaving, ""), ByPath(kCppHelper, "cpp")};
  REQUIRE(h.rt->Reload(next).ok());
  auto after = h.rt->state().snapshot();
  REQUIRE(after != before);
  CHECK(after->plugins().size() == 3);
  CHECK(after->plugins()[0] == before->plugins()[0]);  // echo: the same running instance
  CHECK(after->plugins()[1] == before->plugins()[1]);
  CHECK(HasTool(*after, "cpp__add"));
  CHECK(h.out->WaitFor([](const std::vector<std::string>& msgs) {
    for (const auto& m : msgs)
      if (IsNotification(m, "notifications/tools/list_changed")) return true;
    return false;
  }));
  auto reply = h.Call(Legacy("1", "tools/call", R"("name":"cpp__add","arguments":{"a":2,"b":3})"), "1");
  CHECK_FALSE(reply["result"].HasMember("isError"));
}

TEST_CASE("A plugin removed by a reload finishes its call, then is unloaded", "[reload]") {
  Host h(100, true, [](HostConfig& cfg) { cfg.plugins[1].timeout_ms = 0; });
  h.Initialize();
  std::weak_ptr<mcph::PluginInstance> misbehaving = h.rt->state().snapshot()->plugins()[1];
  h.Send(Legacy("1", "tools/call", R"("name":"hang","arguments":{"ms":300})"));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // let it start
  HostConfig next;
  next.plugins = {ByPath(kEcho, "")};
  REQUIRE(h.rt->Reload(next).ok());
  CHECK_FALSE(HasTool(*h.rt->state().snapshot(), "hang"));
  auto reply = h.Await("1");  // answered by the old catalog's instance
  CHECK(std::string(reply["result"]["content"][0]["text"].GetString()) == "slept 300 ms");
  REQUIRE(h.WaitIdle());
  CHECK_FALSE(misbehaving.expired());  // retired, not yet unloaded
  // A later reload (or the once-a-second poll) unloads it, once the call's
  // last reference (its job, released just after the answer) is gone.
  for (int i = 0; i < 100 && !misbehaving.expired(); ++i) {
    REQUIRE(h.rt->Reload(next).ok());
    if (!misbehaving.expired()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(misbehaving.expired());
  auto unknown = h.Call(Legacy("2", "tools/call", R"("name":"hang","arguments":{})"), "2");
  CHECK(ErrorCode(unknown) == -32602);
}

TEST_CASE("A reload that fails changes nothing", "[reload]") {
  Host h;
  auto before = h.rt->state().snapshot();
  HostConfig missing;
  missing.plugins = {ByPath(kEcho, ""), ByPath(std::string(MCPHOST_TEST_FIXTURE_DIR) + "/libnot_there.so", "x")};
  auto r = h.rt->Reload(missing);
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.message(), Catch::Contains("libnot_there.so"));
  CHECK(h.rt->state().snapshot() == before);

  HostConfig clash;  // two plugins exposing the same names
  clash.plugins = {ByPath(kEcho, ""), ByPath(kMisbehaving, ""), ByPath(kMisbehaving, "")};
  clash.plugins[2].config_json = R"({"second":true})";
  REQUIRE_FALSE(h.rt->Reload(clash).ok());
  CHECK(h.rt->state().snapshot() == before);

  CHECK_FALSE(h.rt->ReloadFromFile(std::string(MCPHOST_TEST_FIXTURE_DIR) + "/no-such-config.yaml").ok());
  CHECK(h.rt->state().snapshot() == before);
}

TEST_CASE("A plugin file rebuilt in place is loaded again on reload", "[reload]") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("mcphost-reload-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::path plugin = dir / "libswap.so";
  fs::copy_file(kEcho, plugin, fs::copy_options::overwrite_existing);
  Host h(100, true, [&](HostConfig& cfg) { cfg.plugins = {ByPath(plugin.string(), "p")}; });
  CHECK(HasTool(*h.rt->state().snapshot(), "p__echo"));
  auto before = h.rt->state().snapshot()->plugins()[0];

  // "Rebuild": a new file replaces the old one (as a linker or an installer does).
  fs::copy_file(kCppHelper, dir / "libswap.so.new");
  fs::rename(dir / "libswap.so.new", plugin);
  HostConfig next;
  next.plugins = {ByPath(plugin.string(), "p")};
  REQUIRE(h.rt->Reload(next).ok());
  auto after = h.rt->state().snapshot();
  CHECK(after->plugins()[0] != before);
  CHECK(HasTool(*after, "p__add"));
  CHECK_FALSE(HasTool(*after, "p__echo"));
  // Unchanged file, same entry: nothing is reloaded.
  REQUIRE(h.rt->Reload(next).ok());
  CHECK(h.rt->state().snapshot()->plugins()[0] == after->plugins()[0]);
  fs::remove_all(dir);
}
