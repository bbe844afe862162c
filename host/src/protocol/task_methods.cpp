// task_methods.cpp - the tasks/* methods of both eras, over ServerState::tasks
// (task_store.h), and the task sink a task's tool call answers into.
//
// Modern (2026-07-28, extension io.modelcontextprotocol/tasks, SEP-2663):
//   tasks/get     {resultType:"complete", ...Task} plus `result` (completed),
//                 `error` (failed: a JSON-RPC error) or `inputRequests`
//                 (input_required);
//   tasks/update  records inputResponses, answers an empty ack;
//   tasks/cancel  an empty ack, also for a task already terminal.
//   Each needs the extension declared in this request's clientCapabilities
//   (else -32021); an unknown taskId is -32602.
// Legacy (2025-11-25 experimental tasks):
//   tasks/get -> the Task; tasks/result waits (without holding a thread)
//   for the end and answers with the tool's result or its error; tasks/list
//   -> the session's tasks; tasks/cancel -> the cancelled Task, -32602 for a
//   terminal one.
// Thread safety: the methods run on the reader thread; tasks/result answers
// from whichever thread ends the task. No lock is held while answering.
#include <spdlog/spdlog.h>

#include "protocol/errors.h"
#include "protocol/methods.h"

namespace mcph {
namespace {

constexpr const char* kRelatedTask = "io.modelcontextprotocol/related-task";

// Records the answer of a task's tool call: a result completes the task, a
// JSON-RPC error fails it. Notifications sent here are dropped (a task's
// notifications go through its call context).
class TaskSink : public Outbound {
 public:
  TaskSink(ServerState& s, std::string id) : s_(s), id_(std::move(id)) {}
  const std::string& id() const { return id_; }
  void Send(std::string&&) override {}
  void Respond(Answer&& answer) override {
    rapidjson::Document d;
    if (!ParseJson(answer.message, d).ok() || !d.IsObject()) {
      s_.tasks.Fail(id_, R"({"code":-32603,"message":"Internal error: the task's answer was not JSON"})");
      return;
    }
    if (auto e = d.FindMember("error"); e != d.MemberEnd()) {
      s_.tasks.Fail(id_, ToJson(e->value));
      return;
    }
    auto r = d.FindMember("result");
    if (r == d.MemberEnd() || !r->value.IsObject()) {
      s_.tasks.Fail(id_, R"({"code":-32603,"message":"Internal error: the task ended without a result"})");
      return;
    }
    s_.tasks.Complete(id_, ToJson(r->value));
  }
  // The call was cancelled (tasks/cancel, expiry): the store already says so.
  void Drop() override { s_.tasks.Cancel(id_); }

 private:
  ServerState& s_;
  std::string id_;
};

// params.taskId, or an error answer.
std::optional<Answer> ReadTaskId(const RequestContext& rc, const Params& p, std::string& id) {
  const rapidjson::Value* v = FindMember(p, "taskId");
  if (!v || !v->IsString())
    return ErrorReply(rc.id_json, rpc::kInvalidParams, rc.method + ": params.taskId must be a string");
  id = std::string(StringOf(*v));
  return std::nullopt;
}

// Modern tasks/* need the extension declared in this request.
std::optional<Answer> CheckModern(const RequestContext& rc) {
  if (rc.era != Era::kModern || DeclaresTasksExtension(rc.client_capabilities_json)) return std::nullopt;
  return ErrorReply(rc.id_json, rpc::kMissingClientCapability,
                    "Missing required client capability: " + rc.method + " needs the " + kTasksExtension +
                        " extension declared in _meta[\"io.modelcontextprotocol/clientCapabilities\"].extensions",
                    std::string(R"({"requiredCapabilities":{"extensions":{")") + kTasksExtension + R"(":{}}}})");
}

// The legacy owner of tasks: the session (stdio pipe or HTTP session).
std::string LegacyOwner(const RequestContext& rc) {
  return "session:" + std::to_string(reinterpret_cast<uintptr_t>(rc.connection->state().get()));
}

// A task is visible to the request: modern tasks to any modern request that
// knows the id; legacy ones to their own session.
bool Visible(const RequestContext& rc, const TaskView& v) {
  return rc.era == Era::kModern ? v.owner.empty() : v.owner == LegacyOwner(rc);
}

Answer UnknownTask(const RequestContext& rc, const std::string& id) {
  return ErrorReply(rc.id_json, rpc::kInvalidParams, "Unknown task: " + id + " (it never existed here or expired)");
}

}  // namespace

bool DeclaresTasksExtension(std::string_view client_capabilities_json) {
  rapidjson::Document d;
  if (!ParseJson(client_capabilities_json, d).ok() || !d.IsObject()) return false;
  const rapidjson::Value* ext = FindMember(d, "extensions");
  return ext && ext->IsObject() && ext->HasMember(kTasksExtension);
}

void WriteTaskCapabilities(JsonWriter& w, bool legacy) {
  if (legacy) {
    // 2025-11-25: tasks/list, tasks/cancel, and tools/call as a task.
    w.Key("tasks");
    w.StartObject();
    w.Key("list");
    w.StartObject();
    w.EndObject();
    w.Key("cancel");
    w.StartObject();
    w.EndObject();
    w.Key("requests");
    w.StartObject();
    w.Key("tools");
    w.StartObject();
    w.Key("call");
    w.StartObject();
    w.EndObject();
    w.EndObject();
    w.EndObject();
    w.EndObject();
    return;
  }
  w.Key("extensions");
  w.StartObject();
  w.Key(kTasksExtension);
  w.StartObject();
  w.EndObject();
  w.EndObject();
}

void WriteTaskFields(JsonWriter& w, const TaskView& v, bool modern) {
  w.Key("taskId");
  WriteString(w, v.id);
  w.Key("status");
  w.String(TaskStatusName(v.status));
  if (!v.status_message.empty()) {
    w.Key("statusMessage");
    WriteString(w, v.status_message);
  }
  w.Key("createdAt");
  WriteString(w, IsoTime(v.created_ms));
  w.Key("lastUpdatedAt");
  WriteString(w, IsoTime(v.updated_ms));
  w.Key(modern ? "ttlMs" : "ttl");
  w.Int64(v.ttl_ms);
  w.Key(modern ? "pollIntervalMs" : "pollInterval");
  w.Int64(v.poll_ms);
}

std::shared_ptr<Outbound> MakeTaskSink(ServerState& s, std::string task_id) {
  return std::make_shared<TaskSink>(s, std::move(task_id));
}

const std::string* TaskOf(const Outbound& out) {
  const auto* sink = dynamic_cast<const TaskSink*>(&out);
  return sink ? &sink->id() : nullptr;
}

MethodResult GetTask(ServerState& s, RequestContext& rc, const Params& p) {
  if (auto bad = CheckModern(rc)) return bad;
  std::string id;
  if (auto bad = ReadTaskId(rc, p, id)) return bad;
  std::optional<TaskView> v = s.tasks.Get(id);
  if (!v || !Visible(rc, *v)) return UnknownTask(rc, id);
  const bool modern = rc.era == Era::kModern;
  Reply reply(rc);
  JsonWriter& w = reply.w();
  WriteTaskFields(w, *v, modern);
  if (modern) {
    // The DetailedTask: what the status needs, inline (no tasks/result in 2026).
    if (v->status == TaskStatus::kCompleted) {
      w.Key("result");
      WriteRaw(w, v->result_json, rapidjson::kObjectType);
    } else if (v->status == TaskStatus::kFailed) {
      w.Key("error");
      WriteRaw(w, v->error_json, rapidjson::kObjectType);
    } else if (v->status == TaskStatus::kInputRequired) {
      w.Key("inputRequests");
      WriteRaw(w, v->input_requests_json, rapidjson::kObjectType);
    }
  }
  return reply.Finish(s.identity);
}

MethodResult UpdateTask(ServerState& s, RequestContext& rc, const Params& p) {
  if (auto bad = CheckModern(rc)) return bad;
  std::string id;
  if (auto bad = ReadTaskId(rc, p, id)) return bad;
  const rapidjson::Value* responses = FindMember(p, "inputResponses");
  if (!responses || !responses->IsObject())
    return ErrorReply(rc.id_json, rpc::kInvalidParams,
                      "tasks/update: params.inputResponses must be an object mapping input request keys to answers");
  for (const auto& m : responses->GetObject())
    if (!m.value.IsObject())
      return ErrorReply(rc.id_json, rpc::kInvalidParams,
                        "tasks/update: inputResponses[\"" + std::string(StringOf(m.name)) +
                            "\"] must be an object (the result of the input request)");
  std::optional<TaskView> v = s.tasks.Get(id);
  if (!v || !Visible(rc, *v)) return UnknownTask(rc, id);
  // Answers to keys the task does not wait for (any more) are ignored, as
  // the spec asks of extra input responses.
  if (s.tasks.Update(id, *responses) == TaskStore::UpdateOutcome::kUnknown) return UnknownTask(rc, id);
  return Reply(rc).Finish(s.identity);
}

MethodResult CancelTask(ServerState& s, RequestContext& rc, const Params& p) {
  if (auto bad = CheckModern(rc)) return bad;
  std::string id;
  if (auto bad = ReadTaskId(rc, p, id)) return bad;
  std::optional<TaskView> v = s.tasks.Get(id);
  if (!v || !Visible(rc, *v)) return UnknownTask(rc, id);
  TaskStore::CancelOutcome out = s.tasks.Cancel(id);
  if (out == TaskStore::CancelOutcome::kUnknown) return UnknownTask(rc, id);
  if (rc.era == Era::kModern) return Reply(rc).Finish(s.identity);  // an empty ack, terminal or not
  if (out == TaskStore::CancelOutcome::kAlreadyTerminal)
    return ErrorReply(rc.id_json, rpc::kInvalidParams,
                      "Cannot cancel task " + id + ": it is already " + TaskStatusName(v->status));
  v = s.tasks.Get(id);
  if (!v) return UnknownTask(rc, id);
  Reply reply(rc);
  WriteTaskFields(reply.w(), *v, /*modern=*/false);
  return reply.Finish(s.identity);
}

MethodResult GetTaskResult(ServerState& s, RequestContext& rc, const Params& p) {
  std::string id;
  if (auto bad = ReadTaskId(rc, p, id)) return bad;
  std::optional<TaskView> v = s.tasks.Get(id);
  if (!v || !Visible(rc, *v)) return UnknownTask(rc, id);
  // Answers when the task ends; no thread waits meanwhile.
  bool known = s.tasks.WhenDone(id, [rc](const TaskView& t) {
    Answer a;
    if (t.status == TaskStatus::kCompleted) {
      // The tool's result, tagged with the task it belongs to.
      rapidjson::Document d;
      if (!ParseJson(t.result_json, d).ok() || !d.IsObject()) d.SetObject();
      auto& al = d.GetAllocator();
      if (!d.HasMember("_meta") || !d["_meta"].IsObject()) {
        d.RemoveMember("_meta");
        d.AddMember("_meta", rapidjson::Value(rapidjson::kObjectType), al);
      }
      rapidjson::Value related(rapidjson::kObjectType);
      related.AddMember("taskId", rapidjson::Value(t.id.c_str(), al), al);
      d["_meta"].RemoveMember(kRelatedTask);
      d["_meta"].AddMember(rapidjson::StringRef(kRelatedTask), related, al);
      a = Answer("{\"jsonrpc\":\"2.0\",\"id\":" + rc.id_json + ",\"result\":" + ToJson(d) + "}");
    } else if (t.status == TaskStatus::kFailed) {
      a = Answer("{\"jsonrpc\":\"2.0\",\"id\":" + rc.id_json + ",\"error\":" + t.error_json + "}", rpc::kInternalError);
    } else if (t.status == TaskStatus::kCancelled) {
      a = ErrorReply(rc.id_json, rpc::kInvalidParams, "Task " + t.id + " was cancelled; it has no result");
    } else {
      a = ErrorReply(rc.id_json, rpc::kInvalidParams, "Task " + t.id + " expired before it finished");
    }
    rc.reply_to->Respond(std::move(a));
  });
  if (!known) return UnknownTask(rc, id);
  return std::nullopt;
}

MethodResult ListTasks(ServerState& s, RequestContext& rc, const Params&) {
  std::vector<TaskView> tasks = s.tasks.List(LegacyOwner(rc));
  Reply reply(rc);
  JsonWriter& w = reply.w();
  w.Key("tasks");
  w.StartArray();
  for (const TaskView& v : tasks) {
    w.StartObject();
    WriteTaskFields(w, v, /*modern=*/false);
    w.EndObject();
  }
  w.EndArray();
  return reply.Finish(s.identity);
}

}  // namespace mcph
