// plugin_instance.h - one configured plugin: its library, its instance, the
// host services table it was given, and the capabilities it registered.
//
// Lifecycle calls (create, register_capabilities, destroy) happen on the
// host's lifecycle thread only. Handlers reach the plugin through the
// function pointers in its capabilities, from worker threads; the instance is
// destroyed when the last catalog snapshot that refers to it goes away, so a
// call in flight always finishes against a live instance.
#pragma once

#include <mcphost/mcp_plugin.h>

#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "config/host_config.h"
#include "plugins/capability_defs.h"
#include "plugins/concurrency_gate.h"
#include "plugins/log_limiter.h"
#include "plugins/plugin_library.h"
#include "util/result.h"

namespace mcph {

// What a plugin tells the host from any thread: (instance, MCPP_CHANGED_* bits)
// and (instance, uri). Must be thread-safe and must not call back into the plugin.
struct PluginEvents {
  std::function<void(const class PluginInstance&, uint32_t)> list_changed;
  std::function<void(const class PluginInstance&, const std::string&)> resource_updated;
};

class PluginInstance {
 public:
  static Result<std::shared_ptr<PluginInstance>> Create(std::shared_ptr<PluginLibrary> library,
                                                        const PluginConfig& config,
                                                        std::shared_ptr<const PluginEvents> events);
  ~PluginInstance();
  PluginInstance(const PluginInstance&) = delete;
  PluginInstance& operator=(const PluginInstance&) = delete;

  // Calls register_capabilities with a fresh registrar and keeps the result.
  // Refused entries are logged and listed in rejections(); the call fails only
  // when the plugin itself returns an error.
  Status Register();

  // The capabilities of the last successful Register(). A snapshot: a later
  // Register() makes a new one, so catalogs built earlier stay valid.
  std::shared_ptr<const PluginCapabilities> capabilities() const { return caps_; }
  const std::vector<std::string>& rejections() const { return rejections_; }
  const PluginConfig& config() const { return config_; }
  const mcpp_plugin& descriptor() const { return library_->descriptor(); }
  const PluginLibrary& library() const { return *library_; }
  const std::shared_ptr<PluginLibrary>& shared_library() const { return library_; }
  // The exposed-name prefix: the configured alias, else the plugin's name.
  const std::string& alias() const { return alias_; }
  // The services table this instance was given at create().
  const mcpp_host* host_table() const { return &host_; }
  // A label for messages: "echo (/path/libmcphost_echo.so)".
  std::string label() const;
  // Non-null when the plugin asked for serialised handlers (MCPP_PLUGIN_SERIAL).
  std::mutex* serial_mutex() const { return serial_.get(); }
  // Handlers hold it shared; a re-registration holds it exclusively, so the
  // ABI's promise that lifecycle calls never overlap a handler holds.
  std::shared_mutex& lifecycle_mutex() const { return lifecycle_mu_; }
  // Bounds this plugin's handler calls on the worker pool (max_concurrency;
  // 1 for a MCPP_PLUGIN_SERIAL plugin, so its calls queue instead of holding
  // workers on the serial mutex).
  ConcurrencyGate& gate() const { return *gate_; }
  // The plugin's log budget (log_rate), for host log lines and client logs.
  LogLimiter& log_limiter() const { return *log_limiter_; }
  // The deadline of one call of the plugin's tool `name` (its own name):
  // the first matching tool_timeouts entry, else timeout_ms. 0 = none.
  int64_t ToolTimeoutMs(std::string_view name) const;

 private:
  PluginInstance() = default;

  std::shared_ptr<PluginLibrary> library_;
  PluginConfig config_;
  std::string alias_;
  std::shared_ptr<const PluginEvents> events_;
  mcpp_host host_{};
  void* instance_ = nullptr;
  bool created_ = false;
  std::shared_ptr<const PluginCapabilities> caps_ = std::make_shared<PluginCapabilities>();
  std::vector<std::string> rejections_;
  std::unique_ptr<std::mutex> serial_;
  mutable std::shared_mutex lifecycle_mu_;
  std::unique_ptr<ConcurrencyGate> gate_;
  std::unique_ptr<LogLimiter> log_limiter_;
};

}  // namespace mcph
