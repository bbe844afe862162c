// mcp_endpoint.cpp - see mcp_endpoint.h.
#include "transport/http/mcp_endpoint.h"

#include <spdlog/spdlog.h>

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/field.hpp>
#include <cctype>
#include <charconv>
#include <optional>

#include "observability/metrics.h"
#include "protocol/errors.h"
#include "protocol/id_scanner.h"
#include "protocol/protocol_versions.h"
#include "protocol/reply.h"
#include "runtime/host_runtime.h"
#include "transport/http/exchange.h"
#include "transport/http/io_threads.h"
#include "transport/http/mcp_headers.h"
#include "transport/http/session_stream.h"
#include "util/json.h"

namespace mcph::http {
namespace {

namespace bhttp = beast::http;

// Error codes of the legacy transport, as the TypeScript SDK servers send them.
constexpr int kLegacyBadRequest = -32000;
constexpr int kLegacySessionNotFound = -32001;

constexpr const char* kAllow = "GET, POST, DELETE, OPTIONS";


// A value of MCP-Protocol-Version that names a modern revision (>= 2026-07-28).
bool IsModernHeader(std::string_view v) { return !IsLegacyVersion(v) && v >= kModernVersion; }

const rapidjson::Value* MetaClaim(const rapidjson::Value& msg) {
  const rapidjson::Value* params = FindMember(msg, "params");
  const rapidjson::Value* meta = params ? FindMember(*params, "_meta") : nullptr;
  return meta ? FindMember(*meta, kMetaProtocolVersion) : nullptr;
}

// What the dispatcher answers: anything but a notification or a client's response.
bool ExpectsAnswer(const rapidjson::Value& m) {
  if (!m.IsObject()) return true;
  bool notification = m.HasMember("method") && !m.HasMember("id");
  bool response = !m.HasMember("method") && (m.HasMember("result") || m.HasMember("error"));
  return !notification && !response;
}

std::string IdJson(const rapidjson::Value& msg) {
  const rapidjson::Value* id = FindMember(msg, "id");
  return id && (id->IsString() || id->IsNumber()) ? ToJson(*id) : std::string();
}

}  // namespace

// The request headers the endpoint reads, found in one pass over the fields:
// a lookup by name is a case-insensitive search of Beast's field set, and a
// POST made eight or more. The first of repeated headers counts, as with find().
struct RequestHeaders {
  std::optional<std::string_view> host, origin, accept, content_type, authorization, cors_request_headers,
      protocol_version, session_id, mcp_method, mcp_name, last_event_id;

