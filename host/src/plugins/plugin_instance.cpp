// plugin_instance.cpp - see plugin_instance.h.
#include "plugins/plugin_instance.h"

#include <spdlog/spdlog.h>

#include "config/glob_match.h"
#include "plugins/registrar.h"
#include "util/utf8.h"

namespace mcph {
namespace {

PluginInstance* Self(const mcpp_host* h) { return static_cast<PluginInstance*>(h->host_data); }

void MCPP_CALL HostLog(const mcpp_host* h, int32_t level, mcpp_str msg) {
  std::string_view text = msg.data ? std::string_view(msg.data, msg.size) : std::string_view();
  if (!IsValidUtf8(text)) text = "(log line was not valid UTF-8)";
  uint64_t dropped = 0;
  if (!Self(h)->log_limiter().Admit(dropped)) return;
  spdlog::level::level_enum lvl = level <= MCPP_LOG_DEBUG     ? spdlog::level::debug
                                  : level <= MCPP_LOG_NOTICE  ? spdlog::level::info
                                  : level == MCPP_LOG_WARNING ? spdlog::level::warn
                                  : level == MCPP_LOG_ERROR   ? spdlog::level::err
                                                              : spdlog::level::critical;
  const char* who = Self(h)->alias().empty() ? Self(h)->descriptor().name : Self(h)->alias().c_str();
  if (dropped) spdlog::warn("[{}] {} log lines dropped (over plugins[].log_rate)", who, dropped);
  spdlog::log(lvl, "[{}] {}", who, text);
}

}  // namespace

Result<std::shared_ptr<PluginInstance>> PluginInstance::Create(std::shared_ptr<PluginLibrary> library,
                                                               const PluginConfig& config,
                                                               std::shared_ptr<const PluginEvents> events) {
  std::shared_ptr<PluginInstance> p(new PluginInstance());
  p->library_ = std::move(library);
  p->config_ = config;
  p->events_ = std::move(events);
  const mcpp_plugin& d = p->descriptor();
  p->alias_ = config.has_alias ? config.alias : std::string(d.name);
  if (d.flags & MCPP_PLUGIN_SERIAL) p->serial_ = std::make_unique<std::mutex>();
  p->gate_ = std::make_unique<ConcurrencyGate>((d.flags & MCPP_PLUGIN_SERIAL) ? 1 : config.max_concurrency);
  p->log_limiter_ = std::make_unique<LogLimiter>(config.log_rate);

  p->host_.struct_size = sizeof(mcpp_host);
  p->host_.abi_version = p->library_->abi_version();
  p->host_.host_name = "mcphost";
  p->host_.host_version = MCPHOST_VERSION;
  p->host_.host_data = p.get();
  p->host_.log = HostLog;
  p->host_.notify_list_changed = [](const mcpp_host* h, uint32_t what) {
    PluginInstance* self = Self(h);
    if (self->events_ && self->events_->list_changed) self->events_->list_changed(*self, what);
  };
  p->host_.notify_resource_updated = [](const mcpp_host* h, const char* uri) {
    PluginInstance* self = Self(h);
    if (uri && self->events_ && self->events_->resource_updated) self->events_->resource_updated(*self, uri);
  };
  p->host_.get_extension = [](const mcpp_host*, const char*) -> const void* { return nullptr; };

  mcpp_init_params params{};
  params.struct_size = sizeof params;
  params.config_json = {p->config_.config_json.data(), p->config_.config_json.size()};
  params.alias = p->alias_.c_str();
  params.plugin_path = p->library_->path().c_str();
  void* instance = nullptr;
  int32_t rc = p->library_->CreateInstance(&p->host_, &params, &instance);
  if (rc != MCPP_OK)
    return Status::Error(p->label() + ": create() failed with status " + std::to_string(rc) +
                         " (see the plugin's log lines above)");
  p->instance_ = instance;
  p->created_ = true;
  return p;
}

PluginInstance::~PluginInstance() {
  if (created_) descriptor().destroy(instance_);
}

int64_t PluginInstance::ToolTimeoutMs(std::string_view name) const {
  for (const auto& [pattern, ms] : config_.tool_timeouts)
    if (GlobMatch(pattern, name)) return ms;
  return config_.timeout_ms;
}

std::string PluginInstance::label() const {
  return std::string(descriptor().name) + " (" + library_->path() + ")";
}

Status PluginInstance::Register() {
  Registrar registrar(label());
  int32_t rc = descriptor().register_capabilities(instance_, registrar.table());
  rejections_ = registrar.rejections();
  for (const std::string& why : rejections_)
    spdlog::warn("plugin {}: refused {}", label(), why);
  if (rc != MCPP_OK)
    return Status::Error(label() + ": register_capabilities() failed with status " + std::to_string(rc));
  caps_ = std::make_shared<const PluginCapabilities>(registrar.TakeCapabilities());
  return Status::Ok();
}

}  // namespace mcph
