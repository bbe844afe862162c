/*
 * mcp_plugin.h - the mcphost plugin ABI (pure C99; stdint.h and stddef.h only).
 *
 * A plugin is a shared library that exports exactly one function,
 * mcpp_plugin_negotiate(). Through it the host and the plugin agree on an ABI
 * version, and the plugin hands back a static descriptor (mcpp_plugin) whose
 * functions the host calls to create an instance and to collect the tools,
 * resources, resource templates and prompts the instance offers.
 *
 * Conventions (they hold for every declaration below):
 *  1. Versions. MCPP_ABI_VERSION is an integer. Version N+1 is a strict
 *     superset of N: struct fields and table slots are only ever appended,
 *     never reordered, removed or retyped. A breaking change would get a new
 *     entry symbol, never a reinterpretation of this one.
 *  2. struct_size. Every struct crossing the boundary, in either direction,
 *     starts with `uint32_t struct_size`, set by whoever fills the struct to
 *     sizeof() as that side compiled it. Readers check a field with
 *     MCPP_HAS_FIELD before using it; writers zero-initialise the struct first.
 *  3. Tables. Function pointers may be NULL, meaning "not implemented", except
 *     where a slot is marked [required]. Optional feature sets are found by
 *     string id through get_extension (ids "mcpp.<name>/<rev>"; third parties
 *     use "com.vendor.<name>/<rev>").
 *  4. Ownership. Nothing is ever freed across the boundary.
 *     - Host -> plugin pointers are borrowed: valid until the call that received
 *       them returns (mcpp_host: until destroy() returns).
 *     - Plugin -> host data is copied by the host before the receiving call
 *       returns; the plugin may free or reuse its buffers right after.
 *     - Descriptor strings are NUL-terminated UTF-8. Payloads are mcpp_str /
 *       mcpp_bytes, whose size is authoritative (data need not end in NUL).
 *  5. Errors. Functions return int32_t status codes (MCPP_OK or a negative
 *     MCPP_ERR_*). A handler explains a failure with call->set_error_message.
 *     No C++ exception, longjmp or signal may leave a plugin function.
 *  6. Threads. Each declaration carries a tag:
 *     [main]        called by the host's lifecycle thread, never concurrently
 *                   with any other call into the same plugin instance;
 *     [worker]      called on host worker threads, possibly concurrently
 *                   (unless the plugin or the tool asks to be serialised);
 *     [thread-safe] a host service any thread may call, including threads the
 *                   plugin started (which it must join in destroy()).
 *  7. Types. Fixed-width integers only; booleans are uint8_t (0 or 1);
 *     enum-like values are int32_t constants, never C enums.
 */
#ifndef MCPHOST_MCP_PLUGIN_H
#define MCPHOST_MCP_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Versions, export and calling convention --------------------------- */

/** The ABI version this header describes. */
#define MCPP_ABI_VERSION 1
/** The oldest ABI version a host built from this header still serves. */
#define MCPP_ABI_VERSION_MIN 1
/** The name of the one exported entry function. */
#define MCPP_ENTRY_SYMBOL "mcpp_plugin_negotiate"

#if defined(_WIN32)
#define MCPP_EXPORT __declspec(dllexport)
#define MCPP_CALL __cdecl
#elif defined(__GNUC__)
#define MCPP_EXPORT __attribute__((visibility("default")))
#define MCPP_CALL
#else
#define MCPP_EXPORT
#define MCPP_CALL
#endif

/** True when the struct at `p` (of type T, as filled by the other side) is
 *  large enough to hold `field`. */
#define MCPP_HAS_FIELD(p, T, field) \
  ((p)->struct_size >= offsetof(T, field) + sizeof(((T*)0)->field))

/* ---- Status codes ------------------------------------------------------- */

#define MCPP_OK 0
#define MCPP_ERR_INVALID_ARGUMENT (-1) /* bad input: becomes an isError result or -32602 */
#define MCPP_ERR_NOT_FOUND (-2)        /* e.g. a resource that does not exist */
#define MCPP_ERR_CANCELLED (-3)        /* the handler saw is_cancelled() and stopped */
#define MCPP_ERR_TIMEOUT (-4)
#define MCPP_ERR_UNSUPPORTED (-5)      /* slot not valid for this kind of call */
#define MCPP_ERR_ALREADY_EXISTS (-6)   /* duplicate name or uri at registration */
#define MCPP_ERR_VERSION (-7)          /* no common ABI version */
#define MCPP_ERR_INTERNAL (-8)         /* anything else; becomes -32603 */
#define MCPP_ERR_INVALID_JSON (-9)     /* a JSON string given to the host did not parse or fit */
#define MCPP_ERR_TOO_LARGE (-10)       /* a result over the host's size limit */

