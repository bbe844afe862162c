// reply.cpp - see reply.h.
#include "protocol/reply.h"

#include "protocol/protocol_versions.h"

namespace mcph {

Reply::Reply(const RequestContext& rc) : rc_(rc), w_(buf_) {
  w_.StartObject();
  w_.Key("jsonrpc");
  w_.String("2.0");
  w_.Key("id");
  WriteRaw(w_, rc.id_json, rapidjson::kNumberType);
  w_.Key("result");
  w_.StartObject();
}

void WriteServerInfo(JsonWriter& w, const ServerIdentity& id) {
  w.StartObject();
  w.Key("name");
  WriteString(w, id.name);
  w.Key("version");
  WriteString(w, id.version);
  w.EndObject();
}

std::string UriObject(std::string_view uri) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("uri");
  WriteString(w, uri);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::string Reply::Finish(const ServerIdentity& id, int64_t ttl_ms, std::string_view meta_json,
                          std::string_view result_type) {
  // Strip the plugin's _meta to its members so they merge with ours.
  std::string_view inner;
  if (!meta_json.empty()) {
    size_t open = meta_json.find('{'), close = meta_json.rfind('}');
    if (open != std::string_view::npos && close != std::string_view::npos && close > open)
      inner = meta_json.substr(open + 1, close - open - 1);
    while (!inner.empty() && (inner.front() == ' ' || inner.front() == '\n' || inner.front() == '\t' ||
                              inner.front() == '\r'))
      inner.remove_prefix(1);
  }
  if (rc_.era == Era::kModern) {
    w_.Key("resultType");
    WriteString(w_, result_type);
    if (ttl_ms >= 0) {
      w_.Key("ttlMs");
      w_.Int64(ttl_ms);
      w_.Key("cacheScope");
      w_.String("public");
    }
    w_.Key("_meta");
    w_.StartObject();
    w_.Key(kMetaServerInfo);
    WriteServerInfo(w_, id);
    w_.EndObject();
    if (!inner.empty()) {
      // Reopen our _meta: drop its closing brace and append the plugin's members.
      buf_.Pop(1);
      buf_.Put(',');
      for (char c : inner) buf_.Put(c);
      buf_.Put('}');
    }
  } else if (!inner.empty()) {
    w_.Key("_meta");
    WriteRaw(w_, meta_json, rapidjson::kObjectType);
  }
  w_.EndObject();
  w_.EndObject();
  return std::string(buf_.GetString(), buf_.GetSize());
}

Answer ErrorReply(std::string_view id_json, int code, std::string_view message, std::string_view data_json) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("jsonrpc");
  w.String("2.0");
  w.Key("id");
  if (id_json.empty()) w.Null();
  else WriteRaw(w, id_json, rapidjson::kNumberType);
  w.Key("error");
  w.StartObject();
  w.Key("code");
  w.Int(code);
  w.Key("message");
  WriteString(w, message);
  if (!data_json.empty()) {
    w.Key("data");
    WriteRaw(w, data_json, rapidjson::kObjectType);
  }
  w.EndObject();
  w.EndObject();
  return Answer(std::string(buf.GetString(), buf.GetSize()), code);
}

std::string NotificationMessage(std::string_view method, std::string_view params_json) {
  std::string out = R"({"jsonrpc":"2.0","method":)";
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  WriteString(w, method);
  out.append(buf.GetString(), buf.GetSize());
  if (!params_json.empty()) {
    out += R"(,"params":)";
    out += params_json;
  }
  out += '}';
  return out;
}

std::string ErrorMessageOf(const std::string& reply) {
  rapidjson::Document d;
  if (!ParseJson(reply, d).ok() || !d.IsObject()) return {};
  const rapidjson::Value* err = FindMember(d, "error");
  const rapidjson::Value* msg = err ? FindMember(*err, "message") : nullptr;
  return msg && msg->IsString() ? std::string(StringOf(*msg)) : std::string();
}

}  // namespace mcph
