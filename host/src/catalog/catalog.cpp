// catalog.cpp - see catalog.h.
#include "catalog/catalog.h"

#include <map>
#include <tuple>

#include "config/glob_match.h"
#include "observability/metrics.h"
#include "util/json.h"

namespace mcph {
namespace {

void Member(JsonWriter& w, const char* key, const std::string& value) {
  if (value.empty()) return;
  w.Key(key);
  WriteString(w, value);
}

void RawMember(JsonWriter& w, const char* key, const std::string& json, rapidjson::Type type) {
  if (json.empty()) return;
  w.Key(key);
  WriteRaw(w, json, type);
}

std::string Finish(rapidjson::StringBuffer& buf) { return std::string(buf.GetString(), buf.GetSize()); }

bool ToolAllowed(const ToolFilter& f, const std::string& name) {
  bool allowed = f.allow.empty();
  for (const std::string& p : f.allow)
    if (GlobMatch(p, name)) allowed = true;
  for (const std::string& p : f.deny)
    if (GlobMatch(p, name)) allowed = false;
  return allowed;
}

// The plugin's execution.taskSupport, raised to optional when the config's
// task_tools globs match a tool the plugin did not mark.
TaskSupport ToolTaskSupport(const PluginConfig& cfg, const ToolDef& t) {
  TaskSupport declared = TaskSupport::kForbidden;
  if (!t.execution_json.empty()) {
    rapidjson::Document d;
    if (ParseJson(t.execution_json, d).ok() && d.IsObject()) {
      auto it = d.FindMember("taskSupport");
      if (it != d.MemberEnd() && it->value.IsString()) {
        std::string_view v = StringOf(it->value);
        if (v == "optional") declared = TaskSupport::kOptional;
        if (v == "required") declared = TaskSupport::kRequired;
      }
    }
  }
  if (declared == TaskSupport::kForbidden)
    for (const std::string& p : cfg.task_tools)
      if (GlobMatch(p, t.name)) declared = TaskSupport::kOptional;
  return declared;
}

// The execution object tools/list shows: the plugin's, with taskSupport set
// to what the host will honour.
std::string ExecutionJson(const ToolDef& t, TaskSupport support) {
  rapidjson::Document d;
  if (t.execution_json.empty() || !ParseJson(t.execution_json, d).ok() || !d.IsObject()) d.SetObject();
  if (support == TaskSupport::kForbidden && !d.HasMember("taskSupport")) return t.execution_json;
  const char* v = support == TaskSupport::kRequired ? "required" : support == TaskSupport::kOptional ? "optional" : "forbidden";
  d.RemoveMember("taskSupport");
  d.AddMember("taskSupport", rapidjson::Value(v, d.GetAllocator()), d.GetAllocator());
  return ToJson(d);
}

std::string ToolListing(const std::string& exposed, const ToolDef& t, TaskSupport support) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  Member(w, "name", exposed);
  Member(w, "title", t.title);
  Member(w, "description", t.description);
  RawMember(w, "inputSchema", t.input_schema_json, rapidjson::kObjectType);
  RawMember(w, "outputSchema", t.output_schema_json, rapidjson::kObjectType);
  RawMember(w, "annotations", t.annotations_json, rapidjson::kObjectType);
  RawMember(w, "icons", t.icons_json, rapidjson::kArrayType);
  RawMember(w, "execution", ExecutionJson(t, support), rapidjson::kObjectType);
  RawMember(w, "_meta", t.meta_json, rapidjson::kObjectType);
  w.EndObject();
  return Finish(buf);
}

std::string ResourceListing(const ResourceDef& r) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  Member(w, "uri", r.uri);
  Member(w, "name", r.name);
  Member(w, "title", r.title);
  Member(w, "description", r.description);
  Member(w, "mimeType", r.mime_type);
  if (r.size >= 0) {
    w.Key("size");
    w.Int64(r.size);
  }
  RawMember(w, "annotations", r.annotations_json, rapidjson::kObjectType);
  RawMember(w, "icons", r.icons_json, rapidjson::kArrayType);
  RawMember(w, "_meta", r.meta_json, rapidjson::kObjectType);
  w.EndObject();
  return Finish(buf);
}

