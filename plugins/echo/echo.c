/* echo: the smallest useful plugin, in plain C. One tool, `echo`, whose
 * result is the `text` argument as its only text content. Tests and
 * benchmarks use it; it also shows a C plugin needs nothing but the header. */
#include <mcphost/mcp_plugin.h>

#include <stdlib.h>
#include <string.h>

/* Finds the string value of "text" in the arguments object. The host has
 * already validated the arguments against the input schema, so the object
 * has a string member "text"; this scanner only needs to decode escapes. */
static int find_text(mcpp_str args, char* out, size_t cap, size_t* out_len) {
  const char* p = args.data;
  const char* end = args.data + args.size;
  int depth = 0;
  while (p < end) {
    char c = *p;
    if (c == '{' || c == '[') {
      depth++;
      p++;
    } else if (c == '}' || c == ']') {
      depth--;
      p++;
    } else if (c == '"') {
      /* Read a string; if it is the key "text" at depth 1, read its value. */
      const char* s = ++p;
      while (p < end && *p != '"') p += (*p == '\\') ? 2 : 1;
      if (p >= end) return -1;
      size_t klen = (size_t)(p - s);
      p++;
      if (depth == 1 && klen == 4 && memcmp(s, "text", 4) == 0) {
        while (p < end && (*p == ' ' || *p == ':' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
        if (p >= end || *p != '"') return -1;
        p++;
        size_t n = 0;
        while (p < end && *p != '"') {
          char ch = *p++;
          if (ch == '\\' && p < end) {
            char e = *p++;
            switch (e) {
              case 'n': ch = '\n'; break;
              case 't': ch = '\t'; break;
              case 'r': ch = '\r'; break;
              case 'b': ch = '\b'; break;
              case 'f': ch = '\f'; break;
              case 'u': {
                /* Decode \uXXXX (with surrogate pairs) to UTF-8. */
                unsigned cp = 0;
                for (int i = 0; i < 4 && p < end; i++, p++) {
                  char h = *p;
                  cp = cp * 16 + (unsigned)(h <= '9' ? h - '0' : (h | 32) - 'a' + 10);
                }
                if (cp >= 0xD800 && cp < 0xDC00 && p + 6 <= end && p[0] == '\\' && p[1] == 'u') {
                  unsigned lo = 0;
                  for (int i = 2; i < 6; i++) {
                    char h = p[i];
                    lo = lo * 16 + (unsigned)(h <= '9' ? h - '0' : (h | 32) - 'a' + 10);
                  }
                  cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                  p += 6;
                }
                char buf[4];
                size_t k = 0;
                if (cp < 0x80) buf[k++] = (char)cp;
                else if (cp < 0x800) { buf[k++] = (char)(0xC0 | (cp >> 6)); buf[k++] = (char)(0x80 | (cp & 0x3F)); }
                else if (cp < 0x10000) { buf[k++] = (char)(0xE0 | (cp >> 12)); buf[k++] = (char)(0x80 | ((cp >> 6) & 0x3F)); buf[k++] = (char)(0x80 | (cp & 0x3F)); }
                else { buf[k++] = (char)(0xF0 | (cp >> 18)); buf[k++] = (char)(0x80 | ((cp >> 12) & 0x3F)); buf[k++] = (char)(0x80 | ((cp >> 6) & 0x3F)); buf[k++] = (char)(0x80 | (cp & 0x3F)); }
                if (n + k > cap) return -2;
                memcpy(out + n, buf, k);
                n += k;
                continue;
              }
              default: ch = e; break; /* \" \\ \/ */
            }
          }
          if (n >= cap) return -2;
          out[n++] = ch;
        }
        *out_len = n;
        return 0;
      }
    } else {
      p++;
    }
  }
  return -1;
}

static int32_t MCPP_CALL echo_call(void* user_data, const mcpp_call* call, mcpp_str args,
                                   const mcpp_result* result) {
  (void)user_data;
  /* Decoded text is never longer than its JSON form. Small texts use the
   * stack; anything larger is written straight from a second, exact buffer. */
  char small[4096];
  size_t len = 0;
  int rc = find_text(args, small, sizeof small, &len);
  if (rc == 0) return result->add_text(result, (mcpp_str){small, len});
  if (rc == -2) {
    /* Large text: decode into a heap buffer as big as the arguments. */
    char* big = (char*)malloc(args.size);
    if (!big) return MCPP_ERR_INTERNAL;
    rc = find_text(args, big, args.size, &len);
    int32_t st = rc == 0 ? result->add_text(result, (mcpp_str){big, len}) : MCPP_ERR_INVALID_ARGUMENT;
    free(big);
    return st;
  }
  static const char msg[] = "echo needs a string argument \"text\"";
  call->set_error_message(call, (mcpp_str){msg, sizeof msg - 1});
  return MCPP_ERR_INVALID_ARGUMENT;
}

static int32_t MCPP_CALL echo_create(const mcpp_host* host, const mcpp_init_params* params,
                                     void** instance) {
  (void)params;
  *instance = (void*)host; /* no state of its own; keep the host for logging */
  return MCPP_OK;
}

static int32_t MCPP_CALL echo_register(void* instance, const mcpp_registrar* reg) {
  (void)instance;
  mcpp_tool_desc tool;
  memset(&tool, 0, sizeof tool);
  tool.struct_size = sizeof tool;
  tool.name = "echo";
  tool.title = "Echo";
  tool.description = "Returns the given text unchanged, as the result's only text content.";
  tool.input_schema_json =
      "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\","
      "\"description\":\"The text to echo back\"}},\"required\":[\"text\"],"
      "\"additionalProperties\":false}";
  tool.annotations_json =
      "{\"readOnlyHint\":true,\"destructiveHint\":false,\"idempotentHint\":true,"
      "\"openWorldHint\":false}";
  tool.call = echo_call;
  return reg->add_tool(reg, &tool);
}

static void MCPP_CALL echo_destroy(void* instance) { (void)instance; }

static const mcpp_plugin echo_plugin = {
    sizeof(mcpp_plugin), MCPP_ABI_VERSION, "dev.mcphost.echo", "echo", "1.0.0",
    "Echoes text back; the reference C plugin.", 0u, echo_create, echo_register, echo_destroy,
    NULL};

MCPP_EXPORT int32_t MCPP_CALL mcpp_plugin_negotiate(mcpp_negotiation* n) {
  if (!n || n->struct_size < sizeof(mcpp_negotiation)) return MCPP_ERR_VERSION;
  if (n->host_abi_min > MCPP_ABI_VERSION || n->host_abi_max < MCPP_ABI_VERSION)
    return MCPP_ERR_VERSION;
  n->abi_version = MCPP_ABI_VERSION;
  n->plugin = &echo_plugin;
  return MCPP_OK;
}
