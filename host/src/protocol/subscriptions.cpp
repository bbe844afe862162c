// subscriptions.cpp - see subscriptions.h.
#include "protocol/subscriptions.h"

#include <algorithm>
#include <utility>

#include "protocol/protocol_versions.h"
#include "util/json.h"

namespace mcph {
namespace {

std::string_view ListMethod(ListKind kind) {
  switch (kind) {
    case kToolsList: return "notifications/tools/list_changed";
    case kResourcesList: return "notifications/resources/list_changed";
    case kPromptsList: return "notifications/prompts/list_changed";
  }
  return {};
}

// {"io.modelcontextprotocol/subscriptionId":<id>} as the value of key "_meta".
void WriteSubscriptionMeta(JsonWriter& w, std::string_view id_json) {
  w.Key("_meta");
  w.StartObject();
  w.Key(kMetaSubscriptionId);
  WriteRaw(w, id_json, rapidjson::kNumberType);
  w.EndObject();
}

std::string Str(const rapidjson::StringBuffer& buf) { return std::string(buf.GetString(), buf.GetSize()); }

}  // namespace

Result<ListenFilter> ParseListenFilter(const rapidjson::Value& n) {
  if (!n.IsObject()) return Status::Error("Invalid params: params.notifications must be an object");
  ListenFilter f;
  auto flag = [&](const char* key, bool& out) -> Status {
    const rapidjson::Value* v = FindMember(n, key);
    if (!v) return Status::Ok();
    if (!v->IsBool()) return Status::Error(std::string("Invalid params: params.notifications.") + key + " must be a boolean");
    out = v->GetBool();
    return Status::Ok();
  };
  const std::pair<const char*, bool*> flags[] = {{"toolsListChanged", &f.tools_list_changed},
                                                 {"promptsListChanged", &f.prompts_list_changed},
                                                 {"resourcesListChanged", &f.resources_list_changed}};
  for (const auto& [key, out] : flags)
    if (Status s = flag(key, *out); !s.ok()) return s;
  if (const rapidjson::Value* uris = FindMember(n, "resourceSubscriptions")) {
    if (!uris->IsArray())
      return Status::Error("Invalid params: params.notifications.resourceSubscriptions must be an array of URIs");
    for (const auto& u : uris->GetArray()) {
      if (!u.IsString() || u.GetStringLength() == 0)
        return Status::Error("Invalid params: params.notifications.resourceSubscriptions must hold non-empty strings");
      f.resource_subscriptions.emplace(StringOf(u));
    }
    f.has_resource_subscriptions = true;
  }
  return f;
}

std::string ListenAckMessage(std::string_view id_json, const ListenFilter& honoured) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  WriteSubscriptionMeta(w, id_json);
  w.Key("notifications");
  w.StartObject();
  // Only what was asked for and is honoured; a type not asked for is omitted, never false.
  if (honoured.tools_list_changed) {
    w.Key("toolsListChanged");
    w.Bool(true);
  }
  if (honoured.prompts_list_changed) {
    w.Key("promptsListChanged");
    w.Bool(true);
  }
  if (honoured.resources_list_changed) {
    w.Key("resourcesListChanged");
    w.Bool(true);
  }
  if (honoured.has_resource_subscriptions) {
    w.Key("resourceSubscriptions");
    w.StartArray();
    for (const std::string& uri : honoured.resource_subscriptions) WriteString(w, uri);
    w.EndArray();
  }
  w.EndObject();
  w.EndObject();
  return NotificationMessage("notifications/subscriptions/acknowledged", Str(buf));
}

std::string ListenNotification(std::string_view id_json, std::string_view method, std::string_view uri) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  if (!uri.empty()) {
    w.Key("uri");
    WriteString(w, uri);
  }
  WriteSubscriptionMeta(w, id_json);
  w.EndObject();
  return NotificationMessage(method, Str(buf));
}

