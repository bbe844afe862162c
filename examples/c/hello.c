/* hello.c - the smallest complete mcphost plugin in plain C (docs/plugin-guide.md).
 * One tool, `hello`: its result is "Hello from C! arguments: <the arguments as JSON>". */
#include <mcphost/mcp_plugin.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* [worker] may run on several threads at once: no shared state here. */
static int32_t MCPP_CALL hello(void* ud, const mcpp_call* call, mcpp_str args, const mcpp_result* r) {
  (void)ud; (void)call;
  static const char prefix[] = "Hello from C! arguments: ";
  char* text = malloc(sizeof prefix + args.size);
  if (!text) return MCPP_ERR_INTERNAL;
  memcpy(text, prefix, sizeof prefix - 1);
  memcpy(text + sizeof prefix - 1, args.data, args.size);
  int32_t st = r->add_text(r, (mcpp_str){text, sizeof prefix - 1 + args.size});
  free(text); /* the host copied it before add_text returned */
  return st;
}
static int32_t MCPP_CALL create(const mcpp_host* h, const mcpp_init_params* p, void** inst) {
  (void)p; *inst = (void*)h; return MCPP_OK;
}
static int32_t MCPP_CALL reg(void* inst, const mcpp_registrar* reg) {
  (void)inst;
  mcpp_tool_desc t; memset(&t, 0, sizeof t);
  t.struct_size = sizeof t; t.name = "hello"; t.description = "Says hello and shows its arguments";
  t.input_schema_json = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}}}";
  t.call = hello;
  return reg->add_tool(reg, &t);
}
static void MCPP_CALL destroy(void* inst) { (void)inst; }
static const mcpp_plugin plugin = {sizeof plugin, MCPP_ABI_VERSION, "com.example.hello_c", "hello_c",
                                   "1.0.0", "Says hello (C example)", 0, create, reg, destroy, NULL};
MCPP_EXPORT int32_t MCPP_CALL mcpp_plugin_negotiate(mcpp_negotiation* n) {
  if (!n || n->host_abi_min > MCPP_ABI_VERSION || n->host_abi_max < MCPP_ABI_VERSION) return MCPP_ERR_VERSION;
  n->abi_version = MCPP_ABI_VERSION; n->plugin = &plugin; return MCPP_OK;
}
