// Unit tests of the C++ plugin helper (mcp_plugin.hpp) without a host: the
// host's tables are faked here with function pointers that record what the
// helper does, and the helper's trampolines are called directly.
#include <catch2/catch.hpp>
#include <cstddef>
#include <cstring>
#include <mcphost/mcp_plugin.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

// ---- Fakes of the host side -------------------------------------------------

// Everything the fakes saw, as "slot:argument" lines.
struct Recorder {
  std::vector<std::string> events;
  std::string error_message;
  int32_t status = MCPP_OK;  // what every result slot returns
  bool cancelled = false;
  std::string last_error;  // what the fake registrar says on a refusal
};

Recorder& Rec(void* data) { return *static_cast<Recorder*>(data); }
std::string S(mcpp_str s) { return std::string(s.data, s.size); }
std::string Z(const char* s) { return s ? s : "(null)"; }

struct FakeResult {
  Recorder rec;
  mcpp_result table{};
  FakeResult() {
    table.struct_size = sizeof table;
    table.result_data = &rec;
    table.add_text = [](const mcpp_result* r, mcpp_str text) {
      Rec(r->result_data).events.push_back("add_text:" + S(text));
      return Rec(r->result_data).status;
    };
    table.add_image = [](const mcpp_result* r, const char* mime, mcpp_bytes data) {
      Rec(r->result_data)
          .events.push_back("add_image:" + Z(mime) + ":" + std::to_string(data.size));
      return Rec(r->result_data).status;
    };
    table.add_resource_link = [](const mcpp_result* r, const char* uri, const char* name,
                                 const char* mime, const char* description) {
      Rec(r->result_data)
          .events.push_back("add_resource_link:" + Z(uri) + ":" + Z(name) + ":" + Z(mime) + ":" +
                            Z(description));
      return Rec(r->result_data).status;
    };
    table.set_structured_json = [](const mcpp_result* r, mcpp_str json) {
      Rec(r->result_data).events.push_back("set_structured_json:" + S(json));
      return Rec(r->result_data).status;
    };
    table.set_is_error = [](const mcpp_result* r, uint8_t is_error) {
      Rec(r->result_data).events.push_back("set_is_error:" + std::to_string(is_error));
      return Rec(r->result_data).status;
    };
    table.set_role = [](const mcpp_result* r, int32_t role) {
      Rec(r->result_data).events.push_back("set_role:" + std::to_string(role));
      return Rec(r->result_data).status;
    };
    table.add_text_contents = [](const mcpp_result* r, const char* uri, const char* mime,
                                 mcpp_str text) {
      Rec(r->result_data)
          .events.push_back("add_text_contents:" + Z(uri) + ":" + Z(mime) + ":" + S(text));
      return Rec(r->result_data).status;
    };
    // The other slots stay NULL: "not implemented" by this fake host.
  }
};

struct FakeHost {
  Recorder rec;
  mcpp_host table{};
  FakeHost() {
    table.struct_size = sizeof table;
    table.abi_version = MCPP_ABI_VERSION;
    table.host_name = "fakehost";
    table.host_version = "0.0.1";
    table.host_data = &rec;
    table.log = [](const mcpp_host* h, int32_t level, mcpp_str message) {
      Rec(h->host_data).events.push_back("log:" + std::to_string(level) + ":" + S(message));
    };
    table.notify_list_changed = [](const mcpp_host* h, uint32_t what) {
      Rec(h->host_data).events.push_back("notify_list_changed:" + std::to_string(what));
    };
  }
};

struct FakeCall {
  Recorder rec;
  FakeHost host;
  mcpp_call table{};
  FakeCall() {
    table.struct_size = sizeof table;
    table.call_data = &rec;
    table.host = &host.table;
    table.protocol_version = "2025-11-25";
    table.client_name = "tester";
    table.client_capabilities_json = mcpp::str(R"({"roots":{}})");
    table.deadline_unix_ms = 1234;
    table.is_cancelled = [](const mcpp_call* c) -> uint8_t {
      return Rec(c->call_data).cancelled ? 1 : 0;
    };
    table.progress = [](const mcpp_call* c, double progress, double total, const char* message) {
      Rec(c->call_data)
          .events.push_back("progress:" + std::to_string(int(progress)) + "/" +
                            std::to_string(int(total)) + ":" + Z(message));
    };
    table.log = [](const mcpp_call* c, int32_t level, const char* logger, mcpp_str message) {
      Rec(c->call_data)
          .events.push_back("log:" + std::to_string(level) + ":" + Z(logger) + ":" + S(message));
    };
    table.set_error_message = [](const mcpp_call* c, mcpp_str message) {
      Rec(c->call_data).error_message = S(message);
    };
  }
};

