/* first_abi_plugin.c - a plugin built against the first ABI 1 header
 * (mcphost/mcp_plugin.h in this folder), whose prompt and resource-template
 * descriptors and result table are shorter than today's. Today's host must
 * load it and serve:
 *   tool     v1_echo   {text} -> "v1:" + the arguments JSON
 *   prompt   v1_prompt {topic} -> one user message "Tell me about <args>"
 *   template v1://{name} -> text "v1 resource <variables JSON>"  */
#include <mcphost/mcp_plugin.h>

#include <stdlib.h>
#include <string.h>

static int32_t prefixed(const mcpp_result* r, const char* prefix, mcpp_str rest, int contents,
                        const char* uri) {
  size_t n = strlen(prefix);
  char* text = malloc(n + rest.size + 1);
  int32_t st;
  if (!text) return MCPP_ERR_INTERNAL;
  memcpy(text, prefix, n);
  memcpy(text + n, rest.data, rest.size);
  if (contents) {
    mcpp_str s;
    s.data = text;
    s.size = n + rest.size;
    st = r->add_text_contents(r, uri, "text/plain", s);
  } else {
    mcpp_str s;
    s.data = text;
    s.size = n + rest.size;
    st = r->add_text(r, s);
  }
  free(text);
  return st;
}

static int32_t MCPP_CALL v1_echo(void* ud, const mcpp_call* call, mcpp_str args, const mcpp_result* r) {
  (void)ud;
  (void)call;
  return prefixed(r, "v1:", args, 0, NULL);
}

static int32_t MCPP_CALL v1_prompt(void* ud, const mcpp_call* call, mcpp_str args, const mcpp_result* r) {
  int32_t st;
  (void)ud;
  (void)call;
  st = r->set_role(r, MCPP_ROLE_USER);
  return st != MCPP_OK ? st : prefixed(r, "Tell me about ", args, 0, NULL);
}

static int32_t MCPP_CALL v1_read(void* ud, const mcpp_call* call, const char* uri, mcpp_str vars,
                                 const mcpp_result* r) {
  (void)ud;
  (void)call;
  return prefixed(r, "v1 resource ", vars, 1, uri);
}

static int32_t MCPP_CALL create(const mcpp_host* h, const mcpp_init_params* p, void** inst) {
  (void)p;
  *inst = (void*)h;
  return MCPP_OK;
}

static int32_t MCPP_CALL reg(void* inst, const mcpp_registrar* reg) {
  mcpp_tool_desc t;
  mcpp_prompt_desc p;
  mcpp_resource_template_desc rt;
  int32_t st;
  (void)inst;
  memset(&t, 0, sizeof t);
  t.struct_size = sizeof t;
  t.name = "v1_echo";
  t.description = "Echoes its arguments (built against the first ABI 1 header)";
  t.input_schema_json = "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}}}";
  t.call = v1_echo;
  /* Each add_* that the host refuses is logged and listed by `mcp-host
   * inspect`; the plugin goes on, so the test sees each refusal apart. */
  st = reg->add_tool(reg, &t);
  memset(&p, 0, sizeof p);
  p.struct_size = sizeof p; /* shorter than today's: no `complete` slot */
  p.name = "v1_prompt";
  p.description = "A prompt from the first ABI";
  p.arguments_json = "[{\"name\":\"topic\",\"required\":true}]";
  p.get = v1_prompt;
  st |= reg->add_prompt(reg, &p);
  memset(&rt, 0, sizeof rt);
  rt.struct_size = sizeof rt; /* shorter than today's: no `complete` slot */
  rt.uri_template = "v1://{name}";
  rt.name = "v1_item";
  rt.mime_type = "text/plain";
  rt.read = v1_read;
  st |= reg->add_resource_template(reg, &rt);
  (void)st;
  return MCPP_OK;
}

static void MCPP_CALL destroy(void* inst) { (void)inst; }

static const mcpp_plugin plugin = {sizeof plugin, MCPP_ABI_VERSION, "dev.mcphost.test.first_abi", "first_abi",
                                   "1.0.0", "Built against the first ABI 1 header", 0u, create, reg, destroy,
                                   NULL};

MCPP_EXPORT int32_t MCPP_CALL mcpp_plugin_negotiate(mcpp_negotiation* n) {
  if (!n || n->host_abi_min > MCPP_ABI_VERSION || n->host_abi_max < MCPP_ABI_VERSION) return MCPP_ERR_VERSION;
  n->abi_version = MCPP_ABI_VERSION;
  n->plugin = &plugin;
  return MCPP_OK;
}
