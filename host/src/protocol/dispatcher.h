// dispatcher.h - from one framed JSON-RPC message to its answer.
//
// Parses the message once, tells the eras apart (a request whose
// params._meta claims io.modelcontextprotocol/protocolVersion is modern and
// stateless; anything else is legacy and needs the connection's initialize),
// validates what the spec says to validate, in the spec's order, and routes
// to the method functions (methods.h). Never throws; every failure is an
// error reply carrying the request id when it could be read.
// Thread-safe: transports may call it from any thread.
#pragma once

#include <memory>
#include <string_view>

#include "protocol/connection.h"
#include "protocol/server_state.h"

namespace mcph {

class Dispatcher {
 public:
  explicit Dispatcher(ServerState& state) : state_(state) {}

  // One message (without framing). Replies go to conn->out(), now or later.
  void HandleMessage(std::string_view text, const std::shared_ptr<Connection>& conn);

  // The same for a message a transport has already parsed (HTTP reads the
  // body once to route it and check its headers). `doc` must outlive the
  // call only: handlers copy what they keep.
  void HandleParsed(const rapidjson::Value& doc, const std::shared_ptr<Connection>& conn);

  // A message the transport refused unparsed because it exceeds the size
  // limit; id_json is what an IdScanner read of it ("" when nothing).
  void RefuseOversized(std::string_view id_json, size_t limit, const std::shared_ptr<Connection>& conn);

  ServerState& state() { return state_; }

 private:
  void HandleOne(const rapidjson::Value& msg, const std::shared_ptr<Connection>& conn,
                 const std::shared_ptr<Outbound>& reply_to, bool batch_allowed_here);
  void HandleBatch(const rapidjson::Value& batch, const std::shared_ptr<Connection>& conn);
  void HandleNotification(std::string_view method, const rapidjson::Value& params,
                          const std::shared_ptr<Connection>& conn);

  ServerState& state_;
};

}  // namespace mcph
