// plugin_runner.cpp - mcp-plugin-runner: hosts one plugin in a process of
// its own for mcp-host (plugins[].isolation: process).
//
// mcp-host starts it with one end of a socketpair as fd 3 (`--fd 3`) and
// sends frames (host/src/plugins/isolation/wire.h): open a plugin file,
// create, register, call a handler, cancel a call, destroy. This program is
// the plugin's host as far as the plugin can tell: it implements mcpp_host,
// mcpp_registrar, mcpp_call and mcpp_result by recording what the plugin does
// and sending it to mcp-host, which replays it against its own tables.
//
// Threads: the main thread reads the socket and runs the lifecycle calls
// (mcp-host never sends a call while one runs, as the ABI promises); handler
// calls run on a pool of `workers` threads. Writes to the socket are
// serialised by one mutex. When mcp-host goes away (end of file) the runner
// exits; a crash of the plugin is the runner's crash, which mcp-host sees.
#include <fcntl.h>
#include <mcphost/mcp_plugin.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "plugins/isolation/wire.h"
#include "plugins/plugin_library.h"
#include "util/allocator_tuning.h"
#include "util/unix_time.h"

namespace {

using mcph::wire::Msg;
using mcph::wire::ResultOp;
using mcph::wire::Writer;

int g_fd = 3;
std::mutex g_write_mu;
uint64_t g_max_result_bytes = 64u << 20;

void Send(Writer& w) {
  std::lock_guard lock(g_write_mu);
  if (!mcph::wire::WriteFrame(g_fd, w.Frame())) ::_exit(0);  // mcp-host is gone
}

// ---- mcpp_host ------------------------------------------------------------

std::string g_host_version;
mcpp_host g_host{};

void MCPP_CALL HostLog(const mcpp_host*, int32_t level, mcpp_str message) {
  Writer w(Msg::kHostLog, 0);
  w.I32(level);
  w.Str(message.data ? std::string_view(message.data, message.size) : std::string_view());
  Send(w);
}
void MCPP_CALL HostListChanged(const mcpp_host*, uint32_t what) {
  Writer w(Msg::kListChanged, 0);
  w.U32(what);
  Send(w);
}
void MCPP_CALL HostResourceUpdated(const mcpp_host*, const char* uri) {
  if (!uri) return;
  Writer w(Msg::kResourceUpdated, 0);
  w.Str(uri);
  Send(w);
}

// ---- handlers and registration ---------------------------------------------

struct Handler {
  mcpp_tool_fn tool = nullptr;
  mcpp_prompt_fn prompt = nullptr;
  mcpp_resource_fn read = nullptr;
  mcpp_complete_fn complete = nullptr;
  void* user_data = nullptr;
};
// Appended by registrations only, which never overlap calls; a deque keeps
// references stable.
std::deque<Handler> g_handlers;

struct Recording {
  Writer entries{Msg::kRegistered, 0};  // only its body after the header is used
  uint32_t count = 0;
  bool has_instructions = false;
  std::string instructions;
};
Recording* g_recording = nullptr;

// Copies the plugin's descriptor into a zeroed one of our size.
template <typename T>
T Widen(const T* in) {
  T out{};
  if (in) std::memcpy(&out, in, std::min<size_t>(in->struct_size, sizeof(T)));
  return out;
}

uint32_t AddHandler(const Handler& h) {
  g_handlers.push_back(h);
  return static_cast<uint32_t>(g_handlers.size() - 1);
}

void Entry(mcph::wire::EntryKind kind, uint32_t handler, bool has_handler, bool has_complete) {
  Writer& w = g_recording->entries;
  w.U8(static_cast<uint8_t>(kind));
  w.U32(handler);
  w.U8(has_handler);
  w.U8(has_complete);
  ++g_recording->count;
}

int32_t MCPP_CALL AddTool(const mcpp_registrar*, const mcpp_tool_desc* desc) {
  if (!desc) return MCPP_ERR_INVALID_ARGUMENT;
  mcpp_tool_desc d = Widen(desc);
  Handler h;
  h.tool = d.call;
  h.user_data = d.user_data;
  Entry(mcph::wire::EntryKind::kTool, AddHandler(h), d.call != nullptr, false);
  Writer& w = g_recording->entries;
  for (const char* s : {d.name, d.title, d.description, d.input_schema_json, d.output_schema_json, d.annotations_json,
                        d.icons_json, d.meta_json, d.execution_json})
    w.OptStr(s);
  w.U32(d.flags);
  return MCPP_OK;
}

int32_t MCPP_CALL AddResource(const mcpp_registrar*, const mcpp_resource_desc* desc) {
  if (!desc) return MCPP_ERR_INVALID_ARGUMENT;
  mcpp_resource_desc d = Widen(desc);
  Handler h;
  h.read = d.read;
  h.user_data = d.user_data;
  Entry(mcph::wire::EntryKind::kResource, AddHandler(h), d.read != nullptr, false);
  Writer& w = g_recording->entries;
  for (const char* s : {d.uri, d.name, d.title, d.description, d.mime_type}) w.OptStr(s);
  w.I64(d.size);
  for (const char* s : {d.annotations_json, d.icons_json, d.meta_json}) w.OptStr(s);
  return MCPP_OK;
}

int32_t MCPP_CALL AddTemplate(const mcpp_registrar*, const mcpp_resource_template_desc* desc) {
  if (!desc) return MCPP_ERR_INVALID_ARGUMENT;
  mcpp_resource_template_desc d = Widen(desc);
  Handler h;
  h.read = d.read;
  h.complete = d.complete;
  h.user_data = d.user_data;
  Entry(mcph::wire::EntryKind::kTemplate, AddHandler(h), d.read != nullptr, d.complete != nullptr);
  Writer& w = g_recording->entries;
  for (const char* s : {d.uri_template, d.name, d.title, d.description, d.mime_type, d.annotations_json, d.icons_json,
                        d.meta_json})
    w.OptStr(s);
  return MCPP_OK;
}

int32_t MCPP_CALL AddPrompt(const mcpp_registrar*, const mcpp_prompt_desc* desc) {
  if (!desc) return MCPP_ERR_INVALID_ARGUMENT;
  mcpp_prompt_desc d = Widen(desc);
  Handler h;
  h.prompt = d.get;
  h.complete = d.complete;
  h.user_data = d.user_data;
  Entry(mcph::wire::EntryKind::kPrompt, AddHandler(h), d.get != nullptr, d.complete != nullptr);
  Writer& w = g_recording->entries;
  for (const char* s : {d.name, d.title, d.description, d.arguments_json, d.icons_json, d.meta_json}) w.OptStr(s);
  return MCPP_OK;
}

int32_t MCPP_CALL SetInstructions(const mcpp_registrar*, const char* text) {
  if (!text) return MCPP_ERR_INVALID_ARGUMENT;
  g_recording->has_instructions = true;
  g_recording->instructions = text;
  return MCPP_OK;
}

const char* MCPP_CALL LastError(const mcpp_registrar*) { return ""; }

// ---- one handler call -------------------------------------------------------

struct RunnerCall {
  mcpp_call table{};
  uint64_t tag = 0;
  std::atomic<bool> cancelled{false};
  std::string protocol_version, client_name, caps, roots, input_responses, request_state;
  std::string a, b, c;  // the kind's arguments (see wire.h)
  uint32_t handler = 0;
  mcph::wire::CallKind kind{};
  std::string error;
  // The result: an op stream replayed by mcp-host.
  mcpp_result result{};
  std::string ops;
};

RunnerCall* C(const mcpp_call* c) { return static_cast<RunnerCall*>(c->call_data); }
RunnerCall* R(const mcpp_result* r) { return static_cast<RunnerCall*>(r->result_data); }

std::mutex g_calls_mu;
std::unordered_map<uint64_t, RunnerCall*> g_calls;  // in flight, for kCancel

std::string_view V(mcpp_str s) { return s.data ? std::string_view(s.data, s.size) : std::string_view(); }
std::string_view V(mcpp_bytes b) {
  return b.data ? std::string_view(reinterpret_cast<const char*>(b.data), b.size) : std::string_view();
}

// One argument of a result slot, written as wire.h's ResultOp comment says.
void Put(Writer& w, const char* s) { w.OptStr(s); }
void Put(Writer& w, mcpp_str s) { w.Str(V(s)); }
void Put(Writer& w, mcpp_bytes b) { w.Str(V(b)); }
void Put(Writer& w, uint8_t v) { w.U8(v); }
void Put(Writer& w, int32_t v) { w.I32(v); }
void Put(Writer& w, int64_t v) { w.I64(v); }

// Appends one op with its arguments to the call's result, within the size
// limit (the host checks the rest when it replays the ops).
template <typename... Args>
int32_t Record(const mcpp_result* r, ResultOp op, Args... args) {
  RunnerCall* call = R(r);
  Writer w(Msg::kResult, 0);  // scratch: only the bytes after its 13-byte header are kept
  w.U8(static_cast<uint8_t>(op));
  (Put(w, args), ...);
  std::string& frame = w.Frame();
  const size_t n = frame.size() - 13;
  if (call->ops.size() + n > g_max_result_bytes) return MCPP_ERR_TOO_LARGE;
  call->ops.append(frame, 13, n);
  return MCPP_OK;
}

void FillResultTable(mcpp_result& t) {
  using Res = const mcpp_result*;
  using O = ResultOp;
  t.struct_size = sizeof t;
  t.add_text = [](Res r, mcpp_str text) { return Record(r, O::kAddText, text); };
  t.add_image = [](Res r, const char* mime, mcpp_bytes data) { return Record(r, O::kAddImage, mime, data); };
  t.add_audio = [](Res r, const char* mime, mcpp_bytes data) { return Record(r, O::kAddAudio, mime, data); };
  t.add_resource_link = [](Res r, const char* uri, const char* name, const char* mime, const char* description) {
    return Record(r, O::kAddResourceLink, uri, name, mime, description);
  };
  t.add_embedded_text = [](Res r, const char* uri, const char* mime, mcpp_str text) {
    return Record(r, O::kAddEmbeddedText, uri, mime, text);
  };
  t.add_embedded_blob = [](Res r, const char* uri, const char* mime, mcpp_bytes data) {
    return Record(r, O::kAddEmbeddedBlob, uri, mime, data);
  };
  t.add_content_json = [](Res r, mcpp_str json) { return Record(r, O::kAddContentJson, json); };
  t.set_structured_json = [](Res r, mcpp_str json) { return Record(r, O::kSetStructuredJson, json); };
  t.set_is_error = [](Res r, uint8_t is_error) { return Record(r, O::kSetIsError, is_error); };
  t.set_role = [](Res r, int32_t role) { return Record(r, O::kSetRole, role); };
  t.set_description = [](Res r, mcpp_str text) { return Record(r, O::kSetDescription, text); };
  t.add_text_contents = [](Res r, const char* uri, const char* mime, mcpp_str text) {
    return Record(r, O::kAddTextContents, uri, mime, text);
  };
  t.add_blob_contents = [](Res r, const char* uri, const char* mime, mcpp_bytes data) {
    return Record(r, O::kAddBlobContents, uri, mime, data);
  };
  t.set_meta_json = [](Res r, mcpp_str json) { return Record(r, O::kSetMetaJson, json); };
  t.require_input = [](Res r, const char* key, const char* method, mcpp_str params) {
    return Record(r, O::kRequireInput, key, method, params);
  };
  t.set_request_state = [](Res r, mcpp_str state) { return Record(r, O::kSetRequestState, state); };
  t.add_completion = [](Res r, mcpp_str value) { return Record(r, O::kAddCompletion, value); };
  t.set_completion_info = [](Res r, int64_t total, uint8_t has_more) {
    return Record(r, O::kSetCompletionInfo, total, has_more);
  };
}

void FillCallTable(RunnerCall& rc) {
  mcpp_call& t = rc.table;
  t.struct_size = sizeof t;
  t.call_data = &rc;
  t.host = &g_host;
  t.protocol_version = rc.protocol_version.c_str();
  t.client_name = rc.client_name.c_str();
  t.client_capabilities_json = {rc.caps.data(), rc.caps.size()};
  t.roots_json = {rc.roots.data(), rc.roots.size()};
  t.input_responses_json = {rc.input_responses.data(), rc.input_responses.size()};
  t.request_state = {rc.request_state.data(), rc.request_state.size()};
  t.is_cancelled = [](const mcpp_call* c) -> uint8_t {
    RunnerCall* self = C(c);
    if (self->cancelled.load(std::memory_order_relaxed)) return 1;
    return self->table.deadline_unix_ms > 0 && mcph::UnixMs() >= self->table.deadline_unix_ms ? 1 : 0;
  };
  t.progress = [](const mcpp_call* c, double progress, double total, const char* message) {
    Writer w(Msg::kCallProgress, C(c)->tag);
    w.F64(progress);
    w.F64(total);
    w.OptStr(message);
    Send(w);
  };
  t.log = [](const mcpp_call* c, int32_t level, const char* logger, mcpp_str message) {
    Writer w(Msg::kCallLog, C(c)->tag);
    w.I32(level);
    w.OptStr(logger);
    w.Str(V(message));
    Send(w);
  };
  t.set_error_message = [](const mcpp_call* c, mcpp_str message) { C(c)->error.assign(V(message)); };
  rc.result.result_data = &rc;
  FillResultTable(rc.result);
}

void RunCall(std::unique_ptr<RunnerCall> rc) {
  using mcph::wire::CallKind;
  int32_t status = MCPP_ERR_UNSUPPORTED;
  if (rc->handler < g_handlers.size()) {
    const Handler& h = g_handlers[rc->handler];
    const mcpp_call* call = &rc->table;
    const mcpp_result* result = &rc->result;
    mcpp_str a{rc->a.data(), rc->a.size()}, b{rc->b.data(), rc->b.size()}, c{rc->c.data(), rc->c.size()};
    switch (rc->kind) {
      case CallKind::kTool:
        if (h.tool) status = h.tool(h.user_data, call, a, result);
        break;
      case CallKind::kPrompt:
        if (h.prompt) status = h.prompt(h.user_data, call, a, result);
        break;
      case CallKind::kResource:
        if (h.read) status = h.read(h.user_data, call, rc->a.c_str(), b, result);
        break;
      case CallKind::kComplete:
        if (h.complete) status = h.complete(h.user_data, call, rc->a.c_str(), b, c, result);
        break;
    }
  } else {
    rc->error = "unknown handler (the plugin was re-registered)";
  }
  {
    std::lock_guard lock(g_calls_mu);
    g_calls.erase(rc->tag);
  }
  Writer w(Msg::kResult, rc->tag);
  w.I32(status);
  w.Str(rc->error);
  w.Raw(rc->ops.data(), rc->ops.size());
  rc->ops.clear();
  rc->ops.shrink_to_fit();
  Send(w);
}

// A fixed pool: the host's gate already bounds how many calls come at once.
class Pool {
 public:
  void Start(int n) {
    for (int i = 0; i < n; ++i) std::thread([this] { Work(); }).detach();
  }
  void Post(std::unique_ptr<RunnerCall> rc) {
    {
      std::lock_guard lock(mu_);
      queue_.push_back(std::move(rc));
    }
    cv_.notify_one();
  }

