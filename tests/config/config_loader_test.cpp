// config_loader_test.cpp - the YAML config loader and YamlToJson.
//
// Good configs must give the right values; every kind of bad config must give
// an error that names the file, the right line and the key path.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <yaml-cpp/yaml.h>

#include "config/config_loader.h"
#include "temp_dir.h"

namespace fs = std::filesystem;
using mcph::HostConfig;
using mcph::LoadConfigFile;
using mcph::ParseConfig;
using mcph::YamlToJson;
using test_support::TempDir;

namespace {

// The error text of a config that must fail.
std::string ErrorOf(const std::string& yaml, const std::string& source = "config/x.yaml") {
  auto r = ParseConfig(yaml, source);
  REQUIRE_FALSE(r.ok());
  return r.error();
}

std::string Json(const std::string& yaml) {
  auto r = YamlToJson(YAML::Load(yaml), "t.yaml");
  INFO(yaml);
  REQUIRE(r.ok());
  return r.value();
}

std::string JsonError(const std::string& yaml) {
  auto r = YamlToJson(YAML::Load(yaml), "t.yaml");
  REQUIRE_FALSE(r.ok());
  return r.error();
}

using Catch::Matchers::Contains;

}  // namespace

// --------------------------------------------------------------------------
// Good configs

TEST_CASE("Config: empty text and comments give the defaults and no plugins", "[config]") {
  for (const char* text : {"", "# only a comment\n", "plugins:\n", "server:\nplugins: []\n"}) {
    INFO(text);
    auto r = ParseConfig(text, "empty.yaml");
    REQUIRE(r.ok());
    const HostConfig& c = r.value();
    CHECK(c.source_path == "empty.yaml");
    CHECK(c.plugins.empty());
    CHECK(c.plugin_dirs.empty());
    CHECK(c.server.name == "mcphost");
    CHECK(c.server.transport == "stdio");
    CHECK(c.server.http.listen == "127.0.0.1:8080");
    CHECK(c.server.http.path == "/mcp");
    CHECK(c.server.name_separator == "__");
    CHECK(c.server.max_name_length == 64);
    CHECK(c.server.max_message_bytes == 4 * 1024 * 1024);
    CHECK(c.server.page_size == 100);
    CHECK(c.server.workers == 0);
    CHECK(c.server.resource_tools);
    CHECK(c.server.instructions.empty());
    CHECK(c.server.log_level == "info");
  }
}

TEST_CASE("Config: every server key is read", "[config]") {
  auto r = ParseConfig(R"(server:
  name: my-host
  transport: http
  http: {listen: "0.0.0.0:9000", path: /api/mcp}
  name_separator: "."
  max_name_length: 100
  max_message_bytes: 1048576
  page_size: 25
  workers: 8
  resource_tools: false
  instructions: |
    Use the fs tools for files.
  log_level: debug
)",
                       "/etc/mcphost/a.yaml");
  REQUIRE(r.ok());
  const auto& s = r.value().server;
  CHECK(s.name == "my-host");
  CHECK(s.transport == "http");
  CHECK(s.http.listen == "0.0.0.0:9000");
  CHECK(s.http.path == "/api/mcp");
  CHECK(s.name_separator == ".");
  CHECK(s.max_name_length == 100);
  CHECK(s.max_message_bytes == 1048576);
  CHECK(s.page_size == 25);
  CHECK(s.workers == 8);
  CHECK_FALSE(s.resource_tools);
  CHECK(s.instructions == "Use the fs tools for files.\n");
  CHECK(s.log_level == "debug");
}

TEST_CASE("Config: plugins, aliases, filters, timeouts and lines", "[config]") {
  auto r = ParseConfig(R"(plugin_dirs: [plugins, /opt/mcphost/plugins, ../lib/./x]
plugins:
  - name: filesystem
    alias: ""
    config: {roots: [/srv/data], max_bytes: 1024}
    tools:
      allow: ["read_*", list_directory]
      deny: ["*_delete"]
    timeout_ms: 0

  - name: analytics
    alias: stats
    enabled: false
  - name: echo
)",
                       "/etc/mcphost/mcphost.yaml");
  REQUIRE(r.ok());
  const HostConfig& c = r.value();
  CHECK(c.plugin_dirs == std::vector<std::string>{"/etc/mcphost/plugins", "/opt/mcphost/plugins", "/etc/lib/x"});
  REQUIRE(c.plugins.size() == 3);

  const auto& fsys = c.plugins[0];
  CHECK(fsys.name == "filesystem");
  CHECK(fsys.path.empty());
  CHECK(fsys.resolved_path.empty());  // name: entries are resolved by the plugin layer
  CHECK(fsys.has_alias);
  CHECK(fsys.alias.empty());
  CHECK(fsys.enabled);
  CHECK(fsys.config_json == R"({"roots":["/srv/data"],"max_bytes":1024})");
  CHECK(fsys.tools.allow == std::vector<std::string>{"read_*", "list_directory"});
  CHECK(fsys.tools.deny == std::vector<std::string>{"*_delete"});
  CHECK(fsys.timeout_ms == 0);
  CHECK(fsys.line == 3);

  const auto& an = c.plugins[1];
  CHECK(an.name == "analytics");
  CHECK(an.has_alias);
  CHECK(an.alias == "stats");
  CHECK_FALSE(an.enabled);
  CHECK(an.config_json == "{}");
  CHECK(an.line == 11);

  const auto& echo = c.plugins[2];
  CHECK(echo.name == "echo");
  CHECK_FALSE(echo.has_alias);
  CHECK(echo.enabled);
  CHECK(echo.timeout_ms == 30000);
  CHECK(echo.tools.allow.empty());
  CHECK(echo.tools.deny.empty());
  CHECK(echo.line == 14);
}

