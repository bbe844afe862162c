// catalog_test.cpp - Catalog::Build's merge rules, with instances made from
// the real plugin files (the same file can be instantiated more than once).
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "temp_dir.h"
#include "util/json.h"

namespace fs = std::filesystem;
using test_support::TempDir;
using mcph::Catalog;
using mcph::PluginConfig;
using mcph::PluginInstance;
using mcph::PluginLibrary;

namespace {

const std::string kEcho = std::string(MCPHOST_TEST_PLUGIN_DIR) + "/libmcphost_echo.so";
const std::string kMisbehaving = std::string(MCPHOST_TEST_FIXTURE_DIR) + "/libmisbehaving.so";
const std::string kCppHelper = std::string(MCPHOST_TEST_FIXTURE_DIR) + "/libcpp_helper.so";

using Plugins = std::vector<std::shared_ptr<PluginInstance>>;

// alias == nullptr: no alias configured (the plugin's name is used).
std::shared_ptr<PluginInstance> Make(const std::string& path, const char* alias,
                                     std::vector<std::string> allow = {}, std::vector<std::string> deny = {}) {
  auto lib = PluginLibrary::Open(path);
  INFO(path << ": " << (lib.ok() ? std::string() : lib.error()));
  REQUIRE(lib.ok());
  PluginConfig pc;
  pc.path = path;
  pc.resolved_path = path;
  if (alias) {
    pc.has_alias = true;
    pc.alias = alias;
  }
  pc.tools.allow = std::move(allow);
  pc.tools.deny = std::move(deny);
  auto inst = PluginInstance::Create(lib.value(), pc, nullptr);
  REQUIRE(inst.ok());
  REQUIRE(inst.value()->Register().ok());
  return inst.value();
}

std::shared_ptr<const Catalog> BuildOk(const Plugins& plugins, const Catalog::Options& opts = {}) {
  auto c = Catalog::Build(plugins, opts);
  INFO((c.ok() ? std::string() : c.error()));
  REQUIRE(c.ok());
  return c.value();
}

std::string BuildError(const Plugins& plugins, const Catalog::Options& opts = {}) {
  auto c = Catalog::Build(plugins, opts);
  REQUIRE_FALSE(c.ok());
  return c.error();
}

std::vector<std::string> ToolNames(const Catalog& c) {
  std::vector<std::string> out;
  for (const auto& t : c.tools()) out.push_back(t.exposed_name);
  return out;
}

bool HasTool(const Catalog& c, const std::string& name) { return c.FindTool(name) != nullptr; }

}  // namespace

TEST_CASE("Catalog merges plugins under alias + separator + name", "[catalog]") {
  auto echo = Make(kEcho, nullptr);       // default alias: the plugin's name
  auto calc = Make(kCppHelper, "calc");
  auto c = BuildOk({echo, calc});
  CHECK(ToolNames(*c) == std::vector<std::string>{"echo__echo", "calc__add", "calc__fail", "calc__roots", "calc__sign_in", "mcphost__read_resource"});

  const auto* t = c->FindTool("calc__add");
  REQUIRE(t != nullptr);
  CHECK(t->plugin == calc);
  REQUIRE(t->def != nullptr);
  CHECK(t->def->name == "add");
  CHECK(t->builtin == mcph::BuiltinKind::kNone);
  rapidjson::Document d;
  REQUIRE(mcph::ParseJson(t->listing_json, d).ok());
  CHECK(std::string(d["name"].GetString()) == "calc__add");
  CHECK(std::string(d["title"].GetString()) == "Add");
  CHECK(d["inputSchema"].IsObject());
  CHECK(d["outputSchema"].IsObject());
  CHECK(d["annotations"]["readOnlyHint"].GetBool());

  CHECK(c->FindTool("add") == nullptr);
  CHECK(c->FindTool("echo") == nullptr);
  CHECK(c->FindTool("") == nullptr);
}

