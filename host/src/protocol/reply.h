// reply.h - builds JSON-RPC responses in one pass.
//
// A Reply writes the envelope and lets the handler write the result's
// members straight into the same buffer; Finish() adds what the request's
// era requires (modern: resultType, caching hints, serverInfo in _meta) and
// returns the finished message. Error responses are built by ErrorReply.
#pragma once

#include <string>
#include <string_view>

#include "protocol/request_context.h"
#include "util/json.h"

namespace mcph {

struct ServerIdentity {
  std::string name = "mcphost";
  std::string version = MCPHOST_VERSION;
};

class Reply {
 public:
  explicit Reply(const RequestContext& rc);
  JsonWriter& w() { return w_; }

  // Caching hint for modern results: ttl_ms < 0 means "not a cacheable result".
  // meta_json is the plugin's _meta object ("" when none), merged with serverInfo.
  std::string Finish(const ServerIdentity& id, int64_t ttl_ms = -1, std::string_view meta_json = {},
                     std::string_view result_type = "complete");

 private:
  const RequestContext& rc_;
  rapidjson::StringBuffer buf_;
  JsonWriter w_;
};

// Writes {"name":..,"version":..}: the value of _meta[serverInfo].
void WriteServerInfo(JsonWriter& w, const ServerIdentity& id);

// {"uri":"<uri>"}: params of notifications/resources/updated, data of resource-not-found.
std::string UriObject(std::string_view uri);

// {"jsonrpc":"2.0","id":<id_json or null>,"error":{"code":..,"message":..,"data":<data_json>}}
Answer ErrorReply(std::string_view id_json, int code, std::string_view message, std::string_view data_json = {});
// error.message of a JSON-RPC error reply, for the recent-errors ring; "" for
// anything else (a batch's array). Parses the reply: only errors pay this.
std::string ErrorMessageOf(const std::string& reply);

// A notification message: {"jsonrpc":"2.0","method":...,"params":<params_json>}.
std::string NotificationMessage(std::string_view method, std::string_view params_json);

}  // namespace mcph
