// dispatcher.cpp - see dispatcher.h.
#include "protocol/dispatcher.h"

#include <spdlog/spdlog.h>

#include <unordered_map>

#include "plugins/call_context.h"
#include "protocol/client_roots.h"
#include "protocol/errors.h"
#include "protocol/id_scanner.h"
#include "protocol/methods.h"
#include "protocol/protocol_versions.h"

namespace mcph {
namespace {

using Method = MethodResult (*)(ServerState&, RequestContext&, const Params&);

const std::unordered_map<std::string_view, Method>& ModernMethods() {
  static const std::unordered_map<std::string_view, Method> m = {
      {"server/discover", Discover},        {"tools/list", ListTools},
      {"tools/call", CallTool},             {"resources/list", ListResources},
      {"resources/templates/list", ListResourceTemplates},
      {"resources/read", ReadResource},     {"prompts/list", ListPrompts},
      {"prompts/get", GetPrompt},           {"completion/complete", Complete},
      {"subscriptions/listen", Listen},
      {"tasks/get", GetTask},               {"tasks/update", UpdateTask},
      {"tasks/cancel", CancelTask},
  };
  return m;
}

const std::unordered_map<std::string_view, Method>& LegacyMethods() {
  static const std::unordered_map<std::string_view, Method> m = {
      {"ping", Ping},                       {"logging/setLevel", SetLogLevel},
      {"tools/list", ListTools},            {"tools/call", CallTool},
      {"resources/list", ListResources},    {"resources/templates/list", ListResourceTemplates},
      {"resources/read", ReadResource},     {"prompts/list", ListPrompts},
      {"prompts/get", GetPrompt},           {"completion/complete", Complete},
      {"resources/subscribe", Subscribe},   {"resources/unsubscribe", Unsubscribe},
      {"tasks/get", GetTask},               {"tasks/result", GetTaskResult},
      {"tasks/list", ListTasks},            {"tasks/cancel", CancelTask},
  };
  return m;
}

// Methods 2026-07-28 removed: a modern request for one is -32601.
bool RemovedInModern(std::string_view m) {
  return m == "initialize" || m == "ping" || m == "logging/setLevel" || m == "resources/subscribe" ||
         m == "resources/unsubscribe" || m == "tasks/list" || m == "tasks/result" ||
         m == "notifications/initialized";
}

std::string UnsupportedVersionData(std::string_view requested) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("supported");
  w.StartArray();
  for (auto v : kModernVersions) WriteString(w, v);
  w.EndArray();
  w.Key("requested");
  WriteString(w, requested);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

// Collects the responses of one JSON-RPC batch and sends them as one array
// when the last arrives. Notifications produced meanwhile go straight out.
class BatchCollector : public Outbound {
 public:
  BatchCollector(std::shared_ptr<Connection> conn, size_t expected) : conn_(std::move(conn)), expected_(expected) {}
  void Respond(Answer&& answer) override { Send(std::move(answer.message)); }
  void Send(std::string&& message) override {
    std::string out;
    {
      std::lock_guard lock(mu_);
      parts_.push_back(std::move(message));
      if (parts_.size() < expected_) return;
      out = Join();
    }
    conn_->out().Respond(Answer(std::move(out)));
  }
  // A request that will never be answered (cancelled): expect one fewer,
  // and send what the others answered if they are all in.
  void Drop() override {
    std::string out;
    {
      std::lock_guard lock(mu_);
      --expected_;
      if (parts_.size() < expected_ || parts_.empty()) return;
      out = Join();
    }
    conn_->out().Respond(Answer(std::move(out)));
  }

 private:
  std::string Join() const {
    std::string out = "[";
    for (size_t i = 0; i < parts_.size(); ++i) {
      if (i) out += ',';
      out += parts_[i];
    }
    return out + ']';
  }