// Keeps copies of what was registered; refuses names starting with "bad".
struct FakeRegistrar {
  Recorder rec;
  std::vector<mcpp_tool_desc> tools;
  std::vector<mcpp_resource_desc> resources;
  std::vector<mcpp_resource_template_desc> templates;
  std::vector<mcpp_prompt_desc> prompts;
  mcpp_registrar table{};

  static FakeRegistrar& Self(const mcpp_registrar* r) {
    return *static_cast<FakeRegistrar*>(r->registrar_data);
  }
  static int32_t Refuse(const mcpp_registrar* r, const char* name) {
    if (std::strncmp(name, "bad", 3) != 0) return MCPP_OK;
    Self(r).rec.last_error = std::string("refused ") + name;
    return MCPP_ERR_INVALID_ARGUMENT;
  }
  FakeRegistrar() {
    table.struct_size = sizeof table;
    table.registrar_data = this;
    table.add_tool = [](const mcpp_registrar* r, const mcpp_tool_desc* d) {
      if (int32_t st = Refuse(r, d->name)) return st;
      Self(r).tools.push_back(*d);
      return MCPP_OK;
    };
    table.add_resource = [](const mcpp_registrar* r, const mcpp_resource_desc* d) {
      if (int32_t st = Refuse(r, d->name)) return st;
      Self(r).resources.push_back(*d);
      return MCPP_OK;
    };
    table.add_resource_template = [](const mcpp_registrar* r,
                                     const mcpp_resource_template_desc* d) {
      if (int32_t st = Refuse(r, d->name)) return st;
      Self(r).templates.push_back(*d);
      return MCPP_OK;
    };
    table.add_prompt = [](const mcpp_registrar* r, const mcpp_prompt_desc* d) {
      if (int32_t st = Refuse(r, d->name)) return st;
      Self(r).prompts.push_back(*d);
      return MCPP_OK;
    };
    table.last_error = [](const mcpp_registrar* r) { return Self(r).rec.last_error.c_str(); };
    // set_instructions stays NULL.
  }
};

constexpr const char* kObject = R"({"type":"object"})";

// Calls a registered tool the way the host would.
int32_t Invoke(const mcpp_tool_desc& tool, FakeCall& call, FakeResult& result,
               std::string_view args = "{}") {
  return tool.call(tool.user_data, &call.table, mcpp::str(args), &result.table);
}

}  // namespace

TEST_CASE("mcpp helper: Result forwards each slot to the host", "[plugin_api]") {
  FakeResult fr;
  mcpp::Result r(&fr.table);
  const unsigned char png[3] = {1, 2, 3};
  std::string mime = "image/png";
  r.add_text("hello");
  r.add_image(mime, png, sizeof png);
  r.add_resource_link("file:///a", std::string_view("a-name"));
  r.set_structured_json(R"({"n":1})");
  r.set_is_error();
  r.set_role(MCPP_ROLE_ASSISTANT);
  r.add_text_contents(nullptr, "text/plain", "body");
  CHECK(fr.rec.events ==
        std::vector<std::string>{"add_text:hello", "add_image:image/png:3",
                                 "add_resource_link:file:///a:a-name:(null):(null)",
                                 R"(set_structured_json:{"n":1})", "set_is_error:1", "set_role:1",
                                 "add_text_contents:(null):text/plain:body"});
}

TEST_CASE("mcpp helper: Result throws mcpp::Error on a refused or missing slot", "[plugin_api]") {
  FakeResult fr;
  mcpp::Result r(&fr.table);

  fr.rec.status = MCPP_ERR_INVALID_JSON;
  try {
    r.set_structured_json("{not json");
    FAIL("no exception");
  } catch (const mcpp::Error& e) {
    CHECK(e.status() == MCPP_ERR_INVALID_JSON);
    CHECK_THAT(e.what(), Catch::Contains("set_structured_json"));
  }

  fr.rec.status = MCPP_OK;
  try {  // add_audio is NULL in the fake
    r.add_audio("audio/wav", "x", 1);
    FAIL("no exception");
  } catch (const mcpp::Error& e) {
    CHECK(e.status() == MCPP_ERR_UNSUPPORTED);
  }

  // An older host whose table ends before set_structured_json.
  fr.rec.events.clear();
  fr.table.struct_size = offsetof(mcpp_result, set_structured_json);
  CHECK_NOTHROW(r.add_text("still there"));
  CHECK_THROWS_AS(r.set_structured_json("{}"), mcpp::Error);
  CHECK(fr.rec.events == std::vector<std::string>{"add_text:still there"});
}

