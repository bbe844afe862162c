// subscription_methods.cpp - subscriptions/listen (modern) and
// resources/subscribe|unsubscribe (legacy). The registry and the fan-out
// are SubscriptionHub's (subscriptions.h); these methods validate the
// request and register with it.
//
// A listen has no response of its own: the stream stays open (the method
// returns nullopt) until the client ends it - SessionState::Cancel through
// notifications/cancelled on stdio, SessionState::CancelAll when an HTTP
// client closes the response stream - or the server ends it at shutdown
// (SubscriptionHub::EndAll, with the result {resultType:"complete"}).
#include "protocol/errors.h"
#include "protocol/methods.h"

namespace mcph {

MethodResult Listen(ServerState& s, RequestContext& rc, const Params& p) {
  const rapidjson::Value* notifications = FindMember(p, "notifications");
  if (!notifications)
    return ErrorReply(rc.id_json, rpc::kInvalidParams,
                      "Invalid params: subscriptions/listen requires params.notifications (a SubscriptionFilter "
                      "object)");
  auto filter = ParseListenFilter(*notifications);
  if (!filter.ok()) return ErrorReply(rc.id_json, rpc::kInvalidParams, filter.error());

  auto listener = std::make_shared<Listener>(rc.id_json, std::move(filter.value()), rc.connection, rc.reply_to);
  // The session holds the stream under the request id so the client's
  // cancellation reaches it; weakly, as the hub owns the listener.
  bool added = rc.connection->state()->AddStream(rc.id_json, [w = std::weak_ptr<Listener>(listener)] {
    if (auto l = w.lock()) l->Cancel();
  });
  if (!added)
    return ErrorReply(rc.id_json, rpc::kInvalidRequest,
                      "Invalid Request: a request with id " + rc.id_json + " is already in progress");
  s.subscriptions.Open(listener);
  return std::nullopt;
}

namespace {

// params.uri of resources/subscribe|unsubscribe, or an error reply.
Result<std::string> UriParam(const RequestContext& rc, const Params& p) {
  const rapidjson::Value* uri = FindMember(p, "uri");
  if (!uri || !uri->IsString() || uri->GetStringLength() == 0)
    return Status::Error("Invalid params: " + rc.method + " requires params.uri (a non-empty string)");
  return std::string(StringOf(*uri));
}

}  // namespace

// Any URI is accepted, listed or not (a resource a template produces, one
// a plugin adds later): the host only forwards what plugins report.
MethodResult Subscribe(ServerState& s, RequestContext& rc, const Params& p) {
  auto uri = UriParam(rc, p);
  if (!uri.ok()) return ErrorReply(rc.id_json, rpc::kInvalidParams, uri.error());
  s.subscriptions.Subscribe(rc.connection->state(), uri.value());
  Reply reply(rc);
  return reply.Finish(s.identity);
}

// Unsubscribing from a URI the session never subscribed to is not an error
// (the TypeScript SDK servers answer {} as well).
MethodResult Unsubscribe(ServerState& s, RequestContext& rc, const Params& p) {
  auto uri = UriParam(rc, p);
  if (!uri.ok()) return ErrorReply(rc.id_json, rpc::kInvalidParams, uri.error());
  s.subscriptions.Unsubscribe(rc.connection->state(), uri.value());
  Reply reply(rc);
  return reply.Finish(s.identity);
}

}  // namespace mcph
