// subscriptions.h - who wants which server notifications, in both eras, and
// the fan-out of catalog changes and resource updates to them.
//
// Modern (2026-07-28): each subscriptions/listen request is a Listener. It
// sends notifications/subscriptions/acknowledged first, then only the
// notifications its filter opted in to, each tagged with
// _meta["io.modelcontextprotocol/subscriptionId"] = the listen request's id
// (raw JSON, so its type is kept). It ends in one of two ways: the client
// ends it (Cancel: nothing more is sent, no response; HTTP disconnect or
// notifications/cancelled on stdio, through SessionState's streams) or the
// server does (End: the result {resultType:"complete"} closes it; shutdown).
//
// Legacy (initialize-based): the hub keeps the connections that receive
// unsolicited notifications (the stdio pipe, each HTTP session's standalone
// GET stream) and, per session (SessionState), the URIs that
// resources/subscribe recorded. list_changed goes to every initialized
// legacy connection; resources/updated only to the sessions subscribed to
// that URI.
//
// Thread-safety: every member may be called from any thread. The hub's lock
// is never held while a message is sent; a Listener's own lock is held while
// it sends one message, which is what keeps its acknowledgement first and
// nothing after its end (Outbound::Send only queues or writes one message).
#pragma once

#include <rapidjson/document.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/connection.h"
#include "protocol/reply.h"
#include "util/result.h"

namespace mcph {

// The _meta key that tags listen-stream messages with their stream.
constexpr const char* kMetaSubscriptionId = "io.modelcontextprotocol/subscriptionId";

// Catalog lists that change, as bits (the runtime maps MCPP_CHANGED_* to these).
enum ListKind : uint32_t { kToolsList = 1u, kResourcesList = 2u, kPromptsList = 4u };

// A SubscriptionFilter: what a listen opts in to (and, acknowledged, what
// the server honours: all of it, since the host can deliver every type).
struct ListenFilter {
  bool tools_list_changed = false;
  bool prompts_list_changed = false;
  bool resources_list_changed = false;
  std::set<std::string> resource_subscriptions;  // URIs, matched exactly
  bool has_resource_subscriptions = false;       // the key was sent (echoed in the ack, even empty)
};

// Reads params.notifications of subscriptions/listen; the error text names
// the bad member.
Result<ListenFilter> ParseListenFilter(const rapidjson::Value& notifications);

// The messages a listen stream carries (exposed for tests).
std::string ListenAckMessage(std::string_view id_json, const ListenFilter& honoured);
std::string ListenNotification(std::string_view id_json, std::string_view method, std::string_view uri = {});
std::string ListenEndMessage(std::string_view id_json, const ServerIdentity& identity);

// One open subscriptions/listen stream.
class Listener {
 public:
  // `conn` is the connection the request came on (its SessionState holds the
  // stream so Cancel can reach it; the listener keeps it alive meanwhile);
  // `out` is where the stream's messages go (the request's reply_to).
  Listener(std::string id_json, ListenFilter filter, std::shared_ptr<Connection> conn,
           std::shared_ptr<Outbound> out);

  const std::string& id_json() const { return id_json_; }
  const ListenFilter& filter() const { return filter_; }
  bool WantsList(ListKind kind) const;
  bool WantsResource(const std::string& uri) const;

  // Sends the acknowledgement; false when the listener already ended (it was
  // cancelled before it opened). Called once, by SubscriptionHub::Open.
  bool Acknowledge();
  // Sends one notification if the stream is open (acknowledged, not ended).
  void Deliver(std::string message);
  // The client ended the stream: nothing more is sent, and no response.
  void Cancel();
  // The server ends the stream gracefully with its final result.
  void End(const ServerIdentity& identity);
  bool ended() const;

 private:
  enum class Phase { kNew, kOpen, kEnded };
  // Leaves the stream (under mu_): returns what to release outside the lock.
  void Finish(std::unique_lock<std::mutex>& lock, std::shared_ptr<Connection>& conn,
              std::shared_ptr<Outbound>& out);

  const std::string id_json_;
  const ListenFilter filter_;
  std::mutex mu_;                              // serialises its messages
  std::atomic<Phase> phase_{Phase::kNew};      // written under mu_; read anywhere
  std::shared_ptr<Connection> conn_;  // released at the end
  std::shared_ptr<Outbound> out_;     // released at the end
};

class SubscriptionHub {
 public:
  // ---- modern: listen streams
  // Registers the listener for matching notifications and acknowledges it
  // (nothing reaches it before its acknowledgement). False when the listener
  // had already ended (cancelled before it opened).
  bool Open(const std::shared_ptr<Listener>& listener);
  // Ends every open listen gracefully (server shutdown); returns how many.
  size_t EndAll(const ServerIdentity& identity);
  // Open listen streams.
  size_t listeners() const;

  // ---- legacy: connections and resources/subscribe
  // A connection that receives unsolicited notifications once its session
  // is initialized (kept weakly: a connection that goes away is forgotten).
  void AddLegacyConnection(const std::shared_ptr<Connection>& conn);
  void Subscribe(const std::shared_ptr<SessionState>& session, const std::string& uri);
  // False when the session was not subscribed to that URI.
  bool Unsubscribe(const std::shared_ptr<SessionState>& session, const std::string& uri);
  bool IsSubscribed(const std::shared_ptr<SessionState>& session, const std::string& uri) const;

  // ---- fan-out (any thread; the runtime calls these after a catalog swap
  // and when a plugin reports a resource update)
  // `kinds` is a set of ListKind bits.
  void ListChanged(uint32_t kinds);
  void ResourceUpdated(const std::string& uri);

 private:
  std::vector<std::shared_ptr<Listener>> OpenListeners();  // pruned copy
  std::vector<std::shared_ptr<Connection>> LiveConnections();  // pruned copy

  mutable std::mutex mu_;
  std::vector<std::shared_ptr<Listener>> listeners_;
  std::vector<std::weak_ptr<Connection>> legacy_connections_;
  std::map<std::weak_ptr<SessionState>, std::set<std::string>, std::owner_less<std::weak_ptr<SessionState>>>
      legacy_subscriptions_;
};

}  // namespace mcph
