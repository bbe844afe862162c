// call_methods.cpp - tools/call, prompts/get, resources/read and
// completion/complete: the methods that run plugin code.
//
// The reader thread checks the request (name, arguments, input schema) and
// answers what it can at once; plugin code always runs on the worker pool,
// registered in the connection's in-flight table so notifications/cancelled
// reaches it. One error table maps what a handler returns to the client:
//   tools      every failure is a result with isError:true and the plugin's
//              message (the model can read it and try again); a result that
//              breaks the ABI contract or the tool's outputSchema is -32603;
//   prompts    INVALID_ARGUMENT -> -32602, anything else -> -32603;
//   resources  NOT_FOUND (or no contents) -> resource not found (legacy
//              -32002, modern -32602, both with data.uri), INVALID_ARGUMENT ->
//              -32602, anything else -> -32603.
// A request the client cancelled gets no answer, as the spec asks.
//
// Tasks: a tools/call of a task-supporting tool (CatalogTool::task_support)
// may run as a task (DecideTask: the modern extension, or the legacy
// params.task). It is answered at once with a CreateTaskResult; the handler
// runs on the pool answering into the task's record (MakeTaskSink), never in
// the connection's in-flight table, with no deadline (the task's ttl bounds
// it), and tasks/cancel reaches it through CallContext::Cancel. A modern task
// whose handler asks for input waits in input_required until tasks/update
// brings the answers; a legacy one has them relayed like any legacy call.
//
// Every tools/call that names a known tool counts one call on the tool's
// counters (mcp_tool_calls_total), and one error (mcp_tool_errors_total) when
// its answer is an error: an isError result or a JSON-RPC error.
#include <atomic>
#include <rapidjson/schema.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <optional>
#include <shared_mutex>

#include "observability/metrics.h"
#include "protocol/errors.h"
#include "protocol/inline_step.h"
#include "protocol/input_relay.h"
#include "protocol/methods.h"
#include "plugins/result_builder.h"