/* ---- Log levels (the MCP/syslog levels) --------------------------------- */

#define MCPP_LOG_DEBUG 0
#define MCPP_LOG_INFO 1
#define MCPP_LOG_NOTICE 2
#define MCPP_LOG_WARNING 3
#define MCPP_LOG_ERROR 4
#define MCPP_LOG_CRITICAL 5
#define MCPP_LOG_ALERT 6
#define MCPP_LOG_EMERGENCY 7

/* ---- Buffers ------------------------------------------------------------ */

/** UTF-8 text with an explicit size; data need not be NUL-terminated. */
typedef struct mcpp_str {
  const char* data;
  size_t size;
} mcpp_str;

/** Raw bytes (images, audio, blobs): the host base64-encodes them. */
typedef struct mcpp_bytes {
  const uint8_t* data;
  size_t size;
} mcpp_bytes;

/* ---- Host services ------------------------------------------------------ */

/* Bits for notify_list_changed. */
#define MCPP_CHANGED_TOOLS 1u
#define MCPP_CHANGED_RESOURCES 2u
#define MCPP_CHANGED_PROMPTS 4u

/** Services the host offers a plugin instance. Owned by the host; valid from
 *  create() until destroy() returns. Every function is [thread-safe]. */
typedef struct mcpp_host {
  uint32_t struct_size;
  uint32_t abi_version;     /* the negotiated version */
  const char* host_name;    /* "mcphost" */
  const char* host_version; /* semver of the host */
  void* host_data;          /* host-private; plugins must not touch it */

  /** Log a line into the host's log (stderr), tagged with the plugin's alias. */
  void(MCPP_CALL* log)(const struct mcpp_host* host, int32_t level, mcpp_str message);

  /** Tell the host that the instance's capabilities changed (MCPP_CHANGED_*
   *  bits). The host later calls register_capabilities() again, on its
   *  lifecycle thread, with a fresh registrar, swaps in the new catalog and
   *  notifies clients. Never calls back into the plugin from inside. */
  void(MCPP_CALL* notify_list_changed)(const struct mcpp_host* host, uint32_t what);

  /** Tell subscribed clients that a resource changed (notifications/resources/updated). */
  void(MCPP_CALL* notify_resource_updated)(const struct mcpp_host* host, const char* uri);

  /** A host extension by id, or NULL when this host does not offer it. */
  const void*(MCPP_CALL* get_extension)(const struct mcpp_host* host, const char* id);
} mcpp_host;

/* ---- Per-call context --------------------------------------------------- */

/** Everything a handler knows about the request it serves. Owned by the
 *  host; valid until the handler returns. Functions are [thread-safe] and may
 *  be called from any thread while the handler runs (never after). */
typedef struct mcpp_call {
  uint32_t struct_size;
  void* call_data; /* host-private */

  const mcpp_host* host;
  /** "2026-07-28", "2025-11-25", ... as the client negotiated or claimed. */
  const char* protocol_version;
  /** The client's name from clientInfo, or "" when it sent none. */
  const char* client_name;
  /** The client's capabilities object as JSON ("{}" when none). */
  mcpp_str client_capabilities_json;
  /** The client's roots as a JSON array of {uri, name?}, or size 0 when the
   *  client has not shared any. */
  mcpp_str roots_json;
  /** On a repeated call after "input required": a JSON object mapping each
   *  input request key to the client's answer. Size 0 on a first call. */
  mcpp_str input_responses_json;
  /** On a repeated call: the state the handler set with set_request_state,
   *  checked by the host to be unmodified. Size 0 on a first call. */
  mcpp_str request_state;
  /** Milliseconds since the Unix epoch after which the host gives up on the
   *  call, or 0 when there is no deadline. */
  int64_t deadline_unix_ms;

  /** 1 once the client cancelled the request or the deadline passed. Long
   *  handlers poll this and return MCPP_ERR_CANCELLED. */
  uint8_t(MCPP_CALL* is_cancelled)(const struct mcpp_call* call);

  /** Report progress. total < 0 means unknown; message may be NULL. Sent to
   *  the client only when it asked for progress; progress must increase. */
  void(MCPP_CALL* progress)(const struct mcpp_call* call, double progress, double total,
                            const char* message);

  /** Log to the client (notifications/message, when its log level lets the
   *  line through) and to the host log. logger may be NULL. */
  void(MCPP_CALL* log)(const struct mcpp_call* call, int32_t level, const char* logger,
                       mcpp_str message);

  /** Explain a failing status: the host copies the text into the error the
   *  client sees. The last call wins. */
  void(MCPP_CALL* set_error_message)(const struct mcpp_call* call, mcpp_str message);
} mcpp_call;

