// subscription_tools.cpp - a fixture for resource subscriptions, which the
// conformance suites subscribe to (test://watched-resource) but never see
// change: test_trigger_resource_update makes the plugin report an update,
// so the host's notifications/resources/updated (legacy resources/subscribe,
// modern subscriptions/listen resourceSubscriptions) can be tested end to
// end (tests/e2e/subscriptions.test.mjs). Thread-safe: the handler only
// calls the instance's host, which any thread may call.
#include <string>

#include "fixtures.hpp"
#include "json.hpp"

namespace conformance {

void RegisterSubscriptionTools(mcpp::Registrar& reg, const mcpp::Host& host) {
  mcpp::ToolSpec t;
  t.name = "test_trigger_resource_update";
  t.description =
      "Makes the server announce that a resource changed (notifications/resources/updated); uri defaults to "
      "test://watched-resource";
  t.input_schema_json = R"({"type":"object","properties":{"uri":{"type":"string"}}})";
  // The instance's host, valid from create() to destroy() (call->host is optional per call).
  reg.add_tool(t, [host](mcpp::Call&, std::string_view args, mcpp::Result& r) {
    std::string uri = StringMember(args, "uri").value_or("test://watched-resource");
    host.notify_resource_updated(uri.c_str());
    r.add_text("Resource update triggered: " + uri);
  });
}

}  // namespace conformance
