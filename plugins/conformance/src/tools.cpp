// tools.cpp - the tools of the 0.1.16 suite and their 0.2 successors:
// content types, errors, log and progress notifications, the legacy
// sampling/elicitation tools (written in the ABI's input-request style), the
// JSON Schema 2020-12 tool and the x-mcp-header tool.
#include <string>

#include "fixtures.hpp"
#include "json.hpp"

namespace conformance {
namespace {

constexpr const char* kNoArgs = R"({"type":"object","properties":{}})";

// requestedSchema of test_elicitation (tools-call-elicitation's description).
constexpr const char* kUserInfoSchema =
    R"({"type":"object","properties":{)"
    R"("username":{"type":"string","description":"User's response"},)"
    R"("email":{"type":"string","description":"User's email address"}},)"
    R"("required":["username","email"]})";

// SEP-1034: a default for every primitive type (elicitation-sep1034-defaults).
constexpr const char* kDefaultsSchema =
    R"({"type":"object","properties":{)"
    R"("name":{"type":"string","description":"User name","default":"John Doe"},)"
    R"("age":{"type":"integer","description":"User age","default":30},)"
    R"("score":{"type":"number","description":"User score","default":95.5},)"
    R"("status":{"type":"string","description":"User status","enum":["active","inactive","pending"],"default":"active"},)"
    R"("verified":{"type":"boolean","description":"Verification status","default":true}},)"
    R"("required":[]})";

// SEP-1330: the five enum variants (elicitation-sep1330-enums).
constexpr const char* kEnumsSchema =
    R"({"type":"object","properties":{)"
    R"("untitledSingle":{"type":"string","description":"Select one option","enum":["option1","option2","option3"]},)"
    R"("titledSingle":{"type":"string","description":"Select one option with titles","oneOf":[)"
    R"({"const":"value1","title":"First Option"},{"const":"value2","title":"Second Option"},)"
    R"({"const":"value3","title":"Third Option"}]},)"
    R"j("legacyEnum":{"type":"string","description":"Select one option (legacy)","enum":["opt1","opt2","opt3"],)j"
    R"("enumNames":["Option One","Option Two","Option Three"]},)"
    R"("untitledMulti":{"type":"array","description":"Select multiple options","minItems":1,"maxItems":3,)"
    R"("items":{"type":"string","enum":["option1","option2","option3"]}},)"
    R"("titledMulti":{"type":"array","description":"Select multiple options with titles","minItems":1,"maxItems":3,)"
    R"("items":{"anyOf":[{"const":"value1","title":"First Choice"},{"const":"value2","title":"Second Choice"},)"
    R"({"const":"value3","title":"Third Choice"}]}}},)"
    R"("required":[]})";

// SEP-1613 + SEP-2106 (json-schema-2020-12, 0.2.0-alpha.12): kept verbatim in
// tools/list, $schema, $defs with $anchor, allOf/anyOf, if/then/else and
// additionalProperties included.
constexpr const char* kSchema2020 =
    R"({"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object",)"
    R"("$defs":{"address":{"$anchor":"addressDef","type":"object",)"
    R"("properties":{"street":{"type":"string"},"city":{"type":"string"}}}},)"
    R"("properties":{"name":{"type":"string"},"address":{"$ref":"#/$defs/address"},)"
    R"("contactMethod":{"type":"string","enum":["phone","email"]},)"
    R"("phone":{"type":"string"},"email":{"type":"string"}},)"
    R"("allOf":[{"anyOf":[{"required":["phone"]},{"required":["email"]}]}],)"
    R"("if":{"properties":{"contactMethod":{"const":"phone"}},"required":["contactMethod"]},)"
    R"("then":{"required":["phone"]},"else":{"required":["email"]},)"
    R"("additionalProperties":false})";

// SEP-2243: `region` travels as the Mcp-Param-Region header too.
constexpr const char* kHeaderSchema =
    R"({"type":"object","properties":{)"
    R"("region":{"type":"string","description":"The region to run in; also sent as the Mcp-Param-Region header","x-mcp-header":"Region"},)"
    R"("query":{"type":"string","description":"The query to run"}},)"
    R"("required":["region"]})";

// One elicitation for the legacy tools: the answer on the repeated call, or
// the request when there is none (or it is malformed).
std::optional<Elicited> ElicitOnce(const mcpp::Call& call, const mcpp::Result& r, const char* key,
                                   std::string_view message, const char* schema) {
  InputResponses in(call.input_responses_json());
  if (auto e = ReadElicitation(in.Get(key))) return e;
  r.require_input(key, "elicitation/create", FormElicitation(message, schema));
  return std::nullopt;
}

mcpp::ToolSpec Tool(const char* name, const char* description, const char* schema = kNoArgs) {
  mcpp::ToolSpec t;
  t.name = name;
  t.description = description;
  t.input_schema_json = schema;
  return t;
}

}  // namespace

void RegisterTools(mcpp::Registrar& reg) {
  // ---- content types (tools-call-simple-text, -image, -audio, -embedded-resource, -mixed-content)
  reg.add_tool(Tool("test_simple_text", "Tests simple text content response"),
               [](mcpp::Call&, std::string_view, mcpp::Result& r) {
                 r.add_text("This is a simple text response for testing.");
               });
  reg.add_tool(Tool("test_image_content", "Tests image content response"),
               [](mcpp::Call&, std::string_view, mcpp::Result& r) {
                 r.add_image("image/png", PngBytes().data(), PngBytes().size());
               });
  reg.add_tool(Tool("test_audio_content", "Tests audio content response"),
               [](mcpp::Call&, std::string_view, mcpp::Result& r) {
                 r.add_audio("audio/wav", WavBytes().data(), WavBytes().size());
               });
  reg.add_tool(Tool("test_embedded_resource", "Tests embedded resource content response"),
               [](mcpp::Call&, std::string_view, mcpp::Result& r) {
                 r.add_embedded_text("test://embedded-resource", "text/plain",
                                     "This is an embedded resource content.");
               });
  reg.add_tool(Tool("test_multiple_content_types",
                    "Tests response with multiple content types (text, image, resource)"),
               [](mcpp::Call&, std::string_view, mcpp::Result& r) {
                 r.add_text("Multiple content types test:");
                 r.add_image("image/png", PngBytes().data(), PngBytes().size());
                 r.add_embedded_text("test://mixed-content-resource", "application/json",
                                     R"({"test":"data","value":123})");
               });

  // ---- errors and notifications (tools-call-error, -with-logging, -with-progress)
  reg.add_tool(Tool("test_error_handling", "Tests error response handling"),
               [](mcpp::Call&, std::string_view, mcpp::Result& r) {
                 r.add_text("This tool intentionally returns an error for testing");
                 r.set_is_error(true);
               });
  reg.add_tool(Tool("test_tool_with_logging", "Tests tool that emits log messages during execution"),
               [](mcpp::Call& call, std::string_view, mcpp::Result& r) {
                 call.log(MCPP_LOG_INFO, "Tool execution started");
                 Pause(call, 50);
                 call.log(MCPP_LOG_INFO, "Tool processing data");
                 Pause(call, 50);
                 call.log(MCPP_LOG_INFO, "Tool execution completed");
                 r.add_text("Tool with logging executed successfully");
               });
  reg.add_tool(Tool("test_tool_with_progress", "Tests tool that reports progress notifications"),
               [](mcpp::Call& call, std::string_view, mcpp::Result& r) {
                 call.progress(0, 100, "Completed step 0 of 100");
                 Pause(call, 50);
                 call.progress(50, 100, "Completed step 50 of 100");
                 Pause(call, 50);
                 call.progress(100, 100, "Completed step 100 of 100");
                 r.add_text("Tool with progress executed successfully");
               });
  // server-sse-polling (pending in 0.1.16): closing the SSE stream mid-call
  // is the host's part; the tool only takes a moment.
  reg.add_tool(Tool("test_reconnection",
                    "Tests SSE stream disconnection and client reconnection (SEP-1699). The server "
                    "may close the stream mid-call and send the result after the client reconnects."),
               [](mcpp::Call& call, std::string_view, mcpp::Result& r) {
                 Pause(call, 100);
                 r.add_text(
                     "Reconnection test completed successfully. If you received this, the client "
                     "properly reconnected after stream closure.");
               });

  // ---- server requests of the legacy suite, as input requests
  // (tools-call-sampling, tools-call-elicitation, elicitation-sep1034-defaults,
  // elicitation-sep1330-enums). A client without the capability gets an error
  // from the host.
  reg.add_tool(
      Tool("test_sampling", "Tests server-initiated sampling (LLM completion request)",
           R"({"type":"object","properties":{"prompt":{"type":"string","description":"The prompt to send to the LLM"}},"required":["prompt"]})"),
      [](mcpp::Call& call, std::string_view args, mcpp::Result& r) {
        InputResponses in(call.input_responses_json());
        if (auto text = ReadSamplingText(in.Get("llm_response"))) {
          r.add_text("LLM response: " + (text->empty() ? std::string("No response") : *text));
          return;
        }
        std::string prompt = StringMember(args, "prompt").value_or("");
        r.require_input("llm_response", "sampling/createMessage", SamplingRequest(prompt, 100));
      });
  reg.add_tool(
      Tool("test_elicitation", "Tests server-initiated elicitation (user input request)",
           R"({"type":"object","properties":{"message":{"type":"string","description":"The message to show the user"}},"required":["message"]})"),
      [](mcpp::Call& call, std::string_view args, mcpp::Result& r) {
        std::string message = StringMember(args, "message").value_or("");
        if (auto e = ElicitOnce(call, r, "user_response", message, kUserInfoSchema))
          r.add_text("User response: action=" + e->action + ", content=" + e->ContentJson());
      });
  reg.add_tool(Tool("test_elicitation_sep1034_defaults", "Tests elicitation with default values per SEP-1034"),
               [](mcpp::Call& call, std::string_view, mcpp::Result& r) {
                 if (auto e = ElicitOnce(call, r, "user_response",
                                         "Please review and update the form fields with defaults",
                                         kDefaultsSchema))
                   r.add_text("Elicitation completed: action=" + e->action + ", content=" + e->ContentJson());
               });
  reg.add_tool(Tool("test_elicitation_sep1330_enums", "Tests elicitation with enum schema improvements per SEP-1330"),
               [](mcpp::Call& call, std::string_view, mcpp::Result& r) {
                 if (auto e = ElicitOnce(call, r, "user_response", "Please select options from the enum fields",
                                         kEnumsSchema))
                   r.add_text("Elicitation completed: action=" + e->action + ", content=" + e->ContentJson());
               });

  // ---- schemas (json-schema-2020-12, http-custom-header-server-validation)
  reg.add_tool(Tool("json_schema_2020_12_tool", "Tool with JSON Schema 2020-12 features", kSchema2020),
               [](mcpp::Call&, std::string_view args, mcpp::Result& r) {
                 rapidjson::Document d;
                 std::string shown = Parse(args, d) ? ToJson(d) : std::string(args);
                 r.add_text("JSON Schema 2020-12 tool called with: " + shown);
               });
  reg.add_tool(Tool("test_custom_header",
                    "Tests custom request headers (SEP-2243): the region argument is mirrored in the "
                    "Mcp-Param-Region header, which the server checks against the body",
                    kHeaderSchema),
               [](mcpp::Call&, std::string_view args, mcpp::Result& r) {
                 r.add_text("Region: " + StringMember(args, "region").value_or("") +
                            "; query: " + StringMember(args, "query").value_or(""));
               });
}

}  // namespace conformance
