// input_relay.cpp - see input_relay.h.
#include "protocol/input_relay.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <map>
#include <mutex>

#include "protocol/errors.h"

namespace mcph {
namespace {

bool IsUrlElicitation(const InputRequest& r) {
  if (r.method != "elicitation/create") return false;
  rapidjson::Document d;
  if (!ParseJson(r.params_json, d).ok()) return false;
  const rapidjson::Value* mode = FindMember(d, "mode");
  return mode && mode->IsString() && StringOf(*mode) == "url";
}

}  // namespace

std::string MissingCapabilities(const std::vector<InputRequest>& requests, std::string_view client_capabilities_json,
                                std::string& names) {
  rapidjson::Document caps;
  (void)ParseJson(client_capabilities_json, caps);
  const rapidjson::Value* elicitation = FindMember(caps, "elicitation");
  // An empty elicitation object means form mode (the 2025-06-18 shape).
  bool form = elicitation && elicitation->IsObject() &&
              (elicitation->ObjectEmpty() || elicitation->HasMember("form") || !elicitation->HasMember("url"));
  bool url = elicitation && elicitation->IsObject() && elicitation->HasMember("url");
  bool need_sampling = false, need_roots = false, need_form = false, need_url = false;
  for (const InputRequest& r : requests) {
    if (r.method == "sampling/createMessage") need_sampling = need_sampling || !FindMember(caps, "sampling");
    else if (r.method == "roots/list") need_roots = need_roots || !FindMember(caps, "roots");
    else if (IsUrlElicitation(r)) need_url = need_url || !url;
    else need_form = need_form || !form;
  }
  if (!need_sampling && !need_roots && !need_form && !need_url) return {};
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  names.clear();
  auto add = [&](const char* name) { names += (names.empty() ? "" : ", ") + std::string(name); };
  w.StartObject();
  if (need_form || need_url) {
    w.Key("elicitation");
    w.StartObject();
    if (need_url && !need_form) {
      w.Key("url");
      w.StartObject();
      w.EndObject();
    }
    w.EndObject();
    add(need_url && !need_form ? "elicitation (url mode)" : "elicitation");
  }
  if (need_roots) {
    w.Key("roots");
    w.StartObject();
    w.EndObject();
    add("roots");
  }
  if (need_sampling) {
    w.Key("sampling");
    w.StartObject();
    w.EndObject();
    add("sampling");
  }
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

void WriteInputRequests(JsonWriter& w, const std::vector<InputRequest>& requests) {
  w.StartObject();
  for (const InputRequest& r : requests) {
    WriteString(w, r.key);
    w.StartObject();
    w.Key("method");
    WriteString(w, r.method);
    w.Key("params");
    WriteRaw(w, r.params_json, rapidjson::kObjectType);
    w.EndObject();
  }
  w.EndObject();
}

Answer ModernInputRequired(ServerState& s, const RequestContext& rc, const ResultBuilder& rb,
                           const StateBinding& binding) {
  // Always a state, even when the plugin set none: it carries the binding
  // and the one-use nonce, so the retry is checked either way.
  Result<std::string> state = s.sealer.Seal(binding.Compute(), rb.request_state());
  if (!state.ok())
    return ErrorReply(rc.id_json, rpc::kInternalError,
                      "The request needs more input from the client, but the host cannot issue a requestState: " +
                          state.error());
  Reply reply(rc);
  JsonWriter& w = reply.w();
  w.Key("inputRequests");
  WriteInputRequests(w, rb.input_requests());
  w.Key("requestState");
  WriteString(w, *state);
  return reply.Finish(s.identity, /*ttl_ms=*/-1, {}, "input_required");
}

std::optional<Answer> ReadModernRetry(ServerState& s, const RequestContext& rc, const Params& p,
                                      const StateBinding& binding, CallInfo& info) {
  const rapidjson::Value* responses = FindMember(p, "inputResponses");
  const rapidjson::Value* state = FindMember(p, "requestState");
  if (responses) {
    if (!responses->IsObject())
      return ErrorReply(rc.id_json, rpc::kInvalidParams,
                        "Invalid params: inputResponses must be an object mapping each input request key to the "
                        "client's answer");
    for (const auto& m : responses->GetObject())
      if (!m.value.IsObject())
        return ErrorReply(rc.id_json, rpc::kInvalidParams,
                          "Invalid params: inputResponses[\"" + std::string(StringOf(m.name)) +
                              "\"] must be an object (the result of the input request)");
    info.input_responses_json = ToJson(*responses);
  }
  if (state) {
    if (!state->IsString())
      return ErrorReply(rc.id_json, rpc::kInvalidParams, "Invalid params: requestState must be a string");
    Result<std::string> opened = s.sealer.Open(StringOf(*state), binding.Compute());
    if (!opened.ok()) return ErrorReply(rc.id_json, rpc::kInvalidParams, "Invalid params: " + opened.error());
    info.request_state = std::move(opened.value());
  }
  return std::nullopt;
}

namespace {

// The answers of one legacy round, gathered as they come (reader thread) or
// given up on (timer, session end).
struct Gather {
  std::mutex mu;
  std::map<std::string, std::string> url_elicitations;  // key -> elicitationId (2025-11-25 url mode)
  std::map<std::string, std::string> answers;  // key -> result JSON
  size_t remaining = 0;
  bool finished = false;
  std::vector<std::string> ids;  // the host's request ids, to stop awaiting
  std::unique_ptr<boost::asio::steady_timer> timer;
  ResumeFn resume;
};

void Finish(ServerState& s, const std::shared_ptr<Gather>& g, Result<std::string> outcome) {
  {
    std::lock_guard lock(g->mu);
    if (g->finished) return;
    g->finished = true;
    if (g->timer) g->timer->cancel();
  }
  boost::asio::post(s.pool, [g, outcome = std::move(outcome)]() mutable { g->resume(std::move(outcome)); });
}

}  // namespace

void RelayToClient(ServerState& s, const RequestContext& rc, const InputAsk& ask, ResumeFn resume) {
  auto g = std::make_shared<Gather>();
  g->remaining = ask.requests.size();
  g->resume = std::move(resume);
  const std::shared_ptr<SessionState>& session = rc.connection->state();
  std::vector<std::string> messages;
  for (const InputRequest& r : ask.requests) {
    std::string id = session->NextRequestId();
    g->ids.push_back(id);
    std::string params = r.params_json;
    if (IsUrlElicitation(r)) {
      // 2025-11-25 url mode correlates the completion notice by elicitationId:
      // the plugin's, or one the host makes.
      rapidjson::Document d;
      (void)ParseJson(params, d);
      const rapidjson::Value* given = FindMember(d, "elicitationId");
      std::string eid = given && given->IsString() ? ToJson(*given) : "\"" + id.substr(1, id.size() - 2) + "\"";
      if (!given) params = "{\"elicitationId\":" + eid + (params.size() > 2 ? "," : "") + params.substr(1);
      g->url_elicitations[r.key] = eid;
    }
    messages.push_back("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + r.method + "\",\"params\":" + params +
                       "}");
    session->AwaitResponse(id, [&s, g, out = rc.connection->out_ptr(), key = r.key,
                                method = r.method](const rapidjson::Value* response) {
      if (!response) return Finish(s, g, Status::Error("the client's session ended before it answered " + method));
      if (const rapidjson::Value* error = FindMember(*response, "error")) {
        const rapidjson::Value* msg = FindMember(*error, "message");
        return Finish(s, g,
                      Status::Error("the client answered " + method + " with an error" +
                                    (msg && msg->IsString() ? ": " + std::string(StringOf(*msg)) : std::string())));
      }
      const rapidjson::Value* result = FindMember(*response, "result");
      if (!result || !result->IsObject())
        return Finish(s, g, Status::Error("the client answered " + method + " with a result that is not an object"));
      std::string answers;
      std::vector<std::string> notices;
      {
        std::lock_guard lock(g->mu);
        g->answers[key] = ToJson(*result);
        if (--g->remaining > 0) return;
        // The user went through every accepted url elicitation: say so, as
        // 2025-11-25 asks, before the handler continues.
        for (const auto& [k, eid] : g->url_elicitations)
          if (g->answers[k].find("\"action\":\"accept\"") != std::string::npos)
            notices.push_back(NotificationMessage("notifications/elicitation/complete", "{\"elicitationId\":" + eid + "}"));
        rapidjson::StringBuffer buf;
        JsonWriter w(buf);
        w.StartObject();
        for (const auto& [k, v] : g->answers) {
          WriteString(w, k);
          WriteRaw(w, v, rapidjson::kObjectType);
        }
        w.EndObject();
        answers.assign(buf.GetString(), buf.GetSize());
      }
      for (std::string& n : notices) out->Send(std::move(n));
      Finish(s, g, std::move(answers));
    });
  }
  const int64_t timeout_ms = s.config.input_timeout_ms;
  g->timer = std::make_unique<boost::asio::steady_timer>(s.pool.get_executor(), std::chrono::milliseconds(timeout_ms));
  g->timer->async_wait([&s, g, weak = std::weak_ptr<SessionState>(session), timeout_ms,
                        first = ask.requests.front().method](boost::system::error_code ec) {
    if (ec) return;  // cancelled: every answer came
    if (auto session = weak.lock())
      for (const std::string& id : g->ids) session->StopAwaiting(id);
    Finish(s, g,
           Status::Error("the client did not answer " + first + " within " + std::to_string(timeout_ms / 1000) +
                         " s (server.input_timeout_ms)"));
  });
  for (std::string& m : messages) rc.connection->out().Send(std::move(m));
}

}  // namespace mcph
