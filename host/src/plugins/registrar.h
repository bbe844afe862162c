// registrar.h - the host side of mcpp_registrar.
//
// A Registrar lives for one register_capabilities() call on the lifecycle
// thread. Each add_* validates the plugin's descriptor (struct size, required
// fields, name rule, JSON that parses, object schemas, no duplicates), copies
// it into PluginCapabilities and returns a status; a refused entry is logged
// and the rest still register. Not thread-safe (the ABI says [main]).
#pragma once

#include <mcphost/mcp_plugin.h>

#include <string>
#include <vector>

#include "plugins/capability_defs.h"

namespace mcph {

class Registrar {
 public:
  explicit Registrar(std::string plugin_label);

  const mcpp_registrar* table() const { return &table_; }
  PluginCapabilities TakeCapabilities() { return std::move(caps_); }
  // Every refusal, in order ("tool 'bad name!': ...").
  const std::vector<std::string>& rejections() const { return rejections_; }

  int32_t AddTool(const mcpp_tool_desc* desc);
  int32_t AddResource(const mcpp_resource_desc* desc);
  int32_t AddResourceTemplate(const mcpp_resource_template_desc* desc);
  int32_t AddPrompt(const mcpp_prompt_desc* desc);
  int32_t SetInstructions(const char* text);

 private:
  int32_t Reject(int32_t code, std::string message);

  std::string label_;
  mcpp_registrar table_{};
  PluginCapabilities caps_;
  std::vector<std::string> rejections_;
  std::string last_error_;
};

}  // namespace mcph