namespace mcph {
namespace {


// What a finished handler produced.
struct HandlerOutcome {
  int32_t status = MCPP_OK;
  bool threw = false;
  std::string thrown;
};

// Calls `fn` under the plugin's and the tool's serialisation locks, if any.
// No exception may cross the ABI; a C++ plugin that lets one escape anyway is
// caught here rather than taking the host down.
template <typename Fn>
HandlerOutcome Guarded(const PluginInstance& plugin, std::mutex* tool_serial, Fn&& fn) {
  HandlerOutcome out;
  std::shared_lock lifecycle_lock(plugin.lifecycle_mutex());
  std::unique_lock<std::mutex> plugin_lock, tool_lock;
  if (std::mutex* m = plugin.serial_mutex()) plugin_lock = std::unique_lock(*m);
  if (tool_serial) tool_lock = std::unique_lock(*tool_serial);
  try {
    out.status = fn();
  } catch (const std::exception& e) {
    out.threw = true;
    out.thrown = e.what();
  } catch (...) {
    out.threw = true;
    out.thrown = "unknown exception";
  }
  return out;
}

CallInfo MakeCallInfo(const RequestContext& rc, const PluginInstance& plugin) {
  CallInfo info;
  info.host = plugin.host_table();
  info.protocol_version = rc.version;
  info.client_name = rc.client_name;
  info.client_capabilities_json = rc.client_capabilities_json;
  info.roots_json = rc.roots_json;
  info.progress_token_json = rc.progress_token_json;
  info.log_min_level = rc.log_min_level;
  info.plugin_alias = plugin.alias().empty() ? plugin.descriptor().name : plugin.alias();
  info.timeout_ms = plugin.config().timeout_ms;
  info.log_limiter = &plugin.log_limiter();
  return info;
}

// `tool` (the plugin's own name) picks its tool_timeouts deadline.
std::shared_ptr<CallContext> MakeCall(const RequestContext& rc, const PluginInstance& plugin, CallInfo* retry = nullptr,
                                      const char* tool = nullptr) {
  std::shared_ptr<Outbound> out = rc.connection->out_ptr();
  CallInfo info = MakeCallInfo(rc, plugin);
  if (tool) info.timeout_ms = plugin.ToolTimeoutMs(tool);
  if (retry) {
    info.input_responses_json = std::move(retry->input_responses_json);
    info.request_state = std::move(retry->request_state);
  }
  return std::make_shared<CallContext>(std::move(info), [out](std::string&& msg) { out->Send(std::move(msg)); });
}

// What the caller reads when a call outlives its deadline, whoever noticed
// first: the host's timer or the handler polling is_cancelled().
std::string DeadlineText(int64_t ms) {
  return "no answer within " + std::to_string(ms) +
         " ms (the plugin's timeout_ms / tool_timeouts); the host stopped waiting and asked the plugin to cancel. "
         "Try again, with less work per call if you can";
}

// A legacy client is asked for input at most this many times per request: a
// handler that never stops asking must not loop forever.
constexpr int kMaxInputRounds = 16;

// One handler call of a request: it returns the answer, or fills `ask` when
// a legacy client must first be asked for input (the answer is then unused).
// `fail` turns a failed relay or a missed deadline into the method's kind of
// error.
struct Work {
  std::function<Answer(CallContext&, InputAsk&)> round;
  std::function<Answer(const std::string& why)> fail;
};

// One request's plugin work in flight: its call, its rounds, the plugin whose
// gate admits each round, and the deadline timer of the round in progress.
// Shared by the step that runs a round and by the relay or task that waits
// between rounds; the deadline timer holds it only weakly.
struct Job {
  Job(ServerState& state, const RequestContext& request, std::shared_ptr<CallContext> c, Work w,
      const PluginInstance& p)
      : s(state), rc(request), call(std::move(c)), work(std::move(w)), plugin(p) {}
  ServerState& s;
  const RequestContext rc;
  const std::shared_ptr<CallContext> call;
  const Work work;
  // Kept alive by the catalog snapshot that every Work captures.
  const PluginInstance& plugin;
  std::atomic<int> round{0};  // read by an inline step's watcher (inline_step.h)
  // Touched only by the thread that starts or ends a round (never two at once).
  std::optional<boost::asio::steady_timer> deadline;
};

// Sends the final answer of a call (unless the client cancelled it). The
// caller has claimed the answer (CallContext::ClaimAnswer): it is sent once.
void Deliver(const RequestContext& rc, CallContext& call, Answer reply) {
  // A task's call was never in flight (its tools/call was answered at once),
  // and its id may be reused by a later request: leave the table alone.
  if (!TaskOf(*rc.reply_to)) rc.connection->RemoveInFlight(rc.id_json);
  if (call.CancelledByClient()) {  // the spec: no response to a cancelled request
    rc.reply_to->Drop();
    return;
  }
  if (reply.message.empty()) return;
  rc.reply_to->Respond(std::move(reply));
}

// Delivers `reply` unless the answer was already given (the deadline passed).
void Finish(Job& job, Answer reply, bool claimed = false) {
  if (!claimed && !job.call->ClaimAnswer()) return;
  Deliver(job.rc, *job.call, std::move(reply));
}

// {key: {method, params}} of a round's input requests (a task's inputRequests).
std::string InputRequestsJson(const std::vector<InputRequest>& requests) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  WriteInputRequests(w, requests);
  return std::string(buf.GetString(), buf.GetSize());
}

ConcurrencyGate::Post PoolPost(ServerState& s) {
  return [&s](ConcurrencyGate::Step step) { boost::asio::post(s.pool, std::move(step)); };
}

// The deadline passed before the handler answered: the caller gets the
// method's error now, the handler sees is_cancelled(), and whatever it
// returns later is dropped. Its worker stays busy until it returns; the
// plugin's gate (max_concurrency) bounds how many such workers it can hold.
void DeadlinePassed(Job& job) {
  if (!job.call->ClaimAnswer()) return;
  job.call->Expire();
  const int64_t ms = job.call->timeout_ms();
  spdlog::warn("plugin {}: a call ran past its {} ms deadline; answered with a timeout", job.plugin.label(), ms);
  Deliver(job.rc, *job.call, job.work.fail(DeadlineText(ms)));
}

void RunRound(const std::shared_ptr<Job>& job);

// Starts the job's next round: arms its deadline, and queues it behind the
// plugin's gate (it runs on the pool when the plugin has a free slot).
void StartRound(const std::shared_ptr<Job>& job) {
  const int64_t ms = job->call->timeout_ms();
  // The stdio reader or an HTTP I/O thread runs the round itself when the
  // plugin has a free slot, and its watcher keeps the deadline
  // (inline_step.h): no pool hand-off and no timer to arm and cancel.
  // A task runs in the background by definition: never on those threads.
  if (InlineStepSlot::CanPark(job->plugin.gate().last_step_slow()) && !TaskOf(*job->rc.reply_to) &&
      job->plugin.gate().TryEnter()) {
    InlineStep step;
    step.run = [job] { RunRound(job); };
    if (ms > 0) {
      step.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
      step.expire = [weak = std::weak_ptr<Job>(job), round = job->round.load()] {
        // Only this round's deadline: a later round has its own.
        if (auto j = weak.lock(); j && j->round.load() == round) DeadlinePassed(*j);
      };
    }
    InlineStepSlot::Park(std::move(step));
    return;
  }
  if (ms > 0) {
    if (!job->deadline) job->deadline.emplace(job->s.pool.get_executor());
    job->deadline->expires_after(std::chrono::milliseconds(ms));
    job->deadline->async_wait([weak = std::weak_ptr<Job>(job)](const boost::system::error_code& ec) {
      if (ec) return;  // cancelled: the round ended in time
      if (auto j = weak.lock()) DeadlinePassed(*j);
    });
  }
  job->plugin.gate().Submit([job] { RunRound(job); }, PoolPost(job->s));
}

// Runs one round on this (pool) thread; a legacy input request continues on
// the pool when the client's answers arrive, so no thread waits for them.
void RunRound(const std::shared_ptr<Job>& job) {
  ServerState& s = job->s;
  CallContext& call = *job->call;
  InputAsk ask;
  Answer reply;
  // A call that timed out or was cancelled while it waited in the gate's
  // queue never reaches the plugin.
  const bool skip = call.Answered() || call.CancelledByClient();
  if (!skip) {
    const auto started = std::chrono::steady_clock::now();
    reply = job->work.round(call, ask);
    job->plugin.gate().NoteStep(std::chrono::steady_clock::now() - started);
  }
  job->plugin.gate().Done(PoolPost(s));
  if (job->deadline) job->deadline->cancel();
  if (skip || ask.requests.empty() || call.CancelledByClient()) return Finish(*job, std::move(reply), ask.claimed);
  if (call.Answered()) return;  // the deadline answered while the handler asked for input
  if (job->round + 1 >= kMaxInputRounds)
    return Finish(*job, job->work.fail("the handler asked the client for input " + std::to_string(kMaxInputRounds) +
                                       " times in one request; the host stopped it there"));
  std::string state = ask.request_state;
  const RequestContext& rc = job->rc;
  if (const std::string* task = TaskOf(*rc.reply_to); task && rc.era == Era::kModern) {
    // A modern task waits in input_required until tasks/update brings every
    // answer; then the handler runs again on the pool.
    bool parked = s.tasks.AwaitInput(*task, InputRequestsJson(ask.requests), [job, state](std::string answers) {
      if (job->call->CancelledByClient()) return Finish(*job, Answer());
      job->call->NextRound(std::move(answers), state);
      ++job->round;
      StartRound(job);
    });
    if (!parked) Finish(*job, Answer());  // cancelled or expired meanwhile
    return;
  }
  RelayToClient(s, rc, ask, [job, state](Result<std::string> answers) {
    if (!answers.ok()) return Finish(*job, job->work.fail(answers.error()));
    if (job->call->CancelledByClient()) return Finish(*job, Answer());
    job->call->NextRound(std::move(answers.value()), state);
    ++job->round;
    StartRound(job);
  });
}

// Runs `work` for `plugin` on the pool with the call registered for
// cancellation; its answer is sent unless the client cancelled.
MethodResult RunOnPool(ServerState& s, const RequestContext& rc, const PluginInstance& plugin,
                       std::shared_ptr<CallContext> call, Work work) {
  switch (rc.connection->AddInFlight(rc.id_json, call, static_cast<size_t>(s.config.max_in_flight))) {
    case SessionState::Admit::kAdded: break;
    case SessionState::Admit::kDuplicateId:
      return ErrorReply(rc.id_json, rpc::kInvalidRequest, "a request with id " + rc.id_json + " is already in flight");
    case SessionState::Admit::kFull:
      return ErrorReply(rc.id_json, rpc::kInternalError,
                        "Server busy: " + std::to_string(s.config.max_in_flight) +
                            " requests of this client are already running (server.max_in_flight); wait for some to finish");
  }
  StartRound(std::make_shared<Job>(s, rc, std::move(call), std::move(work), plugin));
  return std::nullopt;
}

// Work whose failures are JSON-RPC errors (prompts, resources, completion).
Work ErrorWork(const RequestContext& rc, std::function<Answer(CallContext&, InputAsk&)> round, std::string label) {
  return Work{std::move(round), [rc, label = std::move(label)](const std::string& why) {
                return ErrorReply(rc.id_json, rpc::kInternalError, label + " failed: " + why);
              }};
}

// One tools/call that reached `tool`, answered with an error or not.
void CountToolCall(const CatalogTool& tool, bool error) {
  if (!tool.counters) return;
  tool.counters->calls.fetch_add(1, std::memory_order_relaxed);
  if (error) tool.counters->errors.fetch_add(1, std::memory_order_relaxed);
}

std::string ToolErrorResult(ServerState& s, const RequestContext& rc, std::string_view text) {
  Reply reply(rc);
  JsonWriter& w = reply.w();
  w.Key("content");
  w.StartArray();
  w.StartObject();
  w.Key("type");
  w.String("text");
  w.Key("text");
  WriteString(w, text);
  w.EndObject();
  w.EndArray();
  w.Key("isError");
  w.Bool(true);
  return reply.Finish(s.identity);
}

Answer ResourceNotFound(const RequestContext& rc, std::string_view uri) {
  std::string data = UriObject(uri);
  int code = rc.era == Era::kModern ? rpc::kInvalidParams : rpc::kResourceNotFound;
  return ErrorReply(rc.id_json, code, "Resource not found: " + std::string(uri), data);
}

// A handler asked the client for input. Only the kinds the client declared
// may be asked for: a modern request that lacks one is -32021 (with the
// capabilities it needs); a legacy one an error result (tools) or -32600.
// Modern: the InputRequiredResult. Legacy: fills `ask` for the relay.
Answer InputRequired(ServerState& s, const RequestContext& rc, const ResultBuilder& rb, const std::string& label,
                     bool tool, const StateBinding& binding, InputAsk& ask) {
  std::string names;
  std::string missing = MissingCapabilities(rb.input_requests(), rc.client_capabilities_json, names);
  if (!missing.empty()) {
    if (rc.era == Era::kModern)
      return ErrorReply(rc.id_json, rpc::kMissingClientCapability, "Missing required client capability: " + names,
                        "{\"requiredCapabilities\":" + missing + "}");
    std::string text = label + " needs the client capability " + names + ", which this client did not declare";
    return tool ? ToolErrorResult(s, rc, text) : ErrorReply(rc.id_json, rpc::kInvalidRequest, text);
  }
  if (rc.era == Era::kModern && !TaskOf(*rc.reply_to)) return ModernInputRequired(s, rc, rb, binding);
  ask.requests = rb.input_requests();
  ask.request_state = rb.request_state();
  return Answer();
}

// Describes why `doc` fails `schema`, or "" when it passes.
std::string SchemaViolation(const rapidjson::SchemaDocument& schema, const rapidjson::Value& doc) {
  rapidjson::SchemaValidator validator(schema);
  if (doc.Accept(validator)) return {};
  rapidjson::StringBuffer where, rule;
  validator.GetInvalidDocumentPointer().StringifyUriFragment(where);
  validator.GetInvalidSchemaPointer().StringifyUriFragment(rule);
  return std::string("the value at '") + where.GetString() + "' breaks the schema's '" +
         validator.GetInvalidSchemaKeyword() + "' rule (at '" + rule.GetString() + "')";
}

std::string FailureText(const HandlerOutcome& o, const CallContext& call, const char* what) {
  if (o.threw) return std::string(what) + " failed: the plugin threw an exception: " + o.thrown;
  std::string msg = call.ErrorMessage();
  // A handler that saw its deadline pass and gave up before the host's timer
  // fired: the caller reads the same answer as when the timer wins.
  if (call.DeadlinePassed() && (o.status == MCPP_ERR_CANCELLED || o.status == MCPP_ERR_TIMEOUT))
    return std::string(what) + ": " + DeadlineText(call.timeout_ms()) + (msg.empty() ? "" : " (the plugin said: " + msg + ")");
  if (!msg.empty()) return msg;
  switch (o.status) {
    case MCPP_ERR_INVALID_ARGUMENT: return std::string(what) + " failed: invalid argument";
    case MCPP_ERR_NOT_FOUND: return std::string(what) + " failed: not found";
    case MCPP_ERR_CANCELLED: return std::string(what) + " was cancelled";
    case MCPP_ERR_TIMEOUT: return std::string(what) + " timed out";
    case MCPP_ERR_UNSUPPORTED: return std::string(what) + " failed: not supported";
    default: return std::string(what) + " failed with status " + std::to_string(o.status);
  }
}

// The result of one tools/call, after the handler returned. `error` says
// whether it is an error (a JSON-RPC error or an isError result).
Answer FinishToolCall(ServerState& s, const RequestContext& rc, const CatalogTool& tool, const HandlerOutcome& o,
                      const CallContext& call, const ResultBuilder& rb, const StateBinding& binding, InputAsk& ask,
                      bool& error) {
  error = true;  // every early return below is one
  const std::string label = "tool '" + tool.exposed_name + "'";
  if (o.threw || o.status != MCPP_OK) {
    std::string text = FailureText(o, call, label.c_str());
    if (o.status == MCPP_ERR_INTERNAL && !o.threw) text = label + " failed: " + text;
    return ToolErrorResult(s, rc, text);
  }
  if (!rb.misbehaviour().empty()) {
    spdlog::warn("plugin {} misbehaved in {}: {}", tool.plugin->label(), label, rb.misbehaviour());
    return ErrorReply(rc.id_json, rpc::kInternalError,
                      "Internal error: " + label + " returned an invalid result (" + rb.misbehaviour() + ")");
  }
  if (!rb.input_requests().empty()) {
    Answer a = InputRequired(s, rc, rb, label, /*tool=*/true, binding, ask);
    error = a.error_code != 0 || a.message.find("\"isError\":true") != std::string::npos;
    return a;
  }
  const ToolDef& def = *tool.def;
  if (def.output_schema && !rb.is_error()) {
    if (!rb.has_structured())
      return ErrorReply(rc.id_json, rpc::kInternalError,
                        "Internal error: " + label + " declares an outputSchema but returned no structuredContent");
    rapidjson::Document d;
    (void)ParseJson(rb.structured_json(), d);  // checked valid when it was set
    if (std::string why = SchemaViolation(*def.output_schema, d); !why.empty())
      return ErrorReply(rc.id_json, rpc::kInternalError,
                        "Internal error: " + label + " returned structuredContent that does not match its outputSchema: " + why);
  }
  Reply reply(rc);
  JsonWriter& w = reply.w();
  w.Key("content");
  w.StartArray();
  if (rb.item_count() > 0) {
    WriteRaw(w, rb.items_json(), rapidjson::kObjectType);
  } else if (rb.has_structured()) {
    // Older clients read content only: give them the structured result as text.
    w.StartObject();
    w.Key("type");
    w.String("text");
    w.Key("text");
    WriteString(w, rb.structured_json());
    w.EndObject();
  }
  w.EndArray();
  if (rb.has_structured()) {
    w.Key("structuredContent");
    WriteRaw(w, rb.structured_json(), rapidjson::kObjectType);
  }
  if (rb.is_error()) {
    w.Key("isError");
    w.Bool(true);
  }
  error = rb.is_error();
  return reply.Finish(s.identity, -1, rb.meta_json());
}

// Reads a resource from a plugin (static or template) into `rb`.
HandlerOutcome ReadFromPlugin(const CatalogResource* res, const CatalogTemplate* tmpl, const std::string& uri,
                              const std::string& vars, CallContext& call, ResultBuilder& rb) {
  const PluginInstance& plugin = res ? *res->plugin : *tmpl->plugin;
  mcpp_resource_fn fn = res ? res->def->read : tmpl->def->read;
  void* ud = res ? res->def->user_data : tmpl->def->user_data;
  return Guarded(plugin, nullptr, [&] {
    return fn(ud, call.table(), uri.c_str(), {vars.data(), vars.size()}, rb.table());
  });
}

// The text of a host resource (status, capabilities).
std::string HostResourceText(ServerState& s, const Catalog& catalog, BuiltinKind kind) {
  if (kind == BuiltinKind::kCapabilitiesResource) return catalog.capabilities_json();
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("server");
  w.StartObject();
  w.Key("name");
  WriteString(w, s.identity.name);
  w.Key("version");
  WriteString(w, s.identity.version);
  w.Key("abiVersion");
  w.Int(MCPP_ABI_VERSION);
  w.EndObject();
  w.Key("uptimeSeconds");
  w.Double(std::chrono::duration<double>(std::chrono::steady_clock::now() - s.stats.started).count());
  w.Key("requestsServed");
  w.Uint64(s.stats.requests.load());
  w.Key("errors");
  w.Uint64(s.stats.errors.load());
  w.Key("plugins");
  w.StartArray();
  for (const auto& p : catalog.plugins()) {
    auto caps = p->capabilities();
    w.StartObject();
    w.Key("name");
    w.String(p->descriptor().name);
    w.Key("id");
    w.String(p->descriptor().id);
    w.Key("version");
    w.String(p->descriptor().version);
    w.Key("alias");
    WriteString(w, p->alias());
    w.Key("abiVersion");
    w.Uint(p->library().abi_version());
    w.Key("path");
    WriteString(w, p->library().path());
    w.Key("tools");
    w.Uint64(caps->tools.size());
    w.Key("resources");
    w.Uint64(caps->resources.size());
    w.Key("resourceTemplates");
    w.Uint64(caps->templates.size());
    w.Key("prompts");
    w.Uint64(caps->prompts.size());
    w.EndObject();
  }
  w.EndArray();
  w.Key("catalog");
  w.StartObject();
  w.Key("tools");
  w.Uint64(catalog.tools().size());
  w.Key("resources");
  w.Uint64(catalog.resources().size());
  w.Key("resourceTemplates");
  w.Uint64(catalog.templates().size());
  w.Key("prompts");
  w.Uint64(catalog.prompts().size());
  w.EndObject();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

// mcphost__read_resource: a resource read answered as a tool result.
MethodResult ReadResourceAsTool(ServerState& s, RequestContext& rc, std::shared_ptr<const Catalog> catalog,
                                const CatalogTool& tool, const rapidjson::Value& args) {
  const rapidjson::Value* uri_v = FindMember(args, "uri");
  if (!uri_v || !uri_v->IsString()) {
    CountToolCall(tool, /*error=*/true);
    return ToolErrorResult(s, rc, "read_resource needs a string argument \"uri\"");
  }
  std::string uri(StringOf(*uri_v));
  const CatalogResource* res = catalog->FindResource(uri);
  if (res && res->builtin != BuiltinKind::kNone) {
    std::string text = HostResourceText(s, *catalog, res->builtin);
    Reply reply(rc);
    JsonWriter& w = reply.w();
    w.Key("content");
    w.StartArray();
    w.StartObject();
    w.Key("type");
    w.String("resource");
    w.Key("resource");
    w.StartObject();
    w.Key("uri");
    WriteString(w, uri);
    w.Key("mimeType");
    WriteString(w, res->mime_type);
    w.Key("text");
    WriteString(w, text);
    w.EndObject();
    w.EndObject();
    w.EndArray();
    CountToolCall(tool, /*error=*/false);
    return reply.Finish(s.identity);
  }
  std::string vars = "{}";
  const CatalogTemplate* tmpl = res ? nullptr : catalog->MatchTemplate(uri, vars);
  if (!res && !tmpl) {
    CountToolCall(tool, /*error=*/true);
    return ToolErrorResult(s, rc, "Resource not found: " + uri);
  }
  const PluginInstance& plugin = res ? *res->plugin : *tmpl->plugin;
  auto fail = [&s, rc, &tool](const std::string& why) {
    CountToolCall(tool, /*error=*/true);
    return Answer(ToolErrorResult(s, rc, why));
  };
  MethodResult refused = RunOnPool(s, rc, plugin, MakeCall(rc, plugin), Work{
                   [&s, rc, catalog, &tool, res, tmpl, uri, vars](CallContext& call, InputAsk& ask) -> Answer {
                     ResultBuilder rb(HandlerKind::kResourceAsTool, uri, static_cast<size_t>(s.config.max_result_bytes));
                     HandlerOutcome o = ReadFromPlugin(res, tmpl, uri, vars, call, rb);
                     // Counted only by whoever answers (this, or the deadline's `fail`).
                     if (!call.ClaimAnswer()) return Answer();
                     ask.claimed = true;
                     bool failed = o.threw || o.status != MCPP_OK || rb.item_count() == 0 || !rb.misbehaviour().empty();
                     CountToolCall(tool, failed);
                     if (o.threw || o.status != MCPP_OK || rb.item_count() == 0)
                       return ToolErrorResult(s, rc,
                                              o.status == MCPP_ERR_NOT_FOUND || (o.status == MCPP_OK && !o.threw)
                                                  ? "Resource not found: " + uri
                                                  : FailureText(o, call, ("reading " + uri).c_str()));
                     if (!rb.misbehaviour().empty())
                       return ToolErrorResult(s, rc, "reading " + uri + " returned an invalid result (" +
                                                         rb.misbehaviour() + ")");
                     Reply reply(rc);
                     JsonWriter& w = reply.w();
                     w.Key("content");
                     w.StartArray();
                     WriteRaw(w, rb.items_json(), rapidjson::kObjectType);
                     w.EndArray();
                     return reply.Finish(s.identity);
                   }, fail});
  if (refused) CountToolCall(tool, /*error=*/true);  // e.g. its id is already in flight
  return refused;
}


// A tool call's handler rounds, answering into `rc.reply_to`.
Work ToolWork(ServerState& s, const RequestContext& rc, std::shared_ptr<const Catalog> catalog, const CatalogTool* tool,
              std::string args_json) {
  auto fail = [&s, rc, tool](const std::string& why) {
    CountToolCall(*tool, /*error=*/true);
    return Answer(ToolErrorResult(s, rc, "tool '" + tool->exposed_name + "' failed: " + why));
  };
  return Work{[&s, rc, catalog, tool, args_json = std::move(args_json)](
                  CallContext& call, InputAsk& ask) -> Answer {
                ResultBuilder rb(HandlerKind::kTool, {}, static_cast<size_t>(s.config.max_result_bytes));
                HandlerOutcome o = Guarded(*tool->plugin, tool->serial.get(), [&] {
                  return tool->def->call(tool->def->user_data, call.table(), {args_json.data(), args_json.size()},
                                         rb.table());
                });
                bool error = true;
                Answer answer = FinishToolCall(s, rc, *tool, o, call, rb, {rc.method, tool->exposed_name, args_json},
                                               ask, error);
                if (!ask.requests.empty()) return answer;  // counted when it ends
                // Counted only by whoever answers (this, or the deadline's `fail`).
                if (!call.ClaimAnswer()) return Answer();
                ask.claimed = true;
                CountToolCall(*tool, error);
                return answer;
              },
              fail};
}

// How long a task is kept, and how often clients are told to poll it.
constexpr int64_t kTaskTtlMs = 10 * 60 * 1000;
constexpr int64_t kMinTaskTtlMs = 1000;
constexpr int64_t kMaxTaskTtlMs = 24 * 60 * 60 * 1000;
constexpr int64_t kTaskPollMs = 500;

struct TaskPlan {
  bool as_task = false;
  int64_t ttl_ms = kTaskTtlMs;
};

// Whether this tools/call runs as a task, or why it is refused.
//  modern: the server decides: a task-supporting tool runs as one when this
//          request declared the extension; a required-task tool without the
//          declaration is -32021; a legacy `task` param is ignored.
//  legacy: the client asks with params.task; a tool that forbids tasks asked
//          as one, or a required-task tool asked without, is -32601
//          (2025-11-25 tool-level negotiation).
std::optional<Answer> DecideTask(const ServerState&, const RequestContext& rc, const CatalogTool& tool,
                                 const Params& p, TaskPlan& plan) {
  if (rc.era == Era::kModern) {
    if (tool.task_support == TaskSupport::kForbidden) return std::nullopt;
    if (DeclaresTasksExtension(rc.client_capabilities_json)) {
      plan.as_task = true;
      return std::nullopt;
    }
    if (tool.task_support == TaskSupport::kRequired)
      return ErrorReply(rc.id_json, rpc::kMissingClientCapability,
                        "Missing required client capability: tool '" + tool.exposed_name + "' runs only as a task (" +
                            kTasksExtension + " extension)",
                        std::string(R"({"requiredCapabilities":{"extensions":{")") + kTasksExtension + R"(":{}}}})");
    return std::nullopt;
  }
  const rapidjson::Value* task = FindMember(p, "task");
  if (task && task->IsNull()) task = nullptr;
  if (task && !task->IsObject())
    return ErrorReply(rc.id_json, rpc::kInvalidParams, "tools/call: params.task must be an object ({ttl?})");
  if (task && tool.task_support == TaskSupport::kForbidden)
    return ErrorReply(rc.id_json, rpc::kMethodNotFound,
                      "tool '" + tool.exposed_name + "' does not support task execution (execution.taskSupport)");
  if (!task && tool.task_support == TaskSupport::kRequired)
    return ErrorReply(rc.id_json, rpc::kMethodNotFound,
                      "tool '" + tool.exposed_name + "' must be called as a task (execution.taskSupport: required)");
  if (task) {
    plan.as_task = true;
    const rapidjson::Value* ttl = FindMember(*task, "ttl");
    if (ttl && ttl->IsNumber())
      plan.ttl_ms = std::clamp<int64_t>(static_cast<int64_t>(ttl->GetDouble()), kMinTaskTtlMs, kMaxTaskTtlMs);
  }
  return std::nullopt;
}

// Drops what it is sent: a modern task's notifications have no stream.
class NullOutbound : public Outbound {
 public:
  void Send(std::string&&) override {}
};

// Creates the task, starts the call on the pool answering into it, and
// returns the CreateTaskResult (the task is in the store before it is sent).
MethodResult StartToolTask(ServerState& s, const RequestContext& rc, std::shared_ptr<const Catalog> catalog,
                           const CatalogTool& tool, std::string args_json, CallInfo& retry,
                           const TaskPlan& plan) {
  const bool modern = rc.era == Era::kModern;
  RequestContext trc = rc;
  // A modern task outlives its request's stream: its progress and logs go
  // nowhere. A legacy task keeps the session's connection (input relay,
  // notifications/tasks/status).
  if (modern) trc.connection = std::make_shared<Connection>(std::make_shared<NullOutbound>());
  // Once the CreateTaskResult is sent, the task's messages belong to no
  // request: they go where the session's unsolicited messages go (stdio: the
  // pipe; HTTP: the session's GET stream), not to the tools/call's own
  // stream, which is over (and which the task's hooks must not keep alive
  // for its ttl: an HTTP exchange held so kept the drain waiting).
  std::shared_ptr<Outbound> out = modern ? nullptr : trc.connection->state()->unsolicited();
  if (!out) out = trc.connection->out_ptr();
  CallInfo info = MakeCallInfo(rc, *tool.plugin);
  info.input_responses_json = std::move(retry.input_responses_json);
  info.request_state = std::move(retry.request_state);
  info.timeout_ms = 0;  // a task runs until it ends, is cancelled or expires
  auto call = std::make_shared<CallContext>(std::move(info), [out](std::string&& msg) { out->Send(std::move(msg)); });

  TaskStore::Hooks hooks;
  std::weak_ptr<CallContext> weak = call;
  hooks.cancel = [weak] {
    if (auto c = weak.lock()) c->Cancel();
  };
  if (!modern) {
    hooks.changed = [weak_out = std::weak_ptr<Outbound>(out)](const TaskView& v) {
      auto out = weak_out.lock();
      if (!out) return;
      rapidjson::StringBuffer buf;
      JsonWriter w(buf);
      w.StartObject();
      WriteTaskFields(w, v, /*modern=*/false);
      w.EndObject();
      out->Send(NotificationMessage("notifications/tasks/status", std::string_view(buf.GetString(), buf.GetSize())));
    };
  }
  std::string owner =
      modern ? std::string() : "session:" + std::to_string(reinterpret_cast<uintptr_t>(rc.connection->state().get()));
  Result<TaskView> created = s.tasks.Create(std::move(owner), plan.ttl_ms, kTaskPollMs, std::move(hooks));
  if (!created.ok()) {
    CountToolCall(tool, /*error=*/true);
    return ErrorReply(rc.id_json, rpc::kInternalError, "tool '" + tool.exposed_name + "' could not start: " + created.error());
  }
  trc.reply_to = MakeTaskSink(s, created->id);
  StartRound(
      std::make_shared<Job>(s, trc, call, ToolWork(s, trc, std::move(catalog), &tool, std::move(args_json)), *tool.plugin));

  Reply reply(rc);
  JsonWriter& w = reply.w();
  if (modern) {
    WriteTaskFields(w, *created, /*modern=*/true);  // flat: Result & Task
  } else {
    w.Key("task");
    w.StartObject();
    WriteTaskFields(w, *created, /*modern=*/false);
    w.EndObject();
  }
  return reply.Finish(s.identity, -1, {}, "task");
}

}  // namespace

MethodResult CallTool(ServerState& s, RequestContext& rc, const Params& p) {
  const rapidjson::Value* name = FindMember(p, "name");
  if (!name || !name->IsString())
    return ErrorReply(rc.id_json, rpc::kInvalidParams, "tools/call: params.name must be a string");
  auto catalog = s.snapshot();
  const CatalogTool* tool = catalog->FindTool(StringOf(*name));
  if (!tool)
    return ErrorReply(rc.id_json, rpc::kInvalidParams, "Unknown tool: " + std::string(StringOf(*name)) +
                                                           " (tools/list shows the available tools)");
  // From here on the call has reached the tool and is counted (once) on its counters.
  static const rapidjson::Value kEmptyObject(rapidjson::kObjectType);
  const rapidjson::Value* args = FindMember(p, "arguments");
  if (args && args->IsNull()) args = nullptr;
  if (args && !args->IsObject()) {
    CountToolCall(*tool, /*error=*/true);
    return ErrorReply(rc.id_json, rpc::kInvalidParams, "tools/call: params.arguments must be an object");
  }
  if (!args) args = &kEmptyObject;

  if (tool->builtin == BuiltinKind::kReadResourceTool) return ReadResourceAsTool(s, rc, catalog, *tool, *args);

  if (std::string why = SchemaViolation(*tool->def->input_schema, *args); !why.empty()) {
    CountToolCall(*tool, /*error=*/true);
    return ToolErrorResult(s, rc, "Invalid arguments for tool '" + tool->exposed_name + "': " + why);
  }

  std::string args_json = ToJson(*args);
  CallInfo retry;
  if (rc.era == Era::kModern) {
    if (std::optional<Answer> bad = ReadModernRetry(s, rc, p, {rc.method, tool->exposed_name, args_json}, retry)) {
      CountToolCall(*tool, /*error=*/true);
      return bad;
    }
  }
  TaskPlan task;
  if (std::optional<Answer> refused = DecideTask(s, rc, *tool, p, task)) {
    CountToolCall(*tool, /*error=*/true);
    return refused;
  }
  if (task.as_task) return StartToolTask(s, rc, catalog, *tool, std::move(args_json), retry, task);
  MethodResult refused = RunOnPool(s, rc, *tool->plugin, MakeCall(rc, *tool->plugin, &retry, tool->def->name.c_str()),
                                   ToolWork(s, rc, catalog, tool, std::move(args_json)));
  if (refused) CountToolCall(*tool, /*error=*/true);  // e.g. its id is already in flight
  return refused;
}

MethodResult GetPrompt(ServerState& s, RequestContext& rc, const Params& p) {
  const rapidjson::Value* name = FindMember(p, "name");
  if (!name || !name->IsString())
    return ErrorReply(rc.id_json, rpc::kInvalidParams, "prompts/get: params.name must be a string");
  auto catalog = s.snapshot();
  const CatalogPrompt* prompt = catalog->FindPrompt(StringOf(*name));
  if (!prompt)
    return ErrorReply(rc.id_json, rpc::kInvalidParams, "Unknown prompt: " + std::string(StringOf(*name)) +
                                                           " (prompts/list shows the available prompts)");
  const rapidjson::Value* args = FindMember(p, "arguments");
  if (args && args->IsNull()) args = nullptr;
  if (args && !args->IsObject())
    return ErrorReply(rc.id_json, rpc::kInvalidParams, "prompts/get: params.arguments must be an object");
  if (args) {
    for (const auto& m : args->GetObject())
      if (!m.value.IsString())
        return ErrorReply(rc.id_json, rpc::kInvalidParams,
                          "prompts/get: argument '" + std::string(StringOf(m.name)) + "' must be a string");
  }
  for (const PromptArgDef& a : prompt->def->arguments) {
    if (a.required && (!args || !args->HasMember(a.name.c_str())))
      return ErrorReply(rc.id_json, rpc::kInvalidParams,
                        "Missing required argument '" + a.name + "' for prompt '" + prompt->exposed_name + "'");
  }
  std::string args_json = args ? ToJson(*args) : "{}";
  CallInfo retry;
  if (rc.era == Era::kModern) {
    if (std::optional<Answer> bad = ReadModernRetry(s, rc, p, {rc.method, prompt->exposed_name, args_json}, retry))
      return bad;
  }
  return RunOnPool(s, rc, *prompt->plugin, MakeCall(rc, *prompt->plugin, &retry), ErrorWork(rc,
                   [&s, rc, catalog, prompt, args_json = std::move(args_json)](
                       CallContext& call, InputAsk& ask) -> Answer {
                     ResultBuilder rb(HandlerKind::kPrompt, {}, static_cast<size_t>(s.config.max_result_bytes));
                     HandlerOutcome o = Guarded(*prompt->plugin, nullptr, [&] {
                       return prompt->def->get(prompt->def->user_data, call.table(),
                                               {args_json.data(), args_json.size()}, rb.table());
                     });
                     const std::string label = "prompt '" + prompt->exposed_name + "'";
                     if (o.threw || o.status != MCPP_OK) {
                       int code = o.status == MCPP_ERR_INVALID_ARGUMENT && !o.threw ? rpc::kInvalidParams
                                                                                     : rpc::kInternalError;
                       return ErrorReply(rc.id_json, code, FailureText(o, call, label.c_str()));
                     }
                     if (!rb.misbehaviour().empty())
                       return ErrorReply(rc.id_json, rpc::kInternalError,
                                         "Internal error: " + label + " returned an invalid result (" +
                                             rb.misbehaviour() + ")");
                     if (!rb.input_requests().empty())
                       return InputRequired(s, rc, rb, label, /*tool=*/false,
                                            {rc.method, prompt->exposed_name, args_json}, ask);
                     Reply reply(rc);
                     JsonWriter& w = reply.w();
                     if (!rb.description().empty()) {
                       w.Key("description");
                       WriteString(w, rb.description());
                     }
                     w.Key("messages");
                     w.StartArray();
                     if (rb.item_count()) WriteRaw(w, rb.items_json(), rapidjson::kObjectType);
                     w.EndArray();
                     return reply.Finish(s.identity, -1, rb.meta_json());
                   }, "prompt '" + prompt->exposed_name + "'"));
}

MethodResult ReadResource(ServerState& s, RequestContext& rc, const Params& p) {
  const rapidjson::Value* uri_v = FindMember(p, "uri");
  if (!uri_v || !uri_v->IsString())
    return ErrorReply(rc.id_json, rpc::kInvalidParams, "resources/read: params.uri must be a string");
  std::string uri(StringOf(*uri_v));
  auto catalog = s.snapshot();
  const CatalogResource* res = catalog->FindResource(uri);
  if (res && res->builtin != BuiltinKind::kNone) {
    std::string text = HostResourceText(s, *catalog, res->builtin);
    Reply reply(rc);
    JsonWriter& w = reply.w();
    w.Key("contents");
    w.StartArray();
    w.StartObject();
    w.Key("uri");
    WriteString(w, uri);
    w.Key("mimeType");
    WriteString(w, res->mime_type);
    w.Key("text");
    WriteString(w, text);
    w.EndObject();
    w.EndArray();
    return reply.Finish(s.identity, /*ttl_ms=*/0);
  }
  std::string vars = "{}";
  const CatalogTemplate* tmpl = res ? nullptr : catalog->MatchTemplate(uri, vars);
  if (!res && !tmpl) return ResourceNotFound(rc, uri);
  const PluginInstance& plugin = res ? *res->plugin : *tmpl->plugin;
  CallInfo retry;
  if (rc.era == Era::kModern) {
    if (std::optional<Answer> bad = ReadModernRetry(s, rc, p, {rc.method, uri, {}}, retry)) return bad;
  }
  return RunOnPool(s, rc, plugin, MakeCall(rc, plugin, &retry), ErrorWork(rc,
                   [&s, rc, catalog, res, tmpl, uri, vars](CallContext& call, InputAsk& ask) -> Answer {
                     ResultBuilder rb(HandlerKind::kResource, uri, static_cast<size_t>(s.config.max_result_bytes));
                     HandlerOutcome o = ReadFromPlugin(res, tmpl, uri, vars, call, rb);
                     const std::string label = "reading " + uri;
                     if (!o.threw && (o.status == MCPP_ERR_NOT_FOUND || (o.status == MCPP_OK && rb.item_count() == 0)))
                       return ResourceNotFound(rc, uri);
                     if (o.threw || o.status != MCPP_OK) {
                       int code = o.status == MCPP_ERR_INVALID_ARGUMENT && !o.threw ? rpc::kInvalidParams
                                                                                     : rpc::kInternalError;
                       return ErrorReply(rc.id_json, code, FailureText(o, call, label.c_str()));
                     }
                     if (!rb.misbehaviour().empty())
                       return ErrorReply(rc.id_json, rpc::kInternalError,
                                         "Internal error: " + label + " returned an invalid result (" +
                                             rb.misbehaviour() + ")");
                     if (!rb.input_requests().empty())
                       return InputRequired(s, rc, rb, label, /*tool=*/false, {rc.method, uri, {}}, ask);
                     Reply reply(rc);
                     JsonWriter& w = reply.w();
                     w.Key("contents");
                     w.StartArray();
                     WriteRaw(w, rb.items_json(), rapidjson::kObjectType);
                     w.EndArray();
                     return reply.Finish(s.identity, /*ttl_ms=*/0, rb.meta_json());
                   }, "reading " + uri));
}

MethodResult Complete(ServerState& s, RequestContext& rc, const Params& p) {
  const rapidjson::Value* ref = FindMember(p, "ref");
  const rapidjson::Value* type = ref ? FindMember(*ref, "type") : nullptr;
  const rapidjson::Value* argument = FindMember(p, "argument");
  const rapidjson::Value* arg_name = argument ? FindMember(*argument, "name") : nullptr;
  const rapidjson::Value* arg_value = argument ? FindMember(*argument, "value") : nullptr;
  if (!type || !type->IsString() || !arg_name || !arg_name->IsString() || !arg_value || !arg_value->IsString())
    return ErrorReply(rc.id_json, rpc::kInvalidParams,
                      "completion/complete: needs ref {type, name|uri} and argument {name, value} (strings)");
  std::string name(StringOf(*arg_name));
  auto catalog = s.snapshot();
  const PluginInstance* plugin = nullptr;
  mcpp_complete_fn fn = nullptr;
  void* user_data = nullptr;
  if (StringOf(*type) == "ref/prompt") {
    const rapidjson::Value* pname = FindMember(*ref, "name");
    const CatalogPrompt* prompt = pname && pname->IsString() ? catalog->FindPrompt(StringOf(*pname)) : nullptr;
    if (!prompt) return ErrorReply(rc.id_json, rpc::kInvalidParams, "completion/complete: unknown prompt");
    bool known = false;
    for (const PromptArgDef& a : prompt->def->arguments) known = known || a.name == name;
    if (!known)
      return ErrorReply(rc.id_json, rpc::kInvalidParams,
                        "completion/complete: prompt '" + prompt->exposed_name + "' has no argument '" + name + "'");
    plugin = prompt->plugin.get();
    fn = prompt->def->complete;
    user_data = prompt->def->user_data;
  } else if (StringOf(*type) == "ref/resource") {
    const rapidjson::Value* uri = FindMember(*ref, "uri");
    const CatalogTemplate* tmpl = uri && uri->IsString() ? catalog->FindTemplate(StringOf(*uri)) : nullptr;
    if (!tmpl) return ErrorReply(rc.id_json, rpc::kInvalidParams, "completion/complete: unknown resource template");
    if (!tmpl->def->parsed.HasVariable(name))
      return ErrorReply(rc.id_json, rpc::kInvalidParams,
                        "completion/complete: template '" + tmpl->def->uri_template + "' has no variable '" + name + "'");
    plugin = tmpl->plugin.get();
    fn = tmpl->def->complete;
    user_data = tmpl->def->user_data;
  } else {
    return ErrorReply(rc.id_json, rpc::kInvalidParams, "completion/complete: ref.type must be ref/prompt or ref/resource");
  }

  auto answer = [&s, rc](const ResultBuilder* rb) -> Answer {
    Reply reply(rc);
    JsonWriter& w = reply.w();
    w.Key("completion");
    w.StartObject();
    w.Key("values");
    w.StartArray();
    if (rb && rb->item_count()) WriteRaw(w, rb->items_json(), rapidjson::kStringType);
    w.EndArray();
    if (rb && rb->completion_total() >= 0) {
      w.Key("total");
      w.Int64(rb->completion_total());
    }
    w.Key("hasMore");
    w.Bool(rb && rb->completion_has_more());
    w.EndObject();
    return reply.Finish(s.identity);
  };
  if (!fn) return answer(nullptr);  // nothing to suggest

  const rapidjson::Value* context = FindMember(p, "context");
  const rapidjson::Value* ctx_args = context ? FindMember(*context, "arguments") : nullptr;
  std::string context_json = ctx_args && ctx_args->IsObject() ? ToJson(*ctx_args) : "{}";
  std::string value(StringOf(*arg_value));
  return RunOnPool(s, rc, *plugin, MakeCall(rc, *plugin), ErrorWork(rc,
                   [&s, rc, catalog, plugin, fn, user_data, name, value, context_json, answer](CallContext& call, InputAsk&) -> Answer {
                     ResultBuilder rb(HandlerKind::kCompletion, {}, static_cast<size_t>(s.config.max_result_bytes));
                     HandlerOutcome o = Guarded(*plugin, nullptr, [&] {
                       return fn(user_data, call.table(), name.c_str(), {value.data(), value.size()},
                                 {context_json.data(), context_json.size()}, rb.table());
                     });
                     if (o.threw || o.status != MCPP_OK)
                       return ErrorReply(rc.id_json, rpc::kInternalError, FailureText(o, call, "completion"));
                     if (!rb.misbehaviour().empty())
                       return ErrorReply(rc.id_json, rpc::kInternalError,
                                         "Internal error: completion returned an invalid result (" + rb.misbehaviour() + ")");
                     return answer(&rb);
                   }, "completion"));
}

}  // namespace mcph