TEST_CASE("Config: path: entries resolve against the config file's folder", "[config]") {
  TempDir dir;
  dir.Write("plugins/libmine.so", "not really a library");
  const std::string cfg = dir.Write("conf/host.yaml", R"(plugin_dirs: [../plugins]
plugins:
  - path: ../plugins/libmine.so
    alias: mine
)");
  auto r = LoadConfigFile(cfg);
  REQUIRE(r.ok());
  const std::string expected = (dir.path() / "plugins" / "libmine.so").lexically_normal().string();
  REQUIRE(r.value().plugins.size() == 1);
  CHECK(r.value().plugins[0].path == expected);
  CHECK(r.value().plugins[0].resolved_path == expected);
  CHECK(r.value().plugin_dirs == std::vector<std::string>{(dir.path() / "plugins").lexically_normal().string()});
  CHECK(r.value().source_path == cfg);
}

TEST_CASE("Config: a missing path: file is refused with its resolved path", "[config]") {
  TempDir dir;
  const std::string cfg = dir.Write("host.yaml", R"(plugins:
  - name: echo
  - path: lib/libgone.so
)");
  auto r = LoadConfigFile(cfg);
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error(), Contains(cfg + ":3: plugins[1].path: plugin file not found: " +
                                 (dir.path() / "lib" / "libgone.so").string()));
}

TEST_CASE("Config: a disabled plugin's path: is not checked", "[config]") {
  auto r = ParseConfig("plugins:\n  - path: /nonexistent/libx.so\n    enabled: false\n", "a.yaml");
  REQUIRE(r.ok());
  CHECK(r.value().plugins[0].path == "/nonexistent/libx.so");
  CHECK_FALSE(r.value().plugins[0].enabled);
}

TEST_CASE("Config: with no source path, messages say <config> and paths start at the cwd", "[config]") {
  auto r = ParseConfig("plugin_dirs: [rel]\n", "");
  REQUIRE(r.ok());
  CHECK(r.value().plugin_dirs[0] == (fs::current_path() / "rel").lexically_normal().string());
  CHECK_THAT(ErrorOf("bogus: 1\n", ""), Contains("<config>:1: bogus: unknown key"));
}

TEST_CASE("Config: the shipped configs parse", "[config]") {
  auto r = LoadConfigFile(MCPHOST_SOURCE_DIR "/config/mcphost.yaml");
  INFO((r.ok() ? std::string() : r.error()));
  REQUIRE(r.ok());
  CHECK(r.value().server.name == "mcphost");
  CHECK(r.value().server.transport == "stdio");
  for (const auto& p : r.value().plugins) {  // only name: entries, so it works from any prefix
    CHECK(p.path.empty());
    CHECK_FALSE(p.name.empty());
  }

  auto echo = LoadConfigFile(MCPHOST_SOURCE_DIR "/config/examples/echo.yaml");
  INFO((echo.ok() ? std::string() : echo.error()));
  REQUIRE(echo.ok());
  REQUIRE(echo.value().plugins.size() == 1);
  CHECK(echo.value().plugins[0].name == "echo");
  CHECK_FALSE(echo.value().plugins[0].has_alias);
  CHECK(echo.value().plugins[0].enabled);
}

// --------------------------------------------------------------------------
// Bad configs: file, line and key path in every message

TEST_CASE("Config: wrong types name file, line and key", "[config]") {
  const std::string text = R"(server:
  name: x
plugins:
  - name: a
  - name: b
    timeout_ms: abc
)";
  CHECK_THAT(ErrorOf(text),
             Contains("config/x.yaml:6: plugins[1].timeout_ms: expected a non-negative integer, got \"abc\""));

  CHECK_THAT(ErrorOf("plugins:\n  - name: a\n    timeout_ms: -5\n"),
             Contains("config/x.yaml:3: plugins[0].timeout_ms: expected a non-negative integer, got -5"));
  CHECK_THAT(ErrorOf("plugins:\n  - name: a\n    timeout_ms: \"100\"\n"),
             Contains("config/x.yaml:3: plugins[0].timeout_ms: expected a non-negative integer, got \"100\" (remove the quotes)"));
  CHECK_THAT(ErrorOf("plugins:\n  - name: a\n    timeout_ms:\n"),
             Contains("config/x.yaml:3: plugins[0].timeout_ms: expected a non-negative integer, got nothing"));
  CHECK_THAT(ErrorOf("plugins:\n  - name: a\n    enabled: yes\n"),
             Contains("config/x.yaml:3: plugins[0].enabled: expected true or false, got \"yes\""));
  CHECK_THAT(ErrorOf("plugins:\n  - name: a\n    enabled: \"true\"\n"),
             Contains("config/x.yaml:3: plugins[0].enabled: expected true or false, got \"true\" (remove the quotes)"));
  CHECK_THAT(ErrorOf("server:\n  resource_tools: 1\n"),
             Contains("config/x.yaml:2: server.resource_tools: expected true or false"));
  CHECK_THAT(ErrorOf("server: [a, b]\n"), Contains("config/x.yaml:1: server: expected a mapping"));
  CHECK_THAT(ErrorOf("server:\n  name: [a]\n"), Contains("config/x.yaml:2: server.name: expected a string, got a list"));
  CHECK_THAT(ErrorOf("plugins:\n  name: echo\n"), Contains("config/x.yaml:2: plugins: expected a list of plugin entries"));
  CHECK_THAT(ErrorOf("plugins:\n  - echo\n"), Contains("config/x.yaml:2: plugins[0]: expected a plugin entry"));
  CHECK_THAT(ErrorOf("plugin_dirs: /opt/x\n"), Contains("config/x.yaml:1: plugin_dirs: expected a list of folder paths"));
  CHECK_THAT(ErrorOf("plugin_dirs: [a, [b]]\n"), Contains("config/x.yaml:1: plugin_dirs[1]: expected a string, got a list"));
  CHECK_THAT(ErrorOf("- a\n- b\n"), Contains("config/x.yaml:1: expected a mapping with server:"));
}