TEST_CASE("Catalog: a configurable separator and the \"\" alias", "[catalog]") {
  Catalog::Options opts;
  opts.separator = ".";
  auto c = BuildOk({Make(kEcho, ""), Make(kCppHelper, "calc")}, opts);
  CHECK(HasTool(*c, "echo"));
  CHECK(HasTool(*c, "calc.add"));
  CHECK(HasTool(*c, "calc.fail"));
  CHECK(HasTool(*c, "mcphost.read_resource"));
  CHECK_FALSE(HasTool(*c, "calc__add"));
}

TEST_CASE("Catalog: the same plugin file instantiated twice under different aliases", "[catalog]") {
  auto a = Make(kEcho, "a");
  auto b = Make(kEcho, "b");
  auto c = BuildOk({a, b});
  REQUIRE(c->FindTool("a__echo") != nullptr);
  REQUIRE(c->FindTool("b__echo") != nullptr);
  CHECK(c->FindTool("a__echo")->plugin == a);
  CHECK(c->FindTool("b__echo")->plugin == b);
  CHECK(c->plugins().size() == 2);
}

TEST_CASE("Catalog: an exposed name over the length limit is an error naming the plugin", "[catalog]") {
  const std::string alias58(58, 'a');  // 58 + "__" + "echo" = 64: just fits
  CHECK(HasTool(*BuildOk({Make(kEcho, alias58.c_str())}), alias58 + "__echo"));

  const std::string alias59(59, 'a');
  std::string e = BuildError({Make(kEcho, alias59.c_str())});
  CHECK_THAT(e, Catch::Contains(alias59 + "__echo"));
  CHECK_THAT(e, Catch::Contains("65"));
  CHECK_THAT(e, Catch::Contains("64"));
  CHECK_THAT(e, Catch::Contains("echo (" + kEcho + ")"));

  Catalog::Options opts;
  opts.max_name_length = 8;
  std::string e2 = BuildError({Make(kMisbehaving, "")}, opts);  // "bad_json_result" is 15
  CHECK_THAT(e2, Catch::Contains("misbehaving (" + kMisbehaving + ")"));
  CHECK_THAT(e2, Catch::Contains("over the limit of 8"));
}

TEST_CASE("Catalog: a name collision names both plugins", "[catalog]") {
  TempDir dir;
  const std::string copy = (dir.path() / "libecho_copy.so").string();
  fs::copy_file(kEcho, copy);
  std::string e = BuildError({Make(kEcho, "x"), Make(copy, "x")});
  CHECK_THAT(e, Catch::Contains("x__echo"));
  CHECK_THAT(e, Catch::Contains(kEcho));
  CHECK_THAT(e, Catch::Contains(copy));
  CHECK_THAT(e, Catch::Contains("collides"));
}

TEST_CASE("Catalog: a collision between two copies of the misbehaving plugin names both files", "[catalog]") {
  TempDir dir;
  const std::string copy = (dir.path() / "libmisbehaving_copy.so").string();
  fs::copy_file(kMisbehaving, copy);
  // Same alias: the tools collide first; the message still names both files.
  std::string e = BuildError({Make(kMisbehaving, "m"), Make(copy, "m")});
  CHECK_THAT(e, Catch::Contains(kMisbehaving));
  CHECK_THAT(e, Catch::Contains(copy));
}

TEST_CASE("Catalog: the mcphost prefix is reserved for the host", "[catalog]") {
  std::string e = BuildError({Make(kEcho, "mcphost")});
  CHECK_THAT(e, Catch::Contains("mcphost__echo"));
  CHECK_THAT(e, Catch::Contains("reserved"));
  CHECK_THAT(e, Catch::Contains(kEcho));

  Catalog::Options opts;
  opts.separator = "-";
  std::string e2 = BuildError({Make(kEcho, "mcphost")}, opts);
  CHECK_THAT(e2, Catch::Contains("mcphost-echo"));

  // The same alias with a different separator in the name is not the prefix.
  CHECK(HasTool(*BuildOk({Make(kEcho, "mcphostx")}), "mcphostx__echo"));
}

