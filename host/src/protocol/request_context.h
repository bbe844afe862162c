// request_context.h - one request as the handlers see it, whichever era.
//
// The dispatcher fills it from the message (modern: _meta) or from the
// connection's legacy session, so no handler asks which era it serves except
// where the spec makes the answer differ (error codes, result extras).
#pragma once

#include <memory>
#include <string>

#include "protocol/connection.h"

namespace mcph {

enum class Era { kLegacy, kModern };

struct RequestContext {
  Era era = Era::kLegacy;
  std::string version;                 // negotiated (legacy) or claimed (modern)
  std::string id_json;                 // the request id as raw JSON
  std::string method;
  std::string client_name;
  std::string client_capabilities_json = "{}";
  std::string roots_json;              // legacy: the client's roots (client_roots.h); "" when none
  std::string progress_token_json;     // raw JSON, "" when none
  int log_min_level = 8;               // MCPP_LOG_*; 8 = send no logs
  std::shared_ptr<Connection> connection;
  // Where the response goes: the connection's outbound, or a batch collector.
  std::shared_ptr<Outbound> reply_to;
};

}  // namespace mcph
