// result_builder.h - the host side of mcpp_result.
//
// One ResultBuilder per handler call, used only on the handler's thread.
// Every slot copies its input straight into the JSON it will become (content
// blocks are serialised once, here, never re-parsed); JSON the plugin hands
// over is parsed once to check it. A refused slot returns its status to the
// plugin and is remembered: if the handler then claims success anyway, the
// host answers with an error naming the misbehaviour instead of a broken result.
#pragma once

#include <mcphost/mcp_plugin.h>

#include <string>
#include <vector>

#include "util/json.h"

namespace mcph {

// kResourceAsTool: a resource read whose contents become a tool result's
// content, each entry wrapped as an embedded resource block.
enum class HandlerKind { kTool, kPrompt, kResource, kResourceAsTool, kCompletion };

struct InputRequest {
  std::string key, method, params_json;
};

class ResultBuilder {
 public:
  ResultBuilder(HandlerKind kind, std::string uri_for_resource, size_t max_bytes);
  ResultBuilder(const ResultBuilder&) = delete;
  ResultBuilder& operator=(const ResultBuilder&) = delete;

  const mcpp_result* table() const { return &table_; }

  // What the handler built. items_json() is the inside of the content array
  // (tool), messages array (prompt) or contents array (resource), without brackets.
  std::string_view items_json() const { return {items_.GetString(), items_.GetSize()}; }
  size_t item_count() const { return item_count_; }
  const std::string& structured_json() const { return structured_; }
  bool has_structured() const { return has_structured_; }
  bool is_error() const { return is_error_; }
  const std::string& meta_json() const { return meta_; }
  const std::string& description() const { return description_; }
  const std::vector<InputRequest>& input_requests() const { return input_requests_; }
  const std::string& request_state() const { return request_state_; }
  bool has_request_state() const { return has_request_state_; }
  // The first refused slot's reason, or "" when the plugin behaved.
  const std::string& misbehaviour() const { return misbehaviour_; }

  // Slot implementations (public for the C trampolines).
  int32_t AddText(mcpp_str text);
  int32_t AddBinary(const char* type, const char* mime, mcpp_bytes data);
  int32_t AddResourceLink(const char* uri, const char* name, const char* mime, const char* desc);
  int32_t AddEmbedded(const char* uri, const char* mime, const mcpp_str* text, const mcpp_bytes* blob);
  int32_t AddContentJson(mcpp_str json);
  int32_t SetStructured(mcpp_str json);
  int32_t SetIsError(uint8_t v);
  int32_t SetRole(int32_t role);
  int32_t SetDescription(mcpp_str text);
  int32_t AddContents(const char* uri, const char* mime, const mcpp_str* text, const mcpp_bytes* blob);
  int32_t SetMeta(mcpp_str json);
  int32_t RequireInput(const char* key, const char* method, mcpp_str params);
  int32_t SetRequestState(mcpp_str state);
  int32_t AddCompletion(mcpp_str value);
  int32_t SetCompletionInfo(int64_t total, uint8_t has_more);

  // Completion results: the values (items_json holds them as JSON strings).
  int64_t completion_total() const { return completion_total_; }
  bool completion_has_more() const { return completion_has_more_; }

 private:
  int32_t Refuse(int32_t code, std::string why);
  bool BeginItem(size_t payload_bytes);  // size check, comma, wrapper for prompts
  void EndItem();     // closes the prompt message wrapper
  bool IsContentKind() const { return kind_ == HandlerKind::kTool || kind_ == HandlerKind::kPrompt; }
  bool IsResourceKind() const { return kind_ == HandlerKind::kResource || kind_ == HandlerKind::kResourceAsTool; }

  HandlerKind kind_;
  std::string uri_;
  size_t max_bytes_;
  mcpp_result table_{};
  rapidjson::StringBuffer items_;
  JsonWriter w_;
  size_t item_count_ = 0;
  const char* role_ = "user";
  std::string structured_, meta_, description_, request_state_, misbehaviour_;
  bool has_structured_ = false, is_error_ = false, has_request_state_ = false;
  std::vector<InputRequest> input_requests_;
  int64_t completion_total_ = -1;
  bool completion_has_more_ = false;
};

}  // namespace mcph