  std::shared_ptr<Connection> conn_;
  std::mutex mu_;
  size_t expected_;
  std::vector<std::string> parts_;
};

}  // namespace

void Dispatcher::HandleMessage(std::string_view text, const std::shared_ptr<Connection>& conn) {
  rapidjson::Document doc;
  if (Status s = ParseJson(text, doc); !s.ok()) {
    state_.stats.requests.fetch_add(1, std::memory_order_relaxed);
    IdScanner scan;
    scan.Feed(text);
    state_.stats.errors.fetch_add(1, std::memory_order_relaxed);
    Answer a = ErrorReply(scan.id_json(), rpc::kParseError, "Parse error: " + s.message());
    a.rejected = true;
    conn->out().Respond(std::move(a));
    return;
  }
  HandleParsed(doc, conn);
}

void Dispatcher::HandleParsed(const rapidjson::Value& doc, const std::shared_ptr<Connection>& conn) {
  state_.stats.requests.fetch_add(1, std::memory_order_relaxed);
  if (doc.IsArray()) {
    HandleBatch(doc, conn);
    return;
  }
  HandleOne(doc, conn, conn->out_ptr(), false);
}

void Dispatcher::RefuseOversized(std::string_view id_json, size_t limit, const std::shared_ptr<Connection>& conn) {
  state_.stats.errors.fetch_add(1, std::memory_order_relaxed);
  Answer a = ErrorReply(id_json, rpc::kInvalidRequest,
                        "Message too large: the limit is " + std::to_string(limit) + " bytes (server.max_message_bytes)");
  a.rejected = true;
  conn->out().Respond(std::move(a));
}

void Dispatcher::HandleBatch(const rapidjson::Value& batch, const std::shared_ptr<Connection>& conn) {
  // Batches exist only in 2025-03-26; later revisions removed them.
  LegacySession& session = conn->session();
  bool allowed = false;
  if (session.initialized.load(std::memory_order_acquire)) {
    std::lock_guard lock(session.mu);
    allowed = session.version == "2025-03-26";
  }
  if (!allowed) {
    Answer a = ErrorReply({}, rpc::kInvalidRequest,
                          "Invalid Request: JSON-RPC batches are only served to clients that negotiated "
                          "protocol version 2025-03-26");
    a.rejected = true;
    conn->out().Respond(std::move(a));
    return;
  }
  if (batch.Empty()) {
    Answer a = ErrorReply({}, rpc::kInvalidRequest, "Invalid Request: empty batch");
    a.rejected = true;
    conn->out().Respond(std::move(a));
    return;
  }
  size_t requests = 0;
  // Answered: requests (method and id) and invalid elements; not answered:
  // notifications and the client's own responses (result or error, no method).
  for (const auto& m : batch.GetArray()) {
    bool notification = m.IsObject() && m.HasMember("method") && !m.HasMember("id");
    bool response = m.IsObject() && !m.HasMember("method") && (m.HasMember("result") || m.HasMember("error"));
    if (!notification && !response) ++requests;
  }
  auto collector = std::make_shared<BatchCollector>(conn, requests);
  for (const auto& m : batch.GetArray()) HandleOne(m, conn, collector, true);
}

void Dispatcher::HandleNotification(std::string_view method, const rapidjson::Value& params,
                                    const std::shared_ptr<Connection>& conn) {
  if (method == "notifications/cancelled") {
    const rapidjson::Value* id = FindMember(params, "requestId");
    if (id && (id->IsString() || id->IsNumber())) {
      if (conn->Cancel(ToJson(*id))) spdlog::debug("cancelled request {}", ToJson(*id));
    }
  }
  // A legacy client that shares roots is asked for them once initialized and
  // whenever it says they changed (client_roots.h).
  if ((method == "notifications/initialized" || method == "notifications/roots/list_changed") &&
      conn->session().initialized.load(std::memory_order_acquire))
    RefreshClientRoots(state_, conn->state());
}

void Dispatcher::HandleOne(const rapidjson::Value& msg, const std::shared_ptr<Connection>& conn,
                           const std::shared_ptr<Outbound>& reply_to, bool) {
  auto reply = [&](Answer&& a) { reply_to->Respond(std::move(a)); };
  auto fail = [&](std::string_view id, int code, std::string message, std::string_view data = {}) {
    state_.stats.errors.fetch_add(1, std::memory_order_relaxed);
    Answer a = ErrorReply(id, code, message, data);
    a.rejected = true;
    reply(std::move(a));
  };

  if (!msg.IsObject()) return fail({}, rpc::kInvalidRequest, "Invalid Request: a message must be a JSON object");
  const rapidjson::Value* id = FindMember(msg, "id");
  std::string id_json;
  if (id) {
    if (!id->IsString() && !(id->IsNumber()))
      return fail({}, rpc::kInvalidRequest, "Invalid Request: id must be a string or a number");
    id_json = ToJson(*id);
  }
  const rapidjson::Value* jsonrpc = FindMember(msg, "jsonrpc");
  if (!jsonrpc || !jsonrpc->IsString() || StringOf(*jsonrpc) != "2.0")
    return fail(id_json, rpc::kInvalidRequest, "Invalid Request: \"jsonrpc\" must be \"2.0\"");
  const rapidjson::Value* method_v = FindMember(msg, "method");
  if (!method_v) {
    if (msg.HasMember("result") || msg.HasMember("error")) {
      // A client's response to a request the host sent (legacy input requests).
      if (!id || !conn->state()->DeliverResponse(id_json, msg))
        spdlog::debug("ignored a response with id {} that nothing awaits", id_json.empty() ? "(none)" : id_json);
      return;
    }
    return fail(id_json, rpc::kInvalidRequest, "Invalid Request: no \"method\"");
  }
  if (!method_v->IsString()) return fail(id_json, rpc::kInvalidRequest, "Invalid Request: \"method\" must be a string");
  std::string_view method = StringOf(*method_v);

  static const rapidjson::Value kEmptyObject(rapidjson::kObjectType);
  const rapidjson::Value* params = FindMember(msg, "params");
  if (params && !params->IsObject()) {
    if (!id) return;
    return fail(id_json, rpc::kInvalidParams, "Invalid params: \"params\" must be an object");
  }
  if (!params) params = &kEmptyObject;

  if (!id) return HandleNotification(method, *params, conn);

  RequestContext rc;
  rc.id_json = std::move(id_json);
  rc.method = std::string(method);
  rc.connection = conn;
  rc.reply_to = reply_to;
  const rapidjson::Value* meta = FindMember(*params, "_meta");
  if (meta && !meta->IsObject()) return fail(rc.id_json, rpc::kInvalidParams, "Invalid params: _meta must be an object");
  if (const rapidjson::Value* token = meta ? FindMember(*meta, "progressToken") : nullptr) {
    if (token->IsString() || token->IsNumber()) rc.progress_token_json = ToJson(*token);
  }
  const rapidjson::Value* claim = meta ? FindMember(*meta, kMetaProtocolVersion) : nullptr;

  Method handler = nullptr;
  if (claim) {
    // Modern: stateless; everything the request needs is in its _meta.
    rc.era = Era::kModern;
    if (!claim->IsString())
      return fail(rc.id_json, rpc::kInvalidParams,
                  std::string("Invalid params: _meta[\"") + kMetaProtocolVersion + "\"] must be a string");
    const rapidjson::Value* caps = FindMember(*meta, kMetaClientCapabilities);
    if (!caps || !caps->IsObject())
      return fail(rc.id_json, rpc::kInvalidParams,
                  std::string("Invalid params: _meta[\"") + kMetaClientCapabilities +
                      "\"] is required (an object) on every 2026-07-28 request");
    std::string_view version = StringOf(*claim);
    bool supported = false;
    for (auto v : kModernVersions) supported = supported || v == version;
    if (!supported)
      return fail(rc.id_json, rpc::kUnsupportedProtocolVersion, "Unsupported protocol version",
                  UnsupportedVersionData(version));
    if (RemovedInModern(method))
      return fail(rc.id_json, rpc::kMethodNotFound,
                  "Method not found: " + rc.method + " does not exist in protocol version 2026-07-28");
    auto it = ModernMethods().find(method);
    if (it == ModernMethods().end()) return fail(rc.id_json, rpc::kMethodNotFound, "Method not found: " + rc.method);
    handler = it->second;
    rc.version = std::string(version);
    rc.client_capabilities_json = ToJson(*caps);
    if (const rapidjson::Value* info = FindMember(*meta, kMetaClientInfo)) {
      if (const rapidjson::Value* name = FindMember(*info, "name")) rc.client_name = std::string(StringOf(*name));
    }
    if (const rapidjson::Value* level = FindMember(*meta, kMetaLogLevel)) {
      int32_t l = level->IsString() ? LogLevelFromName(StringOf(*level)) : -1;
      if (l < 0)
        return fail(rc.id_json, rpc::kInvalidParams,
                    std::string("Invalid params: _meta[\"") + kMetaLogLevel + "\"] must be a log level name");
      rc.log_min_level = l;
    }
  } else if (method == "server/discover" ||
             (meta && (meta->HasMember(kMetaClientCapabilities) || meta->HasMember(kMetaClientInfo)))) {
    // Shaped like a modern request but without the version claim.
    return fail(rc.id_json, rpc::kInvalidParams,
                std::string("Invalid params: _meta[\"") + kMetaProtocolVersion +
                    "\"] is required on 2026-07-28 requests (legacy clients send initialize first)");
  } else {
    // Legacy: the connection's initialize decides version and capabilities.
    rc.era = Era::kLegacy;
    LegacySession& session = conn->session();
    if (method == "initialize") {
      handler = Initialize;
    } else {
      auto it = LegacyMethods().find(method);
      if (it == LegacyMethods().end()) return fail(rc.id_json, rpc::kMethodNotFound, "Method not found: " + rc.method);
      if (method != "ping" && !session.initialized.load(std::memory_order_acquire))
        return fail(rc.id_json, rpc::kInvalidRequest,
                    "Invalid Request: the session is not initialized (send initialize first, or claim protocol "
                    "version 2026-07-28 in params._meta)");
      handler = it->second;
      std::lock_guard lock(session.mu);
      rc.version = session.version;
      rc.client_name = session.client_name;
      rc.client_capabilities_json = session.client_capabilities_json;
      rc.roots_json = session.roots_json;
    }
    rc.log_min_level = session.log_min_level.load(std::memory_order_relaxed);
  }

  MethodResult out = handler(state_, rc, *params);
  if (out) reply(std::move(*out));
}

}  // namespace mcph
