// dispatcher_test.cpp - JSON-RPC and MCP behaviour of the Dispatcher in both
// eras, driven through a HostRuntime loaded with the echo and misbehaving
// plugins, with a capturing Outbound.
#include <catch2/catch.hpp>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "observability/metrics.h"
#include "protocol/connection.h"
#include "protocol/dispatcher.h"
#include "protocol/errors.h"
#include "protocol/methods.h"
#include "runtime/host_runtime.h"
#include "util/json.h"
#include "host_harness.h"

using mcph::Connection;
using mcph::HostConfig;
using mcph::HostRuntime;

using namespace mcph_test;  // NOLINT: the harness is this file's vocabulary

namespace {

std::string ErrorMessage(const rapidjson::Value& d) { return d["error"]["message"].GetString(); }

const rapidjson::Value& Result(const rapidjson::Value& d) {
  INFO(mcph::ToJson(d));
  REQUIRE(d.HasMember("result"));
  REQUIRE_FALSE(d.HasMember("error"));
  return d["result"];
}

std::string Str(const rapidjson::Value& v) {
  REQUIRE(v.IsString());
  return std::string(v.GetString(), v.GetStringLength());
}

// The first text content of a tool result.
std::string FirstText(const rapidjson::Value& result) {
  REQUIRE(result["content"].IsArray());
  REQUIRE(result["content"].Size() >= 1);
  return Str(result["content"][0]["text"]);
}

void CheckModernExtras(const rapidjson::Value& result, bool cacheable) {
  INFO(mcph::ToJson(result));
  REQUIRE(result.HasMember("resultType"));
  CHECK(Str(result["resultType"]) == "complete");
  REQUIRE(result.HasMember("_meta"));
  const auto& info = result["_meta"]["io.modelcontextprotocol/serverInfo"];
  CHECK(Str(info["name"]) == "mcphost");
  CHECK(Str(info["version"]) == MCPHOST_VERSION);
  if (cacheable) {
    REQUIRE(result.HasMember("ttlMs"));
    CHECK(result["ttlMs"].IsInt64());
    CHECK(result["ttlMs"].GetInt64() >= 0);
    REQUIRE(result.HasMember("cacheScope"));
    std::string scope = Str(result["cacheScope"]);
    CHECK((scope == "public" || scope == "private"));
  } else {
    CHECK_FALSE(result.HasMember("ttlMs"));
  }
}

void CheckNoModernExtras(const rapidjson::Value& result) {
  INFO(mcph::ToJson(result));
  CHECK_FALSE(result.HasMember("resultType"));
  CHECK_FALSE(result.HasMember("ttlMs"));
  CHECK_FALSE(result.HasMember("cacheScope"));
  CHECK_FALSE(result.HasMember("_meta"));
}

std::vector<std::string> Names(const rapidjson::Value& list, const char* key = "name") {
  std::vector<std::string> out;
  for (const auto& e : list.GetArray()) out.push_back(Str(e[key]));
  return out;
}

}  // namespace

// ---- Routing and lifecycle ------------------------------------------------

TEST_CASE("Dispatcher: modern requests need no handshake and carry the modern extras", "[protocol]") {
  Host h;
  auto d = h.Call(Modern("1", "tools/list"), "1");
  const auto& r = Result(d);
  CHECK(Str(d["jsonrpc"]) == "2.0");
  std::vector<std::string> tools = Names(r["tools"]);
  CHECK(tools == std::vector<std::string>{"echo", "bad_json_result", "returns_internal", "invalid_arg", "bad_output",
                                          "slow", "progress", "log", "hang", "flood_logs", "huge_result", "throws", "mcphost__read_resource"});
  CHECK_FALSE(r.HasMember("nextCursor"));
  CheckModernExtras(r, /*cacheable=*/true);

  for (const char* m : {"resources/list", "resources/templates/list", "prompts/list"}) {
    auto l = h.Call(Modern("\"" + std::string(m) + "\"", m), "\"" + std::string(m) + "\"");
    CheckModernExtras(Result(l), true);
  }
  auto call = h.Call(Modern("2", "tools/call", R"("name":"echo","arguments":{"text":"hi"})"), "2");
  CheckModernExtras(Result(call), /*cacheable=*/false);
  CHECK(FirstText(Result(call)) == "hi");
}

TEST_CASE("Dispatcher: server/discover", "[protocol]") {
  Host h;
  auto d = h.Call(Modern("\"d1\"", "server/discover"), "\"d1\"");
  const auto& r = Result(d);
  REQUIRE(r["supportedVersions"].IsArray());
  REQUIRE(r["supportedVersions"].Size() == 1);
  CHECK(Str(r["supportedVersions"][0]) == "2026-07-28");
  CHECK(r["capabilities"]["tools"].IsObject());
  CHECK(r["capabilities"]["resources"].IsObject());
  CHECK(r["capabilities"]["prompts"].IsObject());
  CHECK_FALSE(r["capabilities"].HasMember("logging"));
  CheckModernExtras(r, true);
}