std::string TemplateListing(const ResourceTemplateDef& t) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  Member(w, "uriTemplate", t.uri_template);
  Member(w, "name", t.name);
  Member(w, "title", t.title);
  Member(w, "description", t.description);
  Member(w, "mimeType", t.mime_type);
  RawMember(w, "annotations", t.annotations_json, rapidjson::kObjectType);
  RawMember(w, "icons", t.icons_json, rapidjson::kArrayType);
  RawMember(w, "_meta", t.meta_json, rapidjson::kObjectType);
  w.EndObject();
  return Finish(buf);
}

std::string PromptListing(const std::string& exposed, const PromptDef& p) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  Member(w, "name", exposed);
  Member(w, "title", p.title);
  Member(w, "description", p.description);
  RawMember(w, "arguments", p.arguments_json, rapidjson::kArrayType);
  RawMember(w, "icons", p.icons_json, rapidjson::kArrayType);
  RawMember(w, "_meta", p.meta_json, rapidjson::kObjectType);
  w.EndObject();
  return Finish(buf);
}

std::string Exposed(const std::string& alias, const std::string& sep, const std::string& name) {
  return alias.empty() ? name : alias + sep + name;
}

}  // namespace

Result<std::shared_ptr<const Catalog>> Catalog::Build(const std::vector<std::shared_ptr<PluginInstance>>& plugins,
                                                      const Options& options) {
  std::shared_ptr<Catalog> c(new Catalog());
  c->plugins_ = plugins;
  std::map<std::string, std::string> tool_owner, prompt_owner, uri_owner, template_owner;
  const std::string host_label = "the host itself";
  const std::string host_prefix = std::string(kHostAlias) + options.separator;

  auto check_name = [&](std::map<std::string, std::string>& owners, const std::string& kind,
                        const std::string& exposed, const std::string& owner) -> Status {
    if (static_cast<int>(exposed.size()) > options.max_name_length)
      return Status::Error(kind + " name '" + exposed + "' from " + owner + " is " + std::to_string(exposed.size()) +
                           " characters, over the limit of " + std::to_string(options.max_name_length) +
                           " (shorten the plugin's alias, or raise server.max_name_length)");
    if (owner != host_label && exposed.rfind(host_prefix, 0) == 0)
      return Status::Error(kind + " name '" + exposed + "' from " + owner + " uses the prefix '" + host_prefix +
                           "', which is reserved for the host (choose another alias)");
    auto [it, inserted] = owners.emplace(exposed, owner);
    if (!inserted)
      return Status::Error(kind + " name '" + exposed + "' collides: both " + it->second + " and " + owner +
                           " expose it (give one of them a different alias)");
    return Status::Ok();
  };

  std::string instructions = options.instructions;
  for (const auto& p : plugins) {
    c->capabilities_.push_back(p->capabilities());
    const PluginCapabilities& caps = *c->capabilities_.back();
    const std::string owner = "plugin " + p->label();
    for (const ToolDef& t : caps.tools) {
      if (!ToolAllowed(p->config().tools, t.name)) continue;
      CatalogTool ct;
      ct.exposed_name = Exposed(p->alias(), options.separator, t.name);
      if (Status s = check_name(tool_owner, "tool", ct.exposed_name, owner); !s.ok()) return s;
      ct.task_support = ToolTaskSupport(p->config(), t);
      ct.listing_json = ToolListing(ct.exposed_name, t, ct.task_support);
      ct.def = &t;
      ct.plugin = p;
      if (t.flags & MCPP_TOOL_SERIAL) ct.serial = std::make_shared<std::mutex>();
      if (options.metrics)
        ct.counters = options.metrics->ForTool(ct.exposed_name, p->alias().empty() ? p->descriptor().name : p->alias());
      c->tools_.push_back(std::move(ct));
    }
    for (const ResourceDef& r : caps.resources) {
      auto [it, inserted] = uri_owner.emplace(r.uri, owner);
      if (!inserted)
        return Status::Error("resource uri '" + r.uri + "' is registered by both " + it->second + " and " + owner +
                             " (resource URIs are not prefixed; give each plugin its own scheme)");
      CatalogResource cr;
      cr.listing_json = ResourceListing(r);
      cr.def = &r;
      cr.plugin = p;
      cr.uri = r.uri;
      cr.mime_type = r.mime_type;
      c->resources_.push_back(std::move(cr));
    }
    for (const ResourceTemplateDef& t : caps.templates) {
      auto [it, inserted] = template_owner.emplace(t.uri_template, owner);
      if (!inserted)
        return Status::Error("resource template '" + t.uri_template + "' is registered by both " + it->second +
                             " and " + owner);
      c->templates_.push_back({TemplateListing(t), &t, p});
    }
    for (const PromptDef& pr : caps.prompts) {
      CatalogPrompt cp;
      cp.exposed_name = Exposed(p->alias(), options.separator, pr.name);
      if (Status s = check_name(prompt_owner, "prompt", cp.exposed_name, owner); !s.ok()) return s;
      cp.listing_json = PromptListing(cp.exposed_name, pr);
      cp.def = &pr;
      cp.plugin = p;
      c->prompts_.push_back(std::move(cp));
    }
    if (!caps.instructions.empty()) instructions += (instructions.empty() ? "" : "\n\n") + caps.instructions;
  }
  c->instructions_ = std::move(instructions);

  // The host's own resources, and (for tool-only clients) a tool that reads
  // any static resource.
  if (options.host_capabilities) {
    for (auto [uri, name, desc, kind] :
         {std::tuple{kStatusUri, "status", "Host status: uptime, plugins with versions, capability counts, requests served.",
                     BuiltinKind::kStatusResource},
          std::tuple{kCapabilitiesUri, "capabilities", "The merged capability catalog: every tool, resource, template and prompt, by plugin.",
                     BuiltinKind::kCapabilitiesResource}}) {
      if (uri_owner.count(uri))
        return Status::Error(std::string("resource uri '") + uri + "' is reserved for the host (" + uri_owner[uri] +
                             " registers it)");
      ResourceDef d;
      d.uri = uri;
      d.name = std::string("mcphost-") + name;
      d.description = desc;
      d.mime_type = "application/json";
      CatalogResource cr;
      cr.listing_json = ResourceListing(d);
      cr.builtin = kind;
      cr.uri = uri;
      cr.mime_type = d.mime_type;
      c->resources_.push_back(std::move(cr));
    }
    if (options.resource_tools) {
      CatalogTool ct;
      ct.exposed_name = host_prefix + "read_resource";
      if (Status s = check_name(tool_owner, "tool", ct.exposed_name, host_label); !s.ok()) return s;
      rapidjson::StringBuffer buf;
      JsonWriter w(buf);
      w.StartObject();
      w.Key("name");
      WriteString(w, ct.exposed_name);
      w.Key("title");
      w.String("Read a resource");
      std::string desc =
          "Reads one of this server's resources by URI, for clients that only use tools. Available URIs:";
      for (const CatalogResource& r : c->resources_) desc += "\n- " + r.uri;
      if (!c->templates_.empty()) {
        desc += "\nURI templates:";
        for (const CatalogTemplate& t : c->templates_) desc += "\n- " + t.def->uri_template;
      }
      w.Key("description");
      WriteString(w, desc);
      w.Key("inputSchema");
      w.StartObject();
      w.Key("type");
      w.String("object");
      w.Key("properties");
      w.StartObject();
      w.Key("uri");
      w.StartObject();
      w.Key("type");
      w.String("string");
      w.Key("description");
      w.String("The resource URI to read");
      w.EndObject();
      w.EndObject();
      w.Key("required");
      w.StartArray();
      w.String("uri");
      w.EndArray();
      w.EndObject();
      w.Key("annotations");
      w.StartObject();
      w.Key("readOnlyHint");
      w.Bool(true);
      w.Key("openWorldHint");
      w.Bool(false);
      w.EndObject();
      w.EndObject();
      ct.listing_json = Finish(buf);
      ct.builtin = BuiltinKind::kReadResourceTool;
      if (options.metrics) ct.counters = options.metrics->ForTool(ct.exposed_name, kHostAlias);
      c->tools_.push_back(std::move(ct));
    }
  }

  for (size_t i = 0; i < c->tools_.size(); ++i) c->tool_index_.emplace(c->tools_[i].exposed_name, i);
  for (size_t i = 0; i < c->prompts_.size(); ++i) c->prompt_index_.emplace(c->prompts_[i].exposed_name, i);
  for (size_t i = 0; i < c->resources_.size(); ++i) c->resource_index_.emplace(c->resources_[i].uri, i);

  // mcphost://capabilities: the catalog by plugin.
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("plugins");
  w.StartArray();
  for (const auto& p : plugins) {
    w.StartObject();
    w.Key("name");
    w.String(p->descriptor().name);
    w.Key("alias");
    WriteString(w, p->alias());
    w.Key("version");
    w.String(p->descriptor().version);
    w.Key("tools");
    w.StartArray();
    for (const CatalogTool& t : c->tools_)
      if (t.plugin == p) WriteString(w, t.exposed_name);
    w.EndArray();
    w.Key("resources");
    w.StartArray();
    for (const CatalogResource& r : c->resources_)
      if (r.plugin == p) WriteString(w, r.uri);
    w.EndArray();
    w.Key("resourceTemplates");
    w.StartArray();
    for (const CatalogTemplate& t : c->templates_)
      if (t.plugin == p) WriteString(w, t.def->uri_template);
    w.EndArray();
    w.Key("prompts");
    w.StartArray();
    for (const CatalogPrompt& pr : c->prompts_)
      if (pr.plugin == p) WriteString(w, pr.exposed_name);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  for (auto [key, list] : {std::pair{"tools", &c->tools_}}) {
    w.Key(key);
    w.StartArray();
    for (const CatalogTool& t : *list) WriteRaw(w, t.listing_json, rapidjson::kObjectType);
    w.EndArray();
  }
  w.Key("resources");
  w.StartArray();
  for (const CatalogResource& r : c->resources_) WriteRaw(w, r.listing_json, rapidjson::kObjectType);
  w.EndArray();
  w.Key("resourceTemplates");
  w.StartArray();
  for (const CatalogTemplate& t : c->templates_) WriteRaw(w, t.listing_json, rapidjson::kObjectType);
  w.EndArray();
  w.Key("prompts");
  w.StartArray();
  for (const CatalogPrompt& p : c->prompts_) WriteRaw(w, p.listing_json, rapidjson::kObjectType);
  w.EndArray();
  w.EndObject();
  c->capabilities_json_ = Finish(buf);
  return std::shared_ptr<const Catalog>(std::move(c));
}

const CatalogTool* Catalog::FindTool(std::string_view name) const {
  auto it = tool_index_.find(name);
  return it == tool_index_.end() ? nullptr : &tools_[it->second];
}

const CatalogPrompt* Catalog::FindPrompt(std::string_view name) const {
  auto it = prompt_index_.find(name);
  return it == prompt_index_.end() ? nullptr : &prompts_[it->second];
}

const CatalogResource* Catalog::FindResource(std::string_view uri) const {
  auto it = resource_index_.find(uri);
  return it == resource_index_.end() ? nullptr : &resources_[it->second];
}

const CatalogTemplate* Catalog::FindTemplate(std::string_view uri_template) const {
  for (const CatalogTemplate& t : templates_)
    if (t.def->uri_template == uri_template) return &t;
  return nullptr;
}

const CatalogTemplate* Catalog::MatchTemplate(std::string_view uri, std::string& variables_json) const {
  std::vector<std::pair<std::string, std::string>> vars;
  for (const CatalogTemplate& t : templates_) {
    if (!t.def->parsed.Match(uri, vars)) continue;
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    for (const auto& [k, v] : vars) {
      WriteString(w, k);
      WriteString(w, v);
    }
    w.EndObject();
    variables_json = Finish(buf);
    return &t;
  }
  return nullptr;
}

}  // namespace mcph
