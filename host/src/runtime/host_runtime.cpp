// host_runtime.cpp - see host_runtime.h.
#include "runtime/host_runtime.h"

#include <spdlog/spdlog.h>

#include <sys/stat.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <csignal>
#include <future>
#include <thread>

#include "config/config_loader.h"

#include <cstdlib>
#include <string_view>

#include "protocol/subscriptions.h"

namespace mcph {

namespace {

// max_concurrency 0 = every worker but one, so no single plugin can take them all.
// MCPHOST_ISOLATION=process|in_process overrides every plugin's isolation: a
// test (or an operator trying a plugin set) runs the same config both ways.
void ResolvePluginDefaults(HostConfig& config, size_t workers) {
  const char* forced = std::getenv("MCPHOST_ISOLATION");
  for (PluginConfig& pc : config.plugins) {
    if (pc.max_concurrency <= 0) pc.max_concurrency = static_cast<int>(std::max<size_t>(1, workers - 1));
    if (forced && std::string_view(forced) == "process") pc.isolation.enabled = true;
    if (forced && std::string_view(forced) == "in_process") pc.isolation.enabled = false;
  }
}

// What identifies a version of the config file: inode, size, modification time.
std::string FileStamp(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};
  return std::to_string(st.st_ino) + ":" + std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) + "." +
         std::to_string(st.st_mtim.tv_nsec);
}

}  // namespace

Result<std::unique_ptr<HostRuntime>> HostRuntime::Start(const HostConfig& config, bool strict) {
  std::unique_ptr<HostRuntime> rt(new HostRuntime());
  rt->config_ = config;
  rt->catalog_options_.separator = config.server.name_separator;
  rt->catalog_options_.max_name_length = config.server.max_name_length;
  rt->catalog_options_.resource_tools = config.server.resource_tools;
  rt->catalog_options_.instructions = config.server.instructions;
  // One Metrics for the whole host: every transport records into it and every
  // catalog snapshot (this one and each rebuild) takes its tool counters from it.
  auto metrics = std::make_shared<Metrics>();
  rt->catalog_options_.metrics = metrics.get();

  HostRuntime* self = rt.get();
  rt->events_ = std::make_shared<PluginEvents>();
  rt->events_->list_changed = [self](const PluginInstance& p, uint32_t what) { self->OnListChanged(p, what); };
  rt->events_->resource_updated = [self](const PluginInstance& p, const std::string& uri) {
    spdlog::debug("plugin {} reports {} updated", p.label(), uri);
    self->OnResourceUpdated(uri);
  };

  // At least 4 workers: handlers may block (files, networks), and a plugin
  // whose calls hang must leave workers for the others.
  size_t workers = config.server.workers > 0 ? static_cast<size_t>(config.server.workers)
                                             : std::max(4u, std::thread::hardware_concurrency());
  rt->workers_ = workers;
  ResolvePluginDefaults(rt->config_, workers);

  auto loaded = LoadPlugins(rt->config_, strict, rt->events_);
  if (!loaded.ok()) return loaded.status();
  rt->load_errors_ = loaded->errors;
  auto catalog = Catalog::Build(loaded->instances, rt->catalog_options_);
  if (!catalog.ok()) return catalog.status();

  rt->state_ = std::make_unique<ServerState>(config.server, catalog.value(), workers, std::move(metrics));
  rt->dispatcher_ = std::make_unique<Dispatcher>(*rt->state_);
  rt->serving_.store(rt->state_.get(), std::memory_order_release);
  return rt;
}

HostRuntime::~HostRuntime() {
  // Stop the reload triggers on their own thread, then finish a rebuild in
  // progress before plugins go away.
  std::promise<void> stopped;
  boost::asio::post(lifecycle_, [this, &stopped] {
    if (hangup_) hangup_->cancel();
    if (poll_timer_) poll_timer_->cancel();
    stopped.set_value();
  });
  stopped.get_future().wait();
  lifecycle_.join();
  hangup_.reset();
  poll_timer_.reset();
}

Status HostRuntime::Reload(const HostConfig& next) {
  std::promise<Status> done;
  boost::asio::post(lifecycle_, [this, &next, &done] { done.set_value(ApplyReload(next)); });
  return done.get_future().get();
}

Status HostRuntime::ReloadFromFile(const std::string& path) {
  auto next = LoadConfigFile(path);
  if (!next.ok()) {
    spdlog::error("reload refused, the running catalog keeps serving: {}", next.error());
    return next.status();
  }
  return Reload(next.value());
}

