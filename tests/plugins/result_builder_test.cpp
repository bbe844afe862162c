// result_builder_test.cpp - the host side of mcpp_result: each slot's JSON,
// which slots apply to which handler kind, and refusals remembered as
// misbehaviour.
#include <catch2/catch.hpp>

#include <cstring>
#include <string>

#include "plugins/result_builder.h"
#include "util/json.h"

using mcph::HandlerKind;
using mcph::ResultBuilder;

namespace {

constexpr size_t kBig = 1u << 20;

mcpp_str S(const std::string& s) { return {s.data(), s.size()}; }
mcpp_str S(const char* s) { return {s, std::strlen(s)}; }
mcpp_bytes B(const std::string& s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

// The builder's items as a parsed JSON array.
rapidjson::Document Items(const ResultBuilder& rb) {
  std::string text = "[" + std::string(rb.items_json()) + "]";
  rapidjson::Document d;
  auto s = mcph::ParseJson(text, d);
  INFO(text);
  REQUIRE(s.ok());
  REQUIRE(d.IsArray());
  REQUIRE(d.Size() == rb.item_count());
  return d;
}

std::string Json(const rapidjson::Value& v) { return mcph::ToJson(v); }

}  // namespace

TEST_CASE("ResultBuilder: tool content blocks", "[plugins]") {
  ResultBuilder rb(HandlerKind::kTool, {}, kBig);
  const mcpp_result* r = rb.table();
  CHECK(r->struct_size == sizeof(mcpp_result));
  CHECK(r->add_text(r, S("hello \"world\"\n")) == MCPP_OK);
  CHECK(r->add_image(r, "image/png", B(std::string("\x89PNG", 4))) == MCPP_OK);
  CHECK(r->add_audio(r, "audio/wav", B("foobar")) == MCPP_OK);
  CHECK(r->add_resource_link(r, "test://a", "a", "text/plain", "the a") == MCPP_OK);
  CHECK(r->add_resource_link(r, "test://b", "b", nullptr, nullptr) == MCPP_OK);
  CHECK(r->add_embedded_text(r, "test://c", "text/markdown", S("# c")) == MCPP_OK);
  CHECK(r->add_embedded_blob(r, "test://d", "application/octet-stream", B("fo")) == MCPP_OK);
  CHECK(r->add_embedded_text(r, "test://e", nullptr, S("e")) == MCPP_OK);
  CHECK(r->add_content_json(r, S(R"({"type":"text","text":"x","annotations":{"priority":1}})")) == MCPP_OK);
  CHECK(rb.misbehaviour().empty());

  auto d = Items(rb);
  REQUIRE(d.Size() == 9);
  CHECK(Json(d[0]) == R"({"type":"text","text":"hello \"world\"\n"})");
  CHECK(Json(d[1]) == R"({"type":"image","mimeType":"image/png","data":"iVBORw=="})");
  CHECK(Json(d[2]) == R"({"type":"audio","mimeType":"audio/wav","data":"Zm9vYmFy"})");
  CHECK(Json(d[3]) == R"({"type":"resource_link","uri":"test://a","name":"a","mimeType":"text/plain","description":"the a"})");
  CHECK(Json(d[4]) == R"({"type":"resource_link","uri":"test://b","name":"b"})");
  CHECK(Json(d[5]) == R"({"type":"resource","resource":{"uri":"test://c","mimeType":"text/markdown","text":"# c"}})");
  CHECK(Json(d[6]) == R"({"type":"resource","resource":{"uri":"test://d","mimeType":"application/octet-stream","blob":"Zm8="}})");
  CHECK(Json(d[7]) == R"({"type":"resource","resource":{"uri":"test://e","text":"e"}})");
  CHECK(Json(d[8]) == R"({"type":"text","text":"x","annotations":{"priority":1}})");
}

TEST_CASE("ResultBuilder: text with embedded NUL and an empty image", "[plugins]") {
  ResultBuilder rb(HandlerKind::kTool, {}, kBig);
  const mcpp_result* r = rb.table();
  CHECK(r->add_text(r, mcpp_str{"a\0b", 3}) == MCPP_OK);  // size is authoritative
  CHECK(r->add_image(r, "image/gif", mcpp_bytes{nullptr, 0}) == MCPP_OK);
  auto d = Items(rb);
  CHECK(std::string(d[0]["text"].GetString(), d[0]["text"].GetStringLength()) == std::string("a\0b", 3));
  CHECK(std::string(d[1]["data"].GetString()) == "");
}

TEST_CASE("ResultBuilder: structured content, isError and _meta", "[plugins]") {
  ResultBuilder rb(HandlerKind::kTool, {}, kBig);
  const mcpp_result* r = rb.table();
  CHECK_FALSE(rb.has_structured());
  CHECK(r->set_structured_json(r, S(R"({"sum":5})")) == MCPP_OK);
  CHECK(rb.has_structured());
  CHECK(rb.structured_json() == R"({"sum":5})");
  CHECK(r->set_is_error(r, 1) == MCPP_OK);
  CHECK(rb.is_error());
  CHECK(r->set_is_error(r, 0) == MCPP_OK);
  CHECK_FALSE(rb.is_error());
  CHECK(r->set_meta_json(r, S(R"({"trace":"abc"})")) == MCPP_OK);
  CHECK(rb.meta_json() == R"({"trace":"abc"})");
  CHECK(rb.misbehaviour().empty());
}

TEST_CASE("ResultBuilder: invalid JSON to set_structured_json is refused and remembered", "[plugins]") {
  ResultBuilder rb(HandlerKind::kTool, {}, kBig);
  const mcpp_result* r = rb.table();
  CHECK(r->set_structured_json(r, S("{not json")) == MCPP_ERR_INVALID_JSON);
  CHECK_FALSE(rb.has_structured());
  CHECK_THAT(rb.misbehaviour(), Catch::Contains("set_structured_json"));
  // Invalid UTF-8 inside otherwise valid JSON.
  ResultBuilder rb2(HandlerKind::kTool, {}, kBig);
  CHECK(rb2.table()->set_structured_json(rb2.table(), S("{\"a\":\"\xC3\"}")) == MCPP_ERR_INVALID_JSON);
  // Trailing garbage.
  ResultBuilder rb3(HandlerKind::kTool, {}, kBig);
  CHECK(rb3.table()->set_structured_json(rb3.table(), S("{} {}")) == MCPP_ERR_INVALID_JSON);
}

TEST_CASE("ResultBuilder: set_meta_json and add_content_json need valid JSON of the right shape", "[plugins]") {
  ResultBuilder rb(HandlerKind::kTool, {}, kBig);
  const mcpp_result* r = rb.table();
  CHECK(r->set_meta_json(r, S("[1]")) == MCPP_ERR_INVALID_JSON);
  CHECK(r->set_meta_json(r, S("{")) == MCPP_ERR_INVALID_JSON);
  CHECK(r->add_content_json(r, S("{\"text\":\"no type\"}")) == MCPP_ERR_INVALID_JSON);
  CHECK(r->add_content_json(r, S("{\"type\":1}")) == MCPP_ERR_INVALID_JSON);
  CHECK(r->add_content_json(r, S("[]")) == MCPP_ERR_INVALID_JSON);
  CHECK(r->add_content_json(r, S("{\"type\":\"text\"")) == MCPP_ERR_INVALID_JSON);
  CHECK(rb.item_count() == 0);
  CHECK(rb.meta_json().empty());
  CHECK_THAT(rb.misbehaviour(), Catch::Contains("set_meta_json"));  // the first refusal wins
}

TEST_CASE("ResultBuilder: invalid UTF-8 text is refused", "[plugins]") {
  ResultBuilder rb(HandlerKind::kTool, {}, kBig);
  const mcpp_result* r = rb.table();
  CHECK(r->add_text(r, S("bad \xFF byte")) == MCPP_ERR_INVALID_ARGUMENT);
  CHECK(r->add_embedded_text(r, "test://x", nullptr, S("\xED\xA0\x80")) == MCPP_ERR_INVALID_ARGUMENT);
  CHECK(rb.item_count() == 0);
  CHECK_THAT(rb.misbehaviour(), Catch::Contains("UTF-8"));

  ResultBuilder res(HandlerKind::kResource, "test://r", kBig);
  CHECK(res.table()->add_text_contents(res.table(), nullptr, nullptr, S("\xC0\xAF")) == MCPP_ERR_INVALID_ARGUMENT);
  CHECK_FALSE(res.misbehaviour().empty());

  ResultBuilder pr(HandlerKind::kPrompt, {}, kBig);
  CHECK(pr.table()->set_description(pr.table(), S("\xFE")) == MCPP_ERR_INVALID_ARGUMENT);
  CHECK(pr.description().empty());
}

TEST_CASE("ResultBuilder: invalid UTF-8 in descriptor-like strings is refused too", "[plugins]") {
  // uri, name, mime type and description become JSON strings the client
  // receives: the issue says invalid UTF-8 is refused, not passed on.
  ResultBuilder rb(HandlerKind::kTool, {}, kBig);
  const mcpp_result* r = rb.table();
  CHECK(r->add_resource_link(r, "test://a", "bad \xFF name", nullptr, nullptr) != MCPP_OK);
  CHECK(r->add_image(r, "image/\xFF", B("x")) != MCPP_OK);
  CHECK(r->add_embedded_text(r, "test://\xC3", nullptr, S("ok")) != MCPP_OK);
  CHECK(mcph::IsValidJson("[" + std::string(rb.items_json()) + "]"));
  CHECK_FALSE(rb.misbehaviour().empty());
}

TEST_CASE("ResultBuilder: required arguments of content slots", "[plugins]") {
  ResultBuilder rb(HandlerKind::kTool, {}, kBig);
  const mcpp_result* r = rb.table();
  CHECK(r->add_image(r, nullptr, B("x")) == MCPP_ERR_INVALID_ARGUMENT);
  CHECK(r->add_audio(r, "", B("x")) == MCPP_ERR_INVALID_ARGUMENT);
  CHECK(r->add_image(r, "image/png", mcpp_bytes{nullptr, 3}) == MCPP_ERR_INVALID_ARGUMENT);
  CHECK(r->add_resource_link(r, "test://a", nullptr, nullptr, nullptr) == MCPP_ERR_INVALID_ARGUMENT);
  CHECK(r->add_resource_link(r, nullptr, "a", nullptr, nullptr) == MCPP_ERR_INVALID_ARGUMENT);
  CHECK(r->add_embedded_text(r, nullptr, nullptr, S("x")) == MCPP_ERR_INVALID_ARGUMENT);
  CHECK(r->add_embedded_blob(r, "test://b", nullptr, mcpp_bytes{nullptr, 1}) == MCPP_ERR_INVALID_ARGUMENT);
  CHECK(rb.item_count() == 0);
  CHECK_FALSE(rb.misbehaviour().empty());
}

TEST_CASE("ResultBuilder: slots of the wrong kind return MCPP_ERR_UNSUPPORTED", "[plugins]") {
  SECTION("tool") {
    ResultBuilder rb(HandlerKind::kTool, {}, kBig);
    const mcpp_result* r = rb.table();
    CHECK(r->set_role(r, MCPP_ROLE_USER) == MCPP_ERR_UNSUPPORTED);
    CHECK_THAT(rb.misbehaviour(), Catch::Contains("set_role"));
    CHECK(r->set_description(r, S("d")) == MCPP_ERR_UNSUPPORTED);
    CHECK(r->add_text_contents(r, nullptr, nullptr, S("x")) == MCPP_ERR_UNSUPPORTED);
    CHECK(r->add_blob_contents(r, nullptr, "a/b", B("x")) == MCPP_ERR_UNSUPPORTED);
    CHECK(rb.item_count() == 0);
    CHECK_THAT(rb.misbehaviour(), Catch::Contains("set_role"));
  }
  SECTION("prompt") {
    ResultBuilder rb(HandlerKind::kPrompt, {}, kBig);
    const mcpp_result* r = rb.table();
    CHECK(r->set_structured_json(r, S("{}")) == MCPP_ERR_UNSUPPORTED);
    CHECK(r->set_is_error(r, 1) == MCPP_ERR_UNSUPPORTED);
    CHECK(r->add_text_contents(r, nullptr, nullptr, S("x")) == MCPP_ERR_UNSUPPORTED);
    CHECK(r->add_blob_contents(r, nullptr, "a/b", B("x")) == MCPP_ERR_UNSUPPORTED);
    CHECK_FALSE(rb.is_error());
    CHECK_FALSE(rb.has_structured());
    CHECK_THAT(rb.misbehaviour(), Catch::Contains("set_structured_json"));
  }
  SECTION("resource") {
    ResultBuilder rb(HandlerKind::kResource, "test://r", kBig);
    const mcpp_result* r = rb.table();
    CHECK(r->add_text(r, S("x")) == MCPP_ERR_UNSUPPORTED);
    CHECK_THAT(rb.misbehaviour(), Catch::Contains("add_text"));
    CHECK(r->add_image(r, "image/png", B("x")) == MCPP_ERR_UNSUPPORTED);
    CHECK(r->add_audio(r, "audio/wav", B("x")) == MCPP_ERR_UNSUPPORTED);
    CHECK(r->add_resource_link(r, "u:x", "n", nullptr, nullptr) == MCPP_ERR_UNSUPPORTED);
    CHECK(r->add_embedded_text(r, "u:x", nullptr, S("x")) == MCPP_ERR_UNSUPPORTED);
    CHECK(r->add_embedded_blob(r, "u:x", nullptr, B("x")) == MCPP_ERR_UNSUPPORTED);
    CHECK(r->add_content_json(r, S(R"({"type":"text","text":"x"})")) == MCPP_ERR_UNSUPPORTED);
    CHECK(r->set_structured_json(r, S("{}")) == MCPP_ERR_UNSUPPORTED);
    CHECK(r->set_is_error(r, 1) == MCPP_ERR_UNSUPPORTED);
    CHECK(r->set_role(r, MCPP_ROLE_ASSISTANT) == MCPP_ERR_UNSUPPORTED);
    CHECK(r->set_description(r, S("d")) == MCPP_ERR_UNSUPPORTED);
    CHECK(rb.item_count() == 0);
  }
  SECTION("resource as tool") {
    ResultBuilder rb(HandlerKind::kResourceAsTool, "test://r", kBig);
    const mcpp_result* r = rb.table();
    CHECK(r->add_text(r, S("x")) == MCPP_ERR_UNSUPPORTED);
    CHECK(r->set_structured_json(r, S("{}")) == MCPP_ERR_UNSUPPORTED);
    CHECK_FALSE(rb.misbehaviour().empty());
  }
}

TEST_CASE("ResultBuilder: a behaving handler leaves no misbehaviour", "[plugins]") {
  for (HandlerKind k : {HandlerKind::kTool, HandlerKind::kPrompt, HandlerKind::kResource, HandlerKind::kResourceAsTool}) {
    ResultBuilder rb(k, "test://r", kBig);
    const mcpp_result* r = rb.table();
    CHECK(r->set_meta_json(r, S("{}")) == MCPP_OK);
    CHECK(r->set_request_state(r, S("opaque")) == MCPP_OK);
    CHECK(rb.has_request_state());
    CHECK(rb.request_state() == "opaque");
    CHECK(rb.misbehaviour().empty());
  }
}

TEST_CASE("ResultBuilder: prompt messages carry the current role", "[plugins]") {
  ResultBuilder rb(HandlerKind::kPrompt, {}, kBig);
  const mcpp_result* r = rb.table();
  CHECK(r->add_text(r, S("default role")) == MCPP_OK);
  CHECK(r->set_role(r, MCPP_ROLE_ASSISTANT) == MCPP_OK);
  CHECK(r->add_text(r, S("from the assistant")) == MCPP_OK);
  CHECK(r->add_image(r, "image/png", B("f")) == MCPP_OK);
  CHECK(r->set_role(r, MCPP_ROLE_USER) == MCPP_OK);
  CHECK(r->add_embedded_text(r, "test://doc", "text/plain", S("doc")) == MCPP_OK);
  CHECK(r->set_role(r, 7) == MCPP_ERR_INVALID_ARGUMENT);
  CHECK(r->add_content_json(r, S(R"({"type":"text","text":"json"})")) == MCPP_OK);  // role unchanged by the refusal
  CHECK(r->set_description(r, S("A greeting")) == MCPP_OK);
  CHECK(rb.description() == "A greeting");

  auto d = Items(rb);
  REQUIRE(d.Size() == 5);
  CHECK(Json(d[0]) == R"({"role":"user","content":{"type":"text","text":"default role"}})");
  CHECK(Json(d[1]) == R"({"role":"assistant","content":{"type":"text","text":"from the assistant"}})");
  CHECK(Json(d[2]) == R"({"role":"assistant","content":{"type":"image","mimeType":"image/png","data":"Zg=="}})");
  CHECK(Json(d[3]) ==
        R"({"role":"user","content":{"type":"resource","resource":{"uri":"test://doc","mimeType":"text/plain","text":"doc"}}})");
  CHECK(Json(d[4]) == R"({"role":"user","content":{"type":"text","text":"json"}})");
  CHECK_THAT(rb.misbehaviour(), Catch::Contains("unknown role"));
}

TEST_CASE("ResultBuilder: resource contents, text and blob", "[plugins]") {
  ResultBuilder rb(HandlerKind::kResource, "test://read/me", kBig);
  const mcpp_result* r = rb.table();
  CHECK(r->add_text_contents(r, nullptr, "text/plain", S("hello")) == MCPP_OK);
  CHECK(r->add_text_contents(r, "", nullptr, S("no mime")) == MCPP_OK);
  CHECK(r->add_blob_contents(r, "test://other", "application/octet-stream", B("foob")) == MCPP_OK);
  auto d = Items(rb);
  REQUIRE(d.Size() == 3);
  CHECK(Json(d[0]) == R"({"uri":"test://read/me","mimeType":"text/plain","text":"hello"})");
  CHECK(Json(d[1]) == R"({"uri":"test://read/me","text":"no mime"})");
  CHECK(Json(d[2]) == R"({"uri":"test://other","mimeType":"application/octet-stream","blob":"Zm9vYg=="})");
  CHECK(rb.misbehaviour().empty());
}

TEST_CASE("ResultBuilder: a resource read as a tool wraps each entry as an embedded resource", "[plugins]") {
  ResultBuilder rb(HandlerKind::kResourceAsTool, "test://read/me", kBig);
  const mcpp_result* r = rb.table();
  CHECK(r->add_text_contents(r, nullptr, "text/plain", S("hello")) == MCPP_OK);
  CHECK(r->add_blob_contents(r, nullptr, "image/png", B("fooba")) == MCPP_OK);
  auto d = Items(rb);
  REQUIRE(d.Size() == 2);
  CHECK(Json(d[0]) == R"({"type":"resource","resource":{"uri":"test://read/me","mimeType":"text/plain","text":"hello"}})");
  CHECK(Json(d[1]) == R"({"type":"resource","resource":{"uri":"test://read/me","mimeType":"image/png","blob":"Zm9vYmE="}})");
}

TEST_CASE("ResultBuilder: require_input validation", "[plugins]") {
  ResultBuilder rb(HandlerKind::kTool, {}, kBig);
  const mcpp_result* r = rb.table();
  CHECK(r->require_input(r, "name", "elicitation/create", S(R"({"mode":"form","message":"Name?"})")) == MCPP_OK);
  CHECK(r->require_input(r, "q", "sampling/createMessage", S(R"({"messages":[],"maxTokens":10})")) == MCPP_OK);
  CHECK(r->require_input(r, "r", "roots/list", mcpp_str{nullptr, 0}) == MCPP_OK);  // empty params = {}
  CHECK(rb.misbehaviour().empty());

  CHECK(r->require_input(r, "name", "roots/list", S("{}")) == MCPP_ERR_ALREADY_EXISTS);
  CHECK_THAT(rb.misbehaviour(), Catch::Contains("name"));
  CHECK(r->require_input(r, "x", "tools/call", S("{}")) == MCPP_ERR_INVALID_ARGUMENT);
  CHECK(r->require_input(r, "", "roots/list", S("{}")) == MCPP_ERR_INVALID_ARGUMENT);
  CHECK(r->require_input(r, nullptr, "roots/list", S("{}")) == MCPP_ERR_INVALID_ARGUMENT);
  CHECK(r->require_input(r, "y", nullptr, S("{}")) == MCPP_ERR_INVALID_ARGUMENT);
  CHECK(r->require_input(r, "z", "roots/list", S("[1]")) == MCPP_ERR_INVALID_JSON);
  CHECK(r->require_input(r, "z", "roots/list", S("{bad")) == MCPP_ERR_INVALID_JSON);

  const auto& reqs = rb.input_requests();
  REQUIRE(reqs.size() == 3);
  CHECK(reqs[0].key == "name");
  CHECK(reqs[0].method == "elicitation/create");
  CHECK(reqs[0].params_json == R"({"mode":"form","message":"Name?"})");
  CHECK(reqs[1].method == "sampling/createMessage");
  CHECK(reqs[2].key == "r");
  CHECK(reqs[2].params_json == "{}");

  // Prompts and resources may ask too.
  ResultBuilder pr(HandlerKind::kPrompt, {}, kBig);
  CHECK(pr.table()->require_input(pr.table(), "k", "roots/list", S("{}")) == MCPP_OK);
  ResultBuilder rr(HandlerKind::kResource, "test://x", kBig);
  CHECK(rr.table()->require_input(rr.table(), "k", "roots/list", S("{}")) == MCPP_OK);
}

TEST_CASE("ResultBuilder: a result over the size limit is refused", "[plugins]") {
  ResultBuilder rb(HandlerKind::kTool, {}, 64);
  const mcpp_result* r = rb.table();
  std::string chunk(40, 'x');
  int32_t last = MCPP_OK;
  for (int i = 0; i < 10 && last == MCPP_OK; ++i) last = r->add_text(r, S(chunk));
  CHECK(last == MCPP_ERR_TOO_LARGE);
  CHECK_THAT(rb.misbehaviour(), Catch::Contains("size limit"));
  CHECK(r->set_structured_json(r, S("{\"k\":\"" + std::string(100, 'y') + "\"}")) == MCPP_ERR_TOO_LARGE);
}

TEST_CASE("ResultBuilder: one block larger than the whole limit is refused", "[plugins]") {
  // The size check runs before an item is written, so a first item of any
  // size is accepted; the limit must bound the result, not the previous items.
  ResultBuilder rb(HandlerKind::kTool, {}, 64);
  const mcpp_result* r = rb.table();
  CHECK(r->add_text(r, S(std::string(10000, 'x'))) == MCPP_ERR_TOO_LARGE);
  CHECK(rb.items_json().size() <= 64);
}

TEST_CASE("ResultBuilder: JSON kept for verbatim embedding fits on one stdio line", "[plugins]") {
  // structuredContent and _meta are copied verbatim into the reply; stdio
  // framing forbids raw newlines, so pretty-printed JSON must be compacted.
  ResultBuilder rb(HandlerKind::kTool, {}, kBig);
  const mcpp_result* r = rb.table();
  REQUIRE(r->set_structured_json(r, S("{\n  \"sum\": 5\n}")) == MCPP_OK);
  REQUIRE(r->set_meta_json(r, S("{\n  \"k\": 1\n}")) == MCPP_OK);
  CHECK(rb.structured_json().find('\n') == std::string::npos);
  CHECK(rb.meta_json().find('\n') == std::string::npos);
}