/* ---- Result builder ----------------------------------------------------- */

/* Roles for prompt messages. */
#define MCPP_ROLE_USER 0
#define MCPP_ROLE_ASSISTANT 1

/** Where a handler writes its answer. Owned by the host; valid until the
 *  handler returns; use it only from the handler's thread. Each function
 *  copies its arguments and returns MCPP_OK, MCPP_ERR_INVALID_JSON (a JSON
 *  argument did not parse), MCPP_ERR_TOO_LARGE (the host's result size limit
 *  was reached), or MCPP_ERR_UNSUPPORTED (not valid for this kind of handler).
 *
 *  Which slots apply:
 *    tool handlers      content blocks, set_structured_json, set_is_error
 *    prompt handlers    set_role then content blocks (each block becomes one
 *                       message with the current role), set_description
 *    resource readers   add_text_contents, add_blob_contents
 *    all three          set_meta_json, require_input, set_request_state */
typedef struct mcpp_result {
  uint32_t struct_size;
  void* result_data; /* host-private */

  /* Content blocks. mime_type is required for images, audio and blobs. */
  int32_t(MCPP_CALL* add_text)(const struct mcpp_result* r, mcpp_str text);
  int32_t(MCPP_CALL* add_image)(const struct mcpp_result* r, const char* mime_type, mcpp_bytes data);
  int32_t(MCPP_CALL* add_audio)(const struct mcpp_result* r, const char* mime_type, mcpp_bytes data);
  /** A resource_link block; name is required, the rest may be NULL. */
  int32_t(MCPP_CALL* add_resource_link)(const struct mcpp_result* r, const char* uri,
                                        const char* name, const char* mime_type,
                                        const char* description);
  /** An embedded resource with text contents; mime_type may be NULL. */
  int32_t(MCPP_CALL* add_embedded_text)(const struct mcpp_result* r, const char* uri,
                                        const char* mime_type, mcpp_str text);
  /** An embedded resource with binary contents (base64-encoded by the host). */
  int32_t(MCPP_CALL* add_embedded_blob)(const struct mcpp_result* r, const char* uri,
                                        const char* mime_type, mcpp_bytes data);
  /** Any content block as a JSON object with a "type" (for fields this ABI
   *  version has no slot for, such as annotations). */
  int32_t(MCPP_CALL* add_content_json)(const struct mcpp_result* r, mcpp_str block_json);

  /** Tool only: structuredContent. The host checks it against the tool's
   *  outputSchema and, when no content block was added, adds its text. */
  int32_t(MCPP_CALL* set_structured_json)(const struct mcpp_result* r, mcpp_str json);
  /** Tool only: mark the result as a tool execution error (isError). */
  int32_t(MCPP_CALL* set_is_error)(const struct mcpp_result* r, uint8_t is_error);

  /** Prompt only: the role (MCPP_ROLE_*) for the following content blocks. */
  int32_t(MCPP_CALL* set_role)(const struct mcpp_result* r, int32_t role);
  /** Prompt only: the result's description. */
  int32_t(MCPP_CALL* set_description)(const struct mcpp_result* r, mcpp_str description);

  /** Resource only: one text contents entry; uri NULL means the uri read. */
  int32_t(MCPP_CALL* add_text_contents)(const struct mcpp_result* r, const char* uri,
                                        const char* mime_type, mcpp_str text);
  /** Resource only: one blob contents entry (base64-encoded by the host). */
  int32_t(MCPP_CALL* add_blob_contents)(const struct mcpp_result* r, const char* uri,
                                        const char* mime_type, mcpp_bytes data);

  /** The result's _meta object. */
  int32_t(MCPP_CALL* set_meta_json)(const struct mcpp_result* r, mcpp_str json);

  /** Ask the client for input instead of answering (multi round-trip).
   *  key names the request (unique per answer); method is
   *  "elicitation/create", "sampling/createMessage" or "roots/list";
   *  params_json is that method's params object. When the handler returns
   *  MCPP_OK after one or more require_input calls, the host obtains the
   *  answers and calls the handler again with call->input_responses_json and
   *  call->request_state set. Content added in the same call is discarded. */
  int32_t(MCPP_CALL* require_input)(const struct mcpp_result* r, const char* key,
                                    const char* method, mcpp_str params_json);
  /** Opaque state handed back on the repeated call (integrity-protected by
   *  the host, not secret from the client: do not put secrets in it). */
  int32_t(MCPP_CALL* set_request_state)(const struct mcpp_result* r, mcpp_str state);
} mcpp_result;

