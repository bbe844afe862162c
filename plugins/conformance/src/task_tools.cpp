// task_tools.cpp - the fixtures of the tasks scenarios (SEP-2663, extension
// io.modelcontextprotocol/tasks, conformance 0.2.0-alpha.12 tasks-*), also
// used by the host's own task tests in both eras.
//
// A tool becomes task-supporting through its execution object
// (execution.taskSupport, MCP 2025-11-25): the host keeps the task; the
// handlers below are ordinary handlers (they poll is_cancelled while they
// sleep, so tasks/cancel stops them).
#include <string>

#include "fixtures.hpp"
#include "json.hpp"

namespace conformance {
namespace {

constexpr const char* kOptional = R"({"taskSupport":"optional"})";
constexpr const char* kRequired = R"({"taskSupport":"required"})";
constexpr const char* kElicit = "elicitation/create";

constexpr const char* kNameArgs =
    R"({"type":"object","properties":{"name":{"type":"string"}},"required":["name"]})";
constexpr const char* kSlowArgs =
    R"({"type":"object","properties":{"seconds":{"type":"number","minimum":0},"label":{"type":"string"}}})";
constexpr const char* kFileArgs = R"({"type":"object","properties":{"filename":{"type":"string"}}})";
constexpr const char* kNoArgs = R"({"type":"object","properties":{}})";
constexpr const char* kConfirmSchema =
    R"({"type":"object","properties":{"confirm":{"type":"boolean"}},"required":["confirm"]})";
constexpr const char* kNameSchema =
    R"({"type":"object","properties":{"name":{"type":"string"}},"required":["name"]})";

mcpp::ToolSpec Tool(const char* name, const char* description, const char* args, const char* execution) {
  mcpp::ToolSpec t;
  t.name = name;
  t.description = description;
  t.input_schema_json = args;
  t.execution_json = execution;
  return t;
}

// A number argument, or `fallback`.
double NumberArg(std::string_view args_json, const char* key, double fallback) {
  rapidjson::Document d;
  if (!Parse(args_json, d)) return fallback;
  const rapidjson::Value* v = Member(&d, key);
  return v && v->IsNumber() ? v->GetDouble() : fallback;
}

}  // namespace

void RegisterTaskFixtures(mcpp::Registrar& reg) {
  // Sync-only: never a task.
  reg.add_tool(Tool("greet", "Greets someone by name (sync only): Hello, {name}!", kNameArgs, nullptr),
               [](mcpp::Call&, std::string_view args, mcpp::Result& r) {
                 r.add_text("Hello, " + StringMember(args, "name").value_or("World") + "!");
               });
  // Sleeps `seconds` (0 = at once), stopping when cancelled.
  reg.add_tool(Tool("slow_compute", "Sleeps for `seconds` seconds, then reports `label` (task-supporting)", kSlowArgs,
                    kOptional),
               [](mcpp::Call& call, std::string_view args, mcpp::Result& r) {
                 const double seconds = NumberArg(args, "seconds", 1);
                 const std::string label = StringMember(args, "label").value_or("slow_compute");
                 Pause(call, static_cast<int>(seconds * 1000));
                 r.add_text("Computed " + label + " after " + std::to_string(static_cast<int>(seconds)) + "s");
               });
  // A tool execution error (isError) after about a second: the task completes.
  reg.add_tool(Tool("failing_job", "Fails with a tool execution error after about a second (runs only as a task)",
                    kNoArgs, kRequired),
               [](mcpp::Call& call, std::string_view, mcpp::Result& r) {
                 Pause(call, 1000);
                 r.add_text("failing_job failed: the job could not be completed");
                 r.set_is_error(true);
               });
  // A protocol-level failure: the tool declares an outputSchema and returns
  // no structuredContent, which the host answers with -32603 (the task fails
  // with that error).
  {
    mcpp::ToolSpec t = Tool("protocol_error_job",
                            "Fails with a protocol-level error (-32603) instead of a result (task-supporting)", kNoArgs,
                            kOptional);
    t.output_schema_json = R"({"type":"object","properties":{"value":{"type":"number"}},"required":["value"]})";
    reg.add_tool(t, [](mcpp::Call& call, std::string_view, mcpp::Result&) { Pause(call, 100); });
  }
  // One elicitation, then the answer.
  reg.add_tool(Tool("confirm_delete", "Asks the user to confirm deleting `filename` (elicitation, task-supporting)",
                    kFileArgs, kOptional),
               [](mcpp::Call& call, std::string_view args, mcpp::Result& r) {
                 const std::string file = StringMember(args, "filename").value_or("the file");
                 InputResponses in(call.input_responses_json());
                 if (auto e = ReadElicitation(in.Get("confirm"))) {
                   const rapidjson::Value* ok = Member(e->content, "confirm");
                   const bool yes = e->action == "accept" && ok && ok->IsBool() && ok->GetBool();
                   r.add_text(yes ? "Deleted " + file : "Kept " + file + " (action=" + e->action + ")");
                   return;
                 }
                 r.require_input("confirm", kElicit,
                                 FormElicitation("Delete " + file + "?", kConfirmSchema));
               });
  // Two elicitations at once (answered one at a time by the partial-update check).
  reg.add_tool(Tool("multi_input", "Asks for a name and a confirmation at once (two elicitations, task-supporting)",
                    kNoArgs, kOptional),
               [](mcpp::Call& call, std::string_view, mcpp::Result& r) {
                 InputResponses in(call.input_responses_json());
                 auto name = ReadElicitation(in.Get("name"));
                 auto confirm = ReadElicitation(in.Get("confirm"));
                 if (name && confirm) {
                   r.add_text("Name: " + name->String("name").value_or("(none)") + "; confirm action: " +
                              confirm->action);
                   return;
                 }
                 if (!name) r.require_input("name", kElicit, FormElicitation("What is your name?", kNameSchema));
                 if (!confirm)
                   r.require_input("confirm", kElicit, FormElicitation("Please confirm", kConfirmSchema));
               });
  // Asks for the user's name, then greets them (runs only as a task).
  reg.add_tool(Tool("test_tool_with_task", "Asks for the user's name (key user_name), then greets them (task required)",
                    kNoArgs, kRequired),
               [](mcpp::Call& call, std::string_view, mcpp::Result& r) {
                 InputResponses in(call.input_responses_json());
                 if (auto e = ReadElicitation(in.Get("user_name"))) {
                   r.add_text("Hello, " + e->String("name").value_or("(no name, action=" + e->action + ")") + "!");
                   return;
                 }
                 r.require_input("user_name", kElicit, FormElicitation("What is your name?", kNameSchema));
               });
}

}  // namespace conformance