std::string ListenEndMessage(std::string_view id_json, const ServerIdentity& identity) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("jsonrpc");
  w.String("2.0");
  w.Key("id");
  WriteRaw(w, id_json, rapidjson::kNumberType);
  w.Key("result");
  w.StartObject();
  w.Key("resultType");
  w.String("complete");
  w.Key("_meta");
  w.StartObject();
  w.Key(kMetaSubscriptionId);
  WriteRaw(w, id_json, rapidjson::kNumberType);
  w.Key(kMetaServerInfo);
  WriteServerInfo(w, identity);
  w.EndObject();
  w.EndObject();
  w.EndObject();
  return Str(buf);
}

// ---- Listener

Listener::Listener(std::string id_json, ListenFilter filter, std::shared_ptr<Connection> conn,
                   std::shared_ptr<Outbound> out)
    : id_json_(std::move(id_json)), filter_(std::move(filter)), conn_(std::move(conn)), out_(std::move(out)) {}

bool Listener::WantsList(ListKind kind) const {
  switch (kind) {
    case kToolsList: return filter_.tools_list_changed;
    case kResourcesList: return filter_.resources_list_changed;
    case kPromptsList: return filter_.prompts_list_changed;
  }
  return false;
}

bool Listener::WantsResource(const std::string& uri) const { return filter_.resource_subscriptions.count(uri) > 0; }

bool Listener::Acknowledge() {
  std::lock_guard lock(mu_);
  if (phase_ != Phase::kNew) return false;
  phase_ = Phase::kOpen;
  out_->Send(ListenAckMessage(id_json_, filter_));
  return true;
}

void Listener::Deliver(std::string message) {
  std::lock_guard lock(mu_);
  if (phase_ != Phase::kOpen) return;
  out_->Send(std::move(message));
}

void Listener::Finish(std::unique_lock<std::mutex>& lock, std::shared_ptr<Connection>& conn,
                      std::shared_ptr<Outbound>& out) {
  phase_ = Phase::kEnded;
  conn = std::move(conn_);
  out = std::move(out_);
  lock.unlock();
}

void Listener::Cancel() {
  std::unique_lock lock(mu_);
  if (phase_ == Phase::kEnded) return;
  std::shared_ptr<Connection> conn;
  std::shared_ptr<Outbound> out;
  Finish(lock, conn, out);
  out->Drop();  // the client ended it: no response (HTTP ends the response stream)
  if (conn) conn->state()->RemoveStream(id_json_);
}

void Listener::End(const ServerIdentity& identity) {
  std::unique_lock lock(mu_);
  if (phase_ == Phase::kEnded) return;
  // The final result goes out under the lock, after anything delivered before.
  out_->Respond(Answer(ListenEndMessage(id_json_, identity)));
  std::shared_ptr<Connection> conn;
  std::shared_ptr<Outbound> out;
  Finish(lock, conn, out);
  if (conn) conn->state()->RemoveStream(id_json_);
}

bool Listener::ended() const { return phase_.load(std::memory_order_acquire) == Phase::kEnded; }

// ---- SubscriptionHub

bool SubscriptionHub::Open(const std::shared_ptr<Listener>& listener) {
  // Registered first and acknowledged second: a change published in between
  // finds the listener not yet open and skips it, so nothing can precede the
  // acknowledgement (Deliver and Acknowledge share the listener's lock).
  {
    std::lock_guard lock(mu_);
    listeners_.erase(std::remove_if(listeners_.begin(), listeners_.end(),
                                    [](const std::shared_ptr<Listener>& l) { return l->ended(); }),
                     listeners_.end());
    listeners_.push_back(listener);
  }
  return listener->Acknowledge();  // false: cancelled already; pruned later
}

std::vector<std::shared_ptr<Listener>> SubscriptionHub::OpenListeners() {
  std::lock_guard lock(mu_);
  listeners_.erase(std::remove_if(listeners_.begin(), listeners_.end(),
                                  [](const std::shared_ptr<Listener>& l) { return l->ended(); }),
                   listeners_.end());
  return listeners_;
}