/* ---- Handlers ----------------------------------------------------------- */

/** [worker] A tool call. arguments_json is the arguments object, already
 *  checked against the input schema's draft-04 keywords. Return MCPP_OK with
 *  content (set_is_error marks a failure the model should see), or an error
 *  status: every failing status becomes a result with isError:true carrying
 *  the set_error_message text, so the model can read it and adjust. A result
 *  the host cannot accept (invalid JSON given to a slot, structuredContent
 *  that breaks the outputSchema) becomes JSON-RPC -32603. */
typedef int32_t(MCPP_CALL* mcpp_tool_fn)(void* user_data, const mcpp_call* call,
                                         mcpp_str arguments_json, const mcpp_result* result);

/** [worker] A prompts/get. arguments_json is an object of string values,
 *  already checked for the prompt's required arguments. MCPP_ERR_INVALID_ARGUMENT
 *  becomes JSON-RPC -32602, any other failing status -32603. */
typedef int32_t(MCPP_CALL* mcpp_prompt_fn)(void* user_data, const mcpp_call* call,
                                           mcpp_str arguments_json, const mcpp_result* result);

/** [worker] A resources/read. For a template, variables_json holds the values
 *  extracted from the uri ({"path":"a/b.txt"}); for a static resource "{}".
 *  Return MCPP_ERR_NOT_FOUND when the uri names nothing. */
typedef int32_t(MCPP_CALL* mcpp_resource_fn)(void* user_data, const mcpp_call* call,
                                             const char* uri, mcpp_str variables_json,
                                             const mcpp_result* result);

/* ---- Capability descriptors (plugin -> host, copied by the host) -------- */

/* mcpp_tool_desc.flags */
#define MCPP_TOOL_SERIAL 1u /* never run two calls of this tool at once */

/** A tool. name, description, input_schema_json and call are [required]; the
 *  *_json fields are JSON texts or NULL. */
typedef struct mcpp_tool_desc {
  uint32_t struct_size;
  const char* name;              /* [A-Za-z0-9_.-]{1,128} (MCP 2025-11-25) */
  const char* title;
  const char* description;
  const char* input_schema_json; /* an object schema: {"type":"object",...} */
  const char* output_schema_json;
  const char* annotations_json;  /* {"readOnlyHint":true,...} */
  const char* icons_json;        /* [{"src":...,"mimeType":...}] */
  const char* meta_json;         /* the tool's _meta */
  const char* execution_json;    /* the tool's execution object */
  uint32_t flags;                /* MCPP_TOOL_* */
  mcpp_tool_fn call;
  void* user_data;
} mcpp_tool_desc;

/** A static resource. uri, name and read are [required]. */
typedef struct mcpp_resource_desc {
  uint32_t struct_size;
  const char* uri;
  const char* name;
  const char* title;
  const char* description;
  const char* mime_type;
  int64_t size; /* bytes, or -1 when unknown. NOTE: a zeroed struct says 0
                   bytes; set -1 when the size is not known. */
  const char* annotations_json;
  const char* icons_json;
  const char* meta_json;
  mcpp_resource_fn read;
  void* user_data;
} mcpp_resource_desc;

/** A resource template (RFC 6570 level 1 and 2: {var} and {+var}).
 *  uri_template, name and read are [required]. */
typedef struct mcpp_resource_template_desc {
  uint32_t struct_size;
  const char* uri_template;
  const char* name;
  const char* title;
  const char* description;
  const char* mime_type;
  const char* annotations_json;
  const char* icons_json;
  const char* meta_json;
  mcpp_resource_fn read;
  void* user_data;
} mcpp_resource_template_desc;

/** A prompt. name and get are [required]. arguments_json is a JSON array of
 *  {"name", "title"?, "description"?, "required"?}. */
typedef struct mcpp_prompt_desc {
  uint32_t struct_size;
  const char* name;
  const char* title;
  const char* description;
  const char* arguments_json;
  const char* icons_json;
  const char* meta_json;
  mcpp_prompt_fn get;
  void* user_data;
} mcpp_prompt_desc;