TEST_CASE("Dispatcher: initialize negotiates the legacy version", "[protocol]") {
  for (const char* v : {"2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"}) {
    Host h;
    auto d = h.Call(Legacy("1", "initialize", std::string(R"("protocolVersion":")") + v + R"(","capabilities":{})"), "1");
    const auto& r = Result(d);
    CHECK(Str(r["protocolVersion"]) == v);
  }
  for (const char* v : {"1999-01-01", "2026-07-28", "2025-11-26"}) {
    Host h;
    auto d = h.Call(Legacy("1", "initialize", std::string(R"("protocolVersion":")") + v + R"(","capabilities":{})"), "1");
    INFO("client asked for " << v);
    CHECK(Str(Result(d)["protocolVersion"]) == "2025-11-25");
  }
  Host h;
  auto d = h.Call(Legacy("1", "initialize", R"("protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"c","version":"1"})"), "1");
  const auto& r = Result(d);
  CHECK(Str(r["serverInfo"]["name"]) == "mcphost");
  CHECK(Str(r["serverInfo"]["version"]) == MCPHOST_VERSION);
  CHECK(r["capabilities"]["logging"].IsObject());
  CHECK(r["capabilities"]["tools"].IsObject());
  CheckNoModernExtras(r);

  auto bad = h.Call(Legacy("2", "initialize", R"("capabilities":{})"), "2");
  CHECK(ErrorCode(bad) == mcph::rpc::kInvalidParams);
}

TEST_CASE("Dispatcher: legacy results carry none of the modern extras", "[protocol]") {
  Host h;
  h.Initialize();
  for (const char* m : {"tools/list", "resources/list", "resources/templates/list", "prompts/list", "ping"}) {
    auto d = h.Call(Legacy("\"" + std::string(m) + "\"", m), "\"" + std::string(m) + "\"");
    CheckNoModernExtras(Result(d));
  }
  auto call = h.Call(Legacy("5", "tools/call", R"("name":"echo","arguments":{"text":"legacy"})"), "5");
  CHECK(FirstText(Result(call)) == "legacy");
  CheckNoModernExtras(Result(call));
  auto read = h.Call(Legacy("6", "resources/read", R"("uri":"test://misbehaving/readme")"), "6");
  CheckNoModernExtras(Result(read));
}

TEST_CASE("Dispatcher: a legacy request before initialize is refused", "[protocol]") {
  Host h;
  auto d = h.Call(Legacy("\"early\"", "tools/list"), "\"early\"");
  CHECK(ErrorCode(d) == mcph::rpc::kInvalidRequest);
  CHECK_THAT(ErrorMessage(d), Catch::Contains("initialize"));
  auto call = h.Call(Legacy("2", "tools/call", R"("name":"echo","arguments":{"text":"x"})"), "2");
  CHECK(ErrorCode(call) == mcph::rpc::kInvalidRequest);
  // ping is allowed before initialize.
  auto ping = h.Call(Legacy("3", "ping"), "3");
  Result(ping);
  // Modern requests do not initialize the legacy session.
  h.Call(Modern("4", "tools/list"), "4");
  auto still = h.Call(Legacy("5", "tools/list"), "5");
  CHECK(ErrorCode(still) == mcph::rpc::kInvalidRequest);
}

TEST_CASE("Dispatcher: methods removed in 2026-07-28 are -32601 for modern requests", "[protocol]") {
  Host h;
  for (const char* m : {"initialize", "ping", "logging/setLevel", "resources/subscribe", "resources/unsubscribe",
                        "tasks/list", "tasks/result"}) {
    std::string id = "\"" + std::string(m) + "\"";
    auto d = h.Call(Modern(id, m, m == std::string("initialize") ? R"("protocolVersion":"2025-11-25")" : ""), id);
    INFO(m);
    CHECK(ErrorCode(d) == mcph::rpc::kMethodNotFound);
    CHECK(Str(d["id"]) == m);
  }
}

TEST_CASE("Dispatcher: unknown methods are -32601 in both eras", "[protocol]") {
  Host h;
  auto m = h.Call(Modern("1", "no/such"), "1");
  CHECK(ErrorCode(m) == mcph::rpc::kMethodNotFound);
  h.Initialize();
  auto l = h.Call(Legacy("2", "no/such"), "2");
  CHECK(ErrorCode(l) == mcph::rpc::kMethodNotFound);
}

TEST_CASE("Dispatcher: ping and logging/setLevel (legacy)", "[protocol]") {
  Host h;
  h.Initialize();
  auto p = h.Call(Legacy("1", "ping"), "1");
  CHECK(Result(p).ObjectEmpty());
  auto ok = h.Call(Legacy("2", "logging/setLevel", R"("level":"error")"), "2");
  Result(ok);
  auto bad = h.Call(Legacy("3", "logging/setLevel", R"("level":"loud")"), "3");
  CHECK(ErrorCode(bad) == mcph::rpc::kInvalidParams);
  auto missing = h.Call(Legacy("4", "logging/setLevel"), "4");
  CHECK(ErrorCode(missing) == mcph::rpc::kInvalidParams);
}

// ---- JSON-RPC errors ------------------------------------------------------

TEST_CASE("Dispatcher: -32700 parse errors, with id null unless it could be read", "[protocol]") {
  Host h;
  h.Send("{not json");
  REQUIRE(h.out->WaitFor([](const auto& m) { return m.size() == 1; }));
  auto d = Parse(h.out->All()[0]);
  CHECK(ErrorCode(d) == mcph::rpc::kParseError);
  CHECK(d["id"].IsNull());

  auto with_id = h.Call(R"({"jsonrpc":"2.0","id":7,"method":"ping",})", "7");
  CHECK(ErrorCode(with_id) == mcph::rpc::kParseError);

  auto utf8 = h.Call("{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"ping\",\"params\":{\"x\":\"\xFF\"}}", "8");
  CHECK(ErrorCode(utf8) == mcph::rpc::kParseError);

  std::string deep = R"({"jsonrpc":"2.0","id":9,"method":"ping","params":{"x":)" + std::string(5000, '[') +
                     std::string(5000, ']') + "}}";
  auto nested = h.Call(deep, "9");
  CHECK(ErrorCode(nested) == mcph::rpc::kParseError);
}

TEST_CASE("Dispatcher: -32600 invalid requests", "[protocol]") {
  Host h;
  auto no_version = h.Call(R"({"id":1,"method":"ping"})", "1");
  CHECK(ErrorCode(no_version) == mcph::rpc::kInvalidRequest);
  auto old_version = h.Call(R"({"jsonrpc":"1.0","id":2,"method":"ping"})", "2");
  CHECK(ErrorCode(old_version) == mcph::rpc::kInvalidRequest);
  auto no_method = h.Call(R"({"jsonrpc":"2.0","id":3})", "3");
  CHECK(ErrorCode(no_method) == mcph::rpc::kInvalidRequest);
  auto method_number = h.Call(R"({"jsonrpc":"2.0","id":4,"method":5})", "4");
  CHECK(ErrorCode(method_number) == mcph::rpc::kInvalidRequest);

  for (const char* msg : {R"({"jsonrpc":"2.0","id":{"a":1},"method":"ping"})", R"({"jsonrpc":"2.0","id":true,"method":"ping"})",
                          "42", R"("just a string")"}) {
    size_t before = h.out->All().size();
    h.Send(msg);
    REQUIRE(h.out->WaitFor([&](const auto& m) { return m.size() == before + 1; }));
    auto d = Parse(h.out->All().back());
    INFO(msg);
    CHECK(ErrorCode(d) == mcph::rpc::kInvalidRequest);
    CHECK(d["id"].IsNull());
  }
}

TEST_CASE("Dispatcher: notifications and client responses get no answer", "[protocol]") {
  Host h;
  h.Send(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  h.Send(R"({"jsonrpc":"2.0","method":"notifications/unknown","params":{}})");
  h.Send(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"nobody"}})");
  h.Send(R"({"jsonrpc":"2.0","id":"r1","result":{}})");
  auto p = h.Call(Legacy("\"marker\"", "ping"), "\"marker\"");
  Result(p);
  CHECK(h.out->All().size() == 1);
}

TEST_CASE("Dispatcher: -32602 invalid params", "[protocol]") {
  Host h;
  h.Initialize();
  SECTION("unknown tool, both eras") {
    auto l = h.Call(Legacy("1", "tools/call", R"("name":"nope","arguments":{})"), "1");
    CHECK(ErrorCode(l) == mcph::rpc::kInvalidParams);
    CHECK_THAT(ErrorMessage(l), Catch::Contains("nope"));
    auto m = h.Call(Modern("2", "tools/call", R"("name":"nope","arguments":{})"), "2");
    CHECK(ErrorCode(m) == mcph::rpc::kInvalidParams);
  }
  SECTION("tools/call without a name, or with non-object arguments") {
    auto d = h.Call(Legacy("1", "tools/call", R"("arguments":{})"), "1");
    CHECK(ErrorCode(d) == mcph::rpc::kInvalidParams);
    auto a = h.Call(Legacy("2", "tools/call", R"("name":"echo","arguments":[1])"), "2");
    CHECK(ErrorCode(a) == mcph::rpc::kInvalidParams);
  }
  SECTION("params that are not an object") {
    auto d = h.Call(R"({"jsonrpc":"2.0","id":1,"method":"tools/list","params":[1,2]})", "1");
    CHECK(ErrorCode(d) == mcph::rpc::kInvalidParams);
  }
  SECTION("bad cursors") {
    for (const char* cursor : {R"("garbage!!")", R"("")", "5", R"("bWNwaDE6")", R"("bWNwaDE6eA")"}) {
      auto d = h.Call(Legacy("1", "tools/list", std::string(R"("cursor":)") + cursor), "1");
      INFO("cursor " << cursor);
      CHECK(ErrorCode(d) == mcph::rpc::kInvalidParams);
      auto m = h.Call(Modern("\"m\"", "prompts/list", std::string(R"("cursor":)") + cursor), "\"m\"");
      CHECK(ErrorCode(m) == mcph::rpc::kInvalidParams);
      // Fresh ids for the next round.
      h.out = std::make_shared<Capture>();
      h.conn = std::make_shared<Connection>(h.out);
      h.Initialize();
    }
    // A well-formed cursor past the end of the list.
    std::string past = "\"" + mcph::EncodeCursor(1000) + "\"";
    auto d = h.Call(Legacy("9", "tools/list", R"("cursor":)" + past), "9");
    CHECK(ErrorCode(d) == mcph::rpc::kInvalidParams);
  }
  SECTION("prompts/get: unknown prompt, missing or non-string arguments") {
    auto unknown = h.Call(Legacy("1", "prompts/get", R"("name":"nope")"), "1");
    CHECK(ErrorCode(unknown) == mcph::rpc::kInvalidParams);
    auto missing = h.Call(Legacy("2", "prompts/get", R"("name":"greet")"), "2");
    CHECK(ErrorCode(missing) == mcph::rpc::kInvalidParams);
    CHECK_THAT(ErrorMessage(missing), Catch::Contains("who"));
    auto empty_args = h.Call(Legacy("3", "prompts/get", R"("name":"greet","arguments":{})"), "3");
    CHECK(ErrorCode(empty_args) == mcph::rpc::kInvalidParams);
    auto number = h.Call(Legacy("4", "prompts/get", R"("name":"greet","arguments":{"who":5})"), "4");
    CHECK(ErrorCode(number) == mcph::rpc::kInvalidParams);
    auto modern = h.Call(Modern("5", "prompts/get", R"("name":"greet","arguments":{})"), "5");
    CHECK(ErrorCode(modern) == mcph::rpc::kInvalidParams);
  }
  SECTION("resources/read without a uri") {
    auto d = h.Call(Legacy("1", "resources/read"), "1");
    CHECK(ErrorCode(d) == mcph::rpc::kInvalidParams);
  }
}

TEST_CASE("Dispatcher: modern _meta must carry the version and the client capabilities", "[protocol]") {
  Host h;
  auto no_caps = h.Call(
      R"({"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}})",
      "1");
  CHECK(ErrorCode(no_caps) == mcph::rpc::kInvalidParams);
  CHECK_THAT(ErrorMessage(no_caps), Catch::Contains("clientCapabilities"));

  auto caps_not_object = h.Call(
      R"({"jsonrpc":"2.0","id":2,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":"all"}}})",
      "2");
  CHECK(ErrorCode(caps_not_object) == mcph::rpc::kInvalidParams);

  auto version_number = h.Call(
      R"({"jsonrpc":"2.0","id":3,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":20260728,"io.modelcontextprotocol/clientCapabilities":{}}}})",
      "3");
  CHECK(ErrorCode(version_number) == mcph::rpc::kInvalidParams);

  auto meta_not_object = h.Call(R"({"jsonrpc":"2.0","id":4,"method":"tools/list","params":{"_meta":7}})", "4");
  CHECK(ErrorCode(meta_not_object) == mcph::rpc::kInvalidParams);

  // Missing capabilities are reported before an unsupported version (spec order).
  auto both = h.Call(
      R"({"jsonrpc":"2.0","id":5,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"1900-01-01"}}})",
      "5");
  CHECK(ErrorCode(both) == mcph::rpc::kInvalidParams);

  // clientInfo is not required.
  auto no_info = h.Call(
      R"({"jsonrpc":"2.0","id":6,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}})",
      "6");
  Result(no_info);

  // Modern-shaped requests without the version claim are -32602 (missing _meta key).
  auto discover = h.Call(Legacy("8", "server/discover"), "8");
  CHECK(ErrorCode(discover) == mcph::rpc::kInvalidParams);
  auto caps_only = h.Call(
      R"({"jsonrpc":"2.0","id":9,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/clientCapabilities":{}}}})",
      "9");
  CHECK(ErrorCode(caps_only) == mcph::rpc::kInvalidParams);

  // A bare progressToken is not a modern claim: legacy, and not initialized.
  auto token_only = h.Call(R"({"jsonrpc":"2.0","id":7,"method":"tools/list","params":{"_meta":{"progressToken":1}}})", "7");
  CHECK(ErrorCode(token_only) == mcph::rpc::kInvalidRequest);
}

