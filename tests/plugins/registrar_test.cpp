// registrar_test.cpp - the host side of mcpp_registrar: every descriptor is
// validated and copied; a refused entry leaves the rest registered.
#include <catch2/catch.hpp>

#include <cstring>
#include <string>

#include "plugins/plugin_instance.h"
#include "plugins/plugin_library.h"
#include "plugins/registrar.h"

using mcph::IsValidToolName;
using mcph::PluginCapabilities;
using mcph::Registrar;

namespace {

int32_t MCPP_CALL NopTool(void*, const mcpp_call*, mcpp_str, const mcpp_result*) { return MCPP_OK; }
int32_t MCPP_CALL NopPrompt(void*, const mcpp_call*, mcpp_str, const mcpp_result*) { return MCPP_OK; }
int32_t MCPP_CALL NopRead(void*, const mcpp_call*, const char*, mcpp_str, const mcpp_result*) { return MCPP_OK; }

mcpp_tool_desc Tool(const char* name, const char* schema = R"({"type":"object"})") {
  mcpp_tool_desc t;
  std::memset(&t, 0, sizeof t);
  t.struct_size = sizeof t;
  t.name = name;
  t.description = "a test tool";
  t.input_schema_json = schema;
  t.call = NopTool;
  return t;
}

mcpp_resource_desc Resource(const char* uri, const char* name = "res") {
  mcpp_resource_desc r;
  std::memset(&r, 0, sizeof r);
  r.struct_size = sizeof r;
  r.uri = uri;
  r.name = name;
  r.size = -1;
  r.read = NopRead;
  return r;
}

mcpp_resource_template_desc Template(const char* uri_template, const char* name = "tmpl") {
  mcpp_resource_template_desc t;
  std::memset(&t, 0, sizeof t);
  t.struct_size = sizeof t;
  t.uri_template = uri_template;
  t.name = name;
  t.read = NopRead;
  return t;
}

mcpp_prompt_desc Prompt(const char* name, const char* args_json = nullptr) {
  mcpp_prompt_desc p;
  std::memset(&p, 0, sizeof p);
  p.struct_size = sizeof p;
  p.name = name;
  p.arguments_json = args_json;
  p.get = NopPrompt;
  return p;
}

std::string LastError(const Registrar& reg) { return reg.table()->last_error(reg.table()); }

}  // namespace

TEST_CASE("IsValidToolName follows the 2025-11-25 rule", "[plugins]") {
  CHECK(IsValidToolName("echo"));
  CHECK(IsValidToolName("A-Z_a.z-0_9"));
  CHECK(IsValidToolName(std::string(128, 'x')));
  CHECK_FALSE(IsValidToolName(std::string(129, 'x')));
  CHECK_FALSE(IsValidToolName(""));
  CHECK_FALSE(IsValidToolName("bad name"));
  CHECK_FALSE(IsValidToolName("bad/name"));
  CHECK_FALSE(IsValidToolName("bad!"));
  CHECK_FALSE(IsValidToolName("caf\xC3\xA9"));
}

