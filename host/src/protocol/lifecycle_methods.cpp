// lifecycle_methods.cpp - initialize (legacy), server/discover (modern),
// ping and logging/setLevel (legacy).
#include "plugins/call_context.h"
#include "protocol/errors.h"
#include "protocol/methods.h"
#include "protocol/protocol_versions.h"

namespace mcph {

// Both eras hear of list changes and resource updates: legacy clients on
// their connection (list_changed unsolicited, resources/updated after
// resources/subscribe), modern clients on subscriptions/listen streams that
// opted in (SubscriptionHub). Logging is a legacy capability (modern
// requests set their log level in _meta).
void WriteServerCapabilities(JsonWriter& w, bool legacy) {
  auto capability = [&](const char* name, bool list_changed, bool subscribe = false) {
    w.Key(name);
    w.StartObject();
    if (subscribe) {
      w.Key("subscribe");
      w.Bool(true);
    }
    if (list_changed) {
      w.Key("listChanged");
      w.Bool(true);
    }
    w.EndObject();
  };
  w.StartObject();
  if (legacy) capability("logging", false);
  capability("completions", false);
  capability("tools", true);
  capability("resources", true, /*subscribe=*/true);
  capability("prompts", true);
  WriteTaskCapabilities(w, legacy);  // task_methods.cpp
  w.EndObject();
}

MethodResult Initialize(ServerState& s, RequestContext& rc, const Params& p) {
  const rapidjson::Value* version = FindMember(p, "protocolVersion");
  if (!version || !version->IsString())
    return ErrorReply(rc.id_json, rpc::kInvalidParams, "initialize: params.protocolVersion must be a string");
  const rapidjson::Value* caps = FindMember(p, "capabilities");
  if (caps && !caps->IsObject())
    return ErrorReply(rc.id_json, rpc::kInvalidParams, "initialize: params.capabilities must be an object");
  // Echo the client's version when we speak it, else offer our newest legacy one.
  std::string_view requested = StringOf(*version);
  std::string agreed(IsLegacyVersion(requested) ? requested : kLatestLegacyVersion);

  LegacySession& session = rc.connection->session();
  {
    std::lock_guard lock(session.mu);
    session.version = agreed;
    session.client_capabilities_json = caps ? ToJson(*caps) : "{}";
    const rapidjson::Value* info = FindMember(p, "clientInfo");
    const rapidjson::Value* name = info ? FindMember(*info, "name") : nullptr;
    session.client_name = name ? std::string(StringOf(*name)) : std::string();
  }
  session.initialized.store(true, std::memory_order_release);

  auto catalog = s.snapshot();
  Reply reply(rc);
  JsonWriter& w = reply.w();
  w.Key("protocolVersion");
  WriteString(w, agreed);
  w.Key("capabilities");
  WriteServerCapabilities(w, /*legacy=*/true);
  w.Key("serverInfo");
  w.StartObject();
  w.Key("name");
  WriteString(w, s.identity.name);
  w.Key("version");
  WriteString(w, s.identity.version);
  w.EndObject();
  if (!catalog->instructions().empty()) {
    w.Key("instructions");
    WriteString(w, catalog->instructions());
  }
  return reply.Finish(s.identity);
}

MethodResult Discover(ServerState& s, RequestContext& rc, const Params&) {
  auto catalog = s.snapshot();
  Reply reply(rc);
  JsonWriter& w = reply.w();
  w.Key("supportedVersions");
  w.StartArray();
  for (auto v : kModernVersions) WriteString(w, v);
  w.EndArray();
  w.Key("capabilities");
  WriteServerCapabilities(w, /*legacy=*/false);
  if (!catalog->instructions().empty()) {
    w.Key("instructions");
    WriteString(w, catalog->instructions());
  }
  return reply.Finish(s.identity, /*ttl_ms=*/60000);
}

MethodResult Ping(ServerState& s, RequestContext& rc, const Params&) {
  Reply reply(rc);
  return reply.Finish(s.identity);
}

MethodResult SetLogLevel(ServerState& s, RequestContext& rc, const Params& p) {
  const rapidjson::Value* level = FindMember(p, "level");
  int32_t value = level && level->IsString() ? LogLevelFromName(StringOf(*level)) : -1;
  if (value < 0)
    return ErrorReply(rc.id_json, rpc::kInvalidParams,
                      "logging/setLevel: level must be one of debug, info, notice, warning, error, critical, "
                      "alert, emergency");
  rc.connection->session().log_min_level.store(value, std::memory_order_relaxed);
  Reply reply(rc);
  return reply.Finish(s.identity);
}

}  // namespace mcph
