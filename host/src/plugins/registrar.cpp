// registrar.cpp - see registrar.h.
#include "plugins/registrar.h"

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <mutex>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "util/json.h"
#include "util/utf8.h"

namespace mcph {
namespace {

// The smallest descriptor each struct had in the first release of ABI 1:
// fields appended since (the `complete` slots) are zero for plugins built
// against that header (tests/plugin_api/abi_v1_first checks it).
constexpr size_t kToolDescV1 = sizeof(mcpp_tool_desc);
constexpr size_t kResourceDescV1 = sizeof(mcpp_resource_desc);
constexpr size_t kTemplateDescV1 = offsetof(mcpp_resource_template_desc, complete);
constexpr size_t kPromptDescV1 = offsetof(mcpp_prompt_desc, complete);

// Copies the plugin's struct into a zeroed host struct; false when too small.
template <typename T>
bool CopyDesc(const T* in, size_t min_size, T& out) {
  std::memset(&out, 0, sizeof out);
  if (in == nullptr || in->struct_size < min_size) return false;
  std::memcpy(&out, in, std::min<size_t>(in->struct_size, sizeof(T)));
  return true;
}

std::string Str(const char* p) { return p ? std::string(p) : std::string(); }

// The compact form of JSON texts that passed CheckJson, by text and type: a
// plugin loaded many times registers the same annotations each time. Only
// valid texts are kept (a refusal is worked out again, with its message);
// bounded, since plugins may register texts that change. Any thread.
class CheckedJson {
 public:
  bool Find(const std::string& text, rapidjson::Type type, std::string& compact) {
    std::lock_guard lock(mu_);
    auto it = map_.find(Key(text, type));
    if (it == map_.end()) return false;
    compact = it->second;
    return true;
  }
  void Add(const std::string& text, rapidjson::Type type, const std::string& compact) {
    std::lock_guard lock(mu_);
    if (map_.size() >= kMaxEntries || text.size() > kMaxText) return;
    map_.emplace(Key(text, type), compact);
  }