TEST_CASE("Dispatcher: -32022 for an unsupported modern version, with data", "[protocol]") {
  Host h;
  for (const char* v : {"1900-01-01", "2025-11-25", "v999.0.0"}) {
    auto d = h.Call(
        std::string(R"({"jsonrpc":"2.0","id":"v","method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":")") +
            v + R"(","io.modelcontextprotocol/clientCapabilities":{}}}})",
        "\"v\"");
    INFO(v);
    CHECK(ErrorCode(d) == mcph::rpc::kUnsupportedProtocolVersion);
    const auto& data = d["error"]["data"];
    REQUIRE(data.IsObject());
    REQUIRE(data["supported"].IsArray());
    REQUIRE(data["supported"].Size() == 1);
    CHECK(Str(data["supported"][0]) == "2026-07-28");
    CHECK(Str(data["requested"]) == v);
    h.out = std::make_shared<Capture>();
    h.conn = std::make_shared<Connection>(h.out);
  }
}

TEST_CASE("Dispatcher: -32603 for results the host cannot accept", "[protocol]") {
  Host h;
  h.Initialize();
  auto out = h.Call(Legacy("1", "tools/call", R"("name":"bad_output","arguments":{})"), "1");
  CHECK(ErrorCode(out) == mcph::rpc::kInternalError);
  CHECK_THAT(ErrorMessage(out), Catch::Contains("outputSchema"));
  auto json = h.Call(Legacy("2", "tools/call", R"("name":"bad_json_result","arguments":{})"), "2");
  CHECK(ErrorCode(json) == mcph::rpc::kInternalError);
  CHECK_THAT(ErrorMessage(json), Catch::Contains("set_structured_json"));
  auto modern = h.Call(Modern("3", "tools/call", R"("name":"bad_output","arguments":{})"), "3");
  CHECK(ErrorCode(modern) == mcph::rpc::kInternalError);
}

