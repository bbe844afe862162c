/* shout: a third-party plugin built against the installed mcphost package.
 * One tool, `shout` ({"text": string}), whose result is the text upper-cased
 * (ASCII letters only; other bytes, such as UTF-8 sequences, pass through). */
#include <mcphost/mcp_plugin.h>

#include <stdlib.h>
#include <string.h>

static int hex_value(char h) {
  if (h >= '0' && h <= '9') return h - '0';
  if (h >= 'a' && h <= 'f') return h - 'a' + 10;
  if (h >= 'A' && h <= 'F') return h - 'A' + 10;
  return -1;
}

/* Writes code point cp as UTF-8 into out; returns the number of bytes. */
static size_t put_utf8(unsigned cp, char* out) {
  if (cp < 0x80) { out[0] = (char)cp; return 1; }
  if (cp < 0x800) {
    out[0] = (char)(0xC0 | (cp >> 6));
    out[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  out[0] = (char)(0xE0 | (cp >> 12));
  out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
  out[2] = (char)(0x80 | (cp & 0x3F));
  return 3;
}

/* Finds the top-level "text" string in the (schema-checked) arguments object
 * and decodes it into out (at least args.size bytes). Returns its length, or
 * -1 when there is none. */
static long decode_text(mcpp_str args, char* out) {
  const char* p = args.data;
  const char* end = args.data + args.size;
  int depth = 0;
  while (p < end) {
    char c = *p;
    if (c == '{' || c == '[') { depth++; p++; continue; }
    if (c == '}' || c == ']') { depth--; p++; continue; }
    if (c != '"') { p++; continue; }
    const char* key = ++p;
    while (p < end && *p != '"') p += (*p == '\\') ? 2 : 1;
    if (p >= end) return -1;
    size_t key_len = (size_t)(p - key);
    p++;
    if (depth != 1 || key_len != 4 || memcmp(key, "text", 4) != 0) continue;
    while (p < end && (*p == ' ' || *p == ':' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
    if (p >= end || *p != '"') return -1;
    p++;
    size_t n = 0;
    while (p < end && *p != '"') {
      char ch = *p++;
      if (ch != '\\' || p >= end) { out[n++] = ch; continue; }
      char e = *p++;
      switch (e) {
        case 'n': out[n++] = '\n'; break;
        case 't': out[n++] = '\t'; break;
        case 'r': out[n++] = '\r'; break;
        case 'b': out[n++] = '\b'; break;
        case 'f': out[n++] = '\f'; break;
        case 'u': {
          unsigned cp = 0;
          for (int i = 0; i < 4; i++) {
            int v = p < end ? hex_value(*p++) : -1;
            if (v < 0) return -1;
            cp = cp * 16 + (unsigned)v;
          }
          n += put_utf8(cp, out + n); /* \uXXXX is 6 bytes, at most 3 out */
          break;
        }
        default: out[n++] = e; break; /* \" \\ \/ */
      }
    }
    return (long)n;
  }
  return -1;
}

static int32_t MCPP_CALL shout_call(void* user_data, const mcpp_call* call, mcpp_str args,
                                    const mcpp_result* result) {
  (void)user_data;
  char* buf = (char*)malloc(args.size + 1);
  if (!buf) return MCPP_ERR_INTERNAL;
  long len = decode_text(args, buf);
  if (len < 0) {
    free(buf);
    static const char msg[] = "shout needs a string argument \"text\"";
    call->set_error_message(call, (mcpp_str){msg, sizeof msg - 1});
    return MCPP_ERR_INVALID_ARGUMENT;
  }
  for (long i = 0; i < len; i++)
    if (buf[i] >= 'a' && buf[i] <= 'z') buf[i] = (char)(buf[i] - 'a' + 'A');
  int32_t st = result->add_text(result, (mcpp_str){buf, (size_t)len});
  free(buf);
  return st;
}

static int32_t MCPP_CALL shout_create(const mcpp_host* host, const mcpp_init_params* params,
                                      void** instance) {
  (void)params;
  *instance = (void*)host;
  return MCPP_OK;
}

static int32_t MCPP_CALL shout_register(void* instance, const mcpp_registrar* reg) {
  (void)instance;
  mcpp_tool_desc tool;
  memset(&tool, 0, sizeof tool);
  tool.struct_size = sizeof tool;
  tool.name = "shout";
  tool.title = "Shout";
  tool.description = "Returns the given text in upper case.";
  tool.input_schema_json =
      "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}},"
      "\"required\":[\"text\"],\"additionalProperties\":false}";
  tool.call = shout_call;
  return reg->add_tool(reg, &tool);
}

static void MCPP_CALL shout_destroy(void* instance) { (void)instance; }

static const mcpp_plugin shout_plugin = {
    sizeof(mcpp_plugin), MCPP_ABI_VERSION, "com.example.shout", "shout", "0.1.0",
    "A third-party example plugin: upper-cases text.", 0u, shout_create, shout_register,
    shout_destroy, NULL};

MCPP_EXPORT int32_t MCPP_CALL mcpp_plugin_negotiate(mcpp_negotiation* n) {
  if (!n || n->struct_size < sizeof(mcpp_negotiation)) return MCPP_ERR_VERSION;
  if (n->host_abi_min > MCPP_ABI_VERSION || n->host_abi_max < MCPP_ABI_VERSION) return MCPP_ERR_VERSION;
  n->abi_version = MCPP_ABI_VERSION;
  n->plugin = &shout_plugin;
  return MCPP_OK;
}