TEST_CASE("Registrar copies a valid tool with every optional field", "[plugins]") {
  Registrar reg("test (x.so)");
  std::string name = "full_tool";  // freed after the call: the registrar must copy
  std::string schema = R"({"type":"object","properties":{"a":{"type":"integer"}}})";
  mcpp_tool_desc t = Tool(name.c_str(), schema.c_str());
  t.title = "Full";
  t.output_schema_json = R"({"type":"object"})";
  t.annotations_json = R"({"readOnlyHint":true})";
  t.icons_json = R"([{"src":"https://x/i.png"}])";
  t.meta_json = R"({"k":"v"})";
  t.execution_json = R"({"taskSupport":"optional"})";
  t.flags = MCPP_TOOL_SERIAL;
  int marker = 0;
  t.user_data = &marker;
  REQUIRE(reg.table()->add_tool(reg.table(), &t) == MCPP_OK);
  name.assign("overwritten");
  schema.assign("garbage");

  PluginCapabilities caps = reg.TakeCapabilities();
  REQUIRE(caps.tools.size() == 1);
  const auto& d = caps.tools[0];
  CHECK(d.name == "full_tool");
  CHECK(d.title == "Full");
  CHECK(d.description == "a test tool");
  CHECK(d.input_schema_json == R"({"type":"object","properties":{"a":{"type":"integer"}}})");
  CHECK(d.output_schema_json == R"({"type":"object"})");
  CHECK(d.annotations_json == R"({"readOnlyHint":true})");
  CHECK(d.icons_json == R"([{"src":"https://x/i.png"}])");
  CHECK(d.meta_json == R"({"k":"v"})");
  CHECK(d.execution_json == R"({"taskSupport":"optional"})");
  CHECK(d.flags == MCPP_TOOL_SERIAL);
  CHECK(d.call == NopTool);
  CHECK(d.user_data == &marker);
  CHECK(d.input_schema != nullptr);
  CHECK(d.output_schema != nullptr);
  CHECK(reg.rejections().empty());
}

TEST_CASE("Registrar refuses invalid tool names", "[plugins]") {
  Registrar reg("test");
  std::string long_name(129, 'n');
  for (const char* bad : {"bad name!", "", "with space", "slash/name", long_name.c_str()}) {
    mcpp_tool_desc t = Tool(bad);
    INFO("name: '" << bad << "'");
    CHECK(reg.AddTool(&t) == MCPP_ERR_INVALID_ARGUMENT);
    CHECK_THAT(LastError(reg), Catch::Contains("invalid name"));
  }
  mcpp_tool_desc null_name = Tool(nullptr);
  CHECK(reg.AddTool(&null_name) == MCPP_ERR_INVALID_ARGUMENT);
  CHECK(reg.rejections().size() == 6);
  CHECK(reg.TakeCapabilities().tools.empty());
}

TEST_CASE("Registrar refuses tool schemas that are not JSON object schemas", "[plugins]") {
  Registrar reg("test");
  SECTION("input schema is not JSON") {
    mcpp_tool_desc t = Tool("t", R"({"type": "object")");
    CHECK(reg.AddTool(&t) == MCPP_ERR_INVALID_JSON);
    CHECK_THAT(LastError(reg), Catch::Contains("input_schema_json") && Catch::Contains("not valid JSON"));
  }
  SECTION("input schema is a JSON array") {
    mcpp_tool_desc t = Tool("t", "[]");
    CHECK(reg.AddTool(&t) == MCPP_ERR_INVALID_JSON);
    CHECK_THAT(LastError(reg), Catch::Contains("input_schema_json"));
  }
  SECTION("input schema is not an object schema") {
    mcpp_tool_desc t = Tool("t", R"({"type":"string"})");
    CHECK(reg.AddTool(&t) == MCPP_ERR_INVALID_JSON);
    CHECK_THAT(LastError(reg), Catch::Contains("object schema"));
  }
  SECTION("input schema without a type") {
    mcpp_tool_desc t = Tool("t", R"({"properties":{}})");
    CHECK(reg.AddTool(&t) == MCPP_ERR_INVALID_JSON);
  }
  SECTION("output schema is not JSON") {
    mcpp_tool_desc t = Tool("t");
    t.output_schema_json = "{oops";
    CHECK(reg.AddTool(&t) == MCPP_ERR_INVALID_JSON);
    CHECK_THAT(LastError(reg), Catch::Contains("output_schema_json"));
  }
  SECTION("output schema is not an object") {
    mcpp_tool_desc t = Tool("t");
    t.output_schema_json = "true";
    CHECK(reg.AddTool(&t) == MCPP_ERR_INVALID_JSON);
  }
  SECTION("annotations are not an object") {
    mcpp_tool_desc t = Tool("t");
    t.annotations_json = "[]";
    CHECK(reg.AddTool(&t) == MCPP_ERR_INVALID_JSON);
    CHECK_THAT(LastError(reg), Catch::Contains("annotations_json"));
  }
  SECTION("icons are not an array") {
    mcpp_tool_desc t = Tool("t");
    t.icons_json = "{}";
    CHECK(reg.AddTool(&t) == MCPP_ERR_INVALID_JSON);
    CHECK_THAT(LastError(reg), Catch::Contains("icons_json"));
  }
  SECTION("meta is invalid UTF-8") {
    mcpp_tool_desc t = Tool("t");
    t.meta_json = "{\"k\":\"\xFF\"}";
    CHECK(reg.AddTool(&t) == MCPP_ERR_INVALID_JSON);
  }
  SECTION("execution is not JSON") {
    mcpp_tool_desc t = Tool("t");
    t.execution_json = "nope";
    CHECK(reg.AddTool(&t) == MCPP_ERR_INVALID_JSON);
  }
  CHECK(reg.rejections().size() == 1);
  CHECK(reg.TakeCapabilities().tools.empty());
}

TEST_CASE("Registrar refuses a tool without a call function", "[plugins]") {
  Registrar reg("test");
  mcpp_tool_desc t = Tool("t");
  t.call = nullptr;
  CHECK(reg.AddTool(&t) == MCPP_ERR_INVALID_ARGUMENT);
  CHECK_THAT(LastError(reg), Catch::Contains("call"));
}

TEST_CASE("Registrar refuses duplicate names and keeps the first", "[plugins]") {
  Registrar reg("test");
  mcpp_tool_desc a = Tool("same");
  a.description = "first";
  mcpp_tool_desc b = Tool("same");
  b.description = "second";
  CHECK(reg.AddTool(&a) == MCPP_OK);
  CHECK(reg.AddTool(&b) == MCPP_ERR_ALREADY_EXISTS);
  CHECK_THAT(LastError(reg), Catch::Contains("same") && Catch::Contains("twice"));

  mcpp_resource_desc r1 = Resource("test://a"), r2 = Resource("test://a", "other");
  CHECK(reg.AddResource(&r1) == MCPP_OK);
  CHECK(reg.AddResource(&r2) == MCPP_ERR_ALREADY_EXISTS);

  mcpp_resource_template_desc t1 = Template("test://t/{id}"), t2 = Template("test://t/{id}");
  CHECK(reg.AddResourceTemplate(&t1) == MCPP_OK);
  CHECK(reg.AddResourceTemplate(&t2) == MCPP_ERR_ALREADY_EXISTS);

  mcpp_prompt_desc p1 = Prompt("p"), p2 = Prompt("p");
  CHECK(reg.AddPrompt(&p1) == MCPP_OK);
  CHECK(reg.AddPrompt(&p2) == MCPP_ERR_ALREADY_EXISTS);

  CHECK(reg.rejections().size() == 4);
  PluginCapabilities caps = reg.TakeCapabilities();
  REQUIRE(caps.tools.size() == 1);
  CHECK(caps.tools[0].description == "first");
  CHECK(caps.resources.size() == 1);
  CHECK(caps.templates.size() == 1);
  CHECK(caps.prompts.size() == 1);
}

TEST_CASE("Registrar refuses descriptors whose struct_size is too small, and NULL", "[plugins]") {
  Registrar reg("test");
  mcpp_tool_desc t = Tool("t");
  t.struct_size = offsetof(mcpp_tool_desc, call);  // lacks call and user_data
  CHECK(reg.AddTool(&t) == MCPP_ERR_INVALID_ARGUMENT);
  CHECK_THAT(LastError(reg), Catch::Contains("struct_size"));
  CHECK(reg.AddTool(nullptr) == MCPP_ERR_INVALID_ARGUMENT);

  mcpp_resource_desc r = Resource("test://r");
  r.struct_size = 8;
  CHECK(reg.AddResource(&r) == MCPP_ERR_INVALID_ARGUMENT);
  CHECK_THAT(LastError(reg), Catch::Contains("struct_size"));

  mcpp_resource_template_desc tm = Template("test://t/{x}");
  tm.struct_size = 0;
  CHECK(reg.AddResourceTemplate(&tm) == MCPP_ERR_INVALID_ARGUMENT);
  CHECK_THAT(LastError(reg), Catch::Contains("struct_size"));

  mcpp_prompt_desc p = Prompt("p");
  p.struct_size = offsetof(mcpp_prompt_desc, get);  // lacks the required get
  CHECK(reg.AddPrompt(&p) == MCPP_ERR_INVALID_ARGUMENT);
  CHECK_THAT(LastError(reg), Catch::Contains("struct_size"));

  // A larger struct (from a newer plugin) is fine: the extra tail is ignored.
  struct Bigger {
    mcpp_tool_desc base;
    uint64_t future_field;
  } big;
  std::memset(&big, 0, sizeof big);
  big.base = Tool("newer");
  big.base.struct_size = sizeof big;
  big.future_field = 42;
  CHECK(reg.AddTool(&big.base) == MCPP_OK);

  PluginCapabilities caps = reg.TakeCapabilities();
  REQUIRE(caps.tools.size() == 1);
  CHECK(caps.tools[0].name == "newer");
  CHECK(caps.resources.empty());
  CHECK(caps.templates.empty());
  CHECK(caps.prompts.empty());
}

TEST_CASE("Registrar refuses resources without a scheme, name or reader", "[plugins]") {
  Registrar reg("test");
  for (const char* uri : {"", "readme", "/etc/passwd"}) {
    mcpp_resource_desc r = Resource(uri);
    INFO("uri: '" << uri << "'");
    CHECK(reg.AddResource(&r) == MCPP_ERR_INVALID_ARGUMENT);
    CHECK_THAT(LastError(reg), Catch::Contains("absolute URI"));
  }
  mcpp_resource_desc null_uri = Resource(nullptr);
  CHECK(reg.AddResource(&null_uri) == MCPP_ERR_INVALID_ARGUMENT);
  mcpp_resource_desc no_name = Resource("test://x", nullptr);
  CHECK(reg.AddResource(&no_name) == MCPP_ERR_INVALID_ARGUMENT);
  CHECK_THAT(LastError(reg), Catch::Contains("name"));
  mcpp_resource_desc no_read = Resource("test://x");
  no_read.read = nullptr;
  CHECK(reg.AddResource(&no_read) == MCPP_ERR_INVALID_ARGUMENT);
  mcpp_resource_desc bad_icons = Resource("test://x");
  bad_icons.icons_json = "{\"src\":1}";
  CHECK(reg.AddResource(&bad_icons) == MCPP_ERR_INVALID_JSON);

  mcpp_resource_desc good = Resource("file:///srv/a.txt", "a");
  good.title = "A";
  good.description = "the a file";
  good.mime_type = "text/plain";
  good.size = 12;
  good.annotations_json = R"({"audience":["user"]})";
  CHECK(reg.AddResource(&good) == MCPP_OK);
  PluginCapabilities caps = reg.TakeCapabilities();
  REQUIRE(caps.resources.size() == 1);
  const auto& r = caps.resources[0];
  CHECK(r.uri == "file:///srv/a.txt");
  CHECK(r.name == "a");
  CHECK(r.title == "A");
  CHECK(r.description == "the a file");
  CHECK(r.mime_type == "text/plain");
  CHECK(r.size == 12);
  CHECK(r.annotations_json == R"({"audience":["user"]})");
  CHECK(r.read == NopRead);
}

TEST_CASE("Registrar refuses resource URIs whose 'scheme' is not a scheme", "[plugins]") {
  // An absolute URI starts with ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" (RFC 3986);
  // a colon somewhere later does not make a relative reference absolute.
  Registrar reg("test");
  for (const char* uri : {":no-scheme", "dir/file:1", "1abc://x", "has space://x"}) {
    mcpp_resource_desc r = Resource(uri);
    INFO("uri: '" << uri << "'");
    CHECK(reg.AddResource(&r) == MCPP_ERR_INVALID_ARGUMENT);
  }
}

TEST_CASE("Registrar refuses resource templates that do not parse", "[plugins]") {
  Registrar reg("test");
  struct Case {
    const char* tmpl;
    const char* why;
  } cases[] = {
      {"test://x/{id", "unmatched '{'"},
      {"test://x/id}", "unmatched '}'"},
      {"test://x/{}", "empty expression"},
      {"test://x/{?q}", "not supported"},
      {"test://x/{#frag}", "not supported"},
      {"test://x/{a,b}", "not supported"},
      {"test://x/{a}{b}", "literal between"},
      {"x/{id}", "absolute URI template"},
  };
  for (const Case& c : cases) {
    mcpp_resource_template_desc t = Template(c.tmpl);
    INFO("template: " << c.tmpl);
    CHECK(reg.AddResourceTemplate(&t) == MCPP_ERR_INVALID_ARGUMENT);
    CHECK_THAT(LastError(reg), Catch::Contains(c.why));
  }
  mcpp_resource_template_desc no_name = Template("test://x/{id}", "");
  CHECK(reg.AddResourceTemplate(&no_name) == MCPP_ERR_INVALID_ARGUMENT);
  mcpp_resource_template_desc no_read = Template("test://x/{id}");
  no_read.read = nullptr;
  CHECK(reg.AddResourceTemplate(&no_read) == MCPP_ERR_INVALID_ARGUMENT);

  mcpp_resource_template_desc good = Template("file:///{+path}", "file");
  good.mime_type = "text/plain";
  CHECK(reg.AddResourceTemplate(&good) == MCPP_OK);
  PluginCapabilities caps = reg.TakeCapabilities();
  REQUIRE(caps.templates.size() == 1);
  CHECK(caps.templates[0].uri_template == "file:///{+path}");
  CHECK(caps.templates[0].parsed.text() == "file:///{+path}");
  std::vector<std::pair<std::string, std::string>> vars;
  CHECK(caps.templates[0].parsed.Match("file:///a/b.txt", vars));
}

TEST_CASE("Registrar validates prompt arguments JSON", "[plugins]") {
  Registrar reg("test");
  SECTION("not JSON") {
    mcpp_prompt_desc p = Prompt("p", "[{\"name\":");
    CHECK(reg.AddPrompt(&p) == MCPP_ERR_INVALID_JSON);
    CHECK_THAT(LastError(reg), Catch::Contains("arguments_json"));
  }
  SECTION("not an array") {
    mcpp_prompt_desc p = Prompt("p", R"({"name":"who"})");
    CHECK(reg.AddPrompt(&p) == MCPP_ERR_INVALID_JSON);
  }
  SECTION("an argument without a name") {
    mcpp_prompt_desc p = Prompt("p", R"([{"description":"x"}])");
    CHECK(reg.AddPrompt(&p) == MCPP_ERR_INVALID_JSON);
    CHECK_THAT(LastError(reg), Catch::Contains("name"));
  }
  SECTION("an argument whose name is not a string") {
    mcpp_prompt_desc p = Prompt("p", R"([{"name":7}])");
    CHECK(reg.AddPrompt(&p) == MCPP_ERR_INVALID_JSON);
  }
  SECTION("an argument that is not an object") {
    mcpp_prompt_desc p = Prompt("p", R"(["who"])");
    CHECK(reg.AddPrompt(&p) == MCPP_ERR_INVALID_JSON);
  }
  SECTION("a duplicate argument") {
    mcpp_prompt_desc p = Prompt("p", R"([{"name":"who"},{"name":"who"}])");
    CHECK(reg.AddPrompt(&p) == MCPP_ERR_ALREADY_EXISTS);
    CHECK_THAT(LastError(reg), Catch::Contains("who"));
  }
  SECTION("an invalid prompt name") {
    mcpp_prompt_desc p = Prompt("bad prompt");
    CHECK(reg.AddPrompt(&p) == MCPP_ERR_INVALID_ARGUMENT);
  }
  SECTION("no get function") {
    mcpp_prompt_desc p = Prompt("p");
    p.get = nullptr;
    CHECK(reg.AddPrompt(&p) == MCPP_ERR_INVALID_ARGUMENT);
  }
  CHECK(reg.rejections().size() == 1);
  CHECK(reg.TakeCapabilities().prompts.empty());
}

TEST_CASE("Registrar keeps prompt arguments with their required flags", "[plugins]") {
  Registrar reg("test");
  mcpp_prompt_desc p = Prompt("greet", R"([{"name":"who","required":true,"description":"d"},{"name":"tone"},
                                            {"name":"x","required":false}])");
  p.title = "Greet";
  REQUIRE(reg.AddPrompt(&p) == MCPP_OK);
  mcpp_prompt_desc none = Prompt("plain");
  REQUIRE(reg.AddPrompt(&none) == MCPP_OK);
  PluginCapabilities caps = reg.TakeCapabilities();
  REQUIRE(caps.prompts.size() == 2);
  const auto& g = caps.prompts[0];
  CHECK(g.title == "Greet");
  REQUIRE(g.arguments.size() == 3);
  CHECK(g.arguments[0].name == "who");
  CHECK(g.arguments[0].required);
  CHECK(g.arguments[1].name == "tone");
  CHECK_FALSE(g.arguments[1].required);
  CHECK_FALSE(g.arguments[2].required);
  rapidjson::Document d;
  REQUIRE_FALSE(d.Parse(g.arguments_json.c_str()).HasParseError());
  REQUIRE(d.IsArray());
  CHECK(d.Size() == 3);
  CHECK(caps.prompts[1].arguments_json == "[]");
  CHECK(caps.prompts[1].arguments.empty());
}

