// host_runtime_test.cpp - HostRuntime::Start: plugins loaded, bad ones
// reported (or fatal with strict), the first catalog built.
#include <catch2/catch.hpp>

#include <string>

#include "runtime/host_runtime.h"

using mcph::HostConfig;
using mcph::HostRuntime;
using mcph::PluginConfig;

namespace {

PluginConfig ByPath(const std::string& path, const char* alias, int line) {
  PluginConfig pc;
  pc.path = path;
  if (alias) {
    pc.has_alias = true;
    pc.alias = alias;
  }
  pc.line = line;
  return pc;
}

HostConfig Config() {
  HostConfig cfg;
  cfg.source_path = "/etc/mcphost/test.yaml";
  cfg.server.workers = 2;
  cfg.plugin_dirs = {MCPHOST_TEST_PLUGIN_DIR, MCPHOST_TEST_FIXTURE_DIR};
  return cfg;
}

const std::string kEcho = std::string(MCPHOST_TEST_PLUGIN_DIR) + "/libmcphost_echo.so";
const std::string kBadAbi = std::string(MCPHOST_TEST_FIXTURE_DIR) + "/libbad_abi_version.so";
const std::string kNoEntry = std::string(MCPHOST_TEST_FIXTURE_DIR) + "/libno_entry.so";

}  // namespace

TEST_CASE("HostRuntime: non-strict start skips a bad plugin and reports it", "[runtime]") {
  HostConfig cfg = Config();
  cfg.plugins = {ByPath(kBadAbi, nullptr, 7), ByPath(kEcho, "", 12), ByPath(kNoEntry, nullptr, 15)};
  auto r = HostRuntime::Start(cfg, /*strict=*/false);
  INFO((r.ok() ? std::string() : r.error()));
  REQUIRE(r.ok());
  HostRuntime& rt = *r.value();
  const auto& errors = rt.load_errors();
  REQUIRE(errors.size() == 2);
  CHECK_THAT(errors[0], Catch::Contains("/etc/mcphost/test.yaml:7"));
  CHECK_THAT(errors[0], Catch::Contains(kBadAbi));
  CHECK_THAT(errors[0], Catch::Contains("ABI 1") && Catch::Contains("99"));
  CHECK_THAT(errors[1], Catch::Contains("/etc/mcphost/test.yaml:15"));
  CHECK_THAT(errors[1], Catch::Contains("mcpp_plugin_negotiate"));

  auto catalog = rt.state().snapshot();
  REQUIRE(catalog->plugins().size() == 1);
  CHECK(catalog->FindTool("echo") != nullptr);
  CHECK(catalog->FindTool("mcphost__read_resource") != nullptr);
}

TEST_CASE("HostRuntime: strict start fails on the first bad plugin", "[runtime]") {
  HostConfig cfg = Config();
  cfg.plugins = {ByPath(kEcho, "", 3), ByPath(kBadAbi, nullptr, 9)};
  auto r = HostRuntime::Start(cfg, /*strict=*/true);
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error(), Catch::Contains("/etc/mcphost/test.yaml:9"));
  CHECK_THAT(r.error(), Catch::Contains(kBadAbi));
  CHECK_THAT(r.error(), Catch::Contains("ABI 1") && Catch::Contains("99"));
}

TEST_CASE("HostRuntime: name: entries are found in plugin_dirs", "[runtime]") {
  HostConfig cfg = Config();
  PluginConfig echo;
  echo.name = "echo";  // libmcphost_echo.so
  PluginConfig helper;
  helper.name = "cpp_helper";  // libcpp_helper.so
  helper.has_alias = true;
  helper.alias = "calc";
  PluginConfig missing;
  missing.name = "no_such_plugin";
  missing.line = 21;
  PluginConfig disabled;
  disabled.name = "no_such_plugin_either";
  disabled.enabled = false;
  cfg.plugins = {echo, helper, missing, disabled};
  auto r = HostRuntime::Start(cfg, false);
  REQUIRE(r.ok());
  HostRuntime& rt = *r.value();
  REQUIRE(rt.load_errors().size() == 1);
  CHECK_THAT(rt.load_errors()[0], Catch::Contains("no_such_plugin") && Catch::Contains("not found"));
  CHECK_THAT(rt.load_errors()[0], Catch::Contains(":21"));
  auto catalog = rt.state().snapshot();
  CHECK(catalog->FindTool("echo__echo") != nullptr);
  CHECK(catalog->FindTool("calc__add") != nullptr);

  auto strict = HostRuntime::Start(cfg, true);
  REQUIRE_FALSE(strict.ok());
  CHECK_THAT(strict.error(), Catch::Contains("no_such_plugin"));
}

TEST_CASE("HostRuntime: a catalog error fails the start, even when not strict", "[runtime]") {
  HostConfig cfg = Config();
  cfg.plugins = {ByPath(kEcho, "x", 1), ByPath(kEcho, "x", 2)};
  auto r = HostRuntime::Start(cfg, false);
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error(), Catch::Contains("x__echo"));
}

TEST_CASE("HostRuntime: server options reach the catalog and the state", "[runtime]") {
  HostConfig cfg = Config();
  cfg.server.name = "renamed";
  cfg.server.name_separator = "::";
  cfg.server.resource_tools = false;
  cfg.server.instructions = "Be brief.";
  cfg.plugins = {ByPath(kEcho, "e", 1)};
  auto r = HostRuntime::Start(cfg, true);
  REQUIRE(r.ok());
  auto catalog = r.value()->state().snapshot();
  CHECK(catalog->FindTool("e::echo") != nullptr);
  CHECK(catalog->FindTool("mcphost::read_resource") == nullptr);
  CHECK(catalog->instructions() == "Be brief.");
  CHECK(r.value()->state().identity.name == "renamed");
}

// A plugin calling notify_list_changed would trigger a rebuild; none of the
// fixtures calls it, so that path is left to a fixture that does.
