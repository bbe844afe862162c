// plugin_loader.cpp - see plugin_loader.h.
#include "plugins/plugin_loader.h"

#include <spdlog/spdlog.h>

#include <boost/dll/runtime_symbol_info.hpp>
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

Result<LoadedPlugins> LoadPlugins(const HostConfig& config, bool strict,
                                  std::shared_ptr<const PluginEvents> events) {
  LoadedPlugins out;
  std::vector<std::string> dirs = config.plugin_dirs.empty() ? DefaultPluginDirs() : config.plugin_dirs;
  std::map<std::string, std::shared_ptr<PluginLibrary>> libraries;  // by path

  auto fail = [&](const PluginConfig& pc, std::string why) -> bool {
    std::string where = config.source_path.empty() ? std::string("plugin")
                                                   : config.source_path + ":" + std::to_string(pc.line);
    out.errors.push_back(where + ": " + why);
    spdlog::error("{}", out.errors.back());
    return strict;
  };

  for (const PluginConfig& entry : config.plugins) {
    if (!entry.enabled) continue;
    PluginConfig pc = entry;
    if (pc.path.empty()) {
      pc.resolved_path = FindPluginFile(pc.name, dirs);
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
    std::shared_ptr<PluginLibrary>& lib = libraries[pc.resolved_path];
    if (!lib) {
      auto opened = PluginLibrary::Open(pc.resolved_path);
      if (!opened.ok()) {
        libraries.erase(pc.resolved_path);
        if (fail(pc, opened.error())) return Status::Error(out.errors.back());
        continue;
      }
      lib = opened.value();
    }
    auto instance = PluginInstance::Create(lib, pc, events);
    if (!instance.ok()) {
      if (fail(pc, instance.error())) return Status::Error(out.errors.back());
      continue;
    }
    if (Status s = instance.value()->Register(); !s.ok()) {
      if (fail(pc, s.message())) return Status::Error(out.errors.back());
      continue;
    }
    spdlog::info("loaded plugin {} {} (ABI {}) as '{}'", lib->descriptor().name, lib->descriptor().version,
                 lib->abi_version(), instance.value()->alias());
    out.instances.push_back(instance.value());
  }
  return out;
}

}  // namespace mcph