TEST_CASE("Config: numbers out of range are refused", "[config]") {
  CHECK_THAT(ErrorOf("server:\n  max_name_length: 200\n"),
             Contains("config/x.yaml:2: server.max_name_length: expected an integer from 1 to 128, got 200"));
  CHECK_THAT(ErrorOf("server:\n  max_name_length: 0\n"), Contains("server.max_name_length: expected an integer from 1 to 128"));
  CHECK_THAT(ErrorOf("server:\n\n  max_message_bytes: 100\n"),
             Contains("config/x.yaml:3: server.max_message_bytes: expected an integer >= 1024, got 100"));
  CHECK_THAT(ErrorOf("server:\n  page_size: 0\n"), Contains("config/x.yaml:2: server.page_size: expected an integer from 1 to 10000"));
  CHECK_THAT(ErrorOf("server:\n  page_size: 10001\n"), Contains("server.page_size"));
  CHECK_THAT(ErrorOf("server:\n  workers: 257\n"), Contains("config/x.yaml:2: server.workers: expected an integer from 0 to 256"));
  CHECK_THAT(ErrorOf("server:\n  workers: 1.5\n"), Contains("config/x.yaml:2: server.workers: expected an integer from 0 to 256, got \"1.5\""));
  CHECK_THAT(ErrorOf("server:\n  workers: 99999999999999999999\n"), Contains("server.workers"));
  CHECK(ParseConfig("server:\n  workers: 0x10\n", "a.yaml").value().server.workers == 16);
  CHECK_THAT(ErrorOf("plugins:\n  - name: a\n    timeout_ms: 99999999999\n"),
             Contains("config/x.yaml:3: plugins[0].timeout_ms: expected an integer from 0 to 2147483647, got 99999999999 (out of range)"));
  CHECK(ParseConfig("plugins:\n  - name: a\n    timeout_ms: 2147483647\n", "a.yaml").value().plugins[0].timeout_ms == 2147483647);
}

TEST_CASE("Config: enumerations and strings are checked", "[config]") {
  CHECK_THAT(ErrorOf("server:\n  transport: htp\n"),
             Contains("config/x.yaml:2: server.transport: expected one of stdio, http, got \"htp\" (did you mean \"http\"?)"));
  CHECK_THAT(ErrorOf("server:\n  log_level: verbose\n"),
             Contains("config/x.yaml:2: server.log_level: expected one of trace, debug, info, warn, error, critical, off"));
  CHECK_THAT(ErrorOf("server:\n  name: \"\"\n"), Contains("config/x.yaml:2: server.name: must not be empty"));
  CHECK_THAT(ErrorOf("server:\n  name_separator: \"::\"\n"),
             Contains("config/x.yaml:2: server.name_separator: may only use A-Z a-z 0-9 _ . -"));
  CHECK_THAT(ErrorOf("server:\n  name_separator: \"\"\n"), Contains("config/x.yaml:2: server.name_separator: must not be empty"));
  CHECK_THAT(ErrorOf("server:\n  http:\n    listen: 8080\n"),
             Contains("config/x.yaml:3: server.http.listen: expected \"HOST:PORT\""));
  CHECK_THAT(ErrorOf("server:\n  http:\n    listen: \"localhost:99999\"\n"), Contains("server.http.listen"));
  CHECK_THAT(ErrorOf("server:\n  http:\n    listen: \"::1:80\"\n"), Contains("server.http.listen"));
  CHECK(ParseConfig("server: {http: {listen: \"[::1]:0\"}}\n", "a.yaml").ok());
  CHECK_THAT(ErrorOf("server:\n  http:\n    path: mcp\n"),
             Contains("config/x.yaml:3: server.http.path: expected a URL path starting with \"/\""));
  CHECK_THAT(ErrorOf("plugins:\n  - name: a\n    alias: \"a b\"\n"),
             Contains("config/x.yaml:3: plugins[0].alias: may only use A-Z a-z 0-9 _ . -"));
  CHECK_THAT(ErrorOf("plugins:\n  - name: a\n    alias:\n"),
             Contains("config/x.yaml:3: plugins[0].alias: expected a string, got nothing (an empty value) (write alias: \"\""));
  CHECK_THAT(ErrorOf("plugins:\n  - name: lib/x\n"), Contains("config/x.yaml:2: plugins[0].name: \"lib/x\" is a path, not a plugin name"));
  CHECK_THAT(ErrorOf("plugins:\n  - name: a\n    tools: {allow: [\"\"]}\n"),
             Contains("config/x.yaml:3: plugins[0].tools.allow[0]: must not be empty"));
  CHECK_THAT(ErrorOf("plugins:\n  - name: a\n    tools: {allow: read_*}\n"),
             Contains("config/x.yaml:3: plugins[0].tools.allow: expected a list of tool name patterns"));
}

