// plugin_loader.h - from the config's plugin list to live, registered
// plugin instances.
//
// Resolves `name:` entries through the plugin folders, opens each library
// once (instances of the same file share it), creates and registers each
// instance. A plugin that fails is reported and skipped, unless `strict`,
// which makes the first failure fatal. Runs on the lifecycle thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config/host_config.h"
#include "plugins/plugin_instance.h"
#include "util/result.h"

namespace mcph {

struct LoadedPlugins {
  std::vector<std::shared_ptr<PluginInstance>> instances;  // config order
  std::vector<std::string> errors;                         // one per skipped plugin
  size_t reused = 0;                                       // kept from `previous`
};

// The plugin folders used when the config names none: <exe>/../lib/mcphost/plugins.
std::vector<std::string> DefaultPluginDirs();

// Finds the file for a `name:` entry: lib<prefix>mcphost_<name>.so, then lib<name>.so,
// then <name>.so in each folder (.dll on Windows). "" when not found.
std::string FindPluginFile(const std::string& name, const std::vector<std::string>& dirs);

// With `previous` (a reload): an entry equal to a running instance's, whose
// file has not changed, keeps that instance as it is (no create, no
// register); a file loaded before is loaded again from a private copy, so a
// plugin rebuilt in place is picked up.
Result<LoadedPlugins> LoadPlugins(const HostConfig& config, bool strict,
                                  std::shared_ptr<const PluginEvents> events,
                                  const std::vector<std::shared_ptr<PluginInstance>>* previous = nullptr);

// Whether two entries load and serve a plugin the same way (the YAML line aside).
bool SameEntry(const PluginConfig& a, const PluginConfig& b);

}  // namespace mcph
