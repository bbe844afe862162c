// fixtures.hpp - the conformance fixtures, grouped by what they exercise.
// Every text, name, URI and mime type below is the one the official
// conformance suites (@modelcontextprotocol/conformance 0.1.16 and
// 0.2.0-alpha.12) ask for in their scenario descriptions; README.md lists
// them with the scenario that uses each.
#pragma once

#include <mcphost/mcp_plugin.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace conformance {

/* ---- Shared media --------------------------------------------------------- */

/** The suites' 1x1 red PNG, as bytes (the host base64-encodes them back to
 *  kPngBase64 exactly). */
const std::vector<unsigned char>& PngBytes();
/** The suites' minimal WAV file, as bytes. */
const std::vector<unsigned char>& WavBytes();

/* ---- Helpers shared by the handlers ---------------------------------------- */

/** Sleeps `ms` milliseconds in small steps; throws mcpp::Cancelled once the
 *  call is cancelled (so a cancelled call stops promptly). */
void Pause(const mcpp::Call& call, int ms);

/** params of a form-mode elicitation/create. */
std::string FormElicitation(std::string_view message, std::string_view requested_schema_json);

/** params of a sampling/createMessage with one user text message. */
std::string SamplingRequest(std::string_view text, int max_tokens);

/* ---- Registration (called from register_capabilities, [main]) -------------- */

/** Content, error, notification and legacy server-request tools, the JSON
 *  Schema 2020-12 tool and the x-mcp-header tool. test_simple_text is the
 *  first tool listed (the 2026 header-validation scenario calls tools[0]
 *  with empty arguments). */
void RegisterTools(mcpp::Registrar& reg);
/** The server-stateless (SEP-2575) diagnostic tools; `host` is the
 *  instance's (the list-change triggers call its notify_list_changed). */
void RegisterDiagnosticTools(mcpp::Registrar& reg, const mcpp::Host& host);
/** test_trigger_resource_update: reports a resource update through `host`
 *  (the instance's), for the hosts' resource subscription tests. */
void RegisterSubscriptionTools(mcpp::Registrar& reg, const mcpp::Host& host);
/** The input-required (SEP-2322, multi round-trip) tools and prompt. */
void RegisterInputRequiredFixtures(mcpp::Registrar& reg);
/** The tasks fixtures (greet, slow_compute, failing_job, protocol_error_job,
 *  confirm_delete, multi_input, test_tool_with_task). */
void RegisterTaskFixtures(mcpp::Registrar& reg);
/** Static resources and the resource template. */
void RegisterResources(mcpp::Registrar& reg);
/** Prompts (with the completer of test_prompt_with_arguments). */
void RegisterPrompts(mcpp::Registrar& reg);

}  // namespace conformance
