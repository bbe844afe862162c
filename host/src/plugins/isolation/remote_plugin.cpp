// remote_plugin.cpp - see remote_plugin.h.
#include "plugins/isolation/remote_plugin.h"

#include <fcntl.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/dll/runtime_symbol_info.hpp>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <vector>

#include "util/unix_time.h"

namespace mcph {
namespace {

using wire::Msg;

// A nullable string read from a frame, kept NUL-terminated for the ABI.
struct CStr {
  std::string text;
  bool present = false;
  explicit CStr(std::optional<std::string_view> s) : text(s ? std::string(*s) : std::string()), present(s) {}
  const char* get() const { return present ? text.c_str() : nullptr; }
};

mcpp_str S(std::string_view s) { return mcpp_str{s.data(), s.size()}; }
mcpp_bytes B(std::string_view s) { return mcpp_bytes{reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

const RemotePlugin::HandlerRef& Ref(void* user_data) { return *static_cast<RemotePlugin::HandlerRef*>(user_data); }

int32_t MCPP_CALL ProxyTool(void* ud, const mcpp_call* call, mcpp_str args, const mcpp_result* r) {
  const auto& ref = Ref(ud);
  return ref.self->Invoke(ref, wire::CallKind::kTool, call, r, {std::string_view(args.data, args.size), {}, {}});
}
int32_t MCPP_CALL ProxyPrompt(void* ud, const mcpp_call* call, mcpp_str args, const mcpp_result* r) {
  const auto& ref = Ref(ud);
  return ref.self->Invoke(ref, wire::CallKind::kPrompt, call, r, {std::string_view(args.data, args.size), {}, {}});
}
int32_t MCPP_CALL ProxyRead(void* ud, const mcpp_call* call, const char* uri, mcpp_str vars, const mcpp_result* r) {
  const auto& ref = Ref(ud);
  return ref.self->Invoke(ref, wire::CallKind::kResource, call, r,
                          {uri ? std::string_view(uri) : std::string_view(), std::string_view(vars.data, vars.size), {}});
}
int32_t MCPP_CALL ProxyComplete(void* ud, const mcpp_call* call, const char* name, mcpp_str value, mcpp_str context,
                                const mcpp_result* r) {
  const auto& ref = Ref(ud);
  return ref.self->Invoke(ref, wire::CallKind::kComplete, call, r,
                          {name ? std::string_view(name) : std::string_view(), std::string_view(value.data, value.size),
                           std::string_view(context.data, context.size)});
}

// How long create() and register_capabilities() may take in a runner.
constexpr std::chrono::milliseconds kLifecycleLimit(30000);

// Bounds blocking reads on `fd` (0 = no bound).
void SetReadTimeout(int fd, std::chrono::milliseconds limit) {
  struct timeval tv {};
  tv.tv_sec = static_cast<time_t>(limit.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((limit.count() % 1000) * 1000);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

std::string DescribeExit(int status) {
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    const char* name = sigabbrev_np(sig);
    const char* what = sigdescr_np(sig);
    return "killed by signal " + std::to_string(sig) + " (SIG" + (name ? name : "?") + ": " + (what ? what : "?") +
           ")" + (sig == SIGKILL ? ", perhaps out of memory or killed by an operator" : "") +
           (sig == SIGXCPU ? ", over its cpu_seconds limit" : "");
  }
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  return "ended (wait status " + std::to_string(status) + ")";
}

}  // namespace

std::string FindPluginRunner() {
  if (const char* env = std::getenv("MCPHOST_PLUGIN_RUNNER"); env && *env) return env;
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path exe;
  try {
    exe = boost::dll::program_location().string();
  } catch (const std::exception&) {
    return {};
  }
  for (const fs::path& candidate :
       {exe.parent_path() / "mcp-plugin-runner", exe.parent_path().parent_path() / "lib/mcphost/mcp-plugin-runner"}) {
    if (fs::is_regular_file(candidate, ec)) return candidate.string();
  }
  return {};
}

Result<std::shared_ptr<RemotePlugin>> RemotePlugin::Start(const std::string& path, const ProcessIsolation& options,
                                                          int workers, uint64_t max_result_bytes) {
  std::shared_ptr<RemotePlugin> rp(new RemotePlugin());
  rp->path_ = path;
  rp->options_ = options;
  rp->workers_ = workers < 1 ? 1 : workers;
  rp->max_result_bytes_ = max_result_bytes;
  rp->runner_ = FindPluginRunner();
  if (rp->runner_.empty())
    return Status::Error("plugin " + path +
                         ": isolation: process needs mcp-plugin-runner, which is not beside mcp-host nor in "
                         "../lib/mcphost (set MCPHOST_PLUGIN_RUNNER to its path)");
  auto conn = rp->Launch(/*create=*/false);
  if (!conn.ok()) return conn.status();
  std::lock_guard lock(rp->mu_);
  rp->conn_ = conn.value();
  rp->state_ = State::kUp;
  rp->epoch_ = 1;
  return rp;
}

RemotePlugin::~RemotePlugin() { StopRunner(); }

pid_t RemotePlugin::pid() const {
  std::lock_guard lock(mu_);
  return state_ == State::kUp ? conn_.pid : -1;
}

bool RemotePlugin::Send(int fd, wire::Writer& w) {
  std::lock_guard lock(write_mu_);
  return wire::WriteFrame(fd, w.Frame());
}

Result<RemotePlugin::Conn> RemotePlugin::Launch(bool create) {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
    return Status::Error("plugin " + path_ + ": socketpair failed: " + std::strerror(errno));
  // Everything the child needs is prepared before fork(): after it, only
  // async-signal-safe calls.
  std::string fd_arg = "3";
  std::vector<char*> argv = {const_cast<char*>("mcp-plugin-runner"), const_cast<char*>("--fd"), fd_arg.data(),
                             nullptr};
  struct Limit {
    int resource;
    uint64_t value;
  };
  const Limit limits[] = {{RLIMIT_AS, options_.address_space_mb * 1024 * 1024},
                          {RLIMIT_CPU, options_.cpu_seconds},
                          {RLIMIT_NOFILE, options_.open_files}};
  const pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(sv[0]);
    ::close(sv[1]);
    return Status::Error("plugin " + path_ + ": fork failed: " + std::strerror(errno));
  }
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // a runner never outlives its host
    if (::getppid() != parent) ::_exit(0);
    for (const Limit& l : limits) {
      if (l.value == 0) continue;
      struct rlimit rl {
        static_cast<rlim_t>(l.value), static_cast<rlim_t>(l.value)
      };
      ::setrlimit(l.resource, &rl);
    }
    ::dup2(sv[1], 3);  // dup2 clears close-on-exec on fd 3
    ::dup2(2, 1);      // stdout may be the host's protocol channel: never the plugin's
    ::close_range(4, ~0u, 0);
    ::execv(runner_.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(sv[1]);
  Conn conn{sv[0], pid};
  // A plugin stuck in loading or create() fails the start instead of holding
  // the thread: reads give up after the lifecycle limit (cleared below).
  SetReadTimeout(conn.fd, kLifecycleLimit);
  starts_.fetch_add(1);

  auto fail = [&](const std::string& why) -> Status {
    ::shutdown(conn.fd, SHUT_RDWR);
    std::string how = Reap(conn);
    return Status::Error("plugin " + path_ + ": " + why + (how.empty() ? "" : " (the runner " + how + ")"));
  };
  std::string body;
  uint64_t tag = next_tag_++;
  wire::Writer open(Msg::kOpen, tag);
  open.Str(path_);
  open.U32(static_cast<uint32_t>(workers_));
  open.U64(max_result_bytes_);
  if (!wire::WriteFrame(conn.fd, open.Frame()) || !AwaitAnswer(conn.fd, tag, body))
    return fail("the runner did not start");
  wire::Reader r(body);
  (void)wire::ReadHeader(r);
  int32_t status = r.I32();
  std::string error(r.Str());
  if (!r.ok()) return fail("the runner sent a malformed answer");
  if (status != MCPP_OK) {
    ::shutdown(conn.fd, SHUT_RDWR);
    Reap(conn);
    return Status::Error(error);  // PluginLibrary's own message, from the runner
  }
  if (!create) {
    abi_version_ = r.U32();
    id_ = std::string(r.Str());
    name_ = std::string(r.Str());
    version_ = std::string(r.Str());
    description_ = std::string(r.Str());
    desc_.struct_size = sizeof desc_;
    desc_.abi_version = abi_version_;
    desc_.id = id_.c_str();
    desc_.name = name_.c_str();
    desc_.version = version_.c_str();
    desc_.description = description_.c_str();
    desc_.flags = r.U32();
    if (!r.ok()) return fail("the runner sent a malformed descriptor");
    desc_.create = [](const mcpp_host*, const mcpp_init_params*, void**) -> int32_t {
      return MCPP_ERR_UNSUPPORTED;  // PluginLibrary::CreateInstance calls RemotePlugin::Create
    };
    desc_.register_capabilities = [](void* self, const mcpp_registrar* reg) -> int32_t {
      return static_cast<RemotePlugin*>(self)->Register(reg);
    };
    desc_.destroy = [](void* self) { static_cast<RemotePlugin*>(self)->Destroy(); };
    desc_.get_extension = nullptr;
    SetReadTimeout(conn.fd, std::chrono::milliseconds(0));
    return conn;
  }
  std::optional<int32_t> created = CreateIn(conn.fd);
  if (!created) return fail("the runner died in create()");
  if (*created != MCPP_OK) return fail("create() failed with status " + std::to_string(*created));
  SetReadTimeout(conn.fd, std::chrono::milliseconds(0));
  return conn;
}

bool RemotePlugin::AwaitAnswer(int fd, uint64_t tag, std::string& body) {
  while (wire::ReadFrame(fd, body, max_result_bytes_ + wire::kFrameOverhead)) {
    wire::Reader r(body);
    auto h = wire::ReadHeader(r);
    if (!h) return false;
    if (h->type == Msg::kHostLog) {
      int32_t level = r.I32();
      std::string_view text = r.Str();
      if (host_) host_->log(host_, level, S(text));
      else spdlog::info("[{}] {}", path_, text);
      continue;
    }
    if (h->tag == tag) return true;
    // Anything else (a list_changed from create()) waits for the registration that follows.
  }
  return false;
}

std::optional<int32_t> RemotePlugin::CreateIn(int fd) {
  const uint64_t tag = next_tag_++;
  wire::Writer w(Msg::kCreate, tag);
  w.Str(config_json_);
  w.Str(alias_);
  w.Str(plugin_path_);
  w.Str(host_ && host_->host_version ? host_->host_version : "");
  std::string body;
  if (!Send(fd, w) || !AwaitAnswer(fd, tag, body)) return std::nullopt;
  wire::Reader r(body);
  (void)wire::ReadHeader(r);
  const int32_t status = r.I32();
  if (!r.ok()) return std::nullopt;
  return status;
}

int32_t RemotePlugin::Create(const mcpp_host* host, const mcpp_init_params* params, void** instance) {
  host_ = host;
  config_json_.assign(params->config_json.data, params->config_json.size);
  alias_ = params->alias ? params->alias : "";
  plugin_path_ = params->plugin_path ? params->plugin_path : path_;
  int fd;
  {
    std::lock_guard lock(mu_);
    fd = conn_.fd;
  }
  // The supervisor is not reading yet: read the answer here (bounded).
  SetReadTimeout(fd, kLifecycleLimit);
  const int32_t status = CreateIn(fd).value_or(MCPP_ERR_INTERNAL);
  SetReadTimeout(fd, std::chrono::milliseconds(0));
  if (status != MCPP_OK) {
    StopRunner();
    return status;
  }
  *instance = this;
  supervisor_ = std::thread([this] { Supervise(); });
  return MCPP_OK;
}

bool RemotePlugin::Request(wire::Writer& w, uint64_t tag, Pending& p, std::string& why,
                           std::chrono::milliseconds limit) {
  int fd;
  {
    std::lock_guard lock(mu_);
    if (state_ != State::kUp) {
      why = down_reason_;
      return false;
    }
    fd = conn_.fd;
    pending_[tag] = &p;
  }
  Send(fd, w);  // a failed write shows as the reader's end of file, which fails p
  std::unique_lock lock(mu_);
  if (limit.count() > 0) {
    if (!p.cv.wait_for(lock, limit, [&] { return p.done; })) {
      pending_.erase(tag);
      why = "did not answer within " + std::to_string(limit.count()) + " ms";
      return false;
    }
  } else {
    p.cv.wait(lock, [&] { return p.done; });
  }
  pending_.erase(tag);
  if (p.lost) why = down_reason_;
  return !p.lost;
}

int32_t RemotePlugin::Register(const mcpp_registrar* reg) {
  Pending p;
  std::string why;
  uint64_t tag = next_tag_++;
  wire::Writer w(Msg::kRegister, tag);
  uint64_t epoch;
  {
    std::lock_guard lock(mu_);
    epoch = epoch_;
  }
  // A runner that is down registers nothing: its capabilities are withdrawn
  // until the supervisor has it back (and asks for a new registration).
  if (!Request(w, tag, p, why, kLifecycleLimit)) {
    // A runner stuck in register_capabilities would hold the lifecycle
    // thread (and every reload) forever: end it; the supervisor restarts it.
    if (p.body.empty() && !p.lost) KillRunner("did not finish register_capabilities within 30 s");
    return MCPP_OK;
  }
  wire::Reader r(p.body);
  (void)wire::ReadHeader(r);
  const int32_t status = r.I32();
  CStr instructions(r.OptStr());
  const uint32_t count = r.U32();
  for (uint32_t i = 0; i < count && r.ok(); ++i) {
    const auto kind = static_cast<wire::EntryKind>(r.U8());
    const uint32_t handler = r.U32();
    const bool has_handler = r.U8() != 0;
    const bool has_complete = r.U8() != 0;
    auto ref = [&](const char* what, const CStr& name) -> void* {
      refs_.push_back(HandlerRef{this, epoch, handler, std::string(what) + " '" + name.text + "'"});
      return &refs_.back();
    };
    switch (kind) {
      case wire::EntryKind::kTool: {
        CStr name(r.OptStr()), title(r.OptStr()), description(r.OptStr()), input(r.OptStr()), output(r.OptStr()),
            annotations(r.OptStr()), icons(r.OptStr()), meta(r.OptStr()), execution(r.OptStr());
        mcpp_tool_desc d{};
        d.struct_size = sizeof d;
        d.name = name.get();
        d.title = title.get();
        d.description = description.get();
        d.input_schema_json = input.get();
        d.output_schema_json = output.get();
        d.annotations_json = annotations.get();
        d.icons_json = icons.get();
        d.meta_json = meta.get();
        d.execution_json = execution.get();
        d.flags = r.U32();
        d.call = has_handler ? ProxyTool : nullptr;
        d.user_data = ref("tool", name);
        if (r.ok()) (void)reg->add_tool(reg, &d);
        break;
      }
      case wire::EntryKind::kResource: {
        CStr uri(r.OptStr()), name(r.OptStr()), title(r.OptStr()), description(r.OptStr()), mime(r.OptStr());
        const int64_t size = r.I64();
        CStr annotations(r.OptStr()), icons(r.OptStr()), meta(r.OptStr());
        mcpp_resource_desc d{};
        d.struct_size = sizeof d;
        d.uri = uri.get();
        d.name = name.get();
        d.title = title.get();
        d.description = description.get();
        d.mime_type = mime.get();
        d.size = size;
        d.annotations_json = annotations.get();
        d.icons_json = icons.get();
        d.meta_json = meta.get();
        d.read = has_handler ? ProxyRead : nullptr;
        d.user_data = ref("resource", uri);
        if (r.ok()) (void)reg->add_resource(reg, &d);
        break;
      }
      case wire::EntryKind::kTemplate: {
        CStr uri(r.OptStr()), name(r.OptStr()), title(r.OptStr()), description(r.OptStr()), mime(r.OptStr()),
            annotations(r.OptStr()), icons(r.OptStr()), meta(r.OptStr());
        mcpp_resource_template_desc d{};
        d.struct_size = sizeof d;
        d.uri_template = uri.get();
        d.name = name.get();
        d.title = title.get();
        d.description = description.get();
        d.mime_type = mime.get();
        d.annotations_json = annotations.get();
        d.icons_json = icons.get();
        d.meta_json = meta.get();
        d.read = has_handler ? ProxyRead : nullptr;
        d.complete = has_complete ? ProxyComplete : nullptr;
        d.user_data = ref("resource template", uri);
        if (r.ok()) (void)reg->add_resource_template(reg, &d);
        break;
      }
      case wire::EntryKind::kPrompt: {
        CStr name(r.OptStr()), title(r.OptStr()), description(r.OptStr()), arguments(r.OptStr()), icons(r.OptStr()),
            meta(r.OptStr());
        mcpp_prompt_desc d{};
        d.struct_size = sizeof d;
        d.name = name.get();
        d.title = title.get();
        d.description = description.get();
        d.arguments_json = arguments.get();
        d.icons_json = icons.get();
        d.meta_json = meta.get();
        d.get = has_handler ? ProxyPrompt : nullptr;
        d.complete = has_complete ? ProxyComplete : nullptr;
        d.user_data = ref("prompt", name);
        if (r.ok()) (void)reg->add_prompt(reg, &d);
        break;
      }
      default:
        spdlog::error("plugin {}: the runner sent an unknown capability kind {}", path_, static_cast<int>(kind));
        return MCPP_ERR_INTERNAL;
    }
  }
  if (instructions.present && r.ok()) (void)reg->set_instructions(reg, instructions.get());
  if (!r.ok()) {
    spdlog::error("plugin {}: the runner sent a malformed registration", path_);
    return MCPP_ERR_INTERNAL;
  }
  return status;
}

int32_t RemotePlugin::Invoke(const HandlerRef& ref, wire::CallKind kind, const mcpp_call* call,
                             const mcpp_result* result, const CallArgs& args) {
  auto fail = [&](const std::string& why) {
    std::string text = ref.label + " could not run: plugin " + name_ + " runs in its own process, which " + why +
                       "; the host restarts it. Try again shortly";
    call->set_error_message(call, S(text));
    return MCPP_ERR_INTERNAL;
  };
  const uint64_t tag = next_tag_++;
  wire::Writer w(Msg::kCall, tag);
  w.U32(ref.id);
  w.U8(static_cast<uint8_t>(kind));
  w.Str(call->protocol_version ? call->protocol_version : "");
  w.Str(call->client_name ? call->client_name : "");
  w.Str(std::string_view(call->client_capabilities_json.data, call->client_capabilities_json.size));
  w.Str(std::string_view(call->roots_json.data, call->roots_json.size));
  w.Str(std::string_view(call->input_responses_json.data, call->input_responses_json.size));
  w.Str(std::string_view(call->request_state.data, call->request_state.size));
  w.I64(call->deadline_unix_ms);
  w.Str(args.a);
  w.Str(args.b);
  w.Str(args.c);

  Pending p;
  p.call = call;
  int fd;
  pid_t pid;
  {
    std::lock_guard lock(mu_);
    if (state_ != State::kUp) return fail(down_reason_.empty() ? "is not running" : down_reason_);
    if (ref.epoch != epoch_) return fail("was restarted since this capability was registered");
    fd = conn_.fd;
    pid = conn_.pid;
    pending_[tag] = &p;
  }
  Send(fd, w);
  bool cancel_sent = false, killed = false;
  std::unique_lock lock(mu_);
  while (!p.cv.wait_for(lock, std::chrono::milliseconds(20), [&] { return p.done; })) {
    // The runner learns of a cancellation or a passed deadline from us.
    if (!cancel_sent && call->is_cancelled(call)) {
      cancel_sent = true;
      wire::Writer c(Msg::kCancel, tag);
      lock.unlock();
      Send(fd, c);
      lock.lock();
    }
    if (!killed && options_.kill_hung_after_ms > 0 && call->deadline_unix_ms > 0 &&
        UnixMs() > call->deadline_unix_ms + options_.kill_hung_after_ms) {
      killed = true;
      spdlog::error("plugin {}: {} is still running {} ms past its deadline; killing its process {} (kill_hung_after_ms)",
                    name_, ref.label, options_.kill_hung_after_ms, pid);
      ::kill(pid, SIGKILL);
    }
  }
  pending_.erase(tag);
  if (p.lost) {
    std::string why = down_reason_;
    lock.unlock();
    std::string text = ref.label + " failed: plugin " + name_ + "'s process " + why +
                       " while the call was running; the host restarts it. Try again shortly";
    call->set_error_message(call, S(text));
    return MCPP_ERR_INTERNAL;
  }
  lock.unlock();
  return Finish(ref, call, result, p);
}

int32_t RemotePlugin::Finish(const HandlerRef& ref, const mcpp_call* call, const mcpp_result* r, Pending& p) {
  using wire::ResultOp;
  wire::Reader in(p.body);
  (void)wire::ReadHeader(in);
  const int32_t status = in.I32();
  std::string_view error = in.Str();
  while (in.ok() && !in.at_end()) {
    const auto op = static_cast<ResultOp>(in.U8());
    switch (op) {
      case ResultOp::kAddText: r->add_text(r, S(in.Str())); break;
      case ResultOp::kAddImage: {
        CStr mime(in.OptStr());
        r->add_image(r, mime.get(), B(in.Str()));
        break;
      }
      case ResultOp::kAddAudio: {
        CStr mime(in.OptStr());
        r->add_audio(r, mime.get(), B(in.Str()));
        break;
      }
      case ResultOp::kAddResourceLink: {
        CStr uri(in.OptStr()), name(in.OptStr()), mime(in.OptStr()), description(in.OptStr());
        r->add_resource_link(r, uri.get(), name.get(), mime.get(), description.get());
        break;
      }
      case ResultOp::kAddEmbeddedText: {
        CStr uri(in.OptStr()), mime(in.OptStr());
        r->add_embedded_text(r, uri.get(), mime.get(), S(in.Str()));
        break;
      }
      case ResultOp::kAddEmbeddedBlob: {
        CStr uri(in.OptStr()), mime(in.OptStr());
        r->add_embedded_blob(r, uri.get(), mime.get(), B(in.Str()));
        break;
      }
      case ResultOp::kAddContentJson: r->add_content_json(r, S(in.Str())); break;
      case ResultOp::kSetStructuredJson: r->set_structured_json(r, S(in.Str())); break;
      case ResultOp::kSetIsError: r->set_is_error(r, in.U8()); break;
      case ResultOp::kSetRole: r->set_role(r, in.I32()); break;
      case ResultOp::kSetDescription: r->set_description(r, S(in.Str())); break;
      case ResultOp::kAddTextContents: {
        CStr uri(in.OptStr()), mime(in.OptStr());
        r->add_text_contents(r, uri.get(), mime.get(), S(in.Str()));
        break;
      }
      case ResultOp::kAddBlobContents: {
        CStr uri(in.OptStr()), mime(in.OptStr());
        r->add_blob_contents(r, uri.get(), mime.get(), B(in.Str()));
        break;
      }
      case ResultOp::kSetMetaJson: r->set_meta_json(r, S(in.Str())); break;
      case ResultOp::kRequireInput: {
        CStr key(in.OptStr()), method(in.OptStr());
        r->require_input(r, key.get(), method.get(), S(in.Str()));
        break;
      }
      case ResultOp::kSetRequestState: r->set_request_state(r, S(in.Str())); break;
      case ResultOp::kAddCompletion: r->add_completion(r, S(in.Str())); break;
      case ResultOp::kSetCompletionInfo: {
        const int64_t total = in.I64();
        r->set_completion_info(r, total, in.U8());
        break;
      }
      default:
        spdlog::error("plugin {}: the runner sent an unknown result op {} for {}", name_, static_cast<int>(op),
                      ref.label);
        call->set_error_message(call, S("the plugin's runner sent a malformed result"));
        return MCPP_ERR_INTERNAL;
    }
  }
  if (!in.ok()) {
    call->set_error_message(call, S("the plugin's runner sent a malformed result"));
    return MCPP_ERR_INTERNAL;
  }
  if (!error.empty()) call->set_error_message(call, S(error));
  return status;
}

bool RemotePlugin::Dispatch(std::string_view body) {
  wire::Reader r(body);
  auto h = wire::ReadHeader(r);
  if (!h) return false;
  switch (h->type) {
    case Msg::kResult:
    case Msg::kStatus:
    case Msg::kRegistered: {
      std::lock_guard lock(mu_);
      auto it = pending_.find(h->tag);
      if (it == pending_.end()) return true;  // nobody waits any more
      it->second->body.assign(body);
      it->second->done = true;
      it->second->cv.notify_one();
      return true;
    }
    case Msg::kCallLog: {
      const int32_t level = r.I32();
      CStr logger(r.OptStr());
      std::string_view text = r.Str();
      if (!r.ok()) return false;
      // The handler is still running (its worker waits for the result), so
      // its call context is valid while the entry is in the table.
      std::lock_guard lock(mu_);
      auto it = pending_.find(h->tag);
      if (it != pending_.end() && it->second->call)
        it->second->call->log(it->second->call, level, logger.get(), S(text));
      return true;
    }
    case Msg::kCallProgress: {
      const double progress = r.F64(), total = r.F64();
      CStr message(r.OptStr());
      if (!r.ok()) return false;
      std::lock_guard lock(mu_);
      auto it = pending_.find(h->tag);
      if (it != pending_.end() && it->second->call)
        it->second->call->progress(it->second->call, progress, total, message.get());
      return true;
    }
    case Msg::kHostLog: {
      const int32_t level = r.I32();
      std::string_view text = r.Str();
      if (!r.ok()) return false;
      host_->log(host_, level, S(text));
      return true;
    }
    case Msg::kListChanged: {
      const uint32_t bits = r.U32();
      if (!r.ok()) return false;
      host_->notify_list_changed(host_, bits);
      return true;
    }
    case Msg::kResourceUpdated: {
      CStr uri(std::optional<std::string_view>(r.Str()));
      if (!r.ok()) return false;
      host_->notify_resource_updated(host_, uri.get());
      return true;
    }
    default: return false;  // a request type: the runner is confused
  }
}

std::string RemotePlugin::Reap(Conn conn) {
  if (conn.pid <= 0) return {};
  int status = 0;
  // The runner closed its end: it is exiting. Give it a moment, then make sure.
  for (int i = 0; i < 200; ++i) {
    pid_t got = ::waitpid(conn.pid, &status, WNOHANG);
    if (got == conn.pid) {
      ::close(conn.fd);
      return DescribeExit(status);
    }
    if (got < 0) {
      ::close(conn.fd);
      return "ended";
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(conn.pid, SIGKILL);
  ::waitpid(conn.pid, &status, 0);
  ::close(conn.fd);
  return "stopped answering and was killed";
}

void RemotePlugin::FailAll(const std::string& why) {
  std::lock_guard lock(mu_);
  state_ = stopping_ ? State::kStopped : State::kDown;
  down_reason_ = why;
  conn_ = Conn{};
  for (auto& [tag, p] : pending_) {
    p->lost = true;
    p->done = true;
    p->cv.notify_one();
  }
}

void RemotePlugin::Supervise() {
  int64_t delay = options_.restart_initial_ms;
  const uint64_t max_body = max_result_bytes_ + wire::kFrameOverhead;
  for (;;) {
    Conn conn;
    {
      std::lock_guard lock(mu_);
      conn = conn_;
    }
    const auto up_since = std::chrono::steady_clock::now();
    wire::FrameReader reader(conn.fd, max_body);
    std::string_view frame;
    while (reader.Next(frame) && Dispatch(frame)) {
    }
    ::shutdown(conn.fd, SHUT_RDWR);
    std::string how = Reap(conn);
    bool stopping;
    {
      std::lock_guard lock(mu_);
      stopping = stopping_;
    }
    FailAll(how.empty() ? "stopped" : how);
    if (stopping) return;
    spdlog::error("plugin {} ({}): its process {} {}; its capabilities are withdrawn until it is back", name_, path_,
                  conn.pid, how);
    host_->notify_list_changed(host_, MCPP_CHANGED_TOOLS | MCPP_CHANGED_RESOURCES | MCPP_CHANGED_PROMPTS);
    // A runner that lived a while crashed afresh: start the backoff over.
    if (std::chrono::steady_clock::now() - up_since > std::chrono::seconds(30)) delay = options_.restart_initial_ms;
    for (;;) {
      {
        std::unique_lock lock(mu_);
        if (stop_cv_.wait_for(lock, std::chrono::milliseconds(delay), [&] { return stopping_; })) return;
        down_reason_ = how + " (restarting)";
      }
      delay = std::min<int64_t>(delay * 2, options_.restart_max_ms);
      auto next = Launch(/*create=*/true);
      if (next.ok()) {
        {
          std::unique_lock lock(mu_);
          if (stopping_) {  // the host is shutting the plugin down meanwhile
            lock.unlock();
            ::shutdown(next.value().fd, SHUT_RDWR);
            Reap(next.value());
            return;
          }
          conn_ = next.value();
          state_ = State::kUp;
          ++epoch_;
        }
        spdlog::info("plugin {}: restarted in process {}", name_, next.value().pid);
        host_->notify_list_changed(host_, MCPP_CHANGED_TOOLS | MCPP_CHANGED_RESOURCES | MCPP_CHANGED_PROMPTS);
        break;
      }
      spdlog::error("plugin {}: restart failed: {}; next try in {} ms", name_, next.error(), delay);
      std::lock_guard lock(mu_);
      down_reason_ = how + " (restart failed: " + next.error() + ")";
    }
  }
}

void RemotePlugin::KillRunner(const std::string& why) {
  std::lock_guard lock(mu_);
  if (state_ != State::kUp || conn_.pid <= 0) return;
  spdlog::error("plugin {}: its process {} {}; killing it", name_, conn_.pid, why);
  ::kill(conn_.pid, SIGKILL);
}

void RemotePlugin::Destroy() {
  {
    // The runner exits once it has answered: that end of file is expected.
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  Pending p;
  std::string why;
  uint64_t tag = next_tag_++;
  wire::Writer w(Msg::kDestroy, tag);
  // A runner that is down has nothing to destroy; one stuck in destroy() is killed.
  (void)Request(w, tag, p, why, std::chrono::seconds(5));
  StopRunner();
}

void RemotePlugin::StopRunner() {
  Conn conn;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    conn = conn_;
  }
  stop_cv_.notify_all();
  if (supervisor_.joinable()) {
    if (conn.fd >= 0) ::shutdown(conn.fd, SHUT_RDWR);  // ends the supervisor's read
    supervisor_.join();
    return;
  }
  if (conn.fd >= 0) {
    ::shutdown(conn.fd, SHUT_RDWR);
    Reap(conn);
    std::lock_guard lock(mu_);
    conn_ = Conn{};
    state_ = State::kStopped;
  }
}

}  // namespace mcph