TEST_CASE("Catalog: duplicate resource URIs across plugins are refused", "[catalog]") {
  // Resource URIs are not prefixed, so two instances of the misbehaving
  // plugin both register test://misbehaving/readme.
  std::string e = BuildError({Make(kMisbehaving, "a"), Make(kMisbehaving, "b")});
  CHECK_THAT(e, Catch::Contains("test://misbehaving/readme"));
  CHECK_THAT(e, Catch::Contains("misbehaving ("));
}

TEST_CASE("Catalog: allow and deny globs hide tools", "[catalog]") {
  SECTION("allow") {
    auto c = BuildOk({Make(kMisbehaving, "m", {"bad_*", "slow"})});
    CHECK(ToolNames(*c) == std::vector<std::string>{"m__bad_json_result", "m__bad_output", "m__slow",
                                                    "mcphost__read_resource"});
  }
  SECTION("deny") {
    auto c = BuildOk({Make(kMisbehaving, "m", {}, {"bad_*", "?hrows"})});
    CHECK_FALSE(HasTool(*c, "m__bad_json_result"));
    CHECK_FALSE(HasTool(*c, "m__bad_output"));
    CHECK_FALSE(HasTool(*c, "m__throws"));
    CHECK(HasTool(*c, "m__slow"));
    CHECK(HasTool(*c, "m__log"));
  }
  SECTION("deny wins over allow") {
    auto c = BuildOk({Make(kCppHelper, "calc", {"*"}, {"fail"})});
    CHECK(HasTool(*c, "calc__add"));
    CHECK_FALSE(HasTool(*c, "calc__fail"));
  }
  SECTION("hidden tools are not in the capabilities resource either") {
    auto c = BuildOk({Make(kCppHelper, "calc", {}, {"fail"})});
    CHECK(c->capabilities_json().find("calc__fail") == std::string::npos);
    CHECK(c->capabilities_json().find("calc__add") != std::string::npos);
  }
  SECTION("a hidden tool cannot collide") {
    TempDir dir;
    const std::string copy = (dir.path() / "libecho_copy2.so").string();
    fs::copy_file(kEcho, copy);
    auto c = BuildOk({Make(kEcho, "x"), Make(copy, "x", {}, {"echo"})});
    REQUIRE(c->FindTool("x__echo") != nullptr);
    CHECK(c->FindTool("x__echo")->plugin->library().path() == kEcho);
  }
}

TEST_CASE("Catalog: host builtins are present", "[catalog]") {
  auto c = BuildOk({Make(kEcho, "")});
  const auto* status = c->FindResource(mcph::kStatusUri);
  REQUIRE(status != nullptr);
  CHECK(status->builtin == mcph::BuiltinKind::kStatusResource);
  CHECK(status->mime_type == "application/json");
  const auto* caps = c->FindResource(mcph::kCapabilitiesUri);
  REQUIRE(caps != nullptr);
  CHECK(caps->builtin == mcph::BuiltinKind::kCapabilitiesResource);
  const auto* rr = c->FindTool("mcphost__read_resource");
  REQUIRE(rr != nullptr);
  CHECK(rr->builtin == mcph::BuiltinKind::kReadResourceTool);
  CHECK(rr->plugin == nullptr);
  rapidjson::Document d;
  REQUIRE(mcph::ParseJson(rr->listing_json, d).ok());
  CHECK(std::string(d["inputSchema"]["required"][0].GetString()) == "uri");
  CHECK(std::string(d["description"].GetString()).find("mcphost://status") != std::string::npos);

  // The capabilities document lists the plugin and the merged entries.
  rapidjson::Document cj;
  REQUIRE(mcph::ParseJson(c->capabilities_json(), cj).ok());
  REQUIRE(cj["plugins"].Size() == 1);
  CHECK(std::string(cj["plugins"][0]["name"].GetString()) == "echo");
  CHECK(std::string(cj["plugins"][0]["alias"].GetString()) == "");
  CHECK(std::string(cj["plugins"][0]["tools"][0].GetString()) == "echo");
  CHECK(cj["tools"].Size() == 2);
  CHECK(cj["resources"].Size() == 2);

  // No plugins at all: the host's own capabilities still stand.
  auto empty = BuildOk({});
  CHECK(empty->resources().size() == 2);
  CHECK(ToolNames(*empty) == std::vector<std::string>{"mcphost__read_resource"});
}