size_t SubscriptionHub::EndAll(const ServerIdentity& identity) {
  std::vector<std::shared_ptr<Listener>> all;
  {
    std::lock_guard lock(mu_);
    all.swap(listeners_);
  }
  size_t n = 0;
  for (auto& l : all) {
    if (l->ended()) continue;
    l->End(identity);
    ++n;
  }
  return n;
}

size_t SubscriptionHub::listeners() const {
  std::lock_guard lock(mu_);
  return static_cast<size_t>(std::count_if(listeners_.begin(), listeners_.end(),
                                           [](const std::shared_ptr<Listener>& l) { return !l->ended(); }));
}

void SubscriptionHub::AddLegacyConnection(const std::shared_ptr<Connection>& conn) {
  std::lock_guard lock(mu_);
  legacy_connections_.push_back(conn);
}

std::vector<std::shared_ptr<Connection>> SubscriptionHub::LiveConnections() {
  std::vector<std::shared_ptr<Connection>> live;
  std::lock_guard lock(mu_);
  for (auto it = legacy_connections_.begin(); it != legacy_connections_.end();) {
    if (auto c = it->lock()) {
      live.push_back(std::move(c));
      ++it;
    } else {
      it = legacy_connections_.erase(it);
    }
  }
  return live;
}

void SubscriptionHub::Subscribe(const std::shared_ptr<SessionState>& session, const std::string& uri) {
  std::lock_guard lock(mu_);
  for (auto it = legacy_subscriptions_.begin(); it != legacy_subscriptions_.end();)
    it = it->first.expired() ? legacy_subscriptions_.erase(it) : std::next(it);
  legacy_subscriptions_[session].insert(uri);
}

bool SubscriptionHub::Unsubscribe(const std::shared_ptr<SessionState>& session, const std::string& uri) {
  std::lock_guard lock(mu_);
  auto it = legacy_subscriptions_.find(session);
  if (it == legacy_subscriptions_.end()) return false;
  bool was = it->second.erase(uri) > 0;
  if (it->second.empty()) legacy_subscriptions_.erase(it);
  return was;
}

bool SubscriptionHub::IsSubscribed(const std::shared_ptr<SessionState>& session, const std::string& uri) const {
  std::lock_guard lock(mu_);
  auto it = legacy_subscriptions_.find(session);
  return it != legacy_subscriptions_.end() && it->second.count(uri) > 0;
}

void SubscriptionHub::ListChanged(uint32_t kinds) {
  std::vector<ListKind> changed;
  for (ListKind k : {kToolsList, kResourcesList, kPromptsList})
    if (kinds & k) changed.push_back(k);
  if (changed.empty()) return;

  // Legacy: every initialized session hears of every change (its initialize
  // advertised listChanged); a modern client on the same stdio pipe does not.
  for (const auto& conn : LiveConnections()) {
    if (!conn->session().initialized.load(std::memory_order_acquire)) continue;
    for (ListKind k : changed) conn->out().Send(NotificationMessage(ListMethod(k), {}));
  }
  for (const auto& l : OpenListeners())
    for (ListKind k : changed)
      if (l->WantsList(k)) l->Deliver(ListenNotification(l->id_json(), ListMethod(k)));
}

void SubscriptionHub::ResourceUpdated(const std::string& uri) {
  std::vector<std::shared_ptr<Connection>> targets;
  {
    auto live = LiveConnections();
    std::lock_guard lock(mu_);
    for (auto& conn : live) {
      auto it = legacy_subscriptions_.find(conn->state());
      if (it != legacy_subscriptions_.end() && it->second.count(uri)) targets.push_back(std::move(conn));
    }
  }
  if (!targets.empty()) {
    std::string note = NotificationMessage("notifications/resources/updated", UriObject(uri));
    for (const auto& conn : targets) conn->out().Send(std::string(note));
  }
  for (const auto& l : OpenListeners())
    if (l->WantsResource(uri)) l->Deliver(ListenNotification(l->id_json(), "notifications/resources/updated", uri));
}

}  // namespace mcph