TEST_CASE("mcpp helper: Call reads fields and honours struct_size", "[plugin_api]") {
  FakeCall fc;
  mcpp::Call c(&fc.table);
  CHECK(c.protocol_version() == "2025-11-25");
  CHECK(c.client_name() == "tester");
  CHECK(c.client_capabilities_json() == R"({"roots":{}})");
  CHECK(c.roots_json().empty());
  CHECK(c.input_responses_json().empty());
  CHECK(c.deadline_unix_ms() == 1234);
  CHECK(c.host().name() == "fakehost");
  CHECK_FALSE(c.is_cancelled());
  fc.rec.cancelled = true;
  CHECK(c.is_cancelled());
  c.progress(1, 3, "one");
  c.progress(2);
  c.log(MCPP_LOG_INFO, "line", "lg");
  c.set_error_message("why");
  CHECK(fc.rec.events ==
        std::vector<std::string>{"progress:1/3:one", "progress:2/-1:(null)", "log:1:lg:line"});
  CHECK(fc.rec.error_message == "why");

  // An older host whose mcpp_call ends before is_cancelled: the services are
  // absent, so the helper must neither read nor call them.
  fc.table.struct_size = offsetof(mcpp_call, is_cancelled);
  fc.rec.events.clear();
  CHECK_FALSE(c.is_cancelled());
  c.progress(3, 3);
  c.log(MCPP_LOG_INFO, "dropped");
  CHECK(fc.rec.events.empty());
  CHECK(c.deadline_unix_ms() == 1234);
  fc.table.struct_size = offsetof(mcpp_call, client_capabilities_json);
  CHECK(c.client_capabilities_json() == "{}");
  CHECK(c.client_name() == "tester");
}

TEST_CASE("mcpp helper: tool trampolines turn every exception into a status", "[plugin_api]") {
  FakeRegistrar fr;
  mcpp::HandlerStore store;
  mcpp::Registrar reg(&fr.table, store);
  using mcpp::Call;
  using mcpp::Result;
  REQUIRE(reg.add_tool("ok", "d", kObject, [](Call&, std::string_view args, Result& r) {
    r.add_text(std::string("args=") + std::string(args));
  }) == MCPP_OK);
  REQUIRE(reg.add_tool("status", "d", kObject, [](Call&, std::string_view, Result&) {
    return MCPP_ERR_NOT_FOUND;
  }) == MCPP_OK);
  REQUIRE(reg.add_tool("runtime", "d", kObject, [](Call&, std::string_view, Result&) {
    throw std::runtime_error("boom from plugin");
  }) == MCPP_OK);
  REQUIRE(reg.add_tool("invalid", "d", kObject, [](Call&, std::string_view, Result&) {
    throw mcpp::InvalidArgument("x must be positive");
  }) == MCPP_OK);
  REQUIRE(reg.add_tool("unknown", "d", kObject,
                       [](Call&, std::string_view, Result&) { throw 42; }) == MCPP_OK);
  REQUIRE(reg.add_tool("refused", "d", kObject, [](Call&, std::string_view, Result& r) {
    r.set_structured_json("{not json");  // the fake host refuses it below
  }) == MCPP_OK);
  REQUIRE(reg.add_tool("cancel", "d", kObject, [](Call& c, std::string_view, Result&) {
    if (c.is_cancelled()) throw mcpp::Cancelled();
  }) == MCPP_OK);
  REQUIRE(fr.tools.size() == 7);

  FakeCall call;
  FakeResult result;
  CHECK(Invoke(fr.tools[0], call, result, R"({"a":1})") == MCPP_OK);
  CHECK(result.rec.events == std::vector<std::string>{R"(add_text:args={"a":1})"});
  CHECK(call.rec.error_message.empty());

  CHECK(Invoke(fr.tools[1], call, result) == MCPP_ERR_NOT_FOUND);

  CHECK(Invoke(fr.tools[2], call, result) == MCPP_ERR_INTERNAL);
  CHECK(call.rec.error_message == "boom from plugin");

  CHECK(Invoke(fr.tools[3], call, result) == MCPP_ERR_INVALID_ARGUMENT);
  CHECK(call.rec.error_message == "x must be positive");

  CHECK(Invoke(fr.tools[4], call, result) == MCPP_ERR_INTERNAL);
  CHECK(call.rec.error_message == "unknown C++ exception");

  result.rec.status = MCPP_ERR_INVALID_JSON;
  CHECK(Invoke(fr.tools[5], call, result) == MCPP_ERR_INVALID_JSON);
  CHECK_THAT(call.rec.error_message, Catch::Contains("set_structured_json"));

  CHECK(Invoke(fr.tools[6], call, result) == MCPP_OK);
  call.rec.cancelled = true;
  CHECK(Invoke(fr.tools[6], call, result) == MCPP_ERR_CANCELLED);
}

