// fake_host.hpp - a minimal host for the filesystem plugin's tests: it
// negotiates, creates the instance and collects registrations through the C
// ABI exactly as mcp-host does, and records what handlers write.
#pragma once

#include <mcphost/mcp_plugin.h>

#include <map>
#include <string>
#include <vector>

namespace fstest {

struct Block {
  std::string type;  // text, image, audio, resource_link, resource_text, resource_blob, json
  std::string text;  // text, or raw bytes for image/audio/blob
  std::string mime;
  std::string uri;
};

struct Outcome {
  int32_t status = MCPP_OK;
  std::string error;         // set_error_message
  bool is_error = false;
  std::vector<Block> blocks;
  std::string structured;
  std::string description;
  std::vector<int32_t> roles;
  std::vector<std::string> input_requests;  // "key method params" per require_input
  /** The text the client would see: concatenated text blocks, or the error. */
  std::string text() const;
  bool failed() const { return status != MCPP_OK || is_error; }
};

struct ToolInfo {
  std::string name, title, description, input_schema, output_schema, annotations;
  mcpp_tool_fn call = nullptr;
  void* user_data = nullptr;
};
struct TemplateInfo {
  std::string uri_template, name;
  mcpp_resource_fn read = nullptr;
  void* user_data = nullptr;
};
struct PromptInfo {
  std::string name, arguments;
  mcpp_prompt_fn get = nullptr;
  void* user_data = nullptr;
};

/** What the host tells a handler about the client (mcpp_call fields). */
struct CallOptions {
  std::string protocol_version = "2025-11-25";
  std::string capabilities = "{}";
  std::string roots_json;       // "" = the client shared none
  std::string input_responses;  // "" = a first call
};

class FakeHost {
 public:
  /** Negotiates, creates the plugin with `config_json` and registers. */
  explicit FakeHost(const std::string& config_json);
  ~FakeHost();
  FakeHost(const FakeHost&) = delete;
  FakeHost& operator=(const FakeHost&) = delete;

  int32_t create_status() const { return create_status_; }
  bool has_tool(const std::string& name) const { return tools.count(name) != 0; }
  Outcome call(const std::string& tool, const std::string& args_json,
               const CallOptions& opts = CallOptions()) const;
  Outcome read(const std::string& uri, const std::string& vars_json,
               const CallOptions& opts = CallOptions()) const;
  Outcome prompt(const std::string& name, const std::string& args_json,
                 const CallOptions& opts = CallOptions()) const;

  std::map<std::string, ToolInfo> tools;
  std::vector<TemplateInfo> templates;
  std::map<std::string, PromptInfo> prompts;
  std::string instructions;
  std::vector<std::string> logs;  // "level: text"
  std::vector<std::string> refused;

 private:
  mcpp_host host_{};
  const mcpp_plugin* plugin_ = nullptr;
  void* instance_ = nullptr;
  int32_t create_status_ = MCPP_ERR_INTERNAL;
};

/** A JSON string literal. */
std::string q(const std::string& s);

}  // namespace fstest
