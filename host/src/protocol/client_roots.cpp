// client_roots.cpp - see client_roots.h.
#include "protocol/client_roots.h"

#include <spdlog/spdlog.h>

namespace mcph {

void RefreshClientRoots(ServerState&, const std::shared_ptr<SessionState>& session) {
  LegacySession& legacy = session->legacy();
  {
    std::lock_guard lock(legacy.mu);
    rapidjson::Document caps;
    if (!ParseJson(legacy.client_capabilities_json, caps).ok() || !FindMember(caps, "roots")) return;
  }
  std::shared_ptr<Outbound> out = session->unsolicited();
  if (!out) return;
  std::string id = session->NextRequestId();
  {
    // Only the newest question matters: stop waiting for an older unanswered one.
    std::lock_guard lock(legacy.mu);
    if (!legacy.roots_request_id.empty()) session->StopAwaiting(legacy.roots_request_id);
    legacy.roots_request_id = id;
  }
  session->AwaitResponse(id, [weak = std::weak_ptr<SessionState>(session)](const rapidjson::Value* response) {
    auto session = weak.lock();
    if (!session || !response) return;
    const rapidjson::Value* result = FindMember(*response, "result");
    const rapidjson::Value* roots = result ? FindMember(*result, "roots") : nullptr;
    if (!roots || !roots->IsArray()) {
      spdlog::warn("the client's answer to roots/list has no roots array; keeping its previous roots");
      return;
    }
    // Keep only well-formed entries: {uri: string, name?: string}.
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartArray();
    for (const auto& r : roots->GetArray()) {
      const rapidjson::Value* uri = FindMember(r, "uri");
      if (!uri || !uri->IsString()) continue;
      w.StartObject();
      w.Key("uri");
      WriteString(w, StringOf(*uri));
      if (const rapidjson::Value* name = FindMember(r, "name"); name && name->IsString()) {
        w.Key("name");
        WriteString(w, StringOf(*name));
      }
      w.EndObject();
    }
    w.EndArray();
    LegacySession& legacy = session->legacy();
    std::lock_guard lock(legacy.mu);
    legacy.roots_json.assign(buf.GetString(), buf.GetSize());
  });
  out->Send("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"roots/list\"}");
}

}  // namespace mcph