TEST_CASE("mcpp helper: Registrar fills zeroed descriptors and drops refused handlers",
          "[plugin_api]") {
  FakeRegistrar fr;
  mcpp::HandlerStore store;
  mcpp::Registrar reg(&fr.table, store);
  auto noop = [](mcpp::Call&, std::string_view, mcpp::Result&) {};

  mcpp::ToolSpec spec;
  spec.name = "full";
  spec.title = "Full";
  spec.description = "desc";
  spec.input_schema_json = kObject;
  spec.output_schema_json = kObject;
  spec.flags = MCPP_TOOL_SERIAL;
  REQUIRE(reg.add_tool(spec, noop) == MCPP_OK);
  REQUIRE(fr.tools.size() == 1);
  const mcpp_tool_desc& d = fr.tools[0];
  CHECK(d.struct_size == sizeof(mcpp_tool_desc));
  CHECK(std::string(d.name) == "full");
  CHECK(std::string(d.title) == "Full");
  CHECK(std::string(d.output_schema_json) == kObject);
  CHECK(d.annotations_json == nullptr);
  CHECK(d.icons_json == nullptr);
  CHECK(d.meta_json == nullptr);
  CHECK(d.execution_json == nullptr);
  CHECK(d.flags == MCPP_TOOL_SERIAL);
  CHECK(d.call != nullptr);
  CHECK(d.user_data != nullptr);
  CHECK(store.size() == 1);

  // A refusal returns the host's status, keeps last_error, and frees the handler.
  CHECK(reg.add_tool("bad name!", "d", kObject, noop) == MCPP_ERR_INVALID_ARGUMENT);
  CHECK(reg.last_error() == "refused bad name!");
  CHECK(store.size() == 1);
  CHECK(fr.tools.size() == 1);

  // A slot this host does not offer.
  CHECK(reg.set_instructions("hi") == MCPP_ERR_UNSUPPORTED);

  mcpp::ResourceSpec res;
  res.uri = "test://r";
  res.name = "r";
  REQUIRE(reg.add_resource(res, [](mcpp::Call&, std::string_view, std::string_view, mcpp::Result&) {
  }) == MCPP_OK);
  CHECK(fr.resources.at(0).struct_size == sizeof(mcpp_resource_desc));
  CHECK(fr.resources.at(0).size == -1);  // "unknown", not the zero of a memset
  CHECK(store.size() == 2);
}

