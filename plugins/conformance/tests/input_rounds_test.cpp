// input_rounds_test.cpp - drives the plugin's input-requesting handlers
// through the C ABI with a fake host, round after round, the way the host
// will once it relays input requests: first call -> require_input (+ state),
// repeated call with input_responses_json and request_state -> the answer.
// A plain program (exit status = number of failed checks), run by ctest.
#include <mcphost/mcp_plugin.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace {

int failures = 0;
#define CHECK(cond)                                                          \
  do {                                                                       \
    if (!(cond)) {                                                           \
      std::fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                            \
    }                                                                        \
  } while (0)

std::string S(mcpp_str s) { return s.data ? std::string(s.data, s.size) : std::string(); }

// ---- A fake host -------------------------------------------------------------
struct Captured {
  std::vector<std::string> texts;
  std::map<std::string, std::pair<std::string, std::string>> inputs;  // key -> (method, params)
  std::string state;
  bool has_state = false;
  bool is_error = false;
  std::string error;
};
Captured* cur = nullptr;

int32_t AddText(const mcpp_result*, mcpp_str t) {
  cur->texts.push_back(S(t));
  return MCPP_OK;
}
int32_t SetRole(const mcpp_result*, int32_t) { return MCPP_OK; }
int32_t SetIsError(const mcpp_result*, uint8_t e) {
  cur->is_error = e != 0;
  return MCPP_OK;
}
int32_t RequireInput(const mcpp_result*, const char* key, const char* method, mcpp_str params) {
  cur->inputs[key] = {method, S(params)};
  return MCPP_OK;
}
int32_t SetState(const mcpp_result*, mcpp_str s) {
  cur->state = S(s);
  cur->has_state = true;
  return MCPP_OK;
}
void SetErrorMessage(const mcpp_call*, mcpp_str m) { cur->error = S(m); }
uint8_t NotCancelled(const mcpp_call*) { return 0; }
void Progress(const mcpp_call*, double, double, const char*) {}
void Log(const mcpp_call*, int32_t, const char*, mcpp_str) {}
void HostLog(const mcpp_host*, int32_t, mcpp_str m) { std::fprintf(stderr, "host log: %s\n", S(m).c_str()); }

struct Entry {
  mcpp_tool_fn tool = nullptr;
  mcpp_prompt_fn prompt = nullptr;
  void* user_data = nullptr;
};
std::map<std::string, Entry> registered;

int32_t AddTool(const mcpp_registrar*, const mcpp_tool_desc* d) {
  registered[d->name] = {d->call, nullptr, d->user_data};
  return MCPP_OK;
}
int32_t AddPrompt(const mcpp_registrar*, const mcpp_prompt_desc* d) {
  registered[std::string("prompt:") + d->name] = {nullptr, d->get, d->user_data};
  return MCPP_OK;
}
int32_t AddResource(const mcpp_registrar*, const mcpp_resource_desc*) { return MCPP_OK; }
int32_t AddTemplate(const mcpp_registrar*, const mcpp_resource_template_desc*) { return MCPP_OK; }
int32_t SetInstructions(const mcpp_registrar*, const char*) { return MCPP_OK; }
const char* LastError(const mcpp_registrar*) { return ""; }

struct Round {
  std::string caps = R"({"elicitation":{},"sampling":{},"roots":{}})";
  std::string responses;  // "" on a first call
  std::string state;      // "" on a first call
};

Captured Call(const std::string& name, const Round& round, bool prompt = false) {
  Captured out;
  cur = &out;
  mcpp_call call{};
  call.struct_size = sizeof call;
  call.protocol_version = "2026-07-28";
  call.client_name = "test";
  call.client_capabilities_json = {round.caps.data(), round.caps.size()};
  call.input_responses_json = {round.responses.data(), round.responses.size()};
  call.request_state = {round.state.data(), round.state.size()};
  call.is_cancelled = NotCancelled;
  call.progress = Progress;
  call.log = Log;
  call.set_error_message = SetErrorMessage;
  mcpp_result r{};
  r.struct_size = sizeof r;
  r.add_text = AddText;
  r.set_role = SetRole;
  r.set_is_error = SetIsError;
  r.require_input = RequireInput;
  r.set_request_state = SetState;
  const Entry& e = registered.at((prompt ? "prompt:" : "") + name);
  static const char kArgs[] = "{}";
  int32_t status = prompt ? e.prompt(e.user_data, &call, {kArgs, 2}, &r) : e.tool(e.user_data, &call, {kArgs, 2}, &r);
  if (status != MCPP_OK) out.is_error = true;
  cur = nullptr;
  return out;
}

