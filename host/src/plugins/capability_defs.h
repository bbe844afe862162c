// capability_defs.h - the host's own copies of what a plugin registered.
//
// Filled by Registrar (which validates and deep-copies every descriptor) and
// then immutable: shared read-only by catalog snapshots and worker threads.
// The handler pointers stay valid while the owning PluginInstance lives; the
// catalog holds a shared_ptr to it for exactly that reason.
#pragma once

#include <mcphost/mcp_plugin.h>
#include <rapidjson/schema.h>

#include <memory>
#include <string>
#include <vector>

#include "catalog/uri_template.h"

namespace mcph {

struct ToolDef {
  std::string name, title, description;
  std::string input_schema_json, output_schema_json;  // output may be empty
  std::string annotations_json, icons_json, meta_json, execution_json;  // may be empty
  uint32_t flags = 0;
  mcpp_tool_fn call = nullptr;
  void* user_data = nullptr;
  // Compiled validators (RapidJSON: JSON Schema draft-04 keywords; later
  // keywords are ignored and left to the plugin to check).
  std::shared_ptr<const rapidjson::SchemaDocument> input_schema;
  std::shared_ptr<const rapidjson::SchemaDocument> output_schema;  // null when none
};

struct ResourceDef {
  std::string uri, name, title, description, mime_type;
  int64_t size = -1;
  std::string annotations_json, icons_json, meta_json;
  mcpp_resource_fn read = nullptr;
  void* user_data = nullptr;
};

struct ResourceTemplateDef {
  std::string uri_template, name, title, description, mime_type;
  std::string annotations_json, icons_json, meta_json;
  UriTemplate parsed;
  mcpp_resource_fn read = nullptr;
  void* user_data = nullptr;
  mcpp_complete_fn complete = nullptr;  // optional
};

struct PromptArgDef {
  std::string name;
  bool required = false;
};

struct PromptDef {
  std::string name, title, description;
  std::string arguments_json;  // normalised JSON array, "[]" when none
  std::vector<PromptArgDef> arguments;
  std::string icons_json, meta_json;
  mcpp_prompt_fn get = nullptr;
  void* user_data = nullptr;
  mcpp_complete_fn complete = nullptr;  // optional
};

// Everything one plugin instance offers at one moment.
struct PluginCapabilities {
  std::vector<ToolDef> tools;
  std::vector<ResourceDef> resources;
  std::vector<ResourceTemplateDef> templates;
  std::vector<PromptDef> prompts;
  std::string instructions;
};

// The MCP 2025-11-25 tool name rule: [A-Za-z0-9_.-]{1,128}.
bool IsValidToolName(std::string_view name);

}  // namespace mcph