TEST_CASE("mcpp helper: resource and prompt trampolines", "[plugin_api]") {
  FakeRegistrar fr;
  mcpp::HandlerStore store;
  mcpp::Registrar reg(&fr.table, store);

  mcpp::ResourceTemplateSpec tmpl;
  tmpl.uri_template = "test://items/{id}";
  tmpl.name = "item";
  REQUIRE(reg.add_resource_template(tmpl, [](mcpp::Call&, std::string_view uri,
                                             std::string_view vars, mcpp::Result& r) {
    if (vars != R"({"id":"7"})") throw mcpp::NotFound("no such item");
    r.add_text_contents(nullptr, "text/plain", std::string(uri) + " " + std::string(vars));
  }) == MCPP_OK);

  mcpp::PromptSpec prompt;
  prompt.name = "greet";
  prompt.arguments_json = R"([{"name":"who","required":true}])";
  REQUIRE(reg.add_prompt(prompt, [](mcpp::Call&, std::string_view args, mcpp::Result& r) {
    r.set_role(MCPP_ROLE_USER);
    r.add_text("Hello, " + std::string(args) + "!");
  }) == MCPP_OK);

  FakeCall call;
  FakeResult result;
  const mcpp_resource_template_desc& t = fr.templates.at(0);
  CHECK(t.read(t.user_data, &call.table, "test://items/7", mcpp::str(R"({"id":"7"})"),
               &result.table) == MCPP_OK);
  CHECK(t.read(t.user_data, &call.table, "test://items/x", mcpp::str(R"({"id":"x"})"),
               &result.table) == MCPP_ERR_NOT_FOUND);
  CHECK(call.rec.error_message == "no such item");

  const mcpp_prompt_desc& p = fr.prompts.at(0);
  CHECK(std::string(p.arguments_json) == R"([{"name":"who","required":true}])");
  CHECK(p.get(p.user_data, &call.table, mcpp::str("Ann"), &result.table) == MCPP_OK);
  CHECK(result.rec.events ==
        std::vector<std::string>{R"(add_text_contents:(null):text/plain:test://items/7 {"id":"7"})",
                                 "set_role:0", "add_text:Hello, Ann!"});
}

namespace {

// A plugin class for the lifecycle test; counts live instances.
int g_live_plugins = 0;

class TestPlugin : public mcpp::Plugin {
 public:
  explicit TestPlugin(const mcpp::InitParams& params) : config_(params.config_json()) {
    if (config_ == R"({"fail":"create"})") throw std::runtime_error("bad config");
    params.host().log(MCPP_LOG_INFO, "created as " + std::string(params.alias()));
    ++g_live_plugins;
  }
  ~TestPlugin() override { --g_live_plugins; }

  void register_capabilities(mcpp::Registrar& reg) override {
    if (config_ == R"({"fail":"register"})") throw mcpp::InvalidArgument("cannot register");
    if (config_ == R"({"fail":"unknown"})") throw 7;
    reg.add_tool("t", "d", kObject, [this](mcpp::Call&, std::string_view, mcpp::Result& r) {
      r.add_text(config_);
      host().notify_list_changed(MCPP_CHANGED_TOOLS);
    });
  }
  const void* get_extension(std::string_view id) override {
    if (id == "throw") throw std::runtime_error("x");
    return id == "com.example.ext/1" ? &config_ : nullptr;
  }

 private:
  std::string config_;
};

int32_t Create(const mcpp_plugin& d, FakeHost& host, std::string_view config, void** instance) {
  mcpp_init_params params{};
  params.struct_size = sizeof params;
  params.config_json = mcpp::str(config);
  params.alias = "calc";
  params.plugin_path = "/x/libtest.so";
  return d.create(&host.table, &params, instance);
}

}  // namespace