TEST_CASE("Dispatcher: resource not found is -32002 for legacy, -32602 with data.uri for modern", "[protocol]") {
  Host h;
  h.Initialize();
  for (const char* uri : {"test://nothing/here", "test://misbehaving/items/abc"}) {
    INFO(uri);
    auto l = h.Call(Legacy("\"l\"", "resources/read", std::string(R"("uri":")") + uri + "\""), "\"l\"");
    CHECK(ErrorCode(l) == mcph::rpc::kResourceNotFound);
    CHECK(Str(l["error"]["data"]["uri"]) == uri);
    auto m = h.Call(Modern("\"m\"", "resources/read", std::string(R"("uri":")") + uri + "\""), "\"m\"");
    CHECK(ErrorCode(m) == mcph::rpc::kInvalidParams);
    CHECK(Str(m["error"]["data"]["uri"]) == uri);
    h.out = std::make_shared<Capture>();
    h.conn = std::make_shared<Connection>(h.out);
    h.Initialize();
  }
}

// ---- Results ----------------------------------------------------------------

TEST_CASE("Dispatcher: failing tools give isError results", "[protocol]") {
  Host h;
  h.Initialize();
  struct Case {
    const char* tool;
    const char* args;
    const char* text;
  } cases[] = {
      {"returns_internal", "{}", "database unreachable"},
      {"invalid_arg", "{}", "x must be positive"},
      {"throws", "{}", "boom from plugin"},
      {"echo", "{}", "required"},                     // fails the input schema
      {"echo", R"({"text":1})", "Invalid arguments"},  // wrong type
      {"echo", R"({"text":"a","extra":1})", "Invalid arguments"},
  };
  int id = 100;
  for (const Case& c : cases) {
    std::string sid = std::to_string(++id);
    auto d = h.Call(Legacy(sid, "tools/call", std::string(R"("name":")") + c.tool + R"(","arguments":)" + c.args), sid);
    INFO(c.tool << " " << c.args);
    const auto& r = Result(d);
    REQUIRE(r.HasMember("isError"));
    CHECK(r["isError"].GetBool());
    CHECK_THAT(FirstText(r), Catch::Contains(c.text));
  }
  auto ok = h.Call(Legacy("1", "tools/call", R"("name":"echo","arguments":{"text":"fine \u00e9"})"), "1");
  const auto& r = Result(ok);
  CHECK_FALSE(r.HasMember("isError"));
  REQUIRE(r["content"].Size() == 1);
  CHECK(Str(r["content"][0]["type"]) == "text");
  CHECK(FirstText(r) == "fine \xC3\xA9");
  // Arguments may be omitted for a tool whose schema allows it.
  auto no_args = h.Call(Legacy("2", "tools/call", R"("name":"returns_internal")"), "2");
  CHECK(Result(no_args)["isError"].GetBool());
}

TEST_CASE("Dispatcher: resources and prompts", "[protocol]") {
  Host h;
  h.Initialize();
  auto readme = h.Call(Legacy("1", "resources/read", R"("uri":"test://misbehaving/readme")"), "1");
  const auto& c = Result(readme)["contents"];
  REQUIRE(c.Size() == 1);
  CHECK(Str(c[0]["uri"]) == "test://misbehaving/readme");
  CHECK(Str(c[0]["mimeType"]) == "text/plain");
  CHECK(Str(c[0]["text"]) == "misbehaving plugin");

  auto item = h.Call(Modern("2", "resources/read", R"("uri":"test://misbehaving/items/42")"), "2");
  CHECK(Str(Result(item)["contents"][0]["text"]) == "item 42");
  CheckModernExtras(Result(item), true);

  auto status = h.Call(Legacy("3", "resources/read", R"("uri":"mcphost://status")"), "3");
  auto status_doc = Parse(Str(Result(status)["contents"][0]["text"]));
  CHECK(status_doc["requestsServed"].GetUint64() >= 1);
  CHECK(status_doc["plugins"].Size() == 2);

  auto caps = h.Call(Legacy("4", "resources/read", R"("uri":"mcphost://capabilities")"), "4");
  auto caps_doc = Parse(Str(Result(caps)["contents"][0]["text"]));
  CHECK(caps_doc["tools"].Size() == 13);

  auto resources = h.Call(Legacy("5", "resources/list"), "5");
  CHECK(Names(Result(resources)["resources"], "uri") ==
        std::vector<std::string>{"test://misbehaving/readme", "mcphost://status", "mcphost://capabilities"});
  auto templates = h.Call(Legacy("6", "resources/templates/list"), "6");
  CHECK(Names(Result(templates)["resourceTemplates"], "uriTemplate") ==
        std::vector<std::string>{"test://misbehaving/items/{id}"});

  auto greet = h.Call(Legacy("7", "prompts/get", R"("name":"greet","arguments":{"who":"Ann"})"), "7");
  const auto& msgs = Result(greet)["messages"];
  REQUIRE(msgs.Size() == 1);
  CHECK(Str(msgs[0]["role"]) == "user");
  CHECK(Str(msgs[0]["content"]["type"]) == "text");
  CHECK(Str(msgs[0]["content"]["text"]) == "Hello, Ann!");

  auto as_tool = h.Call(Legacy("8", "tools/call", R"("name":"mcphost__read_resource","arguments":{"uri":"test://misbehaving/readme"})"), "8");
  const auto& content = Result(as_tool)["content"];
  REQUIRE(content.Size() == 1);
  CHECK(Str(content[0]["type"]) == "resource");
  CHECK(Str(content[0]["resource"]["text"]) == "misbehaving plugin");
  auto as_tool_missing =
      h.Call(Legacy("9", "tools/call", R"("name":"mcphost__read_resource","arguments":{"uri":"test://none"})"), "9");
  CHECK(Result(as_tool_missing)["isError"].GetBool());
}

TEST_CASE("Dispatcher: pagination over several pages", "[protocol]") {
  Host h(/*page_size=*/1);
  h.Initialize();
  int next_id = 1000;
  auto walk = [&](bool modern, const char* method, const char* key) {
    std::vector<std::string> names;
    std::string cursor;
    for (int page = 0; page < 50; ++page) {
      std::string id = std::to_string(++next_id);
      std::string params = cursor.empty() ? "" : R"("cursor":")" + cursor + "\"";
      auto d = h.Call(modern ? Modern(id, method, params) : Legacy(id, method, params), id);
      const auto& r = Result(d);
      REQUIRE(r[key].Size() <= 1);
      for (const auto& e : r[key].GetArray())
        names.push_back(Str(e.HasMember("name") ? e["name"] : e["uri"]));
      if (modern) CheckModernExtras(r, true);
      if (!r.HasMember("nextCursor")) return names;
      cursor = Str(r["nextCursor"]);
    }
    FAIL("no last page after 50 pages");
    return names;
  };
  const std::vector<std::string> all_tools{"echo", "bad_json_result", "returns_internal", "invalid_arg", "bad_output",
                                           "slow", "progress", "log", "hang", "flood_logs", "huge_result", "throws", "mcphost__read_resource"};
  CHECK(walk(false, "tools/list", "tools") == all_tools);
  CHECK(walk(true, "tools/list", "tools") == all_tools);
  CHECK(walk(false, "resources/list", "resources") ==
        std::vector<std::string>{"readme", "mcphost-status", "mcphost-capabilities"});
  CHECK(walk(true, "prompts/list", "prompts") == std::vector<std::string>{"greet"});
}

// ---- Cancellation, progress, logs -------------------------------------------

TEST_CASE("Dispatcher: notifications/cancelled stops a slow tool and no reply is sent", "[protocol]") {
  Host h;
  h.Initialize();
  SECTION("legacy, string id") {
    h.Send(Legacy("\"slow-1\"", "tools/call", R"("name":"slow","arguments":{})"));
    CHECK(h.conn->InFlightCount() == 1);
    h.Send(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"slow-1","reason":"test"}})");
    REQUIRE(h.WaitIdle());
    auto p = h.Call(Legacy("\"after\"", "ping"), "\"after\"");
    Result(p);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK(h.CountWithId("\"slow-1\"") == 0);
  }
  SECTION("modern, number id") {
    h.Send(Modern("77", "tools/call", R"("name":"slow","arguments":{})"));
    CHECK(h.conn->InFlightCount() == 1);
    h.Send(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":77}})");
    REQUIRE(h.WaitIdle());
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK(h.CountWithId("77") == 0);
  }
  SECTION("a cancel for another id leaves the call running") {
    h.Send(Legacy("\"slow-2\"", "tools/call", R"("name":"slow","arguments":{})"));
    h.Send(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"other"}})");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK(h.conn->InFlightCount() == 1);
    h.Send(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"slow-2"}})");
    REQUIRE(h.WaitIdle());
  }
}

TEST_CASE("Dispatcher: a second request with an id in flight is refused", "[protocol]") {
  Host h;
  h.Initialize();
  h.Send(Legacy("\"dup\"", "tools/call", R"("name":"slow","arguments":{})"));
  auto d = h.Call(Legacy("\"dup\"", "tools/call", R"("name":"slow","arguments":{})"), "\"dup\"");
  CHECK(ErrorCode(d) == mcph::rpc::kInvalidRequest);
  h.Send(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"dup"}})");
  REQUIRE(h.WaitIdle());
}

TEST_CASE("Dispatcher: progress notifications reach the Outbound only with a token", "[protocol]") {
  Host h;
  h.Initialize();
  SECTION("legacy, string token") {
    auto d = h.Call(Legacy("1", "tools/call", R"("name":"progress","arguments":{},"_meta":{"progressToken":"pt"})"), "1");
    CHECK(FirstText(Result(d)) == "done");
    auto notes = h.Notifications("notifications/progress");
    REQUIRE(notes.size() == 3);
    for (size_t i = 0; i < 3; ++i) {
      CHECK(Str(notes[i]["params"]["progressToken"]) == "pt");
      CHECK(notes[i]["params"]["progress"].GetDouble() == double(i + 1));
      CHECK(notes[i]["params"]["total"].GetDouble() == 3.0);
      CHECK(Str(notes[i]["params"]["message"]) == "step " + std::to_string(i + 1) + " of 3");
    }
  }
  SECTION("modern, number token") {
    auto d = h.Call(Modern("2", "tools/call", R"("name":"progress","arguments":{})", R"("progressToken":9)"), "2");
    CHECK(FirstText(Result(d)) == "done");
    auto notes = h.Notifications("notifications/progress");
    REQUIRE(notes.size() == 3);
    CHECK(notes[0]["params"]["progressToken"].GetInt() == 9);
  }
  SECTION("no token") {
    auto d = h.Call(Legacy("3", "tools/call", R"("name":"progress","arguments":{})"), "3");
    CHECK(FirstText(Result(d)) == "done");
    CHECK(h.Notifications("notifications/progress").empty());
  }
}

TEST_CASE("Dispatcher: log notifications follow the client's level", "[protocol]") {
  Host h;
  h.Initialize();
  SECTION("legacy default level (info)") {
    auto d = h.Call(Legacy("1", "tools/call", R"("name":"log","arguments":{})"), "1");
    CHECK(FirstText(Result(d)) == "logged");
    auto notes = h.Notifications("notifications/message");
    REQUIRE(notes.size() == 3);
    CHECK(Str(notes[0]["params"]["level"]) == "info");
    CHECK(Str(notes[0]["params"]["logger"]) == "misbehaving");
    CHECK(Str(notes[2]["params"]["data"]) == "log line 3");
  }
  SECTION("legacy after logging/setLevel warning") {
    Result(h.Call(Legacy("1", "logging/setLevel", R"("level":"warning")"), "1"));
    auto d = h.Call(Legacy("2", "tools/call", R"("name":"log","arguments":{})"), "2");
    CHECK(FirstText(Result(d)) == "logged");
    CHECK(h.Notifications("notifications/message").empty());
  }
  SECTION("modern without a logLevel: none") {
    auto d = h.Call(Modern("3", "tools/call", R"("name":"log","arguments":{})"), "3");
    CHECK(FirstText(Result(d)) == "logged");
    CHECK(h.Notifications("notifications/message").empty());
  }
  SECTION("modern with logLevel debug") {
    auto d = h.Call(Modern("4", "tools/call", R"("name":"log","arguments":{})", R"("io.modelcontextprotocol/logLevel":"debug")"), "4");
    CHECK(FirstText(Result(d)) == "logged");
    CHECK(h.Notifications("notifications/message").size() == 3);
  }
  SECTION("modern with logLevel error") {
    auto d = h.Call(Modern("5", "tools/call", R"("name":"log","arguments":{})", R"("io.modelcontextprotocol/logLevel":"error")"), "5");
    CHECK(FirstText(Result(d)) == "logged");
    CHECK(h.Notifications("notifications/message").empty());
  }
  SECTION("modern with an unknown logLevel is -32602") {
    auto d = h.Call(Modern("6", "tools/call", R"("name":"log","arguments":{})", R"("io.modelcontextprotocol/logLevel":"loud")"), "6");
    CHECK(ErrorCode(d) == mcph::rpc::kInvalidParams);
  }
}

// ---- Batches ------------------------------------------------------------------

namespace {

// The first captured message that is a JSON array.
bool AwaitBatch(Host& h, rapidjson::Document& out) {
  std::string found;
  bool ok = h.out->WaitFor([&](const std::vector<std::string>& msgs) {
    for (const auto& m : msgs)
      if (!m.empty() && m[0] == '[') {
        found = m;
        return true;
      }
    return false;
  });
  if (ok) out.Parse(found.c_str());
  return ok && !out.HasParseError() && out.IsArray();
}

}  // namespace

TEST_CASE("Dispatcher: batches are refused unless 2025-03-26 was negotiated", "[protocol]") {
  const std::string batch = "[" + Legacy("1", "ping") + "," + Legacy("2", "ping") + "]";
  SECTION("before initialize") {
    Host h;
    h.Send(batch);
    REQUIRE(h.out->WaitFor([](const auto& m) { return !m.empty(); }));
    auto d = Parse(h.out->All()[0]);
    CHECK(ErrorCode(d) == mcph::rpc::kInvalidRequest);
    CHECK(d["id"].IsNull());
  }
  SECTION("after 2025-11-25 and 2025-06-18") {
    for (const char* v : {"2025-11-25", "2025-06-18"}) {
      Host h;
      h.Initialize(v);
      size_t before = h.out->All().size();
      h.Send(batch);
      REQUIRE(h.out->WaitFor([&](const auto& m) { return m.size() > before; }));
      auto d = Parse(h.out->All()[before]);
      INFO(v);
      CHECK(ErrorCode(d) == mcph::rpc::kInvalidRequest);
      CHECK(h.CountWithId("1") == 0);
    }
  }
  SECTION("after 2025-03-26") {
    Host h;
    h.Initialize("2025-03-26");
    h.Send("[" + Legacy("1", "ping") + "," + R"({"jsonrpc":"2.0","method":"notifications/initialized"})" + "," +
           Legacy("2", "tools/call", R"("name":"echo","arguments":{"text":"in a batch"})") + "," +
           Legacy("3", "no/such") + "]");
    rapidjson::Document d;
    REQUIRE(AwaitBatch(h, d));
    REQUIRE(d.Size() == 3);
    std::set<std::string> ids;
    for (const auto& m : d.GetArray()) {
      ids.insert(mcph::ToJson(m["id"]));
      if (mcph::ToJson(m["id"]) == "2") CHECK(FirstText(m["result"]) == "in a batch");
      if (mcph::ToJson(m["id"]) == "3") CHECK(m["error"]["code"].GetInt() == mcph::rpc::kMethodNotFound);
    }
    CHECK(ids == std::set<std::string>{"1", "2", "3"});
  }
  SECTION("an empty batch") {
    Host h;
    h.Initialize("2025-03-26");
    size_t before = h.out->All().size();
    h.Send("[]");
    REQUIRE(h.out->WaitFor([&](const auto& m) { return m.size() > before; }));
    CHECK(ErrorCode(Parse(h.out->All()[before])) == mcph::rpc::kInvalidRequest);
  }
}

TEST_CASE("Dispatcher: a batch holding a client response is still answered", "[protocol]") {
  // A response object in a batch is counted as a request that will be
  // answered, but never is: the batch's other responses are never sent.
  Host h;
  h.Initialize("2025-03-26");
  h.Send("[" + Legacy("1", "ping") + R"(,{"jsonrpc":"2.0","id":"from-client","result":{}}])");
  rapidjson::Document d;
  REQUIRE(AwaitBatch(h, d));
  REQUIRE(d.Size() == 1);
  CHECK(mcph::ToJson(d[0]["id"]) == "1");
}

TEST_CASE("Dispatcher: a batch with a cancelled request still answers the rest", "[protocol]") {
  // The cancelled request is never answered (as the spec asks), so the batch
  // collector must stop waiting for it (BatchCollector::Forget is never called).
  Host h;
  h.Initialize("2025-03-26");
  h.Send("[" + Legacy("\"b-slow\"", "tools/call", R"("name":"slow","arguments":{})") + "," + Legacy("\"b-ping\"", "ping") + "]");
  h.Send(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"b-slow"}})");
  REQUIRE(h.WaitIdle());
  rapidjson::Document d;
  REQUIRE(AwaitBatch(h, d));
  REQUIRE(d.Size() == 1);
  CHECK(Str(d[0]["id"]) == "b-ping");
}

// ---- Per-tool metrics ---------------------------------------------------------

TEST_CASE("Dispatcher: tools/call counts calls and errors per tool", "[protocol][metrics]") {
  Host h;
  h.Initialize();
  auto catalog = h.rt->state().snapshot();
  const mcph::CatalogTool* echo = catalog->FindTool("echo");
  const mcph::CatalogTool* failing = catalog->FindTool("returns_internal");
  const mcph::CatalogTool* bad_output = catalog->FindTool("bad_output");
  const mcph::CatalogTool* read_resource = catalog->FindTool("mcphost__read_resource");
  REQUIRE(echo);
  REQUIRE(failing);
  REQUIRE(bad_output);
  REQUIRE(read_resource);
  for (const mcph::CatalogTool* t : {echo, failing, bad_output, read_resource}) {
    REQUIRE(t->counters);
    CHECK(t->counters->calls.load() == 0);
    CHECK(t->counters->errors.load() == 0);
  }
  // The catalog's counters are the ones the shared Metrics renders.
  const std::string echo_plugin = echo->plugin->descriptor().name;
  CHECK(h.rt->state().metrics->ForTool("echo", echo_plugin) == echo->counters);

  // Two successes, then an isError result (the input schema) and a JSON-RPC error (arguments not an object).
  CHECK_FALSE(Result(h.Call(Legacy("1", "tools/call", R"("name":"echo","arguments":{"text":"a"})"), "1"))
                  .HasMember("isError"));
  CheckModernExtras(Result(h.Call(Modern("2", "tools/call", R"("name":"echo","arguments":{"text":"b"})"), "2")), false);
  CHECK(Result(h.Call(Legacy("3", "tools/call", R"("name":"echo","arguments":{})"), "3"))["isError"].GetBool());
  CHECK(ErrorCode(h.Call(Legacy("4", "tools/call", R"("name":"echo","arguments":[1])"), "4")) ==
        mcph::rpc::kInvalidParams);
  CHECK(echo->counters->calls.load() == 4);
  CHECK(echo->counters->errors.load() == 2);

  // A failing handler (isError) and a result the host refuses (-32603).
  CHECK(Result(h.Call(Legacy("5", "tools/call", R"("name":"returns_internal","arguments":{})"), "5"))["isError"].GetBool());
  CHECK(ErrorCode(h.Call(Legacy("6", "tools/call", R"("name":"bad_output","arguments":{})"), "6")) ==
        mcph::rpc::kInternalError);
  CHECK(failing->counters->calls.load() == 1);
  CHECK(failing->counters->errors.load() == 1);
  CHECK(bad_output->counters->calls.load() == 1);
  CHECK(bad_output->counters->errors.load() == 1);

  // The host's own tool is counted too, under the plugin label "mcphost".
  h.Call(Legacy("7", "tools/call", R"("name":"mcphost__read_resource","arguments":{"uri":"test://misbehaving/readme"})"), "7");
  h.Call(Legacy("8", "tools/call", R"("name":"mcphost__read_resource","arguments":{"uri":"mcphost://status"})"), "8");
  h.Call(Legacy("9", "tools/call", R"("name":"mcphost__read_resource","arguments":{"uri":"test://none"})"), "9");
  CHECK(read_resource->counters->calls.load() == 3);
  CHECK(read_resource->counters->errors.load() == 1);

  // An unknown tool reaches no tool: nothing counted anywhere.
  CHECK(ErrorCode(h.Call(Legacy("10", "tools/call", R"("name":"nope","arguments":{})"), "10")) ==
        mcph::rpc::kInvalidParams);
  CHECK(echo->counters->calls.load() == 4);

  std::string text = h.rt->state().metrics->RenderPrometheus();
  INFO(text);
  CHECK_THAT(text, Catch::Contains("mcp_tool_calls_total{tool=\"echo\",plugin=\"" + echo_plugin + "\"} 4\n"));
  CHECK_THAT(text, Catch::Contains("mcp_tool_errors_total{tool=\"echo\",plugin=\"" + echo_plugin + "\"} 2\n"));
  CHECK_THAT(text, Catch::Contains("mcp_tool_calls_total{tool=\"mcphost__read_resource\",plugin=\"mcphost\"} 3\n"));
  CHECK_THAT(text, Catch::Contains("mcp_tool_errors_total{tool=\"mcphost__read_resource\",plugin=\"mcphost\"} 1\n"));
}