TEST_CASE("Catalog: resource_tools off removes mcphost__read_resource", "[catalog]") {
  Catalog::Options opts;
  opts.resource_tools = false;
  auto c = BuildOk({Make(kEcho, "")}, opts);
  CHECK(ToolNames(*c) == std::vector<std::string>{"echo"});
  CHECK(c->FindTool("mcphost__read_resource") == nullptr);
  CHECK(c->FindResource(mcph::kStatusUri) != nullptr);  // resources stay
}

TEST_CASE("Catalog: host_capabilities off leaves only the plugins' capabilities", "[catalog]") {
  Catalog::Options opts;
  opts.host_capabilities = false;
  auto c = BuildOk({Make(kEcho, "")}, opts);
  CHECK(ToolNames(*c) == std::vector<std::string>{"echo"});
  CHECK(c->FindResource(mcph::kStatusUri) == nullptr);
  CHECK(c->resources().empty());
}

TEST_CASE("Catalog: resources, templates, prompts and lookups", "[catalog]") {
  auto m = Make(kMisbehaving, "m");
  auto c = BuildOk({m});
  const auto* readme = c->FindResource("test://misbehaving/readme");
  REQUIRE(readme != nullptr);
  CHECK(readme->plugin == m);
  CHECK(readme->mime_type == "text/plain");
  CHECK(c->FindResource("test://misbehaving/nope") == nullptr);

  REQUIRE(c->templates().size() == 1);
  std::string vars;
  const auto* t = c->MatchTemplate("test://misbehaving/items/42", vars);
  REQUIRE(t != nullptr);
  CHECK(t->plugin == m);
  CHECK(vars == R"({"id":"42"})");
  CHECK(c->MatchTemplate("test://misbehaving/items/4/2", vars) == nullptr);
  CHECK(c->MatchTemplate("test://misbehaving/readme", vars) == nullptr);
  REQUIRE(c->MatchTemplate("test://misbehaving/items/a%22b", vars) != nullptr);
  CHECK(vars == R"({"id":"a\"b"})");

  // Prompts are prefixed like tools.
  REQUIRE(c->FindPrompt("m__greet") != nullptr);
  CHECK(c->FindPrompt("greet") == nullptr);
  rapidjson::Document d;
  REQUIRE(mcph::ParseJson(c->FindPrompt("m__greet")->listing_json, d).ok());
  CHECK(std::string(d["name"].GetString()) == "m__greet");
  CHECK(std::string(d["arguments"][0]["name"].GetString()) == "who");

  // Resource URIs are never rewritten by the alias.
  rapidjson::Document r;
  REQUIRE(mcph::ParseJson(readme->listing_json, r).ok());
  CHECK(std::string(r["uri"].GetString()) == "test://misbehaving/readme");
  CHECK_FALSE(r.HasMember("size"));  // -1: unknown
}

TEST_CASE("Catalog: template variables handed to plugins are valid JSON", "[catalog]") {
  // %FF decodes to a byte that is not UTF-8; the variables object must not
  // carry it on (invalid UTF-8 is refused, not passed on).
  auto c = BuildOk({Make(kMisbehaving, "m")});
  std::string vars;
  if (c->MatchTemplate("test://misbehaving/items/%FF", vars) != nullptr) {
    INFO(vars);
    CHECK(mcph::IsValidJson(vars));
  }
}

TEST_CASE("Catalog: instructions are the operator's, then the plugins'", "[catalog]") {
  Catalog::Options opts;
  opts.instructions = "Operator note.";
  auto c = BuildOk({Make(kEcho, "")}, opts);
  CHECK(c->instructions() == "Operator note.");
}

TEST_CASE("Catalog: a snapshot keeps its definitions alive after re-registration", "[catalog]") {
  auto m = Make(kMisbehaving, "m");
  auto c = BuildOk({m});
  const mcph::ToolDef* before = c->FindTool("m__slow")->def;
  REQUIRE(m->Register().ok());  // a new capabilities snapshot
  CHECK(c->FindTool("m__slow")->def == before);
  CHECK(before->name == "slow");
}