TEST_CASE("mcpp helper: plugin lifecycle through make_descriptor", "[plugin_api]") {
  static constexpr mcpp_plugin d = mcpp::make_descriptor<TestPlugin>(
      "dev.test.p", "p", "1.2.3", "test plugin", MCPP_PLUGIN_SERIAL);
  CHECK(d.struct_size == sizeof(mcpp_plugin));
  CHECK(d.abi_version == MCPP_ABI_VERSION);
  CHECK(std::string(d.id) == "dev.test.p");
  CHECK(d.flags == MCPP_PLUGIN_SERIAL);
  REQUIRE(d.create != nullptr);
  REQUIRE(d.register_capabilities != nullptr);
  REQUIRE(d.destroy != nullptr);
  REQUIRE(d.get_extension != nullptr);

  FakeHost host;
  SECTION("a working instance") {
    void* inst = nullptr;
    REQUIRE(Create(d, host, R"({"k":1})", &inst) == MCPP_OK);
    REQUIRE(inst != nullptr);
    CHECK(g_live_plugins == 1);
    CHECK(host.rec.events == std::vector<std::string>{"log:1:created as calc"});

    FakeRegistrar reg;
    REQUIRE(d.register_capabilities(inst, &reg.table) == MCPP_OK);
    REQUIRE(reg.tools.size() == 1);
    FakeCall call;
    FakeResult result;
    CHECK(Invoke(reg.tools[0], call, result) == MCPP_OK);
    CHECK(result.rec.events == std::vector<std::string>{R"(add_text:{"k":1})"});
    // host() was set after construction: the handler reached the host.
    CHECK(host.rec.events.back() == "notify_list_changed:1");

    CHECK(d.get_extension(inst, "com.example.ext/1") != nullptr);
    CHECK(d.get_extension(inst, "other") == nullptr);
    CHECK(d.get_extension(inst, "throw") == nullptr);

    d.destroy(inst);
    CHECK(g_live_plugins == 0);
  }
  SECTION("a throwing constructor fails create() and is logged") {
    void* inst = reinterpret_cast<void*>(&host);
    CHECK(Create(d, host, R"({"fail":"create"})", &inst) == MCPP_ERR_INTERNAL);
    CHECK(inst == nullptr);
    CHECK(host.rec.events == std::vector<std::string>{"log:" + std::to_string(MCPP_LOG_ERROR) +
                                                      ":create() failed: bad config"});
    CHECK(g_live_plugins == 0);
  }
  SECTION("a throwing register_capabilities is logged and becomes a status") {
    void* inst = nullptr;
    REQUIRE(Create(d, host, R"({"fail":"register"})", &inst) == MCPP_OK);
    FakeRegistrar reg;
    CHECK(d.register_capabilities(inst, &reg.table) == MCPP_ERR_INVALID_ARGUMENT);
    CHECK(host.rec.events.back() == "log:" + std::to_string(MCPP_LOG_ERROR) +
                                        ":register_capabilities() failed: cannot register");
    d.destroy(inst);

    REQUIRE(Create(d, host, R"({"fail":"unknown"})", &inst) == MCPP_OK);
    CHECK(d.register_capabilities(inst, &reg.table) == MCPP_ERR_INTERNAL);
    CHECK_THAT(host.rec.events.back(), Catch::EndsWith("unknown C++ exception"));
    d.destroy(inst);
    CHECK(g_live_plugins == 0);
  }
}

TEST_CASE("mcpp helper: negotiate picks MCPP_ABI_VERSION or refuses", "[plugin_api]") {
  static constexpr mcpp_plugin d =
      mcpp::make_descriptor<TestPlugin>("dev.test.p", "p", "1.0.0", "test plugin");
  mcpp_negotiation n{};
  n.struct_size = sizeof n;
  n.host_abi_min = 1;
  n.host_abi_max = MCPP_ABI_VERSION + 5;
  REQUIRE(mcpp::negotiate(&n, &d) == MCPP_OK);
  CHECK(n.abi_version == MCPP_ABI_VERSION);
  CHECK(n.plugin == &d);

  mcpp_negotiation newer{};
  newer.struct_size = sizeof newer;
  newer.host_abi_min = MCPP_ABI_VERSION + 1;
  newer.host_abi_max = MCPP_ABI_VERSION + 3;
  CHECK(mcpp::negotiate(&newer, &d) == MCPP_ERR_VERSION);
  CHECK(newer.plugin == nullptr);

  mcpp_negotiation truncated = n;
  truncated.struct_size = offsetof(mcpp_negotiation, plugin);  // no room for the answer
  CHECK(mcpp::negotiate(&truncated, &d) == MCPP_ERR_VERSION);
  CHECK(mcpp::negotiate(nullptr, &d) == MCPP_ERR_VERSION);
}

TEST_CASE("mcpp helper: Host and InitParams honour an older host's struct_size", "[plugin_api]") {
  FakeHost fh;
  mcpp_init_params params{};
  params.struct_size = offsetof(mcpp_init_params, alias);  // config_json only
  params.alias = "must not be read";
  mcpp::InitParams ip(&fh.table, &params);
  CHECK(ip.config_json() == "{}");
  CHECK(ip.alias().empty());
  CHECK(ip.plugin_path().empty());

  mcpp::Host h(&fh.table);
  CHECK(h.abi_version() == MCPP_ABI_VERSION);
  CHECK(h.version() == "0.0.1");
  CHECK(h.get_extension("mcpp.anything/1") == nullptr);  // NULL slot
  fh.table.struct_size = offsetof(mcpp_host, log);
  h.log(MCPP_LOG_INFO, "dropped");
  CHECK(fh.rec.events.empty());

  mcpp::Host none;
  CHECK(none.name().empty());
  none.log(MCPP_LOG_INFO, "no host at all");  // must not crash
}