TEST_CASE("Config: unknown keys are refused with a suggestion", "[config]") {
  const std::string text = R"(plugins:
  - name: echo
    aliass: e
)";
  CHECK_THAT(ErrorOf(text), Contains("config/x.yaml:3: plugins[0].aliass: unknown key (did you mean \"alias\"?)"));
  CHECK_THAT(ErrorOf("sever:\n  name: x\n"), Contains("config/x.yaml:1: sever: unknown key (did you mean \"server\"?)"));
  CHECK_THAT(ErrorOf("server:\n  http:\n    lisen: \"a:1\"\n"),
             Contains("config/x.yaml:3: server.http.lisen: unknown key (did you mean \"listen\"?)"));
  CHECK_THAT(ErrorOf("plugins:\n  - name: a\n    tools: {alow: [x]}\n"),
             Contains("config/x.yaml:3: plugins[0].tools.alow: unknown key (did you mean \"allow\"?)"));
  CHECK_THAT(ErrorOf("plugins:\n  - name: a\n    tiemout_ms: 5\n"),
             Contains("plugins[0].tiemout_ms: unknown key (did you mean \"timeout_ms\"?)"));
  // Nothing close: list what is allowed.
  CHECK_THAT(ErrorOf("\nfrobnicate: true\n"),
             Contains("config/x.yaml:2: frobnicate: unknown key (allowed here: server, plugin_dirs, plugins)"));
}

TEST_CASE("Config: duplicate keys are refused", "[config]") {
  CHECK_THAT(ErrorOf("server:\n  name: a\n  name: b\n"),
             Contains("config/x.yaml:3: server.name: duplicate key (first at line 2)"));
}

TEST_CASE("Config: a plugin needs exactly one of name: and path:", "[config]") {
  CHECK_THAT(ErrorOf("plugins:\n  - name: a\n  - alias: x\n    enabled: true\n"),
             Contains("config/x.yaml:3: plugins[1]: needs name: (a plugin found in plugin_dirs) or path: (a plugin file)"));
  CHECK_THAT(ErrorOf("plugins:\n  - name: a\n    path: /x.so\n"),
             Contains("config/x.yaml:2: plugins[0]: has both name: and path:"));
}

TEST_CASE("Config: duplicate aliases among enabled plugins are refused", "[config]") {
  SECTION("two explicit aliases") {
    const std::string text = R"(plugins:
  - name: a
    alias: fs
  - name: b
    alias: fs
)";
    CHECK_THAT(ErrorOf(text), Contains("config/x.yaml:5: plugins[1].alias: alias \"fs\" is already used by plugins[0] (line 3)"));
  }
  SECTION("two names without alias") {
    CHECK_THAT(ErrorOf("plugins:\n  - name: echo\n  - name: echo\n"),
               Contains("config/x.yaml:3: plugins[1].name: alias \"echo\" is already used by plugins[0] (line 2)"));
  }
  SECTION("an explicit alias equal to another entry's name") {
    CHECK_THAT(ErrorOf("plugins:\n  - name: echo\n  - name: other\n    alias: echo\n"),
               Contains("config/x.yaml:4: plugins[1].alias: alias \"echo\" is already used by plugins[0]"));
  }
  SECTION("allowed: two unprefixed, a disabled duplicate, and the same name under different aliases") {
    auto r = ParseConfig(R"(plugins:
  - name: filesystem
    alias: ""
  - name: analytics
    alias: ""
  - name: echo
  - name: echo
    enabled: false
  - name: echo
    alias: echo2
)",
                         "ok.yaml");
    INFO((r.ok() ? std::string() : r.error()));
    CHECK(r.ok());
  }
}

TEST_CASE("Config: config: must be a mapping and is converted to JSON", "[config]") {
  CHECK_THAT(ErrorOf("plugins:\n  - name: a\n    config: [1, 2]\n"),
             Contains("config/x.yaml:3: plugins[0].config: expected a mapping of the plugin's own settings"));
  CHECK_THAT(ErrorOf("plugins:\n  - name: a\n    config: hello\n"), Contains("plugins[0].config: expected a mapping"));
  auto empty = ParseConfig("plugins:\n  - name: a\n    config:\n", "a.yaml");
  REQUIRE(empty.ok());
  CHECK(empty.value().plugins[0].config_json == "{}");

  ::unsetenv("MCPH_TEST_SURELY_UNSET");
  const std::string text = R"(plugins:
  - name: a
    config:
      roots:
        - /srv
        - ${MCPH_TEST_SURELY_UNSET}/data
)";
  CHECK_THAT(ErrorOf(text), Contains("config/x.yaml:6: plugins[0].config.roots[1]: environment variable "
                                     "MCPH_TEST_SURELY_UNSET is not set"));
}

TEST_CASE("Config: broken YAML reports yaml-cpp's line and column", "[config]") {
  CHECK_THAT(ErrorOf("server:\n  name: [a\nplugins: []\n"), Contains("config/x.yaml:"));
  CHECK_THAT(ErrorOf("server:\n  name: [a\nplugins: []\n"), Contains("invalid YAML"));
  // A tab used for indentation: yaml-cpp points at line 2, column 2.
  CHECK_THAT(ErrorOf("server:\n\tname: x\n"), Contains("config/x.yaml:2:6: invalid YAML"));
  CHECK_THAT(ErrorOf("server:\n\tname: x\n"), Contains("never tabs"));
  CHECK_THAT(ErrorOf("a: 1\n b: 2\n"), Contains("config/x.yaml:2:"));
}

TEST_CASE("Config: more than one YAML document is refused", "[config]") {
  CHECK_THAT(ErrorOf("server: {name: a}\n---\nplugins: []\n"),
             Contains("config/x.yaml:2: more than one YAML document"));
}

