// Tests of the MRTR requestState seal (protocol/request_state_seal.h) and
// of the capability check of input requests (protocol/input_relay.h).
#include <catch2/catch.hpp>

#include <string>

#include "protocol/input_relay.h"
#include "protocol/request_state_seal.h"

using mcph::InputRequest;
using mcph::RequestStateSealer;

namespace {
const std::string kKey(64, 'x');
std::string Bind(const std::string& args = "{}") { return RequestStateSealer::Binding("tools/call", "t", args); }
}  // namespace

TEST_CASE("Seal: a sealed state opens once, for its own request, with its content", "[protocol][seal]") {
  RequestStateSealer sealer(kKey);
  CHECK_FALSE(sealer.random_key());
  std::string token = sealer.Seal(Bind(), "plugin-state\nwith a newline").value();
  CHECK(token.rfind("v1.", 0) == 0);
  CHECK(token.find("plugin-state") == std::string::npos);  // not readable as is
  auto opened = sealer.Open(token, Bind());
  REQUIRE(opened.ok());
  CHECK(opened.value() == "plugin-state\nwith a newline");
  auto again = sealer.Open(token, Bind());
  REQUIRE_FALSE(again.ok());
  CHECK_THAT(again.error(), Catch::Contains("already used"));
}

TEST_CASE("Seal: an empty plugin state still seals (binding and nonce)", "[protocol][seal]") {
  RequestStateSealer sealer(kKey);
  auto opened = sealer.Open(sealer.Seal(Bind(), "").value(), Bind());
  REQUIRE(opened.ok());
  CHECK(opened.value().empty());
}

TEST_CASE("Seal: any change to the token, or another request, is refused", "[protocol][seal]") {
  RequestStateSealer sealer(kKey);
  std::string token = sealer.Seal(Bind(), "s").value();
  for (size_t i = 3; i < token.size(); i += 3) {
    std::string t = token;
    t[i] = t[i] == 'A' ? 'B' : 'A';
    INFO("changed at " << i);
    CHECK_FALSE(sealer.Open(t, Bind()).ok());
  }
  CHECK_FALSE(sealer.Open(token + "-TAMPERED", Bind()).ok());
  CHECK_FALSE(sealer.Open("", Bind()).ok());
  CHECK_FALSE(sealer.Open("v1.", Bind()).ok());
  CHECK_FALSE(sealer.Open("v1.!!.??", Bind()).ok());
  CHECK_FALSE(sealer.Open(token, Bind("{\"a\":1}")).ok());                               // other arguments
  CHECK_FALSE(sealer.Open(token, RequestStateSealer::Binding("prompts/get", "t", "{}")).ok());  // other method
  CHECK_FALSE(sealer.Open(token, RequestStateSealer::Binding("tools/call", "u", "{}")).ok());   // other tool
  CHECK(sealer.Open(token, Bind()).ok());  // untouched, it still opens (once)
}

TEST_CASE("Seal: replicas share a configured key; other keys and random keys do not open it", "[protocol][seal]") {
  RequestStateSealer a(kKey), b(kKey), other(std::string(64, 'y')), random_key("");
  CHECK(random_key.random_key());
  std::string token = a.Seal(Bind(), "s").value();
  CHECK_FALSE(other.Open(token, Bind()).ok());
  CHECK_FALSE(random_key.Open(token, Bind()).ok());
  CHECK(b.Open(token, Bind()).ok());
}

TEST_CASE("Seal: an expired state is refused as expired", "[protocol][seal]") {
  RequestStateSealer sealer(kKey, /*lifetime_ms=*/-1);
  auto opened = sealer.Open(sealer.Seal(Bind(), "s").value(), Bind());
  REQUIRE_FALSE(opened.ok());
  CHECK_THAT(opened.error(), Catch::Contains("expired"));
}

TEST_CASE("Input requests: only the capabilities the client lacks are named", "[protocol][input]") {
  std::vector<InputRequest> form{{"k", "elicitation/create", R"({"mode":"form","message":"m"})"}};
  std::vector<InputRequest> url{{"k", "elicitation/create", R"({"mode":"url","message":"m","url":"https://x"})"}};
  std::vector<InputRequest> all{{"a", "sampling/createMessage", "{}"}, {"b", "roots/list", "{}"}, form[0]};
  std::string names;
  CHECK(mcph::MissingCapabilities(form, R"({"elicitation":{}})", names).empty());
  CHECK(mcph::MissingCapabilities(form, R"({"elicitation":{"form":{}}})", names).empty());
  CHECK(mcph::MissingCapabilities(form, "{}", names) == R"({"elicitation":{}})");
  CHECK(mcph::MissingCapabilities(url, R"({"elicitation":{}})", names) == R"({"elicitation":{"url":{}}})");
  CHECK(names == "elicitation (url mode)");
  CHECK(mcph::MissingCapabilities(url, R"({"elicitation":{"url":{}}})", names).empty());
  CHECK(mcph::MissingCapabilities(all, R"({"sampling":{}})", names) == R"({"elicitation":{},"roots":{}})");
  CHECK(names == "elicitation, roots");
  CHECK(mcph::MissingCapabilities(all, R"({"sampling":{},"roots":{},"elicitation":{}})", names).empty());
}
