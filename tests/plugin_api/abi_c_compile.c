/* abi_c_compile.c - builds mcp_plugin.h as strict C99 (-std=c99 -pedantic
 * -Werror) and pins its layout, so an accidental reorder, retype or removal
 * of a field fails the build instead of breaking every compiled plugin.
 * Appending a field in a new ABI version changes that struct's sizeof: update
 * the pin in the same change (that is the point of the pin).
 *
 * C99 has no _Static_assert, hence the negative-array-size trick: the typedef
 * is ill-formed when the condition is false. */
#include <mcphost/mcp_plugin.h>

#include <stddef.h>
#include <stdint.h>

#define ABI_CHECK(name, cond) typedef char abi_check_##name[(cond) ? 1 : -1]

/* Every struct starts with uint32_t struct_size at offset 0 (convention 2). */
#define ABI_STRUCT_SIZE_FIRST(T)                                   \
  ABI_CHECK(T##_struct_size_at_0, offsetof(T, struct_size) == 0); \
  ABI_CHECK(T##_struct_size_is_u32, sizeof(((T*)0)->struct_size) == sizeof(uint32_t))

ABI_STRUCT_SIZE_FIRST(mcpp_host);
ABI_STRUCT_SIZE_FIRST(mcpp_call);
ABI_STRUCT_SIZE_FIRST(mcpp_result);
ABI_STRUCT_SIZE_FIRST(mcpp_tool_desc);
ABI_STRUCT_SIZE_FIRST(mcpp_resource_desc);
ABI_STRUCT_SIZE_FIRST(mcpp_resource_template_desc);
ABI_STRUCT_SIZE_FIRST(mcpp_prompt_desc);
ABI_STRUCT_SIZE_FIRST(mcpp_registrar);
ABI_STRUCT_SIZE_FIRST(mcpp_init_params);
ABI_STRUCT_SIZE_FIRST(mcpp_plugin);
ABI_STRUCT_SIZE_FIRST(mcpp_negotiation);

/* Status codes, levels, roles and flags are ABI too. */
ABI_CHECK(abi_version, MCPP_ABI_VERSION == 1 && MCPP_ABI_VERSION_MIN == 1);
ABI_CHECK(status_codes, MCPP_OK == 0 && MCPP_ERR_INVALID_ARGUMENT == -1 &&
                            MCPP_ERR_NOT_FOUND == -2 && MCPP_ERR_CANCELLED == -3 &&
                            MCPP_ERR_TIMEOUT == -4 && MCPP_ERR_UNSUPPORTED == -5 &&
                            MCPP_ERR_ALREADY_EXISTS == -6 && MCPP_ERR_VERSION == -7 &&
                            MCPP_ERR_INTERNAL == -8 && MCPP_ERR_INVALID_JSON == -9 &&
                            MCPP_ERR_TOO_LARGE == -10);
ABI_CHECK(log_levels, MCPP_LOG_DEBUG == 0 && MCPP_LOG_INFO == 1 && MCPP_LOG_WARNING == 3 &&
                          MCPP_LOG_ERROR == 4 && MCPP_LOG_EMERGENCY == 7);
ABI_CHECK(roles, MCPP_ROLE_USER == 0 && MCPP_ROLE_ASSISTANT == 1);
ABI_CHECK(flags, MCPP_CHANGED_TOOLS == 1u && MCPP_CHANGED_RESOURCES == 2u &&
                     MCPP_CHANGED_PROMPTS == 4u && MCPP_PLUGIN_SERIAL == 1u &&
                     MCPP_TOOL_SERIAL == 1u);

/* MCPP_HAS_FIELD compiles in C and means "struct_size covers the field". */
static const mcpp_negotiation abi_short_negotiation = {12u, 1u, 1u, 0u, NULL};
ABI_CHECK(has_field_expr,
          sizeof(MCPP_HAS_FIELD(&abi_short_negotiation, mcpp_negotiation, plugin)) > 0);
const mcpp_negotiation* abi_c_compile_anchor(void);
const mcpp_negotiation* abi_c_compile_anchor(void) { return &abi_short_negotiation; }

/* ---- LP64 (x86_64, aarch64): exact offsets and sizes -------------------- */
#if (defined(__x86_64__) || defined(__aarch64__)) && defined(__LP64__)

#define ABI_AT(T, field, off) ABI_CHECK(T##_##field##_at_##off, offsetof(T, field) == (off))
#define ABI_SIZE(T, size) ABI_CHECK(T##_size_##size, sizeof(T) == (size))

ABI_SIZE(mcpp_str, 16);
ABI_AT(mcpp_str, size, 8);
ABI_SIZE(mcpp_bytes, 16);
ABI_AT(mcpp_bytes, size, 8);

ABI_AT(mcpp_host, abi_version, 4);
ABI_AT(mcpp_host, host_name, 8);
ABI_AT(mcpp_host, host_data, 24);
ABI_AT(mcpp_host, log, 32);
ABI_AT(mcpp_host, notify_list_changed, 40);
ABI_AT(mcpp_host, notify_resource_updated, 48);
ABI_AT(mcpp_host, get_extension, 56);
ABI_SIZE(mcpp_host, 64);

ABI_AT(mcpp_call, call_data, 8);
ABI_AT(mcpp_call, host, 16);
ABI_AT(mcpp_call, protocol_version, 24);
ABI_AT(mcpp_call, client_name, 32);
ABI_AT(mcpp_call, client_capabilities_json, 40);
ABI_AT(mcpp_call, roots_json, 56);
ABI_AT(mcpp_call, input_responses_json, 72);
ABI_AT(mcpp_call, request_state, 88);
ABI_AT(mcpp_call, deadline_unix_ms, 104);
ABI_AT(mcpp_call, is_cancelled, 112);
ABI_AT(mcpp_call, progress, 120);
ABI_AT(mcpp_call, log, 128);
ABI_AT(mcpp_call, set_error_message, 136);
ABI_SIZE(mcpp_call, 144);

ABI_AT(mcpp_result, result_data, 8);
ABI_AT(mcpp_result, add_text, 16);
ABI_AT(mcpp_result, add_image, 24);
ABI_AT(mcpp_result, add_content_json, 64);
ABI_AT(mcpp_result, set_structured_json, 72);
ABI_AT(mcpp_result, set_is_error, 80);
ABI_AT(mcpp_result, set_role, 88);
ABI_AT(mcpp_result, add_text_contents, 104);
ABI_AT(mcpp_result, set_meta_json, 120);
ABI_AT(mcpp_result, require_input, 128);
ABI_AT(mcpp_result, set_request_state, 136);
ABI_AT(mcpp_result, add_completion, 144);
ABI_AT(mcpp_result, set_completion_info, 152);
ABI_SIZE(mcpp_result, 160);

ABI_AT(mcpp_tool_desc, name, 8);
ABI_AT(mcpp_tool_desc, input_schema_json, 32);
ABI_AT(mcpp_tool_desc, output_schema_json, 40);
ABI_AT(mcpp_tool_desc, execution_json, 72);
ABI_AT(mcpp_tool_desc, flags, 80);
ABI_AT(mcpp_tool_desc, call, 88);
ABI_AT(mcpp_tool_desc, user_data, 96);
ABI_SIZE(mcpp_tool_desc, 104);

ABI_AT(mcpp_resource_desc, uri, 8);
ABI_AT(mcpp_resource_desc, mime_type, 40);
ABI_AT(mcpp_resource_desc, size, 48);
ABI_AT(mcpp_resource_desc, read, 80);
ABI_AT(mcpp_resource_desc, user_data, 88);
ABI_SIZE(mcpp_resource_desc, 96);

ABI_AT(mcpp_resource_template_desc, uri_template, 8);
ABI_AT(mcpp_resource_template_desc, read, 72);
ABI_AT(mcpp_resource_template_desc, user_data, 80);
ABI_AT(mcpp_resource_template_desc, complete, 88);
ABI_SIZE(mcpp_resource_template_desc, 96);

ABI_AT(mcpp_prompt_desc, name, 8);
ABI_AT(mcpp_prompt_desc, arguments_json, 32);
ABI_AT(mcpp_prompt_desc, get, 56);
ABI_AT(mcpp_prompt_desc, user_data, 64);
ABI_AT(mcpp_prompt_desc, complete, 72);
ABI_SIZE(mcpp_prompt_desc, 80);

ABI_AT(mcpp_registrar, registrar_data, 8);
ABI_AT(mcpp_registrar, add_tool, 16);
ABI_AT(mcpp_registrar, add_resource, 24);
ABI_AT(mcpp_registrar, add_resource_template, 32);
ABI_AT(mcpp_registrar, add_prompt, 40);
ABI_AT(mcpp_registrar, set_instructions, 48);
ABI_AT(mcpp_registrar, last_error, 56);
ABI_SIZE(mcpp_registrar, 64);

ABI_AT(mcpp_init_params, config_json, 8);
ABI_AT(mcpp_init_params, alias, 24);
ABI_AT(mcpp_init_params, plugin_path, 32);
ABI_SIZE(mcpp_init_params, 40);

ABI_AT(mcpp_plugin, abi_version, 4);
ABI_AT(mcpp_plugin, id, 8);
ABI_AT(mcpp_plugin, description, 32);
ABI_AT(mcpp_plugin, flags, 40);
ABI_AT(mcpp_plugin, create, 48);
ABI_AT(mcpp_plugin, register_capabilities, 56);
ABI_AT(mcpp_plugin, destroy, 64);
ABI_AT(mcpp_plugin, get_extension, 72);
ABI_SIZE(mcpp_plugin, 80);

ABI_AT(mcpp_negotiation, host_abi_min, 4);
ABI_AT(mcpp_negotiation, host_abi_max, 8);
ABI_AT(mcpp_negotiation, abi_version, 12);
ABI_AT(mcpp_negotiation, plugin, 16);
ABI_SIZE(mcpp_negotiation, 24);

#endif