 private:
  void Work() {
    for (;;) {
      std::unique_ptr<RunnerCall> rc;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return !queue_.empty(); });
        rc = std::move(queue_.front());
        queue_.pop_front();
      }
      RunCall(std::move(rc));
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<RunnerCall>> queue_;
};

}  // namespace

int main(int argc, char** argv) {
  mcph::TuneAllocatorForLargeMessages();  // results pass through here too
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], "--fd") == 0) g_fd = std::atoi(argv[i + 1]);
  if (::fcntl(g_fd, F_GETFD) < 0) {
    std::fprintf(stderr, "mcp-plugin-runner: started by mcp-host for plugins[].isolation: process; not for direct use\n");
    return 2;
  }
  ::signal(SIGPIPE, SIG_IGN);

  std::shared_ptr<mcph::PluginLibrary> library;
  void* instance = nullptr;
  Pool pool;
  // Calls carry arguments, not results: a frame from mcp-host is bounded by
  // its own message size limit, well under this.
  mcph::wire::FrameReader reader(g_fd, uint64_t{1} << 31);
  std::string_view body;
  for (;;) {
    if (!reader.Next(body)) ::_exit(0);
    mcph::wire::Reader r(body);
    auto h = mcph::wire::ReadHeader(r);
    if (!h) ::_exit(3);
    switch (h->type) {
      case Msg::kOpen: {
        std::string path(r.Str());
        const uint32_t workers = r.U32();
        g_max_result_bytes = r.U64();
        auto opened = mcph::PluginLibrary::Open(path);
        Writer w(Msg::kOpened, h->tag);
        if (!opened.ok()) {
          w.I32(MCPP_ERR_INTERNAL);
          w.Str(opened.error());
          Send(w);
          break;
        }
        library = opened.value();
        const mcpp_plugin& d = library->descriptor();
        w.I32(MCPP_OK);
        w.Str("");
        w.U32(library->abi_version());
        for (const char* s : {d.id, d.name, d.version, d.description}) w.Str(s ? s : "");
        w.U32(d.flags);
        Send(w);
        pool.Start(workers < 1 ? 1 : static_cast<int>(workers));
        break;
      }
      case Msg::kCreate: {
        std::string config(r.Str()), alias(r.Str()), plugin_path(r.Str());
        g_host_version = std::string(r.Str());
        g_host.struct_size = sizeof g_host;
        g_host.abi_version = library ? library->abi_version() : MCPP_ABI_VERSION;
        g_host.host_name = "mcphost";
        g_host.host_version = g_host_version.c_str();
        g_host.log = HostLog;
        g_host.notify_list_changed = HostListChanged;
        g_host.notify_resource_updated = HostResourceUpdated;
        g_host.get_extension = [](const mcpp_host*, const char*) -> const void* { return nullptr; };
        mcpp_init_params params{};
        params.struct_size = sizeof params;
        params.config_json = {config.data(), config.size()};
        params.alias = alias.c_str();
        params.plugin_path = plugin_path.c_str();
        int32_t status = library ? library->descriptor().create(&g_host, &params, &instance) : MCPP_ERR_INTERNAL;
        Writer w(Msg::kStatus, h->tag);
        w.I32(status);
        Send(w);
        break;
      }
      case Msg::kRegister: {
        Recording rec;
        g_recording = &rec;
        mcpp_registrar reg{};
        reg.struct_size = sizeof reg;
        reg.add_tool = AddTool;
        reg.add_resource = AddResource;
        reg.add_resource_template = AddTemplate;
        reg.add_prompt = AddPrompt;
        reg.set_instructions = SetInstructions;
        reg.last_error = LastError;
        int32_t status = library ? library->descriptor().register_capabilities(instance, &reg) : MCPP_ERR_INTERNAL;
        g_recording = nullptr;
        Writer w(Msg::kRegistered, h->tag);
        w.I32(status);
        w.OptStr(rec.has_instructions ? rec.instructions.c_str() : nullptr);
        w.U32(rec.count);
        std::string& entries = rec.entries.Frame();
        w.Raw(entries.data() + 13, entries.size() - 13);
        Send(w);
        break;
      }
      case Msg::kCall: {
        auto rc = std::make_unique<RunnerCall>();
        rc->tag = h->tag;
        rc->handler = r.U32();
        rc->kind = static_cast<mcph::wire::CallKind>(r.U8());
        rc->protocol_version = r.Str();
        rc->client_name = r.Str();
        rc->caps = r.Str();
        rc->roots = r.Str();
        rc->input_responses = r.Str();
        rc->request_state = r.Str();
        const int64_t deadline = r.I64();
        rc->a = r.Str();
        rc->b = r.Str();
        rc->c = r.Str();
        if (!r.ok()) ::_exit(3);
        FillCallTable(*rc);
        rc->table.deadline_unix_ms = deadline;
        {
          std::lock_guard lock(g_calls_mu);
          g_calls[rc->tag] = rc.get();
        }
        pool.Post(std::move(rc));
        break;
      }
      case Msg::kCancel: {
        std::lock_guard lock(g_calls_mu);
        if (auto it = g_calls.find(h->tag); it != g_calls.end()) it->second->cancelled = true;
        break;
      }
      case Msg::kDestroy: {
        if (library && instance) library->descriptor().destroy(instance);
        Writer w(Msg::kStatus, h->tag);
        w.I32(MCPP_OK);
        Send(w);
        std::fflush(nullptr);
        ::_exit(0);
      }
      default: ::_exit(3);  // an answer type: mcp-host is confused
    }
  }
}
