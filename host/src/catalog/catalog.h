// catalog.h - the merged, immutable capability catalog.
//
// A Catalog is a snapshot: every enabled plugin's tools, resources,
// templates and prompts under their exposed names, plus the host's own
// capabilities. Build() enforces the merge rules (exposed name = alias +
// separator + name, length limit, no collisions, unique resource URIs,
// allow/deny filters) and pre-serialises every list entry once, so list
// requests only concatenate. Snapshots are shared read-only between threads
// (std::shared_ptr<const Catalog>); a change builds a new one.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "config/host_config.h"
#include "plugins/plugin_instance.h"
#include "util/result.h"

namespace mcph {

class Metrics;
struct ToolCounters;

// Counters the host's status resource reports; shared by every snapshot.
struct HostStats {
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> errors{0};
};

enum class BuiltinKind { kNone, kReadResourceTool, kStatusResource, kCapabilitiesResource };

// Whether a tool may run as a task (MCP 2025-11-25 execution.taskSupport):
// the plugin declares it in the tool's execution object, or the config marks
// the tool (plugins[].task_tools); forbidden when neither does.
enum class TaskSupport { kForbidden, kOptional, kRequired };

struct CatalogTool {
  std::string exposed_name;
  std::string listing_json;  // the Tool object for tools/list
  const ToolDef* def = nullptr;                 // null for host tools
  std::shared_ptr<PluginInstance> plugin;       // null for host tools
  std::shared_ptr<std::mutex> serial;           // set for MCPP_TOOL_SERIAL tools
  BuiltinKind builtin = BuiltinKind::kNone;
  TaskSupport task_support = TaskSupport::kForbidden;
  // Calls and errors of this tool (set when Options::metrics is); looked up
  // once at build time, so the call path only does relaxed atomic adds.
  std::shared_ptr<ToolCounters> counters;
};

struct CatalogResource {
  std::string listing_json;
  const ResourceDef* def = nullptr;
  std::shared_ptr<PluginInstance> plugin;
  BuiltinKind builtin = BuiltinKind::kNone;
  std::string uri, mime_type;  // copies, valid for host resources too
};

struct CatalogTemplate {
  std::string listing_json;
  const ResourceTemplateDef* def = nullptr;
  std::shared_ptr<PluginInstance> plugin;
};

struct CatalogPrompt {
  std::string exposed_name;
  std::string listing_json;
  const PromptDef* def = nullptr;
  std::shared_ptr<PluginInstance> plugin;
};

class Catalog {
 public:
  struct Options {
    std::string separator = "__";
    int max_name_length = 64;
    bool resource_tools = true;
    std::string instructions;  // the operator's, before the plugins'
    bool host_capabilities = true;  // the host's own resources and tools (off for `inspect`)
    Metrics* metrics = nullptr;     // when set, every tool gets its per-tool counters from it
  };

  static Result<std::shared_ptr<const Catalog>> Build(
      const std::vector<std::shared_ptr<PluginInstance>>& plugins, const Options& options);

  const std::vector<CatalogTool>& tools() const { return tools_; }
  const std::vector<CatalogResource>& resources() const { return resources_; }
  const std::vector<CatalogTemplate>& templates() const { return templates_; }
  const std::vector<CatalogPrompt>& prompts() const { return prompts_; }
  const std::vector<std::shared_ptr<PluginInstance>>& plugins() const { return plugins_; }
  const std::string& instructions() const { return instructions_; }
  // The catalog as JSON (mcphost://capabilities).
  const std::string& capabilities_json() const { return capabilities_json_; }

  const CatalogTool* FindTool(std::string_view exposed_name) const;
  const CatalogPrompt* FindPrompt(std::string_view exposed_name) const;
  const CatalogResource* FindResource(std::string_view uri) const;
  // The template registered with exactly this uri_template text (completion refs).
  const CatalogTemplate* FindTemplate(std::string_view uri_template) const;
  // The first template matching `uri`, with its variables as a JSON object.
  const CatalogTemplate* MatchTemplate(std::string_view uri, std::string& variables_json) const;

 private:
  Catalog() = default;
  std::vector<std::shared_ptr<PluginInstance>> plugins_;
  // Keeps the definitions the entries point into alive for this snapshot.
  std::vector<std::shared_ptr<const PluginCapabilities>> capabilities_;
  std::vector<CatalogTool> tools_;
  std::vector<CatalogResource> resources_;
  std::vector<CatalogTemplate> templates_;
  std::vector<CatalogPrompt> prompts_;
  std::unordered_map<std::string_view, size_t> tool_index_, prompt_index_, resource_index_;
  std::string instructions_;
  std::string capabilities_json_;
};

// The host's own names.
constexpr const char* kStatusUri = "mcphost://status";
constexpr const char* kCapabilitiesUri = "mcphost://capabilities";
constexpr const char* kHostAlias = "mcphost";

}  // namespace mcph