TEST_CASE("Registrar set_instructions is kept", "[plugins]") {
  Registrar reg("test");
  CHECK(reg.table()->set_instructions(reg.table(), "Use the tools wisely.") == MCPP_OK);
  CHECK(reg.TakeCapabilities().instructions == "Use the tools wisely.");
}

TEST_CASE("Registrar stores plugin JSON so that it can be sent on one stdio line", "[plugins]") {
  // The catalog embeds these texts verbatim in tools/list; stdio messages must
  // not contain raw newlines, so pretty-printed plugin JSON must be compacted.
  Registrar reg("test");
  mcpp_tool_desc t = Tool("pretty", "{\n  \"type\": \"object\"\n}");
  t.annotations_json = "{\n  \"readOnlyHint\": true\n}";
  REQUIRE(reg.AddTool(&t) == MCPP_OK);
  PluginCapabilities caps = reg.TakeCapabilities();
  REQUIRE(caps.tools.size() == 1);
  CHECK(caps.tools[0].input_schema_json.find('\n') == std::string::npos);
  CHECK(caps.tools[0].annotations_json.find('\n') == std::string::npos);
}

// A plugin loaded many times (aliases) registers the same texts each time:
// they are checked and compiled once, and each registration still gets its
// own compact copy, the shared compiled schema, and every refusal.
TEST_CASE("Registrar compiles the same schema text once and shares it", "[plugins]") {
  const char* schema = "{\n  \"type\": \"object\",\n  \"properties\": {\"q\": {\"type\": \"string\"}}\n}";
  const char* annotations = "{\n  \"readOnlyHint\": true\n}";
  auto register_once = [&](const char* input) {
    Registrar reg("test");
    mcpp_tool_desc t = Tool("t", input);
    t.output_schema_json = schema;
    t.annotations_json = annotations;
    REQUIRE(reg.AddTool(&t) == MCPP_OK);
    PluginCapabilities caps = reg.TakeCapabilities();
    REQUIRE(caps.tools.size() == 1);
    return caps.tools[0];
  };
  mcph::ToolDef first = register_once(schema);
  mcph::ToolDef second = register_once(schema);
  CHECK(first.input_schema_json == R"({"type":"object","properties":{"q":{"type":"string"}}})");
  CHECK(second.input_schema_json == first.input_schema_json);
  CHECK(second.annotations_json == R"({"readOnlyHint":true})");
  CHECK(second.input_schema == first.input_schema);
  CHECK(second.output_schema == first.output_schema);
  mcph::ToolDef other = register_once(R"({"type":"object"})");
  CHECK(other.input_schema != first.input_schema);

  // Refusals are not remembered as successes: each one is refused alike.
  for (int i = 0; i < 2; ++i) {
    Registrar reg("test");
    mcpp_tool_desc bad_type = Tool("t", R"({"type":"string"})");
    CHECK(reg.AddTool(&bad_type) == MCPP_ERR_INVALID_JSON);
    CHECK_THAT(LastError(reg), Catch::Contains("object schema"));
    mcpp_tool_desc bad_annotations = Tool("u");
    bad_annotations.annotations_json = "[true]";
    CHECK(reg.AddTool(&bad_annotations) == MCPP_ERR_INVALID_JSON);
    CHECK_THAT(LastError(reg), Catch::Contains("annotations_json must be a JSON object"));
  }
  // The same text as an output schema (any root type allowed) and as an
  // input schema (an object schema required) are judged separately.
  Registrar reg("test");
  mcpp_tool_desc t = Tool("t", R"({"type":"string"})");
  t.input_schema_json = R"({"type":"object"})";
  t.output_schema_json = R"({"type":"string"})";
  CHECK(reg.AddTool(&t) == MCPP_OK);
  mcpp_tool_desc u = Tool("u", R"({"type":"string"})");
  CHECK(reg.AddTool(&u) == MCPP_ERR_INVALID_JSON);
}

