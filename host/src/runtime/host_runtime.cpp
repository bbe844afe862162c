// host_runtime.cpp - see host_runtime.h.
#include "runtime/host_runtime.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <thread>

#include "protocol/subscriptions.h"

namespace mcph {

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
  // max_concurrency 0 = every worker but one, so no single plugin can take them all.
  for (PluginConfig& pc : rt->config_.plugins)
    if (pc.max_concurrency <= 0) pc.max_concurrency = static_cast<int>(std::max<size_t>(1, workers - 1));

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
  lifecycle_.join();  // finish a rebuild in progress before plugins go away
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
