// host_runtime.h - the running host: plugins loaded, catalog built, the
// state every transport serves from, and the lifecycle thread.
//
// The lifecycle thread is the only thread that calls plugins'
// register_capabilities after start-up: when a plugin reports a change, the
// runtime re-registers it there, builds a new catalog, swaps it in atomically
// and tells connected legacy clients (notifications/*/list_changed). A
// rebuild that fails (e.g. a new name collides) keeps the old catalog.
#pragma once

#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "config/host_config.h"
#include "plugins/plugin_loader.h"
#include "protocol/dispatcher.h"
#include "protocol/server_state.h"
#include "util/result.h"

namespace mcph {

class HostRuntime {
 public:
  // Loads the plugins and builds the first catalog. With `strict`, any plugin
  // that fails to load fails the start.
  static Result<std::unique_ptr<HostRuntime>> Start(const HostConfig& config, bool strict);
  ~HostRuntime();

  ServerState& state() { return *state_; }
  Dispatcher& dispatcher() { return *dispatcher_; }
  const std::vector<std::string>& load_errors() const { return load_errors_; }

  // A connection to notify of catalog changes once it is an initialized
  // legacy session, and of updates to the resources its session subscribed to.
  void AddConnection(const std::shared_ptr<Connection>& conn);
  // Graceful shutdown: ends every open subscriptions/listen stream with its
  // final result; returns how many were open. Any thread.
  size_t EndListens();

  // Hot reload (any thread; the work runs on the lifecycle thread, and this
  // waits for it): applies `next`'s plugin list. Unchanged entries keep their
  // running instances; new, changed or rebuilt ones are loaded; a new catalog
  // is swapped in atomically (calls in flight finish on the old one) and
  // clients are told the lists changed. Any error (a plugin that fails to
  // load, a name collision) refuses the whole reload: the old catalog keeps
  // serving. `server:` settings are not reloaded (a restart applies them).
  Status Reload(const HostConfig& next);
  // Reload(LoadConfigFile(path)), logging the outcome.
  Status ReloadFromFile(const std::string& path);
  // Reloads from `path` on SIGHUP and, with `watch`, when the file changes
  // (checked once a second). Call once, after Start.
  void EnableReload(const std::string& path, bool watch);

 private:
  HostRuntime() = default;
  void OnListChanged(const PluginInstance& plugin, uint32_t what);
  void Rebuild(const PluginInstance* plugin, uint32_t what);  // lifecycle thread
  void OnResourceUpdated(std::string uri);                     // any thread
  Status ApplyReload(const HostConfig& next);                  // lifecycle thread
  Status ReloadOnLifecycle();                                  // lifecycle thread: from reload_path_
  void RetireIdle();                                           // lifecycle thread
  void WaitSignal();                                           // lifecycle thread
  void PollConfigFile();                                       // lifecycle thread

  HostConfig config_;
  Catalog::Options catalog_options_;
  std::vector<std::string> load_errors_;
  std::shared_ptr<PluginEvents> events_;
  boost::asio::thread_pool lifecycle_{1};
  std::unique_ptr<ServerState> state_;
  std::unique_ptr<Dispatcher> dispatcher_;
  // state_ once Start has finished: a plugin may report a resource update
  // from its own thread while it is still being loaded (then nobody can be
  // subscribed yet, and the update is dropped).
  std::atomic<ServerState*> serving_{nullptr};
  size_t workers_ = 0;
  // Lifecycle thread only. Instances a reload took out of the catalog: each
  // is destroyed here, on the lifecycle thread as the ABI promises, once no
  // snapshot or call holds it any more.
  std::vector<std::shared_ptr<PluginInstance>> retiring_;
  std::string reload_path_;
  std::string watched_stamp_;
  std::unique_ptr<boost::asio::signal_set> hangup_;
  std::unique_ptr<boost::asio::steady_timer> poll_timer_;
};

}  // namespace mcph