TEST_CASE("The misbehaving plugin: exactly its five bad registrations are refused", "[plugins]") {
  auto lib = mcph::PluginLibrary::Open(std::string(MCPHOST_TEST_FIXTURE_DIR) + "/libmisbehaving.so");
  REQUIRE(lib.ok());
  mcph::PluginConfig pc;
  auto inst = mcph::PluginInstance::Create(lib.value(), pc, nullptr);
  REQUIRE(inst.ok());
  mcph::PluginInstance& p = *inst.value();
  CHECK(p.alias() == "misbehaving");
  REQUIRE(p.Register().ok());

  const auto& rej = p.rejections();
  REQUIRE(rej.size() == 5);
  CHECK_THAT(rej[0], Catch::Contains("bad name!"));
  CHECK_THAT(rej[1], Catch::Contains("bad_schema_not_json"));
  CHECK_THAT(rej[2], Catch::Contains("bad_schema_string"));
  CHECK_THAT(rej[3], Catch::Contains("bad_json_result") && Catch::Contains("twice"));
  CHECK_THAT(rej[4], Catch::Contains("resource ''"));

  auto caps = p.capabilities();
  std::vector<std::string> tools;
  for (const auto& t : caps->tools) tools.push_back(t.name);
  CHECK(tools == std::vector<std::string>{"bad_json_result", "returns_internal", "invalid_arg", "bad_output", "slow",
                                          "progress", "log", "hang", "flood_logs", "huge_result", "throws"});
  CHECK(caps->tools[0].description == "Sets invalid structured JSON and returns OK.");  // the first one kept
  REQUIRE(caps->resources.size() == 1);
  CHECK(caps->resources[0].uri == "test://misbehaving/readme");
  REQUIRE(caps->templates.size() == 1);
  CHECK(caps->templates[0].uri_template == "test://misbehaving/items/{id}");
  REQUIRE(caps->prompts.size() == 1);
  CHECK(caps->prompts[0].name == "greet");
  REQUIRE(caps->prompts[0].arguments.size() == 1);
  CHECK(caps->prompts[0].arguments[0].required);

  // A second Register() makes a new snapshot; the old one stays valid.
  auto before = p.capabilities();
  REQUIRE(p.Register().ok());
  CHECK(p.capabilities() != before);
  CHECK(before->tools.size() == 11);
  CHECK(p.rejections().size() == 5);
}