Status HostRuntime::ApplyReload(const HostConfig& next_in) {
  HostConfig next = next_in;
  ResolvePluginDefaults(next, workers_);
  auto current = state_->snapshot();
  auto loaded = LoadPlugins(next, /*strict=*/true, events_, &current->plugins());
  if (!loaded.ok()) {
    spdlog::error("reload refused, the running catalog keeps serving: {}", loaded.error());
    return loaded.status();
  }
  auto catalog = Catalog::Build(loaded->instances, catalog_options_);
  if (!catalog.ok()) {
    spdlog::error("reload refused, the running catalog keeps serving: {}", catalog.error());
    return catalog.status();
  }
  for (const auto& p : current->plugins()) {
    bool kept = std::find(loaded->instances.begin(), loaded->instances.end(), p) != loaded->instances.end();
    if (!kept) retiring_.push_back(p);
  }
  current.reset();
  state_->swap(catalog.value());
  if (next.server.transport != config_.server.transport || next.server.name != config_.server.name)
    spdlog::warn("reload: server: settings are applied at start only; restart mcp-host to apply them");
  config_.plugins = next.plugins;
  config_.plugin_dirs = next.plugin_dirs;
  spdlog::info("reloaded: {} plugins ({} kept running, {} loaded), {} tools, {} resources, {} prompts",
               loaded->instances.size(), loaded->reused, loaded->instances.size() - loaded->reused,
               catalog.value()->tools().size(), catalog.value()->resources().size(),
               catalog.value()->prompts().size());
  state_->subscriptions.ListChanged(kToolsList | kResourcesList | kPromptsList);
  RetireIdle();
  return Status::Ok();
}

Status HostRuntime::ReloadOnLifecycle() {
  auto next = LoadConfigFile(reload_path_);
  if (!next.ok()) {
    spdlog::error("reload refused, the running catalog keeps serving: {}", next.error());
    return next.status();
  }
  return ApplyReload(next.value());
}

void HostRuntime::RetireIdle() {
  // use_count() == 1: only this list holds it, and nothing can copy it back.
  std::erase_if(retiring_, [](const std::shared_ptr<PluginInstance>& p) {
    if (p.use_count() != 1) return false;
    spdlog::info("unloading plugin {}", p->label());
    return true;
  });
}

void HostRuntime::EnableReload(const std::string& path, bool watch) {
  boost::asio::post(lifecycle_, [this, path, watch] {
    reload_path_ = path;
    hangup_ = std::make_unique<boost::asio::signal_set>(lifecycle_.get_executor(), SIGHUP);
    WaitSignal();
    poll_timer_ = std::make_unique<boost::asio::steady_timer>(lifecycle_.get_executor());
    watched_stamp_ = watch ? FileStamp(path) : std::string();
    if (watch) spdlog::info("watching {} for changes", path);
    // The timer also retires unloaded plugins whose last call has ended.
    PollConfigFile();
  });
}

void HostRuntime::WaitSignal() {
  hangup_->async_wait([this](const boost::system::error_code& ec, int) {
    if (ec) return;
    spdlog::info("SIGHUP: reloading {}", reload_path_);
    (void)ReloadOnLifecycle();
    WaitSignal();
  });
}

void HostRuntime::PollConfigFile() {
  poll_timer_->expires_after(std::chrono::seconds(1));
  poll_timer_->async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    RetireIdle();
    if (!watched_stamp_.empty()) {
      std::string stamp = FileStamp(reload_path_);
      if (!stamp.empty() && stamp != watched_stamp_) {
        watched_stamp_ = stamp;
        spdlog::info("{} changed: reloading", reload_path_);
        (void)ReloadOnLifecycle();
      }
    }
    PollConfigFile();
  });
}

void HostRuntime::AddConnection(const std::shared_ptr<Connection>& conn) {
  state_->subscriptions.AddLegacyConnection(conn);
}

size_t HostRuntime::EndListens() {
  size_t n = state_->subscriptions.EndAll(state_->identity);
  if (n) spdlog::info("ended {} subscriptions/listen streams", n);
  return n;
}

void HostRuntime::OnResourceUpdated(std::string uri) {
  ServerState* s = serving_.load(std::memory_order_acquire);
  if (!s) return;
  // On the lifecycle thread: the plugin's thread does not wait on clients,
  // and an update reported after a list change is announced after it.
  boost::asio::post(lifecycle_, [s, uri = std::move(uri)] { s->subscriptions.ResourceUpdated(uri); });
}

void HostRuntime::OnListChanged(const PluginInstance& plugin, uint32_t what) {
  // Called from any plugin thread: do the work on the lifecycle thread.
  boost::asio::post(lifecycle_, [this, p = &plugin, what] { Rebuild(p, what); });
}

void HostRuntime::Rebuild(const PluginInstance* plugin, uint32_t what) {
  if (!state_) return;  // a plugin spoke up while Start() was failing
  auto current = state_->snapshot();
  std::vector<std::shared_ptr<PluginInstance>> plugins = current->plugins();
  for (auto& p : plugins) {
    if (p.get() != plugin) continue;
    std::unique_lock quiesce(p->lifecycle_mutex());
    if (Status s = p->Register(); !s.ok()) {
      spdlog::error("{}; keeping the previous catalog", s.message());
      return;
    }
  }
  auto next = Catalog::Build(plugins, catalog_options_);
  if (!next.ok()) {
    spdlog::error("catalog rebuild refused: {}; keeping the previous catalog", next.error());
    return;
  }
  state_->swap(next.value());
  spdlog::info("catalog rebuilt: {} tools, {} resources, {} prompts", next.value()->tools().size(),
               next.value()->resources().size(), next.value()->prompts().size());

  uint32_t kinds = 0;
  if (what & MCPP_CHANGED_TOOLS) kinds |= kToolsList;
  if (what & MCPP_CHANGED_RESOURCES) kinds |= kResourcesList;
  if (what & MCPP_CHANGED_PROMPTS) kinds |= kPromptsList;
  state_->subscriptions.ListChanged(kinds);
}

}  // namespace mcph
