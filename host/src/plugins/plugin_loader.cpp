// plugin_loader.cpp - see plugin_loader.h.
#include "plugins/plugin_loader.h"

#include <spdlog/spdlog.h>

#include <boost/dll/runtime_symbol_info.hpp>
#include <algorithm>
#include <filesystem>
#include <map>

namespace mcph {
namespace {

#if defined(_WIN32)
constexpr const char* kPrefix = "";
constexpr const char* kSuffix = ".dll";
#else
constexpr const char* kPrefix = "lib";
constexpr const char* kSuffix = ".so";
#endif

}  // namespace

std::vector<std::string> DefaultPluginDirs() {
  try {
    std::filesystem::path exe = boost::dll::program_location().string();
    return {(exe.parent_path().parent_path() / "lib" / "mcphost" / "plugins").lexically_normal().string()};
  } catch (const std::exception&) {
    return {};
  }
}

std::string FindPluginFile(const std::string& name, const std::vector<std::string>& dirs) {
  const std::string candidates[] = {std::string(kPrefix) + "mcphost_" + name + kSuffix,
                                    std::string(kPrefix) + name + kSuffix, name + kSuffix};
  for (const std::string& dir : dirs) {
    for (const std::string& file : candidates) {
      std::filesystem::path p = std::filesystem::path(dir) / file;
      std::error_code ec;
      if (std::filesystem::is_regular_file(p, ec)) return p.string();
    }
  }
  return {};
}

bool SameEntry(const PluginConfig& a, const PluginConfig& b) {
  return a.name == b.name && a.path == b.path && a.resolved_path == b.resolved_path && a.has_alias == b.has_alias &&
         a.alias == b.alias && a.enabled == b.enabled && a.config_json == b.config_json &&
         a.tools.allow == b.tools.allow && a.tools.deny == b.tools.deny && a.task_tools == b.task_tools &&
         a.timeout_ms == b.timeout_ms && a.tool_timeouts == b.tool_timeouts &&
         a.max_concurrency == b.max_concurrency && a.log_rate == b.log_rate && a.isolation == b.isolation;
}

Result<LoadedPlugins> LoadPlugins(const HostConfig& config, bool strict,
                                  std::shared_ptr<const PluginEvents> events,
                                  const std::vector<std::shared_ptr<PluginInstance>>* previous) {
  LoadedPlugins out;
  std::vector<std::string> dirs = config.plugin_dirs.empty() ? DefaultPluginDirs() : config.plugin_dirs;
  std::map<std::string, std::shared_ptr<PluginLibrary>> libraries;  // by path
  // Where each `name:` was found: a plugin configured many times (aliases) is
  // looked up once, not with up to 3 stats per folder per entry.
  std::map<std::string, std::string> found;  // by name

  auto fail = [&](const PluginConfig& pc, std::string why) -> bool {
    std::string where = config.source_path.empty() ? std::string("plugin")
                                                   : config.source_path + ":" + std::to_string(pc.line);
    out.errors.push_back(where + ": " + why);
    spdlog::error("{}", out.errors.back());
    return strict;
  };

  // Creates and registers an instance; false when that failed and `strict`.
  auto AddInstance = [&](const std::shared_ptr<PluginLibrary>& lib, const PluginConfig& pc) -> bool {
    auto instance = PluginInstance::Create(lib, pc, events);
    if (!instance.ok()) return !fail(pc, instance.error());
    if (Status s = instance.value()->Register(); !s.ok()) return !fail(pc, s.message());
    spdlog::info("loaded plugin {} {} (ABI {}) as '{}'{}", lib->descriptor().name, lib->descriptor().version,
                 lib->abi_version(), instance.value()->alias(),
                 lib->remote() ? " in runner process " + std::to_string(lib->remote()->pid()) : std::string());
    out.instances.push_back(instance.value());
    return true;
  };

  for (const PluginConfig& entry : config.plugins) {
    if (!entry.enabled) continue;
    PluginConfig pc = entry;
    if (pc.path.empty()) {
      auto known = found.find(pc.name);
      pc.resolved_path = known != found.end() ? known->second : FindPluginFile(pc.name, dirs);
      if (known == found.end() && !pc.resolved_path.empty()) found.emplace(pc.name, pc.resolved_path);
      if (pc.resolved_path.empty()) {
        std::string looked;
        for (const std::string& d : dirs) looked += (looked.empty() ? "" : ", ") + d;
        if (fail(pc, "plugin '" + pc.name + "' not found in the plugin folders [" + looked +
                         "] (set plugin_dirs, or give path: instead of name:)"))
          return Status::Error(out.errors.back());
        continue;
      }
    } else {
      pc.resolved_path = pc.path;
    }
    bool loaded_before = false;
    if (previous) {
      std::shared_ptr<PluginInstance> keep;
      for (const auto& old : *previous) {
        if (old->library().path() != pc.resolved_path) continue;
        loaded_before = true;
        if (!keep && SameEntry(old->config(), pc) && !old->library().FileChanged()) keep = old;
      }
      if (keep) {
        out.instances.push_back(std::move(keep));
        ++out.reused;
        continue;
      }
    }
    if (pc.isolation.enabled) {
      // A runner process per instance: nothing shared, so one crash is one plugin's.
      auto opened = PluginLibrary::OpenIsolated(pc.resolved_path, pc.isolation, pc.max_concurrency > 0 ? pc.max_concurrency : 4,
                                                static_cast<uint64_t>(config.server.max_result_bytes));
      if (!opened.ok()) {
        if (fail(pc, opened.error())) return Status::Error(out.errors.back());
        continue;
      }
      if (!AddInstance(opened.value(), pc)) return Status::Error(out.errors.back());
      continue;
    }
    std::shared_ptr<PluginLibrary>& lib = libraries[pc.resolved_path];
    if (!lib && loaded_before) {
      // Another instance of an unchanged file: share its library.
      for (const auto& old : *previous)
        if (old->library().path() == pc.resolved_path && !old->library().FileChanged()) lib = old->shared_library();
    }
    if (!lib) {
      auto opened = PluginLibrary::Open(pc.resolved_path, /*private_copy=*/loaded_before);
      if (!opened.ok()) {
        libraries.erase(pc.resolved_path);
        if (fail(pc, opened.error())) return Status::Error(out.errors.back());
        continue;
      }
      lib = opened.value();
    }
    if (!AddInstance(lib, pc)) return Status::Error(out.errors.back());
  }
  return out;
}

}  // namespace mcph