bool Asks(const Captured& c, const char* key, const char* method) {
  auto it = c.inputs.find(key);
  return it != c.inputs.end() && it->second.first == method;
}

}  // namespace

int main() {
  mcpp_negotiation n{};
  n.struct_size = sizeof n;
  n.host_abi_min = 1;
  n.host_abi_max = 1;
  if (mcpp_plugin_negotiate(&n) != MCPP_OK) return 100;
  mcpp_host host{};
  host.struct_size = sizeof host;
  host.abi_version = 1;
  host.host_name = "fake";
  host.host_version = "0";
  host.log = HostLog;
  mcpp_init_params params{};
  params.struct_size = sizeof params;
  params.config_json = {"{}", 2};
  params.alias = "";
  params.plugin_path = "";
  void* inst = nullptr;
  if (n.plugin->create(&host, &params, &inst) != MCPP_OK) return 101;
  mcpp_registrar reg{};
  reg.struct_size = sizeof reg;
  reg.add_tool = AddTool;
  reg.add_resource = AddResource;
  reg.add_resource_template = AddTemplate;
  reg.add_prompt = AddPrompt;
  reg.set_instructions = SetInstructions;
  reg.last_error = LastError;
  if (n.plugin->register_capabilities(inst, &reg) != MCPP_OK) return 102;

  // elicitation: ask user_name; answer -> Hello; malformed / wrong key -> ask again; extra keys ignored.
  {
    Captured c = Call("test_input_required_result_elicitation", {});
    CHECK(Asks(c, "user_name", "elicitation/create"));
    CHECK(c.inputs["user_name"].second ==
          R"({"message":"What is your name?","requestedSchema":{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}})");
    CHECK(c.texts.empty());
    Round r;
    r.responses = R"({"user_name":{"action":"accept","content":{"name":"Alice"}},"unknown_extra_key":{"action":"accept","content":{"foo":"bar"}}})";
    c = Call("test_input_required_result_elicitation", r);
    CHECK(c.inputs.empty() && c.texts.size() == 1 && c.texts[0] == "Hello, Alice!");
    r.responses = R"({"wrong_key":{"action":"accept","content":{"data":"wrong"}}})";
    CHECK(Asks(Call("test_input_required_result_elicitation", r), "user_name", "elicitation/create"));
    r.responses = R"({"user_name":12345})";
    CHECK(Asks(Call("test_input_required_result_elicitation", r), "user_name", "elicitation/create"));
  }
  // sampling and roots.
  {
    Captured c = Call("test_input_required_result_sampling", {});
    CHECK(Asks(c, "capital_question", "sampling/createMessage"));
    Round r;
    r.responses = R"({"capital_question":{"role":"assistant","content":{"type":"text","text":"The capital of France is Paris."},"model":"test-model","stopReason":"endTurn"}})";
    c = Call("test_input_required_result_sampling", r);
    CHECK(c.texts.size() == 1 && c.texts[0] == "Sampling result: The capital of France is Paris.");
    c = Call("test_input_required_result_list_roots", {});
    CHECK(Asks(c, "client_roots", "roots/list") && c.inputs["client_roots"].second == "{}");
    r.responses = R"({"client_roots":{"roots":[{"uri":"file:///test/root","name":"Test Root"}]}})";
    c = Call("test_input_required_result_list_roots", r);
    CHECK(c.texts.size() == 1 && c.texts[0] == "Found 1 root(s): file:///test/root");
  }
  // request state: state-ok only with the issued state; a foreign state is an error.
  {
    Captured c = Call("test_input_required_result_request_state", {});
    CHECK(Asks(c, "confirm", "elicitation/create") && c.has_state && !c.state.empty());
    Round r;
    r.responses = R"({"confirm":{"action":"accept","content":{"ok":true}}})";
    r.state = c.state;
    c = Call("test_input_required_result_request_state", r);
    CHECK(c.texts.size() == 1 && c.texts[0].find("state-ok") != std::string::npos);
    r.state += "-TAMPERED";
    c = Call("test_input_required_result_request_state", r);
    CHECK(c.is_error && c.texts.empty());
  }
  // multiple inputs in one round.
  {
    Captured c = Call("test_input_required_result_multiple_inputs", {});
    CHECK(Asks(c, "user_name", "elicitation/create") && Asks(c, "greeting", "sampling/createMessage") &&
          Asks(c, "client_roots", "roots/list") && c.has_state);
    Round r;
    r.state = c.state;
    r.responses = R"({"user_name":{"action":"accept","content":{"name":"Alice"}},)"
                  R"("greeting":{"role":"assistant","content":{"type":"text","text":"Hello there!"},"model":"m","stopReason":"endTurn"},)"
                  R"("client_roots":{"roots":[{"uri":"file:///test/root","name":"Test Root"}]}})";
    c = Call("test_input_required_result_multiple_inputs", r);
    CHECK(c.texts.size() == 1 && c.texts[0] == "Name: Alice; Greeting: Hello there!; Roots: 1");
  }
  // multi round: step1 -> step2 (a new state) -> complete.
  {
    Captured c1 = Call("test_input_required_result_multi_round", {});
    CHECK(Asks(c1, "step1", "elicitation/create") && c1.has_state);
    Round r;
    r.state = c1.state;
    r.responses = R"({"step1":{"action":"accept","content":{"name":"Alice"}}})";
    Captured c2 = Call("test_input_required_result_multi_round", r);
    CHECK(Asks(c2, "step2", "elicitation/create") && c2.has_state && c2.state != c1.state);
    r.state = c2.state;
    r.responses = R"({"step2":{"action":"accept","content":{"color":"blue"}}})";
    Captured c3 = Call("test_input_required_result_multi_round", r);
    CHECK(c3.inputs.empty() && c3.texts.size() == 1 && c3.texts[0] == "Multi-round complete: Alice likes blue");
  }
  // capabilities: only what the client declared.
  {
    Round r;
    r.caps = R"({"sampling":{}})";
    Captured c = Call("test_input_required_result_capabilities", r);
    CHECK(c.inputs.size() == 1 && Asks(c, "greeting", "sampling/createMessage"));
    r.caps = "{}";
    c = Call("test_input_required_result_capabilities", r);
    CHECK(c.inputs.empty() && c.texts.size() == 1);
  }
  // tampered state tool.
  {
    Captured c = Call("test_input_required_result_tampered_state", {});
    CHECK(Asks(c, "confirm", "elicitation/create") && c.has_state);
    Round r;
    r.state = c.state + "-TAMPERED";
    r.responses = R"({"confirm":{"action":"accept","content":{"ok":true}}})";
    c = Call("test_input_required_result_tampered_state", r);
    CHECK(c.is_error && c.error.find("requestState failed verification") != std::string::npos);
  }
  // the prompt.
  {
    Captured c = Call("test_input_required_result_prompt", {}, true);
    CHECK(Asks(c, "user_context", "elicitation/create"));
    Round r;
    r.responses = R"({"user_context":{"action":"accept","content":{"context":"test context"}}})";
    c = Call("test_input_required_result_prompt", r, true);
    CHECK(c.texts.size() == 1 && c.texts[0] == "Prompt with context: test context");
  }
  // legacy tools in input-request style.
  {
    Captured c = Call("test_sampling", {});
    CHECK(Asks(c, "llm_response", "sampling/createMessage"));
    Round r;
    r.responses = R"({"llm_response":{"role":"assistant","content":{"type":"text","text":"This is a test response from the client"},"model":"test-model","stopReason":"endTurn"}})";
    c = Call("test_sampling", r);
    CHECK(c.texts.size() == 1 && c.texts[0] == "LLM response: This is a test response from the client");
    c = Call("test_elicitation_sep1034_defaults", {});
    CHECK(Asks(c, "user_response", "elicitation/create") &&
          c.inputs["user_response"].second.find(R"("score":{"type":"number","description":"User score","default":95.5})") !=
              std::string::npos);
    r.responses = R"({"user_response":{"action":"accept","content":{"name":"Jane Smith","age":25,"score":88,"status":"inactive","verified":false}}})";
    c = Call("test_elicitation_sep1034_defaults", r);
    CHECK(c.texts.size() == 1 &&
          c.texts[0] == R"(Elicitation completed: action=accept, content={"name":"Jane Smith","age":25,"score":88,"status":"inactive","verified":false})");
    r.responses = R"({"user_response":{"action":"decline"}})";
    c = Call("test_elicitation_sep1330_enums", r);
    CHECK(c.texts.size() == 1 && c.texts[0] == "Elicitation completed: action=decline, content={}");
  }
  // the diagnostic tools.
  {
    Captured c = Call("test_missing_capability", {});
    CHECK(Asks(c, "capability_probe", "sampling/createMessage"));
    c = Call("test_streaming_elicitation", {});
    CHECK(Asks(c, "confirm", "elicitation/create"));
  }

  n.plugin->destroy(inst);
  if (failures == 0) std::printf("all input-round checks passed\n");
  return failures;
}
