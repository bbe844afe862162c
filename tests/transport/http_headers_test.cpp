// http_headers_test.cpp - content negotiation and the 2026-07-28 routing
// headers checked against the body.
#include <catch2/catch.hpp>

#include "transport/http/exchange.h"
#include "transport/http/mcp_headers.h"
#include "protocol/errors.h"
#include "util/json.h"

using namespace mcph::http;

namespace {

rapidjson::Document Doc(const std::string& text) {
  rapidjson::Document d;
  REQUIRE(mcph::ParseJson(text, d).ok());
  return d;
}

const char* kCall =
    R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"region":"eu-west","n":3},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}})";

}  // namespace

TEST_CASE("Accept and Content-Type", "[http]") {
  CHECK(Accepts("application/json, text/event-stream", "application/json"));
  CHECK(Accepts("application/json, text/event-stream", "text/event-stream"));
  CHECK(Accepts("*/*", "text/event-stream"));
  CHECK(Accepts("text/*;q=0.5", "text/event-stream"));
  CHECK(Accepts("Application/JSON;q=1", "application/json"));
  CHECK_FALSE(Accepts("application/json", "text/event-stream"));
  CHECK_FALSE(Accepts("text/event-stream;q=0", "text/event-stream"));
  CHECK_FALSE(Accepts("", "application/json"));
  CHECK(IsJsonContentType("application/json"));
  CHECK(IsJsonContentType("application/json; charset=utf-8"));
  CHECK_FALSE(IsJsonContentType("text/plain"));
  CHECK_FALSE(IsJsonContentType(""));
}

TEST_CASE("header values: trimmed, base64 sentinel decoded", "[http]") {
  CHECK(DecodeHeaderValue("  tools/call ").value() == "tools/call");
  CHECK(DecodeHeaderValue("=?base64?5pel5pys?=").value() == "\xe6\x97\xa5\xe6\x9c\xac");
  CHECK(DecodeHeaderValue("=?BASE64?aGk=?=").value() == "hi");
  CHECK_FALSE(DecodeHeaderValue("=?base64?***?=").has_value());
  CHECK_FALSE(DecodeHeaderValue("=?base64?SGVsbG8?=").has_value());  // padding missing
  CHECK(DecodeHeaderValue("=?base64?SGVsbG8=?=").value() == "Hello");
}

TEST_CASE("modern headers: version, method, name, in that order", "[http]") {
  auto doc = Doc(kCall);
  ModernHeaders h;
  CHECK_THAT(CheckModernHeaders(h, doc, "2026-07-28", nullptr), Catch::Contains("MCP-Protocol-Version"));
  h.protocol_version = "2026-07-28";
  CHECK_THAT(CheckModernHeaders(h, doc, "2026-07-28", nullptr), Catch::Contains("Mcp-Method header is required"));
  h.method = "tools/list";
  CHECK_THAT(CheckModernHeaders(h, doc, "2026-07-28", nullptr),
             Catch::Contains("Mcp-Method header value 'tools/list' does not match body value 'tools/call'"));
  h.method = " tools/call ";
  CHECK_THAT(CheckModernHeaders(h, doc, "2026-07-28", nullptr), Catch::Contains("Mcp-Name header is required"));
  h.name = "ECHO";  // values are case-sensitive
  CHECK_THAT(CheckModernHeaders(h, doc, "2026-07-28", nullptr), Catch::Contains("'ECHO' does not match body value 'echo'"));
  h.name = "=?base64?ZWNobw==?=";
  CHECK(CheckModernHeaders(h, doc, "2026-07-28", nullptr).empty());
  // The header must equal the claim even when the claim is an unsupported version.
  h.protocol_version = "2026-07-28";
  CHECK_THAT(CheckModernHeaders(h, doc, "v999.0.0", nullptr), Catch::Contains("does not match body value 'v999.0.0'"));
}

TEST_CASE("modern headers: Mcp-Name only where the method has one", "[http]") {
  auto doc = Doc(R"({"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}})");
  ModernHeaders h;
  h.protocol_version = "2026-07-28";
  h.method = "tools/list";
  CHECK(CheckModernHeaders(h, doc, "2026-07-28", nullptr).empty());
  auto read = Doc(R"({"jsonrpc":"2.0","id":1,"method":"resources/read","params":{"uri":"test://a"}})");
  h.method = "resources/read";
  h.name = "test://b";
  CHECK_THAT(CheckModernHeaders(h, read, "2026-07-28", nullptr), Catch::Contains("Mcp-Name"));
  h.name = "test://a";
  CHECK(CheckModernHeaders(h, read, "2026-07-28", nullptr).empty());
}

TEST_CASE("modern headers: Mcp-Param-* mirror x-mcp-header properties", "[http]") {
  auto doc = Doc(kCall);
  auto schema = Doc(
      R"({"type":"object","properties":{"region":{"type":"string","x-mcp-header":"Region"},"n":{"type":"integer","x-mcp-header":"Count"},"other":{"type":"string","x-mcp-header":"Other"}}})");
  ModernHeaders h;
  h.protocol_version = "2026-07-28";
  h.method = "tools/call";
  h.name = "echo";
  CHECK_THAT(CheckModernHeaders(h, doc, "2026-07-28", &schema), Catch::Contains("Mcp-Param-Region header is required"));
  h.params = {{"region", "eu-west"}, {"count", "4"}};
  CHECK_THAT(CheckModernHeaders(h, doc, "2026-07-28", &schema), Catch::Contains("Mcp-Param-Count header value '4'"));
  h.params = {{"region", "eu-west"}, {"count", "3"}};
  CHECK(CheckModernHeaders(h, doc, "2026-07-28", &schema).empty());
  h.params.push_back({"other", "x"});  // a header for an argument the body lacks
  CHECK_THAT(CheckModernHeaders(h, doc, "2026-07-28", &schema), Catch::Contains("Mcp-Param-Other"));
}

TEST_CASE("HTTP status of an answer, per era", "[http]") {
  using mcph::Answer;
  namespace rpc = mcph::rpc;
  CHECK(StatusFor(Answer("{}"), true) == 200);
  CHECK(StatusFor(Answer("{}", rpc::kMethodNotFound, true), true) == 404);
  CHECK(StatusFor(Answer("{}", rpc::kUnsupportedProtocolVersion, true), true) == 400);
  CHECK(StatusFor(Answer("{}", rpc::kInvalidParams, true), true) == 400);
  CHECK(StatusFor(Answer("{}", rpc::kMissingClientCapability, false), true) == 400);
  CHECK(StatusFor(Answer("{}", rpc::kInvalidParams, false), true) == 200);
  CHECK(StatusFor(Answer("{}", rpc::kInternalError, false), true) == 200);
  CHECK(StatusFor(Answer("{}", rpc::kParseError, true), false) == 400);
  CHECK(StatusFor(Answer("{}", rpc::kMethodNotFound, true), false) == 200);
  CHECK(StatusFor(Answer("{}", rpc::kResourceNotFound, false), false) == 200);
}

TEST_CASE("SSE events", "[http]") {
  CHECK(SseEvent(R"({"a":1})") == "event: message\ndata: {\"a\":1}\n\n");
  CHECK(SseEvent("x\ny", "7") == "id: 7\nevent: message\ndata: x\ndata: y\n\n");
}