  explicit RequestHeaders(const Request& req) {
    for (const auto& f : req) {
      std::optional<std::string_view>* slot = nullptr;
      switch (f.name()) {
        case bhttp::field::host: slot = &host; break;
        case bhttp::field::origin: slot = &origin; break;
        case bhttp::field::accept: slot = &accept; break;
        case bhttp::field::content_type: slot = &content_type; break;
        case bhttp::field::authorization: slot = &authorization; break;
        case bhttp::field::access_control_request_headers: slot = &cors_request_headers; break;
        case bhttp::field::unknown: {  // Beast has no enum for these
          beast::string_view n = f.name_string();
          if (beast::iequals(n, "mcp-protocol-version")) slot = &protocol_version;
          else if (beast::iequals(n, "mcp-session-id")) slot = &session_id;
          else if (beast::iequals(n, "mcp-method")) slot = &mcp_method;
          else if (beast::iequals(n, "mcp-name")) slot = &mcp_name;
          else if (beast::iequals(n, "last-event-id")) slot = &last_event_id;
          break;
        }
        default: break;
      }
      if (slot && !*slot) *slot = std::string_view(f.value().data(), f.value().size());
    }
  }
};

Response JsonRpcError(int status, int code, const std::string& message, std::string_view id_json,
                      HeaderList headers) {
  Response r;
  r.status = status;
  r.content_type = "application/json";
  r.body = ErrorReply(id_json, code, message).message;
  r.headers = std::move(headers);
  return r;
}

McpEndpoint::McpEndpoint(HostRuntime& runtime, const HttpConfig& cfg, const OriginGuard& guard,
                         const BearerAuth& auth, Metrics& metrics, const std::atomic<bool>& draining)
    : runtime_(runtime),
      cfg_(cfg),
      guard_(guard),
      auth_(auth),
      metrics_(metrics),
      draining_(draining),
      sessions_(static_cast<size_t>(cfg.max_sessions), std::chrono::seconds(cfg.session_idle_seconds),
                [](const std::shared_ptr<HttpSession>& s) {
                  if (s->stream) s->stream->Close();
                  spdlog::debug("http: session {}... ended", s->id.substr(0, 8));
                }) {}

void McpEndpoint::Handle(const std::shared_ptr<HttpConnection>& conn, Request&& req) {
  const RequestHeaders hv(req);
  // 1. DNS-rebinding protection: Host, then Origin.
  if (!guard_.HostAllowed(hv.host.value_or(""))) {
    return conn->Reply(JsonRpcError(403, rpc::kInvalidRequest,
                                    "Forbidden: Host '" + std::string(hv.host.value_or("")) +
                                        "' is not allowed (server.http.allowed_hosts)"));
  }
  HeaderList headers;
  auto origin = hv.origin;
  if (origin) {
    if (!guard_.OriginAllowed(*origin))
      return conn->Reply(JsonRpcError(403, rpc::kInvalidRequest,
                                      "Forbidden: Origin '" + std::string(*origin) +
                                          "' is not allowed (server.http.allowed_origins)"));
    if (guard_.IsCorsOrigin(*origin)) {
      headers.emplace_back("Access-Control-Allow-Origin", std::string(*origin));
      headers.emplace_back("Vary", "Origin");
      headers.emplace_back("Access-Control-Expose-Headers", "Mcp-Session-Id, MCP-Protocol-Version, WWW-Authenticate");
    }
  }
  // 2. CORS preflight (carries no credentials).
  if (req.method() == bhttp::verb::options) {
    Response r;
    r.status = 204;
    r.headers = headers;
    r.headers.emplace_back("Allow", kAllow);
    if (origin && guard_.IsCorsOrigin(*origin)) {
      r.headers.emplace_back("Access-Control-Allow-Methods", kAllow);
      std::string asked(hv.cors_request_headers.value_or(""));
      r.headers.emplace_back("Access-Control-Allow-Headers",
                             asked.empty() ? "Content-Type, Accept, Authorization, Mcp-Session-Id, "
                                             "MCP-Protocol-Version, Mcp-Method, Mcp-Name, Last-Event-ID"
                                           : asked);
      r.headers.emplace_back("Access-Control-Max-Age", "600");
    }
    return conn->Reply(std::move(r));
  }
  // 3. Auth.
  if (auth_.enabled()) {
    auto authz = hv.authorization;
    if (!auth_.Check(authz.value_or(""))) {
      HeaderList h = headers;
      h.emplace_back("WWW-Authenticate", authz ? "Bearer realm=\"mcp-host\", error=\"invalid_token\""
                                               : "Bearer realm=\"mcp-host\"");
      return conn->Reply(JsonRpcError(401, rpc::kInvalidRequest, "Unauthorized: a valid bearer token is required", {},
                                      std::move(h)));
    }
  }
  if (draining_.load(std::memory_order_relaxed)) {
    Response r = JsonRpcError(503, rpc::kInternalError, "Service Unavailable: the server is shutting down", {}, headers);
    r.close = true;
    return conn->Reply(std::move(r));
  }
  switch (req.method()) {
    case bhttp::verb::post: return Post(conn, req, hv, std::move(headers));
    case bhttp::verb::get: return Get(conn, req, hv, std::move(headers));
    case bhttp::verb::delete_: return Delete(conn, req, hv, std::move(headers));
    default: {
      headers.emplace_back("Allow", kAllow);
      return conn->Reply(JsonRpcError(405, rpc::kInvalidRequest, "Method Not Allowed", {}, std::move(headers)));
    }
  }
}

std::shared_ptr<void> McpEndpoint::Hold(const std::shared_ptr<HttpSession>& s) {
  active_->fetch_add(1, std::memory_order_relaxed);
  if (s) s->active.fetch_add(1, std::memory_order_relaxed);
  return std::shared_ptr<void>(nullptr, [active = active_, s](void*) {
    if (s) {
      s->Touch();
      s->active.fetch_sub(1, std::memory_order_relaxed);
    }
    active->fetch_sub(1, std::memory_order_relaxed);
  });
}

void McpEndpoint::SetUpSession(const std::shared_ptr<HttpSession>& s) {
  s->stream = std::make_shared<SessionStream>();
  s->notify = std::make_shared<Connection>(s->stream, s->state);
  s->state->SetUnsolicited(s->stream);  // list changes and the host's roots/list go on the GET stream
  runtime_.AddConnection(s->notify);
}

void McpEndpoint::Post(const std::shared_ptr<HttpConnection>& conn, Request& req, const RequestHeaders& hv,
                       HeaderList headers) {
  std::string_view accept = hv.accept.value_or("");
  if (!Accepts(accept, "application/json") || !Accepts(accept, "text/event-stream"))
    return conn->Reply(JsonRpcError(406, rpc::kInvalidRequest,
                                    "Not Acceptable: the client must accept both application/json and text/event-stream",
                                    {}, std::move(headers)));
  if (!IsJsonContentType(hv.content_type.value_or("")))
    return conn->Reply(JsonRpcError(415, rpc::kInvalidRequest,
                                    "Unsupported Media Type: Content-Type must be application/json", {},
                                    std::move(headers)));

  const std::string& body = req.body();
  // Parsed into this thread's reused buffers (a Document's own allocator
  // mallocs a 64 KiB chunk per message). The dispatcher keeps nothing of the
  // document after HandleParsed, and nothing below parses another message
  // on this thread before the last use of `doc`.
  static thread_local ParseBuffers buffers;
  PooledDocument& doc = buffers.Fresh();
  if (Status st = ParseJson(body, doc); !st.ok()) {
    IdScanner scan;
    scan.Feed(body);
    metrics_.RecordRequest("other", 0, 0, true, rpc::kParseError, "Parse error: " + st.message());
    return conn->Reply(JsonRpcError(400, rpc::kParseError, "Parse error: " + st.message(), scan.id_json(),
                                    std::move(headers)));
  }

  auto proto = hv.protocol_version;
  const bool modern_header = proto && IsModernHeader(*proto);
  const rapidjson::Value* claim = doc.IsObject() ? MetaClaim(doc) : nullptr;
  std::string method;
  if (doc.IsObject())
    if (const rapidjson::Value* m = FindMember(doc, "method"); m && m->IsString()) method = std::string(StringOf(*m));

  bool expects = true;
  if (doc.IsArray()) {
    size_t requests = 0;
    for (const auto& m : doc.GetArray()) {
      if (m.IsObject() && MetaClaim(m))
        return conn->Reply(JsonRpcError(400, rpc::kInvalidRequest,
                                        "Invalid Request: a JSON-RPC batch may not hold 2026-07-28 requests", {},
                                        std::move(headers)));
      if (ExpectsAnswer(m)) ++requests;
    }
    expects = requests > 0 || doc.Empty();
  } else {
    expects = ExpectsAnswer(doc);
  }

  auto dispatch = [&](bool modern, std::shared_ptr<SessionState> state, std::shared_ptr<HttpSession> session,
                      ExchangeInfo info) {
    info.modern = modern;
    info.method = doc.IsObject() ? (method.empty() ? "other" : method) : "batch";
    if (!expects) info.method.clear();  // notifications and responses are not counted as requests
    info.hold = Hold(session);
    auto ex = std::make_shared<Exchange>(conn, std::move(info), &metrics_);
    auto c = std::make_shared<Connection>(ex, std::move(state));
    // On an I/O thread, a plugin call the dispatch starts is run by this
    // thread (io_threads.h); elsewhere no slot is open and it is posted.
    std::optional<InlineStepSlot> slot;
    if (IoThreads::OnIoThread()) slot.emplace(/*quick_only=*/true);
    runtime_.dispatcher().HandleParsed(doc, c);
    InlineStep step = slot ? slot->Take() : InlineStep{};
    slot.reset();  // closed once the dispatch is done, before the step runs
    if (!ex->answered()) {
      if (expects) ex->Watch();
      else ex->Accept();
    }
    // Last: this thread may lose its io_context during the step, and then
    // must touch nothing of the connection after it (RunStep throws).
    if (step.run) IoThreads::RunStep(step);
  };

  // Modern: the claim decides, whatever else the request carries.
  if (claim || (modern_header && !doc.IsArray())) {
    std::string id_json = doc.IsObject() ? IdJson(doc) : std::string();
    if (!claim) {
      if (!expects) {  // a notification or response without the claim: nothing to do
        Response r;
        r.status = 202;
        r.headers = std::move(headers);
        return conn->Reply(std::move(r));
      }
      metrics_.RecordRequest(method, 1, 0, true, rpc::kInvalidParams, "_meta protocolVersion claim missing");
      return conn->Reply(JsonRpcError(
          400, rpc::kInvalidParams,
          std::string("Invalid params: _meta[\"") + kMetaProtocolVersion +
              "\"] is required when MCP-Protocol-Version names a 2026-07-28 or later revision",
          id_json, std::move(headers)));
    }
    if (expects && doc.IsObject()) {
      // (b)8 step 3 is the dispatcher's; steps 4 and 5 (headers) come before its version check.
      const rapidjson::Value* meta = FindMember(*FindMember(doc, "params"), "_meta");
      const rapidjson::Value* caps = FindMember(*meta, kMetaClientCapabilities);
      if (claim->IsString() && caps && caps->IsObject()) {
        ModernHeaders h;
        h.protocol_version = proto;
        h.method = hv.mcp_method;
        h.name = hv.mcp_name;
        for (const auto& f : req) {
          std::string_view n(f.name_string().data(), f.name_string().size());
          // Compared in place: lower-casing every header name allocated per request.
          if (n.size() > 10 && beast::iequals(beast::string_view(n.data(), 10), "mcp-param-")) {
            std::string lower(n.substr(10));
            for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            h.params.emplace_back(std::move(lower), std::string_view(f.value().data(), f.value().size()));
          }
        }
        rapidjson::Document schema;
        const rapidjson::Value* schema_ptr = nullptr;
        if (method == "tools/call") {
          const rapidjson::Value* params = FindMember(doc, "params");
          const rapidjson::Value* name = FindMember(*params, "name");
          if (name && name->IsString()) {
            auto catalog = runtime_.state().snapshot();
            const CatalogTool* tool = catalog->FindTool(StringOf(*name));
            if (tool && tool->def && tool->def->input_schema_json.find("x-mcp-header") != std::string::npos &&
                ParseJson(tool->def->input_schema_json, schema).ok())
              schema_ptr = &schema;
          }
        }
        std::string mismatch = CheckModernHeaders(h, doc, StringOf(*claim), schema_ptr);
        if (!mismatch.empty()) {
          metrics_.RecordRequest(method, 1, 0, true, rpc::kHeaderMismatch, mismatch);
          return conn->Reply(JsonRpcError(400, rpc::kHeaderMismatch, mismatch, id_json, std::move(headers)));
        }
      }
    }
    auto state = std::make_shared<SessionState>();
    ExchangeInfo info;
    info.headers = std::move(headers);
    // A client that goes away cancels its call (the spec's HTTP cancellation).
    info.on_gone = [w = std::weak_ptr<SessionState>(state)] {
      if (auto s = w.lock()) s->CancelAll();
    };
    return dispatch(true, std::move(state), nullptr, std::move(info));
  }

  // Legacy.
  if (proto && !IsLegacyVersion(*proto) && !modern_header)
    return conn->Reply(JsonRpcError(400, kLegacyBadRequest,
                                    "Bad Request: unsupported MCP-Protocol-Version '" + std::string(*proto) + "'",
                                    doc.IsObject() ? IdJson(doc) : std::string(), std::move(headers)));
  if (cfg_.legacy_stateless) {
    auto state = std::make_shared<SessionState>();
    if (method != "initialize") {
      LegacySession& ls = state->legacy();
      std::lock_guard lock(ls.mu);
      ls.version = proto ? std::string(*proto) : "2025-03-26";
      ls.initialized.store(true);
    }
    ExchangeInfo info;
    info.headers = std::move(headers);
    return dispatch(false, std::move(state), nullptr, std::move(info));
  }

  auto sid = hv.session_id;
  std::shared_ptr<HttpSession> session;
  const bool is_init = doc.IsObject() && method == "initialize" && expects;
  ExchangeInfo info;
  if (is_init) {
    if (sid && sessions_.Find(*sid))
      return conn->Reply(JsonRpcError(400, rpc::kInvalidRequest,
                                      "Invalid Request: this session is already initialized", IdJson(doc),
                                      std::move(headers)));
    session = sessions_.Create();
    if (!session) {
      HeaderList h = std::move(headers);
      h.emplace_back("Retry-After", "5");
      return conn->Reply(JsonRpcError(503, kLegacyBadRequest,
                                      "Service Unavailable: too many sessions are busy (server.http.max_sessions)",
                                      IdJson(doc), std::move(h)));
    }
    SetUpSession(session);
    info.on_answer = [this, id = session->id](const Answer& a) {
      if (a.error_code != 0) sessions_.Remove(id);  // a failed initialize leaves no session
    };
  } else {
    if (!sid)
      return conn->Reply(JsonRpcError(400, kLegacyBadRequest,
                                      "Bad Request: Mcp-Session-Id header is required (send initialize first, or "
                                      "claim protocol version 2026-07-28 in params._meta)",
                                      doc.IsObject() ? IdJson(doc) : std::string(), std::move(headers)));
    session = sessions_.Find(*sid);
    if (!session)
      return conn->Reply(JsonRpcError(404, kLegacySessionNotFound, "Session not found",
                                      doc.IsObject() ? IdJson(doc) : std::string(), std::move(headers)));
    // A supported MCP-Protocol-Version is accepted even when it differs from
    // the negotiated one (unsupported ones were refused above), as the
    // reference SDK server does; conformance 0.1.16 sends 2025-03-26 on a
    // 2025-11-25 session.
    if (expects && session->active.load() >= cfg_.max_session_requests)
      return conn->Reply(JsonRpcError(429, kLegacyBadRequest,
                                      "Too Many Requests: the session has " +
                                          std::to_string(cfg_.max_session_requests) +
                                          " requests in progress (server.http.max_session_requests)",
                                      doc.IsObject() ? IdJson(doc) : std::string(), std::move(headers)));
  }
  headers.emplace_back("Mcp-Session-Id", session->id);
  info.headers = std::move(headers);
  info.events = session->stream;  // SSE replies get event ids and can be resumed
  auto state = session->state;
  dispatch(false, std::move(state), std::move(session), std::move(info));
}

void McpEndpoint::Get(const std::shared_ptr<HttpConnection>& conn, Request&, const RequestHeaders& hv,
                         HeaderList headers) {
  if (!Accepts(hv.accept.value_or(""), "text/event-stream"))
    return conn->Reply(JsonRpcError(406, rpc::kInvalidRequest, "Not Acceptable: GET must accept text/event-stream", {},
                                    std::move(headers)));
  auto proto = hv.protocol_version;
  if (cfg_.legacy_stateless || (proto && IsModernHeader(*proto))) {
    headers.emplace_back("Allow", "POST, OPTIONS");
    return conn->Reply(JsonRpcError(405, rpc::kInvalidRequest,
                                    "Method Not Allowed: no standalone stream without a legacy session", {},
                                    std::move(headers)));
  }
  auto sid = hv.session_id;
  if (!sid)
    return conn->Reply(JsonRpcError(400, kLegacyBadRequest, "Bad Request: Mcp-Session-Id header is required", {},
                                    std::move(headers)));
  auto session = sessions_.Find(*sid);
  if (!session)
    return conn->Reply(JsonRpcError(404, kLegacySessionNotFound, "Session not found", {}, std::move(headers)));
  std::optional<EventCursor> last;
  if (auto l = hv.last_event_id) last = ParseEventId(*l);
  headers.emplace_back("Mcp-Session-Id", session->id);
  if (!session->stream->Attach(conn, last, headers))
    return conn->Reply(JsonRpcError(409, kLegacyBadRequest, "Conflict: this session already has a stream open", {},
                                    std::move(headers)));
}

void McpEndpoint::Delete(const std::shared_ptr<HttpConnection>& conn, Request&, const RequestHeaders& hv,
                         HeaderList headers) {
  if (cfg_.legacy_stateless) {
    headers.emplace_back("Allow", "POST, OPTIONS");
    return conn->Reply(JsonRpcError(405, rpc::kInvalidRequest, "Method Not Allowed: sessions are off", {},
                                    std::move(headers)));
  }
  auto sid = hv.session_id;
  if (!sid)
    return conn->Reply(JsonRpcError(400, kLegacyBadRequest, "Bad Request: Mcp-Session-Id header is required", {},
                                    std::move(headers)));
  if (!sessions_.Remove(*sid))
    return conn->Reply(JsonRpcError(404, kLegacySessionNotFound, "Session not found", {}, std::move(headers)));
  Response r;
  r.status = 200;
  r.headers = std::move(headers);
  conn->Reply(std::move(r));
}

}  // namespace mcph::http
