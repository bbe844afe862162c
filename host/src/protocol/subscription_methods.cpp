// subscription_methods.cpp - subscriptions/listen (modern) and
// resources/subscribe|unsubscribe (legacy). Not served yet: each answers
// "method not found" so clients see a plain refusal.
#include "protocol/errors.h"
#include "protocol/methods.h"

namespace mcph {

MethodResult Listen(ServerState&, RequestContext& rc, const Params&) {
  return ErrorReply(rc.id_json, rpc::kMethodNotFound, "Method not found: " + rc.method + " is not served yet");
}
MethodResult Subscribe(ServerState&, RequestContext& rc, const Params&) {
  return ErrorReply(rc.id_json, rpc::kMethodNotFound, "Method not found: " + rc.method + " is not served yet");
}
MethodResult Unsubscribe(ServerState&, RequestContext& rc, const Params&) {
  return ErrorReply(rc.id_json, rpc::kMethodNotFound, "Method not found: " + rc.method + " is not served yet");
}

}  // namespace mcph
