// remote_plugin.h - a plugin that runs in its own process
// (plugins[].isolation: process), seen by the host as an ordinary plugin.
//
// RemotePlugin starts mcp-plugin-runner on one end of a socketpair; the runner
// loads the .so and performs every ABI call the host asks for, and the host
// performs every callback the plugin makes (wire.h has the frames). The host
// side is a proxy implementation of the ABI: a descriptor whose
// register_capabilities and destroy, and handlers whose tool/prompt/resource/
// completion calls, forward to the runner. So the registrar, the catalog and
// the call path are the same code for both isolation modes.
//
// When the runner dies (segfault, abort, SIGKILL, out of memory, a rlimit),
// the calls in flight in it fail with an error naming the cause, its
// capabilities are withdrawn (a list_changed makes the host re-register, and
// a runner that is down registers nothing), and a supervisor thread starts a
// new runner after an exponential backoff, then calls list_changed again so
// its capabilities return. A call that arrives meanwhile gets an error saying
// the plugin is restarting. A handler that outlives its deadline by
// kill_hung_after_ms gets the runner killed (and restarted): the only way to
// get a hung thread back.
//
// Differences from in-process, by design: extensions (get_extension) do not
// cross the process boundary; result-builder slots report MCPP_OK to the
// plugin and are checked by the host when the handler returns (their effect
// on the answer is the same); registrar add_* report MCPP_OK to the plugin and
// the host's refusals are logged by the host.
//
// Threads: Create, Register and Destroy on the lifecycle thread (as the ABI's
// [main]); handler proxies on worker threads, any number at once; the
// supervisor thread reads the socket and performs the plugin's callbacks.
// Errors are values (status codes, Result).
#pragma once

#include <mcphost/mcp_plugin.h>
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "config/host_config.h"
#include "plugins/isolation/wire.h"
#include "util/result.h"

namespace mcph {

// Where mcp-plugin-runner is: $MCPHOST_PLUGIN_RUNNER, else beside the running
// executable, else <exe>/../lib/mcphost/. "" when none is found.
std::string FindPluginRunner();

class RemotePlugin {
 public:
  // Starts a runner, has it load and negotiate `path`. `workers` bounds the
  // handler threads in the runner; `max_result_bytes` its result buffers.
  static Result<std::shared_ptr<RemotePlugin>> Start(const std::string& path, const ProcessIsolation& options,
                                                     int workers, uint64_t max_result_bytes);
  ~RemotePlugin();
  RemotePlugin(const RemotePlugin&) = delete;
  RemotePlugin& operator=(const RemotePlugin&) = delete;

  // The plugin's descriptor as the runner read it; its register_capabilities
  // and destroy forward to this object (the instance pointer is `this`).
  const mcpp_plugin& descriptor() const { return desc_; }
  uint32_t abi_version() const { return abi_version_; }

  // create() in the runner. `host` must outlive Destroy(). Starts the
  // supervisor. *instance is set to this.
  int32_t Create(const mcpp_host* host, const mcpp_init_params* params, void** instance);

  // The runner's process id (-1 while it is down): for tests and the log.
  pid_t pid() const;
  // How many runners have been started (1 + restarts).
  uint64_t starts() const { return starts_.load(); }

  struct HandlerRef {
    RemotePlugin* self;
    uint64_t epoch;  // the runner generation the handler id belongs to
    uint32_t id;
    std::string label;  // "tool 'x'" for messages
  };
  // A handler call's own arguments (which ones are set depends on the kind).
  struct CallArgs {
    std::string_view a, b, c;  // tool/prompt: arguments; resource: uri, variables; complete: name, value, context
  };
  // Forwards one handler call and replays its result into `result`.
  int32_t Invoke(const HandlerRef& ref, wire::CallKind kind, const mcpp_call* call, const mcpp_result* result,
                 const CallArgs& args);

  int32_t Register(const mcpp_registrar* registrar);
  void Destroy();

 private:
  RemotePlugin() = default;

  enum class State { kUp, kDown, kStopped };
  struct Pending {
    const mcpp_call* call = nullptr;  // null for lifecycle requests
    std::condition_variable cv;
    bool done = false;
    bool lost = false;
    std::string body;  // the answer's frame body
  };
  struct Conn {
    int fd = -1;
    pid_t pid = -1;
  };

  // Starts a runner and has it open the plugin; with `create`, creates the
  // instance too (a restart). Handles the runner's log lines meanwhile.
  Result<Conn> Launch(bool create);
  // Sends a request and waits for its answer. False when the runner is down
  // or died first (`why` says so).
  // `limit` 0 waits as long as it takes.
  bool Request(wire::Writer& w, uint64_t tag, Pending& p, std::string& why,
               std::chrono::milliseconds limit = std::chrono::milliseconds(0));
  bool Send(int fd, wire::Writer& w);
  // Before the supervisor reads `fd`: reads frames until the answer to `tag`
  // (logging the runner's log lines meanwhile). False when the runner died.
  bool AwaitAnswer(int fd, uint64_t tag, std::string& body);
  // Has the runner on `fd` run create() with what Create() was given: its
  // status, or nothing when the runner died first.
  std::optional<int32_t> CreateIn(int fd);
  int32_t Finish(const HandlerRef& ref, const mcpp_call* call, const mcpp_result* result, Pending& p);
  void Supervise();
  bool Dispatch(std::string_view body);
  std::string Reap(Conn conn);
  void FailAll(const std::string& why);
  // SIGKILLs the running runner (the supervisor then restarts it).
  void KillRunner(const std::string& why);
  void StopRunner();

  std::string path_;
  ProcessIsolation options_;
  std::string runner_;
  int workers_ = 1;
  uint64_t max_result_bytes_ = 0;

  // The descriptor and the strings it points to.
  mcpp_plugin desc_{};
  uint32_t abi_version_ = 0;
  std::string id_, name_, version_, description_;

  // What create() was given, for restarts.
  const mcpp_host* host_ = nullptr;
  std::string config_json_, alias_, plugin_path_;

  mutable std::mutex mu_;  // guards everything below
  std::condition_variable stop_cv_;
  State state_ = State::kDown;
  Conn conn_;
  uint64_t epoch_ = 0;
  std::string down_reason_;
  std::unordered_map<uint64_t, Pending*> pending_;
  bool stopping_ = false;

  std::mutex write_mu_;
  std::atomic<uint64_t> next_tag_{1};
  std::atomic<uint64_t> starts_{0};
  std::deque<HandlerRef> refs_;  // appended by Register only; never shrinks
  std::thread supervisor_;
};

}  // namespace mcph