// A config whose lines all start with a key, a space or a comment is parsed
// in one pass; anything that could end its root mapping early (a marker, a
// directive, a mapping indented under an anchor or a tag, or a root mapping
// not at column 0) must still be found to hold a second document.
TEST_CASE("Config: a second document is found whatever ends the first", "[config]") {
  const char* const texts[][2] = {
      {"server: {name: a}\n...\nplugins: []\n", "config/x.yaml:3: more than one YAML document"},
      {"server: {name: a}\n%YAML 1.2\n---\nplugins: []\n", "config/x.yaml:3: more than one YAML document"},
      {"server: {name: a}\n--- \nplugins: []\n", "config/x.yaml:2: more than one YAML document"},
      {"server: {name: a}\r\n---\r\nplugins: []\r\n", "config/x.yaml:2: more than one YAML document"},
      {"&a\n  server: {name: a}\nplugins: []\n", "config/x.yaml:3: more than one YAML document"},
      {"!!map\n  server: {name: a}\nplugins: []\n", "config/x.yaml:3: more than one YAML document"},
      {"  server: {name: a}\nplugins: []\n", "config/x.yaml:2: more than one YAML document"},
      {"server:\n  name: a\n]\n", "config/x.yaml:3:1: invalid YAML: illegal flow end"},
  };
  for (const auto& [text, error] : texts) {
    INFO(text);
    CHECK_THAT(ErrorOf(text), Contains(error));
  }
  // One document, read in one pass: the values are all there.
  auto quoted = ParseConfig("# c\n\"server\": {name: q}\nplugins: []\n", "config/x.yaml");
  REQUIRE(quoted.ok());
  CHECK(quoted->server.name == "q");
  auto multiline = ParseConfig("server:\n  instructions: \"a\n# b\"\n", "config/x.yaml");
  REQUIRE(multiline.ok());
  CHECK(multiline->server.instructions == "a # b");
  auto empty = ParseConfig("# nothing but a comment\n", "config/x.yaml");
  REQUIRE(empty.ok());
  CHECK(empty->server.name == "mcphost");
}

TEST_CASE("Config: several problems are reported together", "[config]") {
  const std::string e = ErrorOf("server:\n  page_size: 0\n  workers: lots\nplugins:\n  - name: a\n    enabld: true\n");
  CHECK_THAT(e, Contains("config/x.yaml:2: server.page_size"));
  CHECK_THAT(e, Contains("config/x.yaml:3: server.workers"));
  CHECK_THAT(e, Contains("config/x.yaml:6: plugins[0].enabld: unknown key (did you mean \"enabled\"?)"));
}

TEST_CASE("Config: LoadConfigFile refuses a missing file or a folder", "[config]") {
  TempDir dir;
  const std::string missing = (dir.path() / "nope.yaml").string();
  auto r = LoadConfigFile(missing);
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error(), Contains(missing + ": cannot open the config file"));
  auto d = LoadConfigFile(dir.path().string());
  REQUIRE_FALSE(d.ok());
  CHECK_THAT(d.error(), Contains("is a folder"));
}

TEST_CASE("Config: a file's errors name the file as given", "[config]") {
  TempDir dir;
  const std::string cfg = dir.Write("bad.yaml", "# comment\n\nserver:\n  transport: tcp\n");
  auto r = LoadConfigFile(cfg);
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error(), Contains(cfg + ":4: server.transport: expected one of stdio, http, got \"tcp\""));
}

// --------------------------------------------------------------------------
// YamlToJson

TEST_CASE("YamlToJson: core-schema typing of plain scalars", "[config][json]") {
  CHECK(Json("{a: true, b: False, c: TRUE, d: false}") == R"({"a":true,"b":false,"c":true,"d":false})");
  CHECK(Json("{a: null, b: ~, c: , d: Null}") == R"({"a":null,"b":null,"c":null,"d":null})");
  CHECK(Json("[0, 42, -7, +3, 007, 0x1F, 0o17, 12345678901234567890123]") ==
        "[0,42,-7,3,7,31,15,12345678901234567890123]");
  CHECK(Json("[1.5, -0.25, .5, -.5, 1., 1e3, 2.5E-3, +1.0e+2, 0.0]") ==
        "[1.5,-0.25,0.5,-0.5,1,1e3,2.5e-3,1.0e2,0.0]");
  // YAML 1.1 words and other near-misses stay strings.
  CHECK(Json("[yes, no, on, off, y, 1_000, 0b101, 1.2.3, -, .]") ==
        R"(["yes","no","on","off","y","1_000","0b101","1.2.3","-","."])");
}

TEST_CASE("YamlToJson: quoted scalars always stay strings", "[config][json]") {
  CHECK(Json(R"({a: "true", b: '12', c: "null", d: '', e: "1.5"})") ==
        R"({"a":"true","b":"12","c":"null","d":"","e":"1.5"})");
}

TEST_CASE("YamlToJson: core tags are honoured", "[config][json]") {
  CHECK(Json("{a: !!str 12, b: !!int \"5\", c: !!float 2, d: !!bool \"true\"}") == R"({"a":"12","b":5,"c":2,"d":true})");
  CHECK_THAT(JsonError("a: !!int abc\n"), Contains("t.yaml:1: a: \"abc\" is not a valid integer"));
  CHECK_THAT(JsonError("a: !custom x\n"), Contains("t.yaml:1: a: unsupported tag \"!custom\""));
}

