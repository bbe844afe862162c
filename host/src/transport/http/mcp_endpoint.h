// mcp_endpoint.h - the MCP endpoint (POST, GET, DELETE, OPTIONS on
// server.http.path) for both protocol eras.
//
// A POST body is parsed once, then routed by the spec's rule (a request whose
// params._meta claims io.modelcontextprotocol/protocolVersion is modern):
//   modern  stateless: a fresh SessionState per POST, the (b)8 header checks,
//           a client disconnect cancels the call;
//   legacy  the Mcp-Session-Id session's state (initialize, in-flight calls),
//           shared by all its POSTs; GET opens its standalone stream, DELETE
//           ends it.
// Guards run first: Host/Origin (403), then auth (401). Runs on I/O threads;
// the modern path takes no lock.
#pragma once

#include <atomic>
#include <memory>

#include "config/host_config.h"
#include "transport/http/http_connection.h"
#include "transport/http/request_guard.h"
#include "transport/http/session_table.h"

namespace mcph {
class HostRuntime;
class Metrics;
}  // namespace mcph

namespace mcph::http {

struct RequestHeaders;  // the headers of one request (mcp_endpoint.cpp)

class McpEndpoint {
 public:
  McpEndpoint(HostRuntime& runtime, const HttpConfig& cfg, const OriginGuard& guard, const BearerAuth& auth,
              Metrics& metrics, const std::atomic<bool>& draining);

  void Handle(const std::shared_ptr<HttpConnection>& conn, Request&& req);
  SessionTable& sessions() { return sessions_; }
  // Requests awaiting their answer (drain waits for these).
  int64_t active() const { return active_->load(); }

 private:
  void Post(const std::shared_ptr<HttpConnection>& conn, Request& req, const RequestHeaders& hv, HeaderList headers);
  void Get(const std::shared_ptr<HttpConnection>& conn, Request& req, const RequestHeaders& hv, HeaderList headers);
  void Delete(const std::shared_ptr<HttpConnection>& conn, Request& req, const RequestHeaders& hv, HeaderList headers);
  void SetUpSession(const std::shared_ptr<HttpSession>& s);
  std::shared_ptr<void> Hold(const std::shared_ptr<HttpSession>& s);

  HostRuntime& runtime_;
  const HttpConfig& cfg_;
  const OriginGuard& guard_;
  const BearerAuth& auth_;
  Metrics& metrics_;
  const std::atomic<bool>& draining_;
  SessionTable sessions_;
  std::shared_ptr<std::atomic<int64_t>> active_ = std::make_shared<std::atomic<int64_t>>(0);
};

// A response carrying a JSON-RPC error (id_json "" = null).
Response JsonRpcError(int status, int code, const std::string& message, std::string_view id_json = {},
                      HeaderList headers = {});

}  // namespace mcph::http
