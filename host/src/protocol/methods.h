// methods.h - the MCP methods, one function each, grouped by file:
// lifecycle_methods.cpp, list_methods.cpp, call_methods.cpp,
// subscription_methods.cpp.
//
// Contract: a method gets a validated RequestContext and the request's params
// (an object, possibly empty). It returns the reply to send now, or nullopt
// when it answers later (work posted to the pool) or not at all. Methods never
// throw; failures become error replies.
#pragma once

#include <rapidjson/document.h>

#include <optional>
#include <string>

#include "protocol/request_context.h"
#include "protocol/server_state.h"

namespace mcph {

using MethodResult = std::optional<Answer>;
using Params = rapidjson::Value;

// lifecycle_methods.cpp
MethodResult Initialize(ServerState& s, RequestContext& rc, const Params& p);
MethodResult Discover(ServerState& s, RequestContext& rc, const Params& p);
MethodResult Ping(ServerState& s, RequestContext& rc, const Params& p);
MethodResult SetLogLevel(ServerState& s, RequestContext& rc, const Params& p);

// list_methods.cpp
MethodResult ListTools(ServerState& s, RequestContext& rc, const Params& p);
MethodResult ListResources(ServerState& s, RequestContext& rc, const Params& p);
MethodResult ListResourceTemplates(ServerState& s, RequestContext& rc, const Params& p);
MethodResult ListPrompts(ServerState& s, RequestContext& rc, const Params& p);

// call_methods.cpp
MethodResult CallTool(ServerState& s, RequestContext& rc, const Params& p);
MethodResult GetPrompt(ServerState& s, RequestContext& rc, const Params& p);
MethodResult ReadResource(ServerState& s, RequestContext& rc, const Params& p);

MethodResult Complete(ServerState& s, RequestContext& rc, const Params& p);  // completion/complete

// subscription_methods.cpp
MethodResult Listen(ServerState& s, RequestContext& rc, const Params& p);       // subscriptions/listen (modern)
MethodResult Subscribe(ServerState& s, RequestContext& rc, const Params& p);    // resources/subscribe (legacy)
MethodResult Unsubscribe(ServerState& s, RequestContext& rc, const Params& p);  // resources/unsubscribe (legacy)

// The server capabilities object both eras advertise.
void WriteServerCapabilities(JsonWriter& w, bool legacy);

// Pagination cursors (list_methods.cpp): opaque to clients.
std::string EncodeCursor(size_t offset);
bool DecodeCursor(std::string_view cursor, size_t& offset);

}  // namespace mcph