TEST_CASE("YamlToJson: nested mappings and lists, escaping", "[config][json]") {
  const std::string yaml = R"(server:
  hosts:
    - {name: a, ports: [80, 443]}
    - name: "b \"q\""
      tags: []
      meta: {}
text: "line1\nline2\ttab \\ back"
unicode: "héllo ✓"
)";
  CHECK(Json(yaml) ==
        R"({"server":{"hosts":[{"name":"a","ports":[80,443]},{"name":"b \"q\"","tags":[],"meta":{}}]},)"
        R"("text":"line1\nline2\ttab \\ back","unicode":"héllo ✓"})");
  CHECK(Json("\"\\x01\"") == R"("\u0001")");
  CHECK(Json("hello") == R"("hello")");
  CHECK(Json("") == "null");
}

TEST_CASE("YamlToJson: ${ENV} expansion", "[config][json]") {
  ::setenv("MCPH_TEST_HOME", "/home/tester", 1);
  ::setenv("MCPH_TEST_PORT", "8080", 1);
  ::setenv("MCPH_TEST_EMPTY", "", 1);
  ::setenv("MCPH_TEST_QUOTE", "say \"hi\"", 1);
  ::unsetenv("MCPH_TEST_MISSING");

  CHECK(Json("root: ${MCPH_TEST_HOME}/data") == R"({"root":"/home/tester/data"})");
  CHECK(Json("url: \"http://h${MCPH_TEST_HOME}:${MCPH_TEST_PORT}\"") == R"({"url":"http://h/home/tester:8080"})");
  CHECK(Json("e: \"[${MCPH_TEST_EMPTY}]\"") == R"({"e":"[]"})");
  CHECK(Json("q: ${MCPH_TEST_QUOTE}") == R"({"q":"say \"hi\""})");
  // An expanded value keeps the type of the text as written: a string.
  CHECK(Json("port: ${MCPH_TEST_PORT}") == R"({"port":"8080"})");
  // $${X} is a literal ${X}; a lone $ is just a $.
  CHECK(Json("lit: $${MCPH_TEST_MISSING}") == R"({"lit":"${MCPH_TEST_MISSING}"})");
  CHECK(Json("cost: 5$ and $HOME") == R"({"cost":"5$ and $HOME"})");
  // Keys are not expanded.
  CHECK(Json("${MCPH_TEST_PORT}: x") == R"({"${MCPH_TEST_PORT}":"x"})");

  const std::string missing = JsonError("a:\n  b:\n    - ok\n    - ${MCPH_TEST_MISSING}\n");
  CHECK_THAT(missing, Contains("t.yaml:4: a.b[1]: environment variable MCPH_TEST_MISSING is not set"));
  CHECK_THAT(missing, Contains("$${MCPH_TEST_MISSING}"));
  CHECK_THAT(JsonError("a: ${MCPH_TEST_HOME"), Contains("t.yaml:1: a: unterminated \"${\""));
  CHECK_THAT(JsonError("a: ${1BAD}"), Contains("t.yaml:1: a: \"${1BAD}\" is not a valid environment variable reference"));
  CHECK_THAT(JsonError("a: ${}"), Contains("is not a valid environment variable reference"));
}

TEST_CASE("YamlToJson: key_path prefixes messages", "[config][json]") {
  ::unsetenv("MCPH_TEST_MISSING");
  auto r = YamlToJson(YAML::Load("x: ${MCPH_TEST_MISSING}"), "f.yaml", "plugins[2].config");
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error(), Contains("f.yaml:1: plugins[2].config.x: environment variable MCPH_TEST_MISSING"));
}

TEST_CASE("YamlToJson: refuses what JSON cannot carry", "[config][json]") {
  CHECK_THAT(JsonError("a: .inf"), Contains("t.yaml:1: a: JSON has no infinity or NaN"));
  CHECK_THAT(JsonError("a: -.Inf"), Contains("JSON has no infinity or NaN"));
  CHECK_THAT(JsonError("a: .nan"), Contains("JSON has no infinity or NaN"));
  CHECK_THAT(JsonError("a: 0xFFFFFFFFFFFFFFFFFF"), Contains("does not fit in 64 bits"));
  CHECK_THAT(JsonError("a: 1\nb: 2\na: 3\n"), Contains("t.yaml:3: a: duplicate key (first at line 1)"));
  CHECK_THAT(JsonError("? [a, b]\n: 1\n"), Contains("a key must be a plain string"));
  CHECK_THAT(JsonError("a: \"\xff\xfe\"\n"), Contains("not valid UTF-8"));  // raw bytes, not a YAML escape
}

TEST_CASE("YamlToJson: self-referencing aliases are an error, not a crash", "[config][json]") {
  CHECK_THAT(JsonError("a: &x [1, *x]\n"), Contains("nested more than 64 levels"));
  // An alias "bomb" (each level repeats the previous one 10 times) is cut off.
  const std::string bomb = R"(a: &a [x, x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
)";
  CHECK_THAT(JsonError(bomb), Contains("more than 100000 values"));
  // Shared (non-cyclic) aliases are fine.
  CHECK(Json("base: &b {x: 1}\nuse: *b\n") == R"({"base":{"x":1},"use":{"x":1}})");
}

