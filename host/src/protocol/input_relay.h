// input_relay.h - a handler's requests for client input, in both eras.
//
// A plugin handler that needs something from the client (an elicitation, a
// sampling, the roots) answers "input required" (result->require_input) and
// may keep a state (result->set_request_state). The host then:
//  - modern clients (2026-07-28, MRTR): answers with an InputRequiredResult
//    whose requestState is the plugin's state sealed for this request
//    (request_state_seal.h); the client retries with a new id, the same
//    params, inputResponses and the requestState. ReadModernRetry checks
//    what it brought back and hands it to the handler.
//  - legacy clients (2025-11-25 and earlier): sends the requests itself, as
//    JSON-RPC requests on the request's own stream (stdio: the pipe; HTTP:
//    the POST's SSE stream), awaits the answers without holding a thread
//    (RelayToClient), and calls the handler again with them.
// Either way only the kinds of input the client declared may be asked for
// (MissingCapabilities). Errors are values: an Answer or a Status.
// Thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "plugins/call_context.h"
#include "plugins/result_builder.h"
#include "protocol/methods.h"
#include "protocol/request_state_seal.h"
#include "util/result.h"

namespace mcph {

// What one round of a handler asked of a legacy client.
struct InputAsk {
  std::vector<InputRequest> requests;
  std::string request_state;  // the plugin's, kept by the host (legacy state never leaves it)
  // The round already claimed the request's answer (CallContext::ClaimAnswer),
  // e.g. to count a tool call exactly once.
  bool claimed = false;
};

// The client capabilities `requests` need that `client_capabilities_json`
// does not declare, as the JSON object of -32021's data.requiredCapabilities
// ("" when nothing is missing); `names` gets them as readable text.
std::string MissingCapabilities(const std::vector<InputRequest>& requests, std::string_view client_capabilities_json,
                                std::string& names);

// Writes {key: {method, params}, ...}: the inputRequests of an
// InputRequiredResult or of an input_required task.
void WriteInputRequests(JsonWriter& w, const std::vector<InputRequest>& requests);

// The InputRequiredResult for a modern request whose handler asked for
// `rb.input_requests()`, its state sealed and bound to `binding`.
Answer ModernInputRequired(ServerState& s, const RequestContext& rc, const ResultBuilder& rb, const StateBinding& binding);

// A modern request's inputResponses and requestState, checked and unsealed
// into `info` (nothing to do for a first call). An error answer when they are
// malformed (-32602) or the state fails its check (-32602: modified, for
// another request, expired or replayed).
std::optional<Answer> ReadModernRetry(ServerState& s, const RequestContext& rc, const Params& p,
                                      const StateBinding& binding, CallInfo& info);

// Legacy: sends `ask.requests` to the client of `rc` and calls `resume` on
// the worker pool with the answers as one JSON object (key -> the client's
// result), or with an error when the client answered one with an error, did
// not answer within server.input_timeout_ms, or went away.
using ResumeFn = std::function<void(Result<std::string> responses_json)>;
void RelayToClient(ServerState& s, const RequestContext& rc, const InputAsk& ask, ResumeFn resume);

}  // namespace mcph
