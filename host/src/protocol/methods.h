// methods.h - the MCP methods, one function each, grouped by file:
// lifecycle_methods.cpp, list_methods.cpp, call_methods.cpp,
// subscription_methods.cpp, task_methods.cpp.
//
// Contract: a method gets a validated RequestContext and the request's params
// (an object, possibly empty). It returns the reply to send now, or nullopt
// when it answers later (work posted to the pool) or not at all. Methods never
// throw; failures become error replies.
#pragma once

#include <rapidjson/document.h>

#include <optional>
#include <string>

#include "protocol/request_context.h"
#include "protocol/server_state.h"

namespace mcph {

using MethodResult = std::optional<Answer>;
using Params = rapidjson::Value;

// lifecycle_methods.cpp
MethodResult Initialize(ServerState& s, RequestContext& rc, const Params& p);
MethodResult Discover(ServerState& s, RequestContext& rc, const Params& p);
MethodResult Ping(ServerState& s, RequestContext& rc, const Params& p);
MethodResult SetLogLevel(ServerState& s, RequestContext& rc, const Params& p);

// list_methods.cpp
MethodResult ListTools(ServerState& s, RequestContext& rc, const Params& p);
MethodResult ListResources(ServerState& s, RequestContext& rc, const Params& p);
MethodResult ListResourceTemplates(ServerState& s, RequestContext& rc, const Params& p);
MethodResult ListPrompts(ServerState& s, RequestContext& rc, const Params& p);

// call_methods.cpp
MethodResult CallTool(ServerState& s, RequestContext& rc, const Params& p);
MethodResult GetPrompt(ServerState& s, RequestContext& rc, const Params& p);
MethodResult ReadResource(ServerState& s, RequestContext& rc, const Params& p);

MethodResult Complete(ServerState& s, RequestContext& rc, const Params& p);  // completion/complete

// subscription_methods.cpp
MethodResult Listen(ServerState& s, RequestContext& rc, const Params& p);       // subscriptions/listen (modern)
MethodResult Subscribe(ServerState& s, RequestContext& rc, const Params& p);    // resources/subscribe (legacy)
MethodResult Unsubscribe(ServerState& s, RequestContext& rc, const Params& p);  // resources/unsubscribe (legacy)

// task_methods.cpp: modern (io.modelcontextprotocol/tasks extension):
// tasks/get, tasks/update, tasks/cancel; legacy (2025-11-25 experimental
// tasks): tasks/get, tasks/result, tasks/list, tasks/cancel.
MethodResult GetTask(ServerState& s, RequestContext& rc, const Params& p);
MethodResult UpdateTask(ServerState& s, RequestContext& rc, const Params& p);
MethodResult CancelTask(ServerState& s, RequestContext& rc, const Params& p);
MethodResult GetTaskResult(ServerState& s, RequestContext& rc, const Params& p);
MethodResult ListTasks(ServerState& s, RequestContext& rc, const Params& p);

constexpr const char* kTasksExtension = "io.modelcontextprotocol/tasks";
// Whether a client capabilities object (JSON) declares the tasks extension.
bool DeclaresTasksExtension(std::string_view client_capabilities_json);
// The task capability members of the server capabilities object: modern
// extensions["io.modelcontextprotocol/tasks"], legacy `tasks`.
void WriteTaskCapabilities(JsonWriter& w, bool legacy);
// The Task members of `v` (modern: ttlMs/pollIntervalMs; legacy: ttl/pollInterval).
void WriteTaskFields(JsonWriter& w, const TaskView& v, bool modern);
// Where a task's tool call delivers its answer: the task's record.
std::shared_ptr<Outbound> MakeTaskSink(ServerState& s, std::string task_id);
// The task `out` records answers for, or nullptr when it is no task sink.
const std::string* TaskOf(const Outbound& out);

// The server capabilities object both eras advertise.
void WriteServerCapabilities(JsonWriter& w, bool legacy);

// Pagination cursors (list_methods.cpp): opaque to clients.
std::string EncodeCursor(size_t offset);
bool DecodeCursor(std::string_view cursor, size_t& offset);

}  // namespace mcph