TEST_CASE("Config: server.http keys (guards, auth, sessions, limits)", "[config][http]") {
  ::setenv("MCPH_TEST_HTTP_TOKEN", "t0k3n", 1);
  auto r = ParseConfig(R"(server:
  transport: http
  http:
    listen: "[::1]:0"
    path: /mcp
    allowed_hosts: [mcp.example.com, "api.example.com:8443"]
    allowed_origins: ["https://app.example.com"]
    cors_origins: ["http://localhost:3000"]
    auth: {token_env: MCPH_TEST_HTTP_TOKEN}
    session_idle_seconds: 30
    max_sessions: 5
    legacy_stateless: true
    max_session_requests: 8
    header_timeout_ms: 500
    body_timeout_ms: 700
    idle_timeout_ms: 900
    max_header_bytes: 4096
    shutdown_grace_ms: 0
    threads: 3
)",
                       "/etc/mcphost/a.yaml");
  REQUIRE(r.ok());
  const auto& h = r.value().server.http;
  CHECK(h.listen == "[::1]:0");
  CHECK(h.allowed_hosts == std::vector<std::string>{"mcp.example.com", "api.example.com:8443"});
  CHECK(h.allowed_origins == std::vector<std::string>{"https://app.example.com"});
  CHECK(h.cors_origins == std::vector<std::string>{"http://localhost:3000"});
  CHECK(h.auth.token_env == "MCPH_TEST_HTTP_TOKEN");
  CHECK(h.auth.token_file.empty());
  CHECK(h.session_idle_seconds == 30);
  CHECK(h.max_sessions == 5);
  CHECK(h.legacy_stateless);
  CHECK(h.max_session_requests == 8);
  CHECK(h.header_timeout_ms == 500);
  CHECK(h.body_timeout_ms == 700);
  CHECK(h.idle_timeout_ms == 900);
  CHECK(h.max_header_bytes == 4096);
  CHECK(h.shutdown_grace_ms == 0);
  CHECK(h.threads == 3);

  mcph::HttpConfig defaults;
  CHECK(defaults.session_idle_seconds == 600);
  CHECK(defaults.max_sessions == 1000);
  CHECK_FALSE(defaults.legacy_stateless);
  CHECK(defaults.allowed_hosts.empty());
}

TEST_CASE("Config: server.http mistakes", "[config][http]") {
  using Catch::Matchers::Contains;
  CHECK_THAT(ErrorOf("server:\n  http:\n    allowed_origins: [\"app.example.com\"]\n"),
             Contains("config/x.yaml:3: server.http.allowed_origins: expected an origin like"));
  CHECK_THAT(ErrorOf("server:\n  http:\n    cors_origins: [\"https://a.example/path\"]\n"),
             Contains("server.http.cors_origins: expected an origin"));
  CHECK_THAT(ErrorOf("server:\n  http:\n    max_sessions: 0\n"), Contains("server.http.max_sessions: expected an integer from 1"));
  CHECK_THAT(ErrorOf("server:\n  http:\n    legacy_stateless: maybe\n"), Contains("server.http.legacy_stateless: expected true or false"));
  CHECK_THAT(ErrorOf("server:\n  http:\n    auth: {token: abc}\n"), Contains("server.http.auth.token: unknown key"));
  ::unsetenv("MCPH_TEST_HTTP_UNSET");
  CHECK_THAT(ErrorOf("server:\n  http:\n    auth: {token_env: MCPH_TEST_HTTP_UNSET}\n"),
             Contains("server.http.auth.token_env: environment variable MCPH_TEST_HTTP_UNSET is not set"));
  CHECK_THAT(ErrorOf("server:\n  http:\n    auth: {token_env: \"not a name\"}\n"),
             Contains("expected an environment variable name"));
  CHECK_THAT(ErrorOf("server:\n  http:\n    auth: {token_file: /nonexistent/tokens.txt}\n"),
             Contains("server.http.auth.token_file: token file not found: /nonexistent/tokens.txt"));
  CHECK_THAT(ErrorOf("server:\n  http:\n    max_sesions: 5\n"),
             Contains("unknown key (did you mean \"max_sessions\"?)"));
}

// --------------------------------------------------------------------------
// server.request_state and server.input_timeout_ms

TEST_CASE("Config: the requestState key comes from a file or an environment variable", "[config]") {
  TempDir dir;
  const std::string key(64, 'k');
  dir.Write("state.key", key + "\n");
  auto from_file = LoadConfigFile(dir.Write("a.yaml", "server:\n  request_state: {key_file: state.key, ttl_ms: 5000}\n"
                                                        "  input_timeout_ms: 2000\n"));
  REQUIRE(from_file.ok());
  CHECK(from_file.value().server.request_state_key == key);  // the newline is not part of it
  CHECK(from_file.value().server.request_state_ttl_ms == 5000);
  CHECK(from_file.value().server.input_timeout_ms == 2000);

  ::setenv("MCPH_TEST_STATE_KEY", key.c_str(), 1);
  auto from_env = ParseConfig("server:\n  request_state: {key_env: MCPH_TEST_STATE_KEY}\n", "x.yaml");
  REQUIRE(from_env.ok());
  CHECK(from_env.value().server.request_state_key == key);

  auto none = ParseConfig("server: {}\n", "x.yaml");
  REQUIRE(none.ok());
  CHECK(none.value().server.request_state_key.empty());  // a random key per process
  CHECK(none.value().server.request_state_ttl_ms == 600000);
  CHECK(none.value().server.input_timeout_ms == 300000);
}

TEST_CASE("Config: a short, missing or unset requestState key is refused", "[config]") {
  TempDir dir;
  dir.Write("short.key", "tooshort\n");
  auto short_file = LoadConfigFile(dir.Write("a.yaml", "server:\n  request_state: {key_file: short.key}\n"));
  REQUIRE_FALSE(short_file.ok());
  CHECK_THAT(short_file.error(), Contains("server.request_state.key_file") && Contains("at least 32"));
  auto missing = LoadConfigFile(dir.Write("b.yaml", "server:\n  request_state: {key_file: nope.key}\n"));
  REQUIRE_FALSE(missing.ok());
  CHECK_THAT(missing.error(), Contains("cannot read the key file"));
  ::unsetenv("MCPH_TEST_STATE_KEY_UNSET");
  CHECK_THAT(ErrorOf("server:\n  request_state: {key_env: MCPH_TEST_STATE_KEY_UNSET}\n"), Contains("is not set"));
  CHECK_THAT(ErrorOf("server:\n  request_state: {key_env: \"not a name\"}\n"), Contains("environment variable name"));
  CHECK_THAT(ErrorOf("server:\n  request_state: {key: abc}\n"), Contains("server.request_state"));
  CHECK_THAT(ErrorOf("server:\n  input_timeout_ms: 10\n"), Contains("server.input_timeout_ms"));
}

