// input_tools.cpp - fixtures that ask the client for input through the
// ABI's multi round-trip requests (result->require_input on the first call,
// call->input_responses_json and call->request_state on the repeated one):
// the server-stateless (SEP-2575) diagnostic tools and the input-required
// (SEP-2322) tools and prompt of conformance 0.2.0-alpha.12.
//
// Rules every handler here follows (spec 2026-07-28 basic/patterns/mrtr):
//  - a missing or malformed answer is asked for again (a new input-required
//    result), never a complete result and never an error;
//  - extra answers are ignored;
//  - a requestState this plugin did not issue is refused (the host checks
//    integrity first; this is the plugin's own check that the state belongs
//    to the tool and round it claims).
#include <string>

#include "fixtures.hpp"
#include "json.hpp"

namespace conformance {
namespace {

constexpr const char* kNoArgs = R"({"type":"object","properties":{}})";

constexpr const char* kNameSchema =
    R"({"type":"object","properties":{"name":{"type":"string"}},"required":["name"]})";
constexpr const char* kColorSchema =
    R"({"type":"object","properties":{"color":{"type":"string"}},"required":["color"]})";
constexpr const char* kOkSchema =
    R"({"type":"object","properties":{"ok":{"type":"boolean"}},"required":["ok"]})";
constexpr const char* kContextSchema =
    R"({"type":"object","properties":{"context":{"type":"string"}},"required":["context"]})";

// The request states this plugin issues (opaque to the client; the host
// protects their integrity).
constexpr std::string_view kRequestState = "conformance/request-state/v1";
constexpr std::string_view kMultipleInputsState = "conformance/multiple-inputs/v1";
constexpr std::string_view kRound1State = "conformance/multi-round/1";
constexpr std::string_view kRound2Prefix = "conformance/multi-round/2/";
constexpr std::string_view kTamperedState = "conformance/tampered-state/v1";
constexpr std::string_view kCapabilitiesState = "conformance/capabilities/v1";

constexpr const char* kElicit = "elicitation/create";
constexpr const char* kSample = "sampling/createMessage";
constexpr const char* kRoots = "roots/list";

mcpp::ToolSpec Tool(const char* name, const char* description) {
  mcpp::ToolSpec t;
  t.name = name;
  t.description = description;
  t.input_schema_json = kNoArgs;
  return t;
}

[[noreturn]] void ForeignState(const char* tool) {
  throw mcpp::InvalidArgument(std::string("requestState failed verification: it was not issued by ") + tool);
}

// "true" when an accepted form carries {"ok": true}.
bool Confirmed(const Elicited& e) {
  const rapidjson::Value* ok = Member(e.content, "ok");
  return e.action == "accept" && ok != nullptr && ok->IsBool() && ok->GetBool();
}

std::string RootsText(const std::vector<std::string>& uris) {
  std::string s = "Found " + std::to_string(uris.size()) + " root(s)";
  for (size_t i = 0; i < uris.size(); ++i) s += (i == 0 ? ": " : ", ") + uris[i];
  return s;
}

void RegisterDiagnostics(mcpp::Registrar& reg, const mcpp::Host& host) {
  // sep-2575-server-rejects-undeclared-capability: needs sampling; the host
  // answers -32021 {requiredCapabilities:{sampling:{}}} when the request did
  // not declare it.
  reg.add_tool(Tool("test_missing_capability",
                    "Requires the client's sampling capability: a request that does not declare it "
                    "gets -32021 (SEP-2575)"),
               [](mcpp::Call& call, std::string_view, mcpp::Result& r) {
                 InputResponses in(call.input_responses_json());
                 if (auto text = ReadSamplingText(in.Get("capability_probe"))) {
                   r.add_text("Sampling capability is declared; the client answered: " + *text);
                   return;
                 }
                 r.require_input("capability_probe", kSample, SamplingRequest("Reply with OK", 10));
               });
  // sep-2575-http-server-no-independent-requests-on-stream: the elicitation
  // goes back inside the result, never as a request on the response stream.
  reg.add_tool(Tool("test_streaming_elicitation",
                    "Asks for confirmation through an input-required result; its response stream "
                    "carries only notifications and the result, never a server request (SEP-2575)"),
               [](mcpp::Call& call, std::string_view, mcpp::Result& r) {
                 InputResponses in(call.input_responses_json());
                 if (auto e = ReadElicitation(in.Get("confirm"))) {
                   call.progress(1, 1, "confirmation received");
                   r.add_text("Streaming elicitation completed: action=" + e->action +
                              ", content=" + e->ContentJson());
                   return;
                 }
                 call.progress(0, 1, "asking for confirmation");
                 r.require_input("confirm", kElicit, FormElicitation("Please confirm to continue", kOkSchema));
               });
  // sep-2575-server-no-log-without-loglevel: logs one line; the host sends
  // it to the client only when the request set _meta.../logLevel.
  reg.add_tool(Tool("test_logging_tool",
                    "Logs one info message; a request without a log level must not receive it (SEP-2575)"),
               [](mcpp::Call& call, std::string_view, mcpp::Result& r) {
                 call.log(MCPP_LOG_INFO, "test_logging_tool executed", "conformance");
                 r.add_text("Logged one info message");
               });
  // sep-2575-server-sends-{tools,prompts}-list-changed-on-subscription. The
  // instance's host (valid from create() to destroy()) is used rather than
  // call->host, which is optional per call. The catalog itself does not
  // change: the host re-registers and announces the change either way.
  reg.add_tool(Tool("test_trigger_tool_change",
                    "Makes the server announce a tools list change (notifications/tools/list_changed)"),
               [host](mcpp::Call&, std::string_view, mcpp::Result& r) {
                 host.notify_list_changed(MCPP_CHANGED_TOOLS);
                 r.add_text("Tools list change triggered");
               });
  reg.add_tool(Tool("test_trigger_prompt_change",
                    "Makes the server announce a prompts list change (notifications/prompts/list_changed)"),
               [host](mcpp::Call&, std::string_view, mcpp::Result& r) {
                 host.notify_list_changed(MCPP_CHANGED_PROMPTS);
                 r.add_text("Prompts list change triggered");
               });
}

void RegisterInputRequiredTools(mcpp::Registrar& reg) {
  // input-required-result-basic-elicitation (also -result-type,
  // -missing-input-response, -ignore-extra-params, -validate-input).
  reg.add_tool(Tool("test_input_required_result_elicitation",
                    "Asks for the user's name (elicitation, key user_name) and greets them"),
               [](mcpp::Call& call, std::string_view, mcpp::Result& r) {
                 InputResponses in(call.input_responses_json());
                 if (auto e = ReadElicitation(in.Get("user_name"))) {
                   if (auto name = e->String("name")) {
                     r.add_text("Hello, " + *name + "!");
                     return;
                   }
                   if (e->action != "accept") {
                     r.add_text("No name given (action=" + e->action + ")");
                     return;
                   }
                 }
                 r.require_input("user_name", kElicit, FormElicitation("What is your name?", kNameSchema));
               });
  // input-required-result-basic-sampling.
  reg.add_tool(Tool("test_input_required_result_sampling",
                    "Asks the client's model a question (sampling, key capital_question)"),
               [](mcpp::Call& call, std::string_view, mcpp::Result& r) {
                 InputResponses in(call.input_responses_json());
                 if (auto text = ReadSamplingText(in.Get("capital_question"))) {
                   r.add_text("Sampling result: " + *text);
                   return;
                 }
                 r.require_input("capital_question", kSample,
                                 SamplingRequest("What is the capital of France?", 100));
               });
  // input-required-result-basic-list-roots.
  reg.add_tool(Tool("test_input_required_result_list_roots",
                    "Asks for the client's roots (roots/list, key client_roots) and lists them"),
               [](mcpp::Call& call, std::string_view, mcpp::Result& r) {
                 InputResponses in(call.input_responses_json());
                 if (auto uris = ReadRoots(in.Get("client_roots"))) {
                   r.add_text(RootsText(*uris));
                   return;
                 }
                 r.require_input("client_roots", kRoots, "{}");
               });
  // input-required-result-request-state: the text contains "state-ok" once
  // the echoed state checks out.
  reg.add_tool(Tool("test_input_required_result_request_state",
                    "Asks for confirmation (key confirm) with a requestState it validates on the retry"),
               [](mcpp::Call& call, std::string_view, mcpp::Result& r) {
                 std::string_view state = call.request_state();
                 if (!state.empty() && state != kRequestState) ForeignState("test_input_required_result_request_state");
                 InputResponses in(call.input_responses_json());
                 if (state == kRequestState) {
                   if (auto e = ReadElicitation(in.Get("confirm"))) {
                     r.add_text(Confirmed(*e) ? "state-ok: requestState validated and the user confirmed"
                                              : "state-ok: requestState validated; the user did not confirm (action=" +
                                                    e->action + ")");
                     return;
                   }
                 }
                 r.require_input("confirm", kElicit, FormElicitation("Please confirm", kOkSchema));
                 r.set_request_state(kRequestState);
               });
  // input-required-result-multiple-input-requests: elicitation, sampling and
  // roots in one round, plus requestState.
  reg.add_tool(Tool("test_input_required_result_multiple_inputs",
                    "Asks for a name (user_name), a greeting (greeting) and the roots (client_roots) at once"),
               [](mcpp::Call& call, std::string_view, mcpp::Result& r) {
                 std::string_view state = call.request_state();
                 if (!state.empty() && state != kMultipleInputsState)
                   ForeignState("test_input_required_result_multiple_inputs");
                 InputResponses in(call.input_responses_json());
                 if (state == kMultipleInputsState) {
                   auto who = ReadElicitation(in.Get("user_name"));
                   auto greeting = ReadSamplingText(in.Get("greeting"));
                   auto roots = ReadRoots(in.Get("client_roots"));
                   if (who && greeting && roots) {
                     r.add_text("Name: " + who->String("name").value_or("(none, action=" + who->action + ")") +
                                "; Greeting: " + *greeting + "; Roots: " + std::to_string(roots->size()));
                     return;
                   }
                 }
                 r.require_input("user_name", kElicit, FormElicitation("What is your name?", kNameSchema));
                 r.require_input("greeting", kSample, SamplingRequest("Generate a greeting", 50));
                 r.require_input("client_roots", kRoots, "{}");
                 r.set_request_state(kMultipleInputsState);
               });
  // input-required-result-multi-round: step1 -> step2 -> complete, a new
  // requestState each round.
  reg.add_tool(Tool("test_input_required_result_multi_round",
                    "Asks for a name (step1), then a favourite colour (step2), then answers"),
               [](mcpp::Call& call, std::string_view, mcpp::Result& r) {
                 std::string_view state = call.request_state();
                 InputResponses in(call.input_responses_json());
                 auto ask_step1 = [&] {
                   r.require_input("step1", kElicit, FormElicitation("Step 1: What is your name?", kNameSchema));
                   r.set_request_state(kRound1State);
                 };
                 auto ask_step2 = [&](std::string_view name) {
                   r.require_input("step2", kElicit,
                                   FormElicitation("Step 2: What is your favorite color?", kColorSchema));
                   r.set_request_state(std::string(kRound2Prefix) + std::string(name));
                 };
                 if (state.empty()) return ask_step1();
                 if (state == kRound1State) {
                   auto e = ReadElicitation(in.Get("step1"));
                   std::optional<std::string> name = e ? e->String("name") : std::nullopt;
                   if (!name) return ask_step1();
                   return ask_step2(*name);
                 }
                 if (state.substr(0, kRound2Prefix.size()) == kRound2Prefix) {
                   std::string_view name = state.substr(kRound2Prefix.size());
                   auto e = ReadElicitation(in.Get("step2"));
                   std::optional<std::string> color = e ? e->String("color") : std::nullopt;
                   if (!color) return ask_step2(name);
                   r.add_text("Multi-round complete: " + std::string(name) + " likes " + *color);
                   return;
                 }
                 ForeignState("test_input_required_result_multi_round");
               });
  // input-required-result-tampered-state: the host rejects a modified state
  // with a JSON-RPC error before this handler runs; the handler still refuses
  // any state it did not issue.
  reg.add_tool(Tool("test_input_required_result_tampered_state",
                    "Asks for confirmation with an integrity-protected requestState; a tampered state is refused"),
               [](mcpp::Call& call, std::string_view, mcpp::Result& r) {
                 std::string_view state = call.request_state();
                 if (!state.empty() && state != kTamperedState) ForeignState("test_input_required_result_tampered_state");
                 InputResponses in(call.input_responses_json());
                 if (state == kTamperedState) {
                   if (auto e = ReadElicitation(in.Get("confirm"))) {
                     r.add_text("requestState verified; action=" + e->action);
                     return;
                   }
                 }
                 r.require_input("confirm", kElicit, FormElicitation("Please confirm", kOkSchema));
                 r.set_request_state(kTamperedState);
               });
  // input-required-result-capability-check: only the kinds this request's
  // client capabilities declare.
  reg.add_tool(Tool("test_input_required_result_capabilities",
                    "Asks only for the input kinds (elicitation, sampling, roots) the client declared"),
               [](mcpp::Call& call, std::string_view, mcpp::Result& r) {
                 const std::string_view caps = call.client_capabilities_json();
                 const bool elicit = HasCapability(caps, "elicitation");
                 const bool sample = HasCapability(caps, "sampling");
                 const bool roots = HasCapability(caps, "roots");
                 if (!elicit && !sample && !roots) {
                   r.add_text("The client declared none of elicitation, sampling and roots: nothing to ask");
                   return;
                 }
                 std::string_view state = call.request_state();
                 if (!state.empty() && state != kCapabilitiesState)
                   ForeignState("test_input_required_result_capabilities");
                 InputResponses in(call.input_responses_json());
                 if (state == kCapabilitiesState) {
                   std::string got;
                   bool complete = true;
                   if (elicit) {
                     auto e = ReadElicitation(in.Get("user_name"));
                     complete = complete && e.has_value();
                     if (e) got += "elicitation (action=" + e->action + ")";
                   }
                   if (sample) {
                     auto t = ReadSamplingText(in.Get("greeting"));
                     complete = complete && t.has_value();
                     if (t) got += std::string(got.empty() ? "" : ", ") + "sampling (" + *t + ")";
                   }
                   if (roots) {
                     auto u = ReadRoots(in.Get("client_roots"));
                     complete = complete && u.has_value();
                     if (u) got += std::string(got.empty() ? "" : ", ") + "roots (" + std::to_string(u->size()) + ")";
                   }
                   if (complete) {
                     r.add_text("Received: " + got);
                     return;
                   }
                 }
                 if (elicit) r.require_input("user_name", kElicit, FormElicitation("What is your name?", kNameSchema));
                 if (sample) r.require_input("greeting", kSample, SamplingRequest("Generate a greeting", 50));
                 if (roots) r.require_input("client_roots", kRoots, "{}");
                 r.set_request_state(kCapabilitiesState);
               });
}

void RegisterInputRequiredPrompt(mcpp::Registrar& reg) {
  // input-required-result-non-tool-request.
  mcpp::PromptSpec p;
  p.name = "test_input_required_result_prompt";
  p.title = "Prompt With Input Request";
  p.description = "Asks for the context to use (elicitation, key user_context) before answering";
  p.arguments_json = "[]";
  reg.add_prompt(p, [](mcpp::Call& call, std::string_view, mcpp::Result& r) {
    InputResponses in(call.input_responses_json());
    if (auto e = ReadElicitation(in.Get("user_context"))) {
      if (auto context = e->String("context")) {
        r.set_role(MCPP_ROLE_USER);
        r.add_text("Prompt with context: " + *context);
        return;
      }
      if (e->action != "accept") {
        r.set_role(MCPP_ROLE_USER);
        r.add_text("Prompt without context (action=" + e->action + ")");
        return;
      }
    }
    r.require_input("user_context", kElicit,
                    FormElicitation("What context should the prompt use?", kContextSchema));
  });
}

}  // namespace

void RegisterDiagnosticTools(mcpp::Registrar& reg, const mcpp::Host& host) { RegisterDiagnostics(reg, host); }

void RegisterInputRequiredFixtures(mcpp::Registrar& reg) {
  RegisterInputRequiredTools(reg);
  RegisterInputRequiredPrompt(reg);
}

}  // namespace conformance