 private:
  static constexpr size_t kMaxEntries = 256, kMaxText = 1024;  // at most ~0.5 MB
  static std::string Key(const std::string& text, rapidjson::Type type) {
    return static_cast<char>('0' + static_cast<int>(type)) + text;
  }
  std::mutex mu_;
  std::unordered_map<std::string, std::string> map_;
};

CheckedJson& Checked() {
  static CheckedJson* cache = new CheckedJson();  // never destroyed, like Schemas()
  return *cache;
}

// Checks an optional JSON field: empty is fine; otherwise it must parse and
// have the expected type, and is kept compact (it is sent verbatim inside
// one-line messages). Returns "" or a reason.
std::string CheckJson(std::string& text, const char* field, rapidjson::Type want) {
  if (text.empty()) return {};
  if (std::string compact; Checked().Find(text, want, compact)) {
    text = std::move(compact);
    return {};
  }
  rapidjson::Document d;
  if (Status s = ParseJson(text, d); !s.ok()) return std::string(field) + " is not valid JSON: " + s.message();
  if (d.GetType() != want)
    return std::string(field) + (want == rapidjson::kObjectType ? " must be a JSON object" : " must be a JSON array");
  std::string compact = CompactJson(text, d);
  Checked().Add(text, want, compact);
  text = std::move(compact);
  return {};
}

// The first text field that is not valid UTF-8 (it would reach clients), or "".
std::string BadText(std::initializer_list<std::pair<const char*, const std::string*>> fields) {
  for (const auto& [name, text] : fields)
    if (!IsValidUtf8(*text)) return std::string(name) + " is not valid UTF-8";
  return {};
}

// RFC 3986: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then ':'.
bool HasScheme(std::string_view uri) {
  size_t colon = uri.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (!alpha(uri[0])) return false;
  for (size_t i = 1; i < colon; ++i) {
    char c = uri[i];
    if (!alpha(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') return false;
  }
  return true;
}

// Compiled schemas by their text, shared by every tool that registers the
// same text: a plugin loaded 200 times (aliases) registers its schemas 200
// times, and compiling them was most of its registration. A compiled
// schema is immutable and only read (validators take it const), so tools
// and threads may share it. Entries are weak: a schema lives as long as a
// tool definition holds it; dead entries are swept as the cache grows.
// Any thread (a mutex): Register runs on the lifecycle thread, tests may
// run registrars elsewhere.
class SchemaCache {
 public:
  struct Entry {
    std::string compact;
    std::weak_ptr<const rapidjson::SchemaDocument> schema;
  };
  // The compact text and schema compiled before from `text`, if still alive.
  std::shared_ptr<const rapidjson::SchemaDocument> Find(const std::string& text, bool object_type,
                                                        std::string& compact) {
    std::lock_guard lock(mu_);
    auto it = (object_type ? objects_ : any_).find(text);
    if (it == (object_type ? objects_ : any_).end()) return nullptr;
    auto schema = it->second.schema.lock();
    if (schema) compact = it->second.compact;
    return schema;
  }
  void Add(const std::string& text, bool object_type, const std::string& compact,
           const std::shared_ptr<const rapidjson::SchemaDocument>& schema) {
    std::lock_guard lock(mu_);
    auto& map = object_type ? objects_ : any_;
    if (map.size() >= sweep_at_) {
      std::erase_if(objects_, [](const auto& kv) { return kv.second.schema.expired(); });
      std::erase_if(any_, [](const auto& kv) { return kv.second.schema.expired(); });
      sweep_at_ = std::max<size_t>(64, 2 * (objects_.size() + any_.size()));
    }
    map[text] = Entry{compact, schema};
  }

 private:
  std::mutex mu_;
  std::unordered_map<std::string, Entry> objects_, any_;  // by the plugin's text
  size_t sweep_at_ = 64;
};

SchemaCache& Schemas() {
  static SchemaCache* cache = new SchemaCache();  // never destroyed: no registration can find it gone at exit
  return *cache;
}

// Parses and compiles a schema that must be an object schema (root object,
// and `type` absent or "object"); on failure returns null and sets `why`.
// The same text gives the same compact text and (shared) schema.
std::shared_ptr<const rapidjson::SchemaDocument> CompileSchema(std::string& text,
                                                               const char* field, bool need_object_type,
                                                               std::string& why) {
  std::string compact;
  if (auto cached = Schemas().Find(text, need_object_type, compact)) {
    text = std::move(compact);
    return cached;
  }
  const std::string original = text;
  rapidjson::Document d;
  if (Status s = ParseJson(text, d); !s.ok()) {
    why = std::string(field) + " is not valid JSON: " + s.message();
    return nullptr;
  }
  if (!d.IsObject()) {
    why = std::string(field) + " must be a JSON object (a JSON Schema)";
    return nullptr;
  }
  if (need_object_type) {
    const rapidjson::Value* type = FindMember(d, "type");
    if (!type || !type->IsString() || StringOf(*type) != "object") {
      why = std::string(field) + " must be an object schema: {\"type\":\"object\", ...}";
      return nullptr;
    }
  }
  text = CompactJson(text, d);
  auto schema = std::make_shared<const rapidjson::SchemaDocument>(d);
  Schemas().Add(original, need_object_type, text, schema);
  return schema;
}


Registrar* Self(const mcpp_registrar* reg) { return static_cast<Registrar*>(reg->registrar_data); }

int32_t MCPP_CALL AddToolT(const mcpp_registrar* r, const mcpp_tool_desc* d) { return Self(r)->AddTool(d); }
int32_t MCPP_CALL AddResourceT(const mcpp_registrar* r, const mcpp_resource_desc* d) {
  return Self(r)->AddResource(d);
}
int32_t MCPP_CALL AddTemplateT(const mcpp_registrar* r, const mcpp_resource_template_desc* d) {
  return Self(r)->AddResourceTemplate(d);
}
int32_t MCPP_CALL AddPromptT(const mcpp_registrar* r, const mcpp_prompt_desc* d) { return Self(r)->AddPrompt(d); }
int32_t MCPP_CALL SetInstructionsT(const mcpp_registrar* r, const char* t) { return Self(r)->SetInstructions(t); }

}  // namespace

bool IsValidToolName(std::string_view name) {
  if (name.empty() || name.size() > 128) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
  });
}

Registrar::Registrar(std::string plugin_label) : label_(std::move(plugin_label)) {
  table_.struct_size = sizeof table_;
  table_.registrar_data = this;
  table_.add_tool = AddToolT;
  table_.add_resource = AddResourceT;
  table_.add_resource_template = AddTemplateT;
  table_.add_prompt = AddPromptT;
  table_.set_instructions = SetInstructionsT;
  table_.last_error = [](const mcpp_registrar* r) -> const char* {
    return Self(r)->last_error_.c_str();
  };
}

int32_t Registrar::Reject(int32_t code, std::string message) {
  last_error_ = std::move(message);
  rejections_.push_back(last_error_);
  return code;
}

int32_t Registrar::AddTool(const mcpp_tool_desc* in) {
  mcpp_tool_desc d;
  if (!CopyDesc(in, kToolDescV1, d))
    return Reject(MCPP_ERR_INVALID_ARGUMENT, "tool descriptor is NULL or its struct_size is too small");
  std::string name = Str(d.name);
  const std::string what = "tool '" + name + "': ";
  if (!IsValidToolName(name))
    return Reject(MCPP_ERR_INVALID_ARGUMENT,
                  what + "invalid name (use 1-128 of A-Z a-z 0-9 _ - .)");
  if (!d.call) return Reject(MCPP_ERR_INVALID_ARGUMENT, what + "no call function");
  for (const ToolDef& t : caps_.tools)
    if (t.name == name) return Reject(MCPP_ERR_ALREADY_EXISTS, what + "registered twice");

  ToolDef t;
  t.name = name;
  t.title = Str(d.title);
  t.description = Str(d.description);
  t.input_schema_json = d.input_schema_json ? d.input_schema_json : R"({"type":"object"})";
  t.output_schema_json = Str(d.output_schema_json);
  t.annotations_json = Str(d.annotations_json);
  t.icons_json = Str(d.icons_json);
  t.meta_json = Str(d.meta_json);
  t.execution_json = Str(d.execution_json);
  if (std::string e = BadText({{"title", &t.title}, {"description", &t.description}}); !e.empty())
    return Reject(MCPP_ERR_INVALID_ARGUMENT, what + e);
  t.flags = d.flags;
  t.call = d.call;
  t.user_data = d.user_data;

  std::string why;
  t.input_schema = CompileSchema(t.input_schema_json, "input_schema_json", true, why);
  if (!t.input_schema) return Reject(MCPP_ERR_INVALID_JSON, what + why);
  if (!t.output_schema_json.empty()) {
    t.output_schema = CompileSchema(t.output_schema_json, "output_schema_json", false, why);
    if (!t.output_schema) return Reject(MCPP_ERR_INVALID_JSON, what + why);
  }
  for (auto [text, field, type] : {std::tuple{&t.annotations_json, "annotations_json", rapidjson::kObjectType},
                                   std::tuple{&t.icons_json, "icons_json", rapidjson::kArrayType},
                                   std::tuple{&t.meta_json, "meta_json", rapidjson::kObjectType},
                                   std::tuple{&t.execution_json, "execution_json", rapidjson::kObjectType}}) {
    if (std::string e = CheckJson(*text, field, type); !e.empty()) return Reject(MCPP_ERR_INVALID_JSON, what + e);
  }
  caps_.tools.push_back(std::move(t));
  return MCPP_OK;
}

int32_t Registrar::AddResource(const mcpp_resource_desc* in) {
  mcpp_resource_desc d;
  if (!CopyDesc(in, kResourceDescV1, d))
    return Reject(MCPP_ERR_INVALID_ARGUMENT, "resource descriptor is NULL or its struct_size is too small");
  ResourceDef r;
  r.uri = Str(d.uri);
  const std::string what = "resource '" + r.uri + "': ";
  if (!HasScheme(r.uri) || !IsValidUtf8(r.uri))
    return Reject(MCPP_ERR_INVALID_ARGUMENT, what + "uri must be an absolute URI (scheme:...)");
  r.name = Str(d.name);
  if (r.name.empty()) return Reject(MCPP_ERR_INVALID_ARGUMENT, what + "name is required");
  if (!d.read) return Reject(MCPP_ERR_INVALID_ARGUMENT, what + "no read function");
  for (const ResourceDef& other : caps_.resources)
    if (other.uri == r.uri) return Reject(MCPP_ERR_ALREADY_EXISTS, what + "registered twice");
  r.title = Str(d.title);
  r.description = Str(d.description);
  r.mime_type = Str(d.mime_type);
  if (std::string e = BadText({{"name", &r.name}, {"title", &r.title}, {"description", &r.description},
                               {"mime_type", &r.mime_type}});
      !e.empty())
    return Reject(MCPP_ERR_INVALID_ARGUMENT, what + e);
  r.size = d.size;
  r.annotations_json = Str(d.annotations_json);
  r.icons_json = Str(d.icons_json);
  r.meta_json = Str(d.meta_json);
  r.read = d.read;
  r.user_data = d.user_data;
  for (auto [text, field, type] : {std::tuple{&r.annotations_json, "annotations_json", rapidjson::kObjectType},
                                   std::tuple{&r.icons_json, "icons_json", rapidjson::kArrayType},
                                   std::tuple{&r.meta_json, "meta_json", rapidjson::kObjectType}}) {
    if (std::string e = CheckJson(*text, field, type); !e.empty()) return Reject(MCPP_ERR_INVALID_JSON, what + e);
  }
  caps_.resources.push_back(std::move(r));
  return MCPP_OK;
}

int32_t Registrar::AddResourceTemplate(const mcpp_resource_template_desc* in) {
  mcpp_resource_template_desc d;
  if (!CopyDesc(in, kTemplateDescV1, d))
    return Reject(MCPP_ERR_INVALID_ARGUMENT, "resource template descriptor is NULL or its struct_size is too small");
  ResourceTemplateDef t;
  t.uri_template = Str(d.uri_template);
  const std::string what = "resource template '" + t.uri_template + "': ";
  auto parsed = UriTemplate::Parse(t.uri_template);
  if (!parsed.ok()) return Reject(MCPP_ERR_INVALID_ARGUMENT, parsed.error());
  if (!HasScheme(t.uri_template) || !IsValidUtf8(t.uri_template))
    return Reject(MCPP_ERR_INVALID_ARGUMENT, what + "must be an absolute URI template (scheme:...)");
  t.parsed = std::move(parsed.value());
  t.name = Str(d.name);
  if (t.name.empty()) return Reject(MCPP_ERR_INVALID_ARGUMENT, what + "name is required");
  if (!d.read) return Reject(MCPP_ERR_INVALID_ARGUMENT, what + "no read function");
  for (const ResourceTemplateDef& other : caps_.templates)
    if (other.uri_template == t.uri_template) return Reject(MCPP_ERR_ALREADY_EXISTS, what + "registered twice");
  t.title = Str(d.title);
  t.description = Str(d.description);
  t.mime_type = Str(d.mime_type);
  t.annotations_json = Str(d.annotations_json);
  t.icons_json = Str(d.icons_json);
  t.meta_json = Str(d.meta_json);
  if (std::string e = BadText({{"name", &t.name}, {"title", &t.title}, {"description", &t.description},
                               {"mime_type", &t.mime_type}});
      !e.empty())
    return Reject(MCPP_ERR_INVALID_ARGUMENT, what + e);
  t.read = d.read;
  t.user_data = d.user_data;
  t.complete = d.complete;
  for (auto [text, field, type] : {std::tuple{&t.annotations_json, "annotations_json", rapidjson::kObjectType},
                                   std::tuple{&t.icons_json, "icons_json", rapidjson::kArrayType},
                                   std::tuple{&t.meta_json, "meta_json", rapidjson::kObjectType}}) {
    if (std::string e = CheckJson(*text, field, type); !e.empty()) return Reject(MCPP_ERR_INVALID_JSON, what + e);
  }
  caps_.templates.push_back(std::move(t));
  return MCPP_OK;
}

int32_t Registrar::AddPrompt(const mcpp_prompt_desc* in) {
  mcpp_prompt_desc d;
  if (!CopyDesc(in, kPromptDescV1, d))
    return Reject(MCPP_ERR_INVALID_ARGUMENT, "prompt descriptor is NULL or its struct_size is too small");
  PromptDef p;
  p.name = Str(d.name);
  const std::string what = "prompt '" + p.name + "': ";
  if (!IsValidToolName(p.name))
    return Reject(MCPP_ERR_INVALID_ARGUMENT, what + "invalid name (use 1-128 of A-Z a-z 0-9 _ - .)");
  if (!d.get) return Reject(MCPP_ERR_INVALID_ARGUMENT, what + "no get function");
  for (const PromptDef& other : caps_.prompts)
    if (other.name == p.name) return Reject(MCPP_ERR_ALREADY_EXISTS, what + "registered twice");
  p.title = Str(d.title);
  p.description = Str(d.description);
  p.icons_json = Str(d.icons_json);
  p.meta_json = Str(d.meta_json);
  if (std::string e = BadText({{"title", &p.title}, {"description", &p.description}}); !e.empty())
    return Reject(MCPP_ERR_INVALID_ARGUMENT, what + e);
  p.get = d.get;
  p.user_data = d.user_data;
  p.complete = d.complete;
  for (auto [text, field, type] : {std::tuple{&p.icons_json, "icons_json", rapidjson::kArrayType},
                                   std::tuple{&p.meta_json, "meta_json", rapidjson::kObjectType}}) {
    if (std::string e = CheckJson(*text, field, type); !e.empty()) return Reject(MCPP_ERR_INVALID_JSON, what + e);
  }
  // Arguments: [{"name":..., "title"?, "description"?, "required"?}], names unique.
  p.arguments_json = "[]";
  if (d.arguments_json && *d.arguments_json) {
    rapidjson::Document args;
    if (Status s = ParseJson(d.arguments_json, args); !s.ok() || !args.IsArray())
      return Reject(MCPP_ERR_INVALID_JSON, what + "arguments_json must be a JSON array of {name, ...}");
    std::unordered_set<std::string> seen;
    for (const auto& a : args.GetArray()) {
      const rapidjson::Value* n = FindMember(a, "name");
      if (!n || !n->IsString() || n->GetStringLength() == 0)
        return Reject(MCPP_ERR_INVALID_JSON, what + "every argument needs a string \"name\"");
      PromptArgDef arg;
      arg.name = std::string(StringOf(*n));
      if (!seen.insert(arg.name).second)
        return Reject(MCPP_ERR_ALREADY_EXISTS, what + "argument '" + arg.name + "' declared twice");
      const rapidjson::Value* req = FindMember(a, "required");
      arg.required = req && req->IsBool() && req->GetBool();
      p.arguments.push_back(std::move(arg));
    }
    p.arguments_json = ToJson(args);  // compact, as every JSON field
  }
  caps_.prompts.push_back(std::move(p));
  return MCPP_OK;
}

int32_t Registrar::SetInstructions(const char* text) {
  std::string t = Str(text);
  if (!IsValidUtf8(t)) return Reject(MCPP_ERR_INVALID_ARGUMENT, "instructions are not valid UTF-8");
  caps_.instructions = std::move(t);
  return MCPP_OK;
}

}  // namespace mcph
