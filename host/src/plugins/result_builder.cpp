// result_builder.cpp - see result_builder.h.
#include "plugins/result_builder.h"

#include <cstring>

#include "util/json.h"
#include "util/utf8.h"
#include "util/result.h"

namespace mcph {
namespace {

ResultBuilder* B(const mcpp_result* r) { return static_cast<ResultBuilder*>(r->result_data); }
std::string_view SV(mcpp_str s) { return s.data ? std::string_view(s.data, s.size) : std::string_view(); }
bool Empty(const char* p) { return p == nullptr || *p == '\0'; }

// Every C slot forwards to the builder; none can throw (bad_alloc aside, which
// the caller's guard turns into an internal error).
const mcpp_result kTableTemplate = [] {
  mcpp_result t{};
  t.struct_size = sizeof(mcpp_result);
  t.add_text = [](const mcpp_result* r, mcpp_str s) { return B(r)->AddText(s); };
  t.add_image = [](const mcpp_result* r, const char* m, mcpp_bytes d) { return B(r)->AddBinary("image", m, d); };
  t.add_audio = [](const mcpp_result* r, const char* m, mcpp_bytes d) { return B(r)->AddBinary("audio", m, d); };
  t.add_resource_link = [](const mcpp_result* r, const char* u, const char* n, const char* m, const char* d) {
    return B(r)->AddResourceLink(u, n, m, d);
  };
  t.add_embedded_text = [](const mcpp_result* r, const char* u, const char* m, mcpp_str s) {
    return B(r)->AddEmbedded(u, m, &s, nullptr);
  };
  t.add_embedded_blob = [](const mcpp_result* r, const char* u, const char* m, mcpp_bytes d) {
    return B(r)->AddEmbedded(u, m, nullptr, &d);
  };
  t.add_content_json = [](const mcpp_result* r, mcpp_str s) { return B(r)->AddContentJson(s); };
  t.set_structured_json = [](const mcpp_result* r, mcpp_str s) { return B(r)->SetStructured(s); };
  t.set_is_error = [](const mcpp_result* r, uint8_t v) { return B(r)->SetIsError(v); };
  t.set_role = [](const mcpp_result* r, int32_t role) { return B(r)->SetRole(role); };
  t.set_description = [](const mcpp_result* r, mcpp_str s) { return B(r)->SetDescription(s); };
  t.add_text_contents = [](const mcpp_result* r, const char* u, const char* m, mcpp_str s) {
    return B(r)->AddContents(u, m, &s, nullptr);
  };
  t.add_blob_contents = [](const mcpp_result* r, const char* u, const char* m, mcpp_bytes d) {
    return B(r)->AddContents(u, m, nullptr, &d);
  };
  t.set_meta_json = [](const mcpp_result* r, mcpp_str s) { return B(r)->SetMeta(s); };
  t.require_input = [](const mcpp_result* r, const char* k, const char* m, mcpp_str p) {
    return B(r)->RequireInput(k, m, p);
  };
  t.set_request_state = [](const mcpp_result* r, mcpp_str s) { return B(r)->SetRequestState(s); };
  t.add_completion = [](const mcpp_result* r, mcpp_str s) { return B(r)->AddCompletion(s); };
  t.set_completion_info = [](const mcpp_result* r, int64_t total, uint8_t more) {
    return B(r)->SetCompletionInfo(total, more);
  };
  return t;
}();

bool IsUtf8(std::string_view s) { return IsValidUtf8(s); }
// Optional C strings from the plugin: NULL is fine, text must be UTF-8.
bool Utf8(const char* p) { return p == nullptr || IsValidUtf8(p); }
size_t Base64Size(size_t n) { return (n + 2) / 3 * 4; }

}  // namespace

ResultBuilder::ResultBuilder(HandlerKind kind, std::string uri_for_resource, size_t max_bytes)
    : kind_(kind), uri_(std::move(uri_for_resource)), max_bytes_(max_bytes), table_(kTableTemplate), w_(items_) {
  table_.result_data = this;
}

int32_t ResultBuilder::Refuse(int32_t code, std::string why) {
  if (misbehaviour_.empty()) misbehaviour_ = std::move(why);
  return code;
}

bool ResultBuilder::BeginItem(size_t payload_bytes) {
  if (items_.GetSize() + payload_bytes > max_bytes_) return false;
  if (item_count_++ > 0) items_.Put(',');
  w_.Reset(items_);
  if (kind_ == HandlerKind::kPrompt) {
    w_.StartObject();
    w_.Key("role");
    w_.String(role_);
    w_.Key("content");
  } else if (kind_ == HandlerKind::kResourceAsTool) {
    w_.StartObject();
    w_.Key("type");
    w_.String("resource");
    w_.Key("resource");
  }
  return true;
}

void ResultBuilder::EndItem() {
  if (kind_ == HandlerKind::kPrompt || kind_ == HandlerKind::kResourceAsTool) w_.EndObject();
}

int32_t ResultBuilder::AddText(mcpp_str text) {
  if (!IsContentKind()) return Refuse(MCPP_ERR_UNSUPPORTED, "add_text called from a resource reader");
  std::string_view t = SV(text);
  if (!IsUtf8(t)) return Refuse(MCPP_ERR_INVALID_ARGUMENT, "add_text was given invalid UTF-8");
  if (!BeginItem(t.size())) return Refuse(MCPP_ERR_TOO_LARGE, "result exceeds the host's size limit");
  w_.StartObject();
  w_.Key("type");
  w_.String("text");
  w_.Key("text");
  WriteString(w_, t);
  w_.EndObject();
  EndItem();
  return MCPP_OK;
}

int32_t ResultBuilder::AddBinary(const char* type, const char* mime, mcpp_bytes data) {
  if (!IsContentKind()) return Refuse(MCPP_ERR_UNSUPPORTED, std::string("add_") + type + " called from a resource reader");
  if (Empty(mime)) return Refuse(MCPP_ERR_INVALID_ARGUMENT, std::string("add_") + type + " needs a mime type");
  if (data.size > 0 && data.data == nullptr) return Refuse(MCPP_ERR_INVALID_ARGUMENT, "bytes pointer is NULL");
  if (!Utf8(mime)) return Refuse(MCPP_ERR_INVALID_ARGUMENT, "mime type is not valid UTF-8");
  if (!BeginItem(Base64Size(data.size))) return Refuse(MCPP_ERR_TOO_LARGE, "result exceeds the host's size limit");
  w_.StartObject();
  w_.Key("type");
  w_.String(type);
  w_.Key("mimeType");
  w_.String(mime);
  w_.Key("data");
  std::string b64;
  AppendBase64(b64, data.data, data.size);
  WriteString(w_, b64);
  w_.EndObject();
  EndItem();
  return MCPP_OK;
}

int32_t ResultBuilder::AddResourceLink(const char* uri, const char* name, const char* mime, const char* desc) {
  if (!IsContentKind()) return Refuse(MCPP_ERR_UNSUPPORTED, "add_resource_link called from a resource reader");
  if (Empty(uri) || Empty(name)) return Refuse(MCPP_ERR_INVALID_ARGUMENT, "add_resource_link needs uri and name");
  if (!Utf8(uri) || !Utf8(name) || !Utf8(mime) || !Utf8(desc))
    return Refuse(MCPP_ERR_INVALID_ARGUMENT, "add_resource_link was given invalid UTF-8");
  if (!BeginItem(std::strlen(uri) + std::strlen(name) + (desc ? std::strlen(desc) : 0)))
    return Refuse(MCPP_ERR_TOO_LARGE, "result exceeds the host's size limit");
  w_.StartObject();
  w_.Key("type");
  w_.String("resource_link");
  w_.Key("uri");
  w_.String(uri);
  w_.Key("name");
  w_.String(name);
  if (!Empty(mime)) {
    w_.Key("mimeType");
    w_.String(mime);
  }
  if (!Empty(desc)) {
    w_.Key("description");
    w_.String(desc);
  }
  w_.EndObject();
  EndItem();
  return MCPP_OK;
}

int32_t ResultBuilder::AddEmbedded(const char* uri, const char* mime, const mcpp_str* text, const mcpp_bytes* blob) {
  if (!IsContentKind()) return Refuse(MCPP_ERR_UNSUPPORTED, "add_embedded_* called from a resource reader");
  if (Empty(uri)) return Refuse(MCPP_ERR_INVALID_ARGUMENT, "an embedded resource needs a uri");
  if (text && !IsUtf8(SV(*text))) return Refuse(MCPP_ERR_INVALID_ARGUMENT, "add_embedded_text was given invalid UTF-8");
  if (blob && blob->size > 0 && !blob->data) return Refuse(MCPP_ERR_INVALID_ARGUMENT, "bytes pointer is NULL");
  if (!Utf8(uri) || !Utf8(mime)) return Refuse(MCPP_ERR_INVALID_ARGUMENT, "uri or mime type is not valid UTF-8");
  if (!BeginItem(text ? text->size : Base64Size(blob->size)))
    return Refuse(MCPP_ERR_TOO_LARGE, "result exceeds the host's size limit");
  w_.StartObject();
  w_.Key("type");
  w_.String("resource");
  w_.Key("resource");
  w_.StartObject();
  w_.Key("uri");
  w_.String(uri);
  if (!Empty(mime)) {
    w_.Key("mimeType");
    w_.String(mime);
  }
  if (text) {
    w_.Key("text");
    WriteString(w_, SV(*text));
  } else {
    w_.Key("blob");
    std::string b64;
    AppendBase64(b64, blob->data, blob->size);
    WriteString(w_, b64);
  }
  w_.EndObject();
  w_.EndObject();
  EndItem();
  return MCPP_OK;
}

int32_t ResultBuilder::AddContentJson(mcpp_str json) {
  if (!IsContentKind()) return Refuse(MCPP_ERR_UNSUPPORTED, "add_content_json called from a resource reader");
  rapidjson::Document d;
  if (Status s = ParseJson(SV(json), d); !s.ok())
    return Refuse(MCPP_ERR_INVALID_JSON, "add_content_json: " + s.message());
  const rapidjson::Value* type = FindMember(d, "type");
  if (!type || !type->IsString())
    return Refuse(MCPP_ERR_INVALID_JSON, "add_content_json: a content block is an object with a string \"type\"");
  if (!BeginItem(json.size)) return Refuse(MCPP_ERR_TOO_LARGE, "result exceeds the host's size limit");
  d.Accept(w_);
  EndItem();
  return MCPP_OK;
}

int32_t ResultBuilder::SetStructured(mcpp_str json) {
  if (kind_ != HandlerKind::kTool) return Refuse(MCPP_ERR_UNSUPPORTED, "set_structured_json outside a tool");
  std::string_view j = SV(json);
  if (j.size() + items_.GetSize() > max_bytes_) return Refuse(MCPP_ERR_TOO_LARGE, "result exceeds the host's size limit");
  rapidjson::Document d;
  if (!ParseJson(j, d).ok()) return Refuse(MCPP_ERR_INVALID_JSON, "set_structured_json was given invalid JSON");
  structured_ = CompactJson(j, d);
  has_structured_ = true;
  return MCPP_OK;
}

int32_t ResultBuilder::SetIsError(uint8_t v) {
  if (kind_ != HandlerKind::kTool) return Refuse(MCPP_ERR_UNSUPPORTED, "set_is_error outside a tool");
  is_error_ = v != 0;
  return MCPP_OK;
}

int32_t ResultBuilder::SetRole(int32_t role) {
  if (kind_ != HandlerKind::kPrompt) return Refuse(MCPP_ERR_UNSUPPORTED, "set_role outside a prompt");
  if (role == MCPP_ROLE_USER) role_ = "user";
  else if (role == MCPP_ROLE_ASSISTANT) role_ = "assistant";
  else return Refuse(MCPP_ERR_INVALID_ARGUMENT, "set_role: unknown role " + std::to_string(role));
  return MCPP_OK;
}

int32_t ResultBuilder::SetDescription(mcpp_str text) {
  if (kind_ != HandlerKind::kPrompt) return Refuse(MCPP_ERR_UNSUPPORTED, "set_description outside a prompt");
  if (!IsUtf8(SV(text))) return Refuse(MCPP_ERR_INVALID_ARGUMENT, "set_description was given invalid UTF-8");
  description_.assign(SV(text));
  return MCPP_OK;
}

int32_t ResultBuilder::AddContents(const char* uri, const char* mime, const mcpp_str* text, const mcpp_bytes* blob) {
  if (!IsResourceKind()) return Refuse(MCPP_ERR_UNSUPPORTED, "add_*_contents outside a resource reader");
  if (text && !IsUtf8(SV(*text))) return Refuse(MCPP_ERR_INVALID_ARGUMENT, "add_text_contents was given invalid UTF-8");
  if (blob && blob->size > 0 && !blob->data) return Refuse(MCPP_ERR_INVALID_ARGUMENT, "bytes pointer is NULL");
  if (!Utf8(uri) || !Utf8(mime)) return Refuse(MCPP_ERR_INVALID_ARGUMENT, "uri or mime type is not valid UTF-8");
  if (!BeginItem(text ? text->size : Base64Size(blob->size)))
    return Refuse(MCPP_ERR_TOO_LARGE, "result exceeds the host's size limit");
  w_.StartObject();
  w_.Key("uri");
  w_.String(Empty(uri) ? uri_.c_str() : uri);
  if (!Empty(mime)) {
    w_.Key("mimeType");
    w_.String(mime);
  }
  if (text) {
    w_.Key("text");
    WriteString(w_, SV(*text));
  } else {
    w_.Key("blob");
    std::string b64;
    AppendBase64(b64, blob->data, blob->size);
    WriteString(w_, b64);
  }
  w_.EndObject();
  EndItem();
  return MCPP_OK;
}

int32_t ResultBuilder::SetMeta(mcpp_str json) {
  rapidjson::Document d;
  if (Status s = ParseJson(SV(json), d); !s.ok() || !d.IsObject())
    return Refuse(MCPP_ERR_INVALID_JSON, "set_meta_json needs a JSON object");
  meta_ = CompactJson(SV(json), d);
  return MCPP_OK;
}

int32_t ResultBuilder::RequireInput(const char* key, const char* method, mcpp_str params) {
  if (Empty(key) || Empty(method)) return Refuse(MCPP_ERR_INVALID_ARGUMENT, "require_input needs a key and a method");
  std::string m = method;
  if (m != "elicitation/create" && m != "sampling/createMessage" && m != "roots/list")
    return Refuse(MCPP_ERR_INVALID_ARGUMENT, "require_input: unknown method '" + m + "'");
  std::string p = params.size ? std::string(SV(params)) : "{}";
  rapidjson::Document d;
  if (Status s = ParseJson(p, d); !s.ok() || !d.IsObject())
    return Refuse(MCPP_ERR_INVALID_JSON, "require_input: params must be a JSON object");
  if (!Utf8(key)) return Refuse(MCPP_ERR_INVALID_ARGUMENT, "require_input: key is not valid UTF-8");
  p = CompactJson(p, d);
  for (const InputRequest& r : input_requests_)
    if (r.key == key) return Refuse(MCPP_ERR_ALREADY_EXISTS, std::string("require_input: key '") + key + "' used twice");
  input_requests_.push_back({key, std::move(m), std::move(p)});
  return MCPP_OK;
}

int32_t ResultBuilder::SetRequestState(mcpp_str state) {
  request_state_.assign(SV(state));
  has_request_state_ = true;
  return MCPP_OK;
}

// The spec caps completion values at 100 per answer: later ones only count.
int32_t ResultBuilder::AddCompletion(mcpp_str value) {
  if (kind_ != HandlerKind::kCompletion) return Refuse(MCPP_ERR_UNSUPPORTED, "add_completion outside a completer");
  if (!IsUtf8(SV(value))) return Refuse(MCPP_ERR_INVALID_ARGUMENT, "add_completion was given invalid UTF-8");
  if (item_count_ >= 100) {
    completion_has_more_ = true;
    return MCPP_OK;
  }
  if (item_count_++ > 0) items_.Put(',');
  w_.Reset(items_);
  WriteString(w_, SV(value));
  return MCPP_OK;
}

int32_t ResultBuilder::SetCompletionInfo(int64_t total, uint8_t has_more) {
  if (kind_ != HandlerKind::kCompletion) return Refuse(MCPP_ERR_UNSUPPORTED, "set_completion_info outside a completer");
  completion_total_ = total;
  completion_has_more_ = completion_has_more_ || has_more != 0;
  return MCPP_OK;
}

}  // namespace mcph
