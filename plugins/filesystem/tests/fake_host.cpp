// fake_host.cpp - see fake_host.hpp.
#include "fake_host.hpp"

#include <cstring>
#include <stdexcept>

namespace fstest {

namespace {

std::string s(const char* p) { return p ? p : ""; }
std::string s(mcpp_str p) { return p.data ? std::string(p.data, p.size) : std::string(); }

Outcome* out(const mcpp_result* r) { return static_cast<Outcome*>(r->result_data); }

int32_t MCPP_CALL add_text(const mcpp_result* r, mcpp_str t) {
  out(r)->blocks.push_back({"text", s(t), "", ""});
  return MCPP_OK;
}
int32_t MCPP_CALL add_image(const mcpp_result* r, const char* mime, mcpp_bytes d) {
  out(r)->blocks.push_back({"image", std::string(reinterpret_cast<const char*>(d.data), d.size), s(mime), ""});
  return MCPP_OK;
}
int32_t MCPP_CALL add_audio(const mcpp_result* r, const char* mime, mcpp_bytes d) {
  out(r)->blocks.push_back({"audio", std::string(reinterpret_cast<const char*>(d.data), d.size), s(mime), ""});
  return MCPP_OK;
}
int32_t MCPP_CALL add_link(const mcpp_result* r, const char* uri, const char* name, const char* mime, const char*) {
  out(r)->blocks.push_back({"resource_link", s(name), s(mime), s(uri)});
  return MCPP_OK;
}
int32_t MCPP_CALL add_emb_text(const mcpp_result* r, const char* uri, const char* mime, mcpp_str t) {
  out(r)->blocks.push_back({"resource_text", s(t), s(mime), s(uri)});
  return MCPP_OK;
}
int32_t MCPP_CALL add_emb_blob(const mcpp_result* r, const char* uri, const char* mime, mcpp_bytes d) {
  out(r)->blocks.push_back({"resource_blob", std::string(reinterpret_cast<const char*>(d.data), d.size), s(mime), s(uri)});
  return MCPP_OK;
}
int32_t MCPP_CALL add_json(const mcpp_result* r, mcpp_str j) {
  out(r)->blocks.push_back({"json", s(j), "", ""});
  return MCPP_OK;
}
int32_t MCPP_CALL set_structured(const mcpp_result* r, mcpp_str j) {
  out(r)->structured = s(j);
  return MCPP_OK;
}
int32_t MCPP_CALL set_is_error(const mcpp_result* r, uint8_t e) {
  out(r)->is_error = e != 0;
  return MCPP_OK;
}
int32_t MCPP_CALL set_role(const mcpp_result* r, int32_t role) {
  out(r)->roles.push_back(role);
  return MCPP_OK;
}
int32_t MCPP_CALL set_description(const mcpp_result* r, mcpp_str d) {
  out(r)->description = s(d);
  return MCPP_OK;
}
int32_t MCPP_CALL add_text_contents(const mcpp_result* r, const char* uri, const char* mime, mcpp_str t) {
  out(r)->blocks.push_back({"contents_text", s(t), s(mime), s(uri)});
  return MCPP_OK;
}
int32_t MCPP_CALL add_blob_contents(const mcpp_result* r, const char* uri, const char* mime, mcpp_bytes d) {
  out(r)->blocks.push_back({"contents_blob", std::string(reinterpret_cast<const char*>(d.data), d.size), s(mime), s(uri)});
  return MCPP_OK;
}
int32_t MCPP_CALL set_meta(const mcpp_result*, mcpp_str) { return MCPP_OK; }
int32_t MCPP_CALL require_input(const mcpp_result* r, const char* key, const char* method, mcpp_str params) {
  out(r)->input_requests.push_back(s(key) + " " + s(method) + " " + s(params));
  return MCPP_OK;
}
int32_t MCPP_CALL set_state(const mcpp_result*, mcpp_str) { return MCPP_ERR_UNSUPPORTED; }

mcpp_result make_result(Outcome* o) {
  mcpp_result r{};
  r.struct_size = sizeof r;
  r.result_data = o;
  r.add_text = add_text;
  r.add_image = add_image;
  r.add_audio = add_audio;
  r.add_resource_link = add_link;
  r.add_embedded_text = add_emb_text;
  r.add_embedded_blob = add_emb_blob;
  r.add_content_json = add_json;
  r.set_structured_json = set_structured;
  r.set_is_error = set_is_error;
  r.set_role = set_role;
  r.set_description = set_description;
  r.add_text_contents = add_text_contents;
  r.add_blob_contents = add_blob_contents;
  r.set_meta_json = set_meta;
  r.require_input = require_input;
  r.set_request_state = set_state;
  return r;
}

uint8_t MCPP_CALL not_cancelled(const mcpp_call*) { return 0; }
void MCPP_CALL progress(const mcpp_call*, double, double, const char*) {}
void MCPP_CALL call_log(const mcpp_call*, int32_t, const char*, mcpp_str) {}
void MCPP_CALL set_error(const mcpp_call* c, mcpp_str m) { static_cast<Outcome*>(c->call_data)->error = s(m); }

mcpp_str view(const std::string& str) { return {str.data(), str.size()}; }

/* The strings in `opts` must outlive the call. */
mcpp_call make_call(Outcome* o, const mcpp_host* host, const CallOptions& opts) {
  mcpp_call c{};
  c.struct_size = sizeof c;
  c.call_data = o;
  c.host = host;
  c.protocol_version = opts.protocol_version.c_str();
  c.client_name = "fstest";
  c.client_capabilities_json = view(opts.capabilities);
  c.roots_json = view(opts.roots_json);
  c.input_responses_json = view(opts.input_responses);
  c.is_cancelled = not_cancelled;
  c.progress = progress;
  c.log = call_log;
  c.set_error_message = set_error;
  return c;
}

void MCPP_CALL host_log(const mcpp_host* h, int32_t level, mcpp_str m) {
  static_cast<FakeHost*>(h->host_data)->logs.push_back(std::to_string(level) + ": " + s(m));
}
void MCPP_CALL host_notify(const mcpp_host*, uint32_t) {}
void MCPP_CALL host_updated(const mcpp_host*, const char*) {}
const void* MCPP_CALL host_ext(const mcpp_host*, const char*) { return nullptr; }

FakeHost* reg_host(const mcpp_registrar* r) { return static_cast<FakeHost*>(r->registrar_data); }
int32_t MCPP_CALL reg_tool(const mcpp_registrar* r, const mcpp_tool_desc* t) {
  ToolInfo info{s(t->name), s(t->title), s(t->description), s(t->input_schema_json),
                s(t->output_schema_json), s(t->annotations_json), t->call, t->user_data};
  if (reg_host(r)->tools.count(info.name)) return MCPP_ERR_ALREADY_EXISTS;
  reg_host(r)->tools[info.name] = info;
  return MCPP_OK;
}
int32_t MCPP_CALL reg_resource(const mcpp_registrar*, const mcpp_resource_desc*) { return MCPP_OK; }
int32_t MCPP_CALL reg_template(const mcpp_registrar* r, const mcpp_resource_template_desc* t) {
  reg_host(r)->templates.push_back({s(t->uri_template), s(t->name), t->read, t->user_data});
  return MCPP_OK;
}
int32_t MCPP_CALL reg_prompt(const mcpp_registrar* r, const mcpp_prompt_desc* p) {
  reg_host(r)->prompts[s(p->name)] = {s(p->name), s(p->arguments_json), p->get, p->user_data};
  return MCPP_OK;
}
int32_t MCPP_CALL reg_instructions(const mcpp_registrar* r, const char* text) {
  reg_host(r)->instructions = s(text);
  return MCPP_OK;
}
const char* MCPP_CALL reg_last_error(const mcpp_registrar*) { return ""; }

}  // namespace

extern "C" int32_t mcpp_plugin_negotiate(mcpp_negotiation*);

std::string Outcome::text() const {
  if (status != MCPP_OK) return error;
  std::string t;
  for (const auto& b : blocks)
    if (b.type == "text" || b.type == "contents_text") t += b.text;
  return t;
}

FakeHost::FakeHost(const std::string& config_json) {
  mcpp_negotiation n{};
  n.struct_size = sizeof n;
  n.host_abi_min = MCPP_ABI_VERSION_MIN;
  n.host_abi_max = MCPP_ABI_VERSION;
  if (mcpp_plugin_negotiate(&n) != MCPP_OK) throw std::runtime_error("negotiation failed");
  plugin_ = n.plugin;
  host_.struct_size = sizeof host_;
  host_.abi_version = MCPP_ABI_VERSION;
  host_.host_name = "fakehost";
  host_.host_version = "0.0.1";
  host_.host_data = this;
  host_.log = host_log;
  host_.notify_list_changed = host_notify;
  host_.notify_resource_updated = host_updated;
  host_.get_extension = host_ext;
  mcpp_init_params p{};
  p.struct_size = sizeof p;
  p.config_json = {config_json.data(), config_json.size()};
  p.alias = "";
  p.plugin_path = "libmcphost_filesystem.so";
  create_status_ = plugin_->create(&host_, &p, &instance_);
  if (create_status_ != MCPP_OK) return;
  mcpp_registrar reg{};
  reg.struct_size = sizeof reg;
  reg.registrar_data = this;
  reg.add_tool = reg_tool;
  reg.add_resource = reg_resource;
  reg.add_resource_template = reg_template;
  reg.add_prompt = reg_prompt;
  reg.set_instructions = reg_instructions;
  reg.last_error = reg_last_error;
  if (plugin_->register_capabilities(instance_, &reg) != MCPP_OK)
    throw std::runtime_error("register_capabilities failed");
}

FakeHost::~FakeHost() {
  if (instance_) plugin_->destroy(instance_);
}

Outcome FakeHost::call(const std::string& tool, const std::string& args, const CallOptions& opts) const {
  auto it = tools.find(tool);
  if (it == tools.end()) throw std::runtime_error("no tool " + tool);
  Outcome o;
  mcpp_call c = make_call(&o, &host_, opts);
  mcpp_result r = make_result(&o);
  o.status = it->second.call(it->second.user_data, &c, {args.data(), args.size()}, &r);
  return o;
}

Outcome FakeHost::read(const std::string& uri, const std::string& vars, const CallOptions& opts) const {
  Outcome o;
  mcpp_call c = make_call(&o, &host_, opts);
  mcpp_result r = make_result(&o);
  o.status = templates.at(0).read(templates.at(0).user_data, &c, uri.c_str(), {vars.data(), vars.size()}, &r);
  return o;
}

Outcome FakeHost::prompt(const std::string& name, const std::string& args, const CallOptions& opts) const {
  Outcome o;
  mcpp_call c = make_call(&o, &host_, opts);
  mcpp_result r = make_result(&o);
  const PromptInfo& p = prompts.at(name);
  o.status = p.get(p.user_data, &c, {args.data(), args.size()}, &r);
  return o;
}

std::string q(const std::string& str) {
  std::string o = "\"";
  for (char ch : str) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      o += '\\';
      o += ch;
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      o += buf;
    } else {
      o += ch;
    }
  }
  return o + "\"";
}

}  // namespace fstest