/** Where register_capabilities() declares what the instance offers. Owned by
 *  the host; valid until register_capabilities returns. [main]
 *  Each add_* validates and copies the descriptor; on failure it returns an
 *  error status and last_error() says why. */
typedef struct mcpp_registrar {
  uint32_t struct_size;
  void* registrar_data; /* host-private */

  int32_t(MCPP_CALL* add_tool)(const struct mcpp_registrar* reg, const mcpp_tool_desc* tool);
  int32_t(MCPP_CALL* add_resource)(const struct mcpp_registrar* reg, const mcpp_resource_desc* res);
  int32_t(MCPP_CALL* add_resource_template)(const struct mcpp_registrar* reg,
                                            const mcpp_resource_template_desc* tmpl);
  int32_t(MCPP_CALL* add_prompt)(const struct mcpp_registrar* reg, const mcpp_prompt_desc* prompt);
  /** Text the host adds to the server's instructions. */
  int32_t(MCPP_CALL* set_instructions)(const struct mcpp_registrar* reg, const char* text);
  /** Why the last add_* failed (host-owned; valid until the next call). */
  const char*(MCPP_CALL* last_error)(const struct mcpp_registrar* reg);
} mcpp_registrar;

/* ---- The plugin ---------------------------------------------------------- */

/** What the host passes to create(). Borrowed until create() returns. */
typedef struct mcpp_init_params {
  uint32_t struct_size;
  /** The plugin's `config:` subtree from the host's YAML, as a JSON object,
   *  with ${ENV_VAR} references already expanded. "{}" when none. */
  mcpp_str config_json;
  /** The alias the operator gave this instance ("" when unprefixed). */
  const char* alias;
  /** The path the plugin's file was loaded from. */
  const char* plugin_path;
} mcpp_init_params;

/* mcpp_plugin.flags */
#define MCPP_PLUGIN_SERIAL 1u /* never run two handlers of this plugin at once */

/** The plugin's static descriptor, returned by negotiation. Owned by the
 *  plugin; valid until the library is unloaded. */
typedef struct mcpp_plugin {
  uint32_t struct_size;
  uint32_t abi_version;    /* the version this descriptor was built for */
  const char* id;          /* reverse-DNS, e.g. "dev.mcphost.echo" */
  const char* name;        /* short name, the default alias: "echo" */
  const char* version;     /* the plugin's semver */
  const char* description;
  uint32_t flags;          /* MCPP_PLUGIN_* */

  /** [main][required] Make an instance. Only host->log may be called inside.
   *  Return MCPP_OK and set *instance, or an error (explained through log). */
  int32_t(MCPP_CALL* create)(const mcpp_host* host, const mcpp_init_params* params,
                             void** instance);
  /** [main][required] Declare the instance's capabilities. Called after
   *  create() and again after each notify_list_changed(). */
  int32_t(MCPP_CALL* register_capabilities)(void* instance, const mcpp_registrar* registrar);
  /** [main][required] Release the instance; no handler runs during or after. */
  void(MCPP_CALL* destroy)(void* instance);
  /** [thread-safe] A plugin extension by id, or NULL. */
  const void*(MCPP_CALL* get_extension)(void* instance, const char* id);
} mcpp_plugin;

/** Filled by both sides in mcpp_plugin_negotiate(). */
typedef struct mcpp_negotiation {
  uint32_t struct_size;
  uint32_t host_abi_min;      /* in: oldest version the host serves */
  uint32_t host_abi_max;      /* in: newest version the host serves */
  uint32_t abi_version;       /* out: the version the plugin picked */
  const mcpp_plugin* plugin;  /* out: the plugin's static descriptor */
} mcpp_negotiation;

/** The entry point, the one symbol a plugin exports. [main]
 *  Pick the highest ABI version in [host_abi_min, host_abi_max] the plugin
 *  supports, write abi_version and plugin, return MCPP_OK; or return
 *  MCPP_ERR_VERSION when there is none (the host then ignores the out fields). Pure: no threads, no I/O, no host
 *  calls (the host may negotiate just to inspect a plugin). */
typedef int32_t(MCPP_CALL* mcpp_negotiate_fn)(mcpp_negotiation* negotiation);

#ifndef MCPP_HOST_SIDE
/** Each plugin defines this function; the declaration makes sure the
 *  definition has the exported, C-linkage signature the host looks for. */
MCPP_EXPORT int32_t MCPP_CALL mcpp_plugin_negotiate(mcpp_negotiation* negotiation);
#endif

#ifdef __cplusplus
}
#endif

#endif /* MCPHOST_MCP_PLUGIN_H */