TEST_CASE("Config: deadlines and limits", "[config]") {
  auto r = ParseConfig(R"(server:
  max_result_bytes: 1048576
  max_in_flight: 8
plugins:
  - name: a
    timeout_ms: 1000
    tool_timeouts:
      "export_*": 120000
      ping: 0
    max_concurrency: 2
    log_rate: 2.5
  - name: b
)",
                       "a.yaml");
  REQUIRE(r.ok());
  const HostConfig& c = r.value();
  CHECK(c.server.max_result_bytes == 1048576);
  CHECK(c.server.max_in_flight == 8);
  const auto& a = c.plugins[0];
  REQUIRE(a.tool_timeouts.size() == 2);
  CHECK(a.tool_timeouts[0] == std::pair<std::string, int64_t>{"export_*", 120000});
  CHECK(a.tool_timeouts[1] == std::pair<std::string, int64_t>{"ping", 0});
  CHECK(a.max_concurrency == 2);
  CHECK(a.log_rate == 2.5);
  const auto& b = c.plugins[1];
  CHECK(b.tool_timeouts.empty());
  CHECK(b.max_concurrency == 0);
  CHECK(b.log_rate == 50);
  CHECK(ParseConfig("", "a.yaml").value().server.max_in_flight == 256);
  CHECK(ParseConfig("", "a.yaml").value().server.max_result_bytes == 64 * 1024 * 1024);

  CHECK_THAT(ErrorOf("plugins:\n  - name: a\n    tool_timeouts:\n      x: -1\n"),
             Contains("config/x.yaml:4: plugins[0].tool_timeouts.x: expected a non-negative integer"));
  CHECK_THAT(ErrorOf("plugins:\n  - name: a\n    tool_timeouts: [x]\n"),
             Contains("config/x.yaml:3: plugins[0].tool_timeouts: expected a mapping of tool name patterns to milliseconds"));
  CHECK_THAT(ErrorOf("plugins:\n  - name: a\n    log_rate: fast\n"),
             Contains("config/x.yaml:3: plugins[0].log_rate: expected log lines per second"));
  CHECK_THAT(ErrorOf("plugins:\n  - name: a\n    max_concurrency: -1\n"), Contains("plugins[0].max_concurrency"));
  CHECK_THAT(ErrorOf("server:\n  max_in_flight: 0\n"), Contains("config/x.yaml:2: server.max_in_flight: expected an integer from 1 to 100000"));
  CHECK_THAT(ErrorOf("server:\n  max_result_bytes: 10\n"), Contains("server.max_result_bytes"));
}

TEST_CASE("Config: isolation and the runner's process limits", "[config]") {
  auto r = ParseConfig(R"(
plugins:
  - name: a
    isolation: process
    process:
      address_space_mb: 512
      cpu_seconds: 60
      open_files: 128
      restart_initial_ms: 50
      restart_max_ms: 10
      kill_hung_after_ms: 0
  - name: b
    isolation: in_process
  - name: c
)",
                       "a.yaml");
  REQUIRE(r.ok());
  const auto& a = r.value().plugins[0].isolation;
  CHECK(a.enabled);
  CHECK(a.address_space_mb == 512);
  CHECK(a.cpu_seconds == 60);
  CHECK(a.open_files == 128);
  CHECK(a.restart_initial_ms == 50);
  CHECK(a.restart_max_ms == 50);  // never below the first delay
  CHECK(a.kill_hung_after_ms == 0);
  CHECK_FALSE(r.value().plugins[1].isolation.enabled);
  const auto& c = r.value().plugins[2].isolation;
  CHECK_FALSE(c.enabled);
  CHECK(c.restart_initial_ms == 200);
  CHECK(c.restart_max_ms == 30000);
  CHECK(c.kill_hung_after_ms == 5000);

  CHECK_THAT(ErrorOf("plugins:\n  - name: a\n    isolation: sandbox\n"),
             Contains("config/x.yaml:3: plugins[0].isolation: expected in_process") && Contains("\"sandbox\""));
  CHECK_THAT(ErrorOf("plugins:\n  - name: a\n    process:\n      address_space: 5\n"),
             Contains("config/x.yaml:4: plugins[0].process") && Contains("address_space"));
  CHECK_THAT(ErrorOf("plugins:\n  - name: a\n    process:\n      open_files: -3\n"),
             Contains("config/x.yaml:4: plugins[0].process.open_files"));
}

TEST_CASE("Config: a stream yaml-cpp's LoadAll never finishes is refused", "[config]") {
  // Found by tests/fuzz/fuzz_config: a directive, a stray comma, NUL and
  // invalid UTF-8. The loader must answer (with an error), not loop.
  const std::string text("%.\n,sevv\0\x02\xc5Rfg\xff\xff\xff\xff\xff\xff\xff\xffo", 23);
  auto r = ParseConfig(text, "config/x.yaml");
  CHECK_FALSE(r.ok());
  CHECK_THAT(r.error(), Contains("config/x.yaml"));
}
