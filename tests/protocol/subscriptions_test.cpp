// subscriptions_test.cpp - notifications and subscriptions in both eras:
// the SubscriptionHub on its own (listen filters, acknowledgement first,
// tagging, cancel and graceful end, legacy subscribers), then through the
// Dispatcher and a HostRuntime serving the conformance plugin (whose
// trigger tools make it report list changes and resource updates), and a
// listen over Streamable HTTP (SSE, keep-alive, disconnect, drain).
#include <catch2/catch.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "protocol/connection.h"
#include "protocol/dispatcher.h"
#include "protocol/subscriptions.h"
#include "runtime/host_runtime.h"
#include "transport/http/exchange.h"
#include "transport/http/http_server.h"
#include "util/json.h"

using mcph::Connection;
using mcph::ListenFilter;
using mcph::Listener;
using mcph::SubscriptionHub;

namespace {

constexpr auto kWait = std::chrono::seconds(5);
constexpr const char* kSubId = "io.modelcontextprotocol/subscriptionId";
constexpr const char* kWatched = "test://watched-resource";

// An Outbound that records what it is given: "R:" prefixes a response, and
// drops are counted.
class Capture : public mcph::Outbound {
 public:
  void Send(std::string&& message) override { Add(std::move(message)); }
  void Respond(mcph::Answer&& a) override { Add("R:" + a.message); }
  void Drop() override {
    {
      std::lock_guard lock(mu_);
      ++drops_;
    }
    cv_.notify_all();
  }
  std::vector<std::string> All() {
    std::lock_guard lock(mu_);
    return messages_;
  }
  int drops() {
    std::lock_guard lock(mu_);
    return drops_;
  }
  bool WaitFor(const std::function<bool(const std::vector<std::string>&)>& pred) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, kWait, [&] { return pred(messages_); });
  }

 private:
  void Add(std::string m) {
    {
      std::lock_guard lock(mu_);
      messages_.push_back(std::move(m));
    }
    cv_.notify_all();
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> messages_;
  int drops_ = 0;
};

rapidjson::Document Parse(const std::string& text) {
  rapidjson::Document d;
  INFO(text);
  REQUIRE(mcph::ParseJson(text, d).ok());
  return d;
}

std::string Method(const std::string& text) {
  rapidjson::Document d;
  if (!mcph::ParseJson(text, d).ok() || !d.IsObject() || !d.HasMember("method") || !d["method"].IsString()) return {};
  return d["method"].GetString();
}

// The raw JSON of params._meta[subscriptionId], "" when absent.
std::string SubIdOf(const std::string& text) {
  rapidjson::Document d;
  if (!mcph::ParseJson(text, d).ok() || !d.IsObject()) return {};
  const rapidjson::Value* meta = nullptr;
  if (d.HasMember("params") && d["params"].IsObject() && d["params"].HasMember("_meta"))
    meta = &d["params"]["_meta"];
  else if (d.HasMember("result") && d["result"].IsObject() && d["result"].HasMember("_meta"))
    meta = &d["result"]["_meta"];
  if (!meta || !meta->IsObject() || !meta->HasMember(kSubId)) return {};
  return mcph::ToJson((*meta)[kSubId]);
}

std::string IdOf(const std::string& text) {
  rapidjson::Document d;
  std::string t = text.rfind("R:", 0) == 0 ? text.substr(2) : text;
  if (!mcph::ParseJson(t, d).ok() || !d.IsObject() || !d.HasMember("id")) return {};
  return mcph::ToJson(d["id"]);
}

int Count(const std::vector<std::string>& msgs, const std::string& method, const std::string& sub_id = "") {
  int n = 0;
  for (const auto& m : msgs) n += Method(m) == method && (sub_id.empty() || SubIdOf(m) == sub_id);
  return n;
}

ListenFilter Filter(const std::string& json) {
  auto d = Parse(json);
  auto f = mcph::ParseListenFilter(d);
  INFO(json << " -> " << (f.ok() ? "" : f.error()));
  REQUIRE(f.ok());
  return f.value();
}

// A listener on its own capture and connection.
struct Probe {
  Probe(const std::string& id_json, const std::string& filter_json) {
    out = std::make_shared<Capture>();
    conn = std::make_shared<Connection>(out);
    listener = std::make_shared<Listener>(id_json, Filter(filter_json), conn, out);
    REQUIRE(conn->state()->AddStream(id_json, [w = std::weak_ptr<Listener>(listener)] {
      if (auto l = w.lock()) l->Cancel();
    }));
  }
  std::shared_ptr<Capture> out;
  std::shared_ptr<Connection> conn;
  std::shared_ptr<Listener> listener;
};

}  // namespace

TEST_CASE("listen filter: parsed and validated", "[subscriptions]") {
  auto f = Filter(R"({"toolsListChanged":true,"promptsListChanged":false,"resourceSubscriptions":["a://1","a://1","b://2"]})");
  CHECK(f.tools_list_changed);
  CHECK_FALSE(f.prompts_list_changed);
  CHECK_FALSE(f.resources_list_changed);
  CHECK(f.has_resource_subscriptions);
  CHECK(f.resource_subscriptions.size() == 2);
  CHECK_FALSE(Filter("{}").has_resource_subscriptions);
  for (const char* bad : {R"([])", R"({"toolsListChanged":1})", R"({"resourceSubscriptions":"a://1"})",
                          R"({"resourceSubscriptions":[1]})", R"({"resourceSubscriptions":[""]})"}) {
    auto d = Parse(bad);
    INFO(bad);
    CHECK_FALSE(mcph::ParseListenFilter(d).ok());
  }
}

TEST_CASE("listen messages: ack lists what is honoured, ids keep their JSON type", "[subscriptions]") {
  auto ack = Parse(mcph::ListenAckMessage("7", Filter(R"({"toolsListChanged":true,"promptsListChanged":false})")));
  CHECK(std::string(ack["method"].GetString()) == "notifications/subscriptions/acknowledged");
  CHECK(ack["params"]["_meta"][kSubId].IsInt());
  CHECK(ack["params"]["_meta"][kSubId].GetInt() == 7);
  CHECK(ack["params"]["notifications"]["toolsListChanged"].GetBool());
  CHECK_FALSE(ack["params"]["notifications"].HasMember("promptsListChanged"));  // omitted, never false
  CHECK_FALSE(ack["params"]["notifications"].HasMember("resourceSubscriptions"));

  auto up = Parse(mcph::ListenNotification("\"s-1\"", "notifications/resources/updated", "a://1"));
  CHECK(std::string(up["params"]["_meta"][kSubId].GetString()) == "s-1");
  CHECK(std::string(up["params"]["uri"].GetString()) == "a://1");

  mcph::ServerIdentity id;
  auto end = Parse(mcph::ListenEndMessage("7", id));
  CHECK(end["id"].GetInt() == 7);
  CHECK(std::string(end["result"]["resultType"].GetString()) == "complete");
  CHECK(end["result"]["_meta"][kSubId].GetInt() == 7);
}

TEST_CASE("hub: ack first, only the opted-in types, tagged", "[subscriptions]") {
  SubscriptionHub hub;
  Probe tools("1", R"({"toolsListChanged":true})");
  Probe prompts("\"p\"", R"({"promptsListChanged":true,"resourceSubscriptions":["a://1"]})");
  REQUIRE(hub.Open(tools.listener));
  REQUIRE(hub.Open(prompts.listener));
  CHECK(hub.listeners() == 2);

  hub.ListChanged(mcph::kToolsList);
  hub.ListChanged(mcph::kPromptsList | mcph::kResourcesList);
  hub.ResourceUpdated("a://1");
  hub.ResourceUpdated("a://other");

  auto t = tools.out->All();
  REQUIRE(t.size() == 2);
  CHECK(Method(t[0]) == "notifications/subscriptions/acknowledged");
  CHECK(Method(t[1]) == "notifications/tools/list_changed");
  CHECK(SubIdOf(t[1]) == "1");

  auto p = prompts.out->All();
  REQUIRE(p.size() == 3);
  CHECK(Method(p[0]) == "notifications/subscriptions/acknowledged");
  CHECK(Method(p[1]) == "notifications/prompts/list_changed");
  CHECK(Method(p[2]) == "notifications/resources/updated");
  for (const auto& m : p) CHECK(SubIdOf(m) == "\"p\"");
  CHECK(Parse(p[2])["params"]["uri"] == "a://1");
}

TEST_CASE("hub: a cancelled listen gets nothing more and no response", "[subscriptions]") {
  SubscriptionHub hub;
  Probe a("5", R"({"toolsListChanged":true})");
  REQUIRE(hub.Open(a.listener));
  CHECK(a.conn->Cancel("5"));  // what notifications/cancelled or an HTTP disconnect does
  CHECK(a.out->drops() == 1);
  CHECK(a.listener->ended());
  CHECK_FALSE(a.conn->Cancel("5"));  // the session no longer holds the stream
  hub.ListChanged(mcph::kToolsList);
  CHECK(a.out->All().size() == 1);  // the ack only
  CHECK(hub.listeners() == 0);

  // Cancelled before it opened: never acknowledged.
  Probe b("6", R"({"toolsListChanged":true})");
  b.conn->CancelAll();
  CHECK_FALSE(hub.Open(b.listener));
  CHECK(b.out->All().empty());
}

TEST_CASE("hub: EndAll closes each open listen with its result, last", "[subscriptions]") {
  SubscriptionHub hub;
  Probe a("9", R"({"resourcesListChanged":true})");
  Probe b("\"x\"", R"({})");
  REQUIRE(hub.Open(a.listener));
  REQUIRE(hub.Open(b.listener));
  CHECK(b.conn->Cancel("\"x\""));
  hub.ListChanged(mcph::kResourcesList);
  CHECK(hub.EndAll(mcph::ServerIdentity{}) == 1);
  hub.ListChanged(mcph::kResourcesList);
  auto m = a.out->All();
  REQUIRE(m.size() == 3);
  CHECK(Method(m[1]) == "notifications/resources/list_changed");
  REQUIRE(m[2].rfind("R:", 0) == 0);
  auto end = Parse(m[2].substr(2));
  CHECK(end["id"].GetInt() == 9);
  CHECK(std::string(end["result"]["resultType"].GetString()) == "complete");
  CHECK(end["result"]["_meta"][kSubId].GetInt() == 9);
  CHECK(a.out->drops() == 0);
  CHECK_FALSE(a.conn->Cancel("9"));  // removed from the session
  CHECK(hub.listeners() == 0);
}

TEST_CASE("hub: legacy subscribers get resources/updated for their URIs only", "[subscriptions]") {
  SubscriptionHub hub;
  auto out1 = std::make_shared<Capture>();
  auto c1 = std::make_shared<Connection>(out1);
  auto out2 = std::make_shared<Capture>();
  auto c2 = std::make_shared<Connection>(out2);
  hub.AddLegacyConnection(c1);
  hub.AddLegacyConnection(c2);
  c1->session().initialized = true;

  hub.Subscribe(c1->state(), "a://1");
  hub.Subscribe(c2->state(), "a://2");
  CHECK(hub.IsSubscribed(c1->state(), "a://1"));
  hub.ResourceUpdated("a://1");
  hub.ResourceUpdated("a://3");
  REQUIRE(out1->All().size() == 1);
  auto n = Parse(out1->All()[0]);
  CHECK(std::string(n["method"].GetString()) == "notifications/resources/updated");
  CHECK(n["params"]["uri"] == "a://1");
  CHECK_FALSE(n["params"].HasMember("_meta"));
  CHECK(out2->All().empty());

  CHECK(hub.Unsubscribe(c1->state(), "a://1"));
  CHECK_FALSE(hub.Unsubscribe(c1->state(), "a://1"));
  hub.ResourceUpdated("a://1");
  CHECK(out1->All().size() == 1);

  // list_changed: initialized legacy sessions only.
  hub.ListChanged(mcph::kToolsList);
  CHECK(Count(out1->All(), "notifications/tools/list_changed") == 1);
  CHECK(out2->All().empty());

  // A connection that went away is forgotten.
  std::weak_ptr<Connection> gone = c2;
  c2.reset();
  CHECK(gone.expired());
  hub.ResourceUpdated("a://2");
}

namespace {

// A host serving the conformance plugin (unprefixed) to one in-process connection.
struct ConformanceHost {
  ConformanceHost() {
    mcph::HostConfig cfg;
    cfg.server.workers = 2;
    mcph::PluginConfig conf;
    conf.path = std::string(MCPHOST_TEST_PLUGIN_DIR) + "/libmcphost_conformance.so";
    conf.has_alias = true;
    conf.alias = "";
    conf.line = 1;
    cfg.plugins = {conf};
    auto r = mcph::HostRuntime::Start(cfg, /*strict=*/true);
    INFO((r.ok() ? std::string() : r.error()));
    REQUIRE(r.ok());
    rt = std::move(r.value());
    out = std::make_shared<Capture>();
    conn = std::make_shared<Connection>(out);
    rt->AddConnection(conn);  // as main.cpp does with the stdio pipe
  }
  ~ConformanceHost() { conn->CancelAll(); }

  void Send(const std::string& text) { rt->dispatcher().HandleMessage(text, conn); }
  rapidjson::Document Await(const std::string& id_json) {
    std::string found;
    bool ok = out->WaitFor([&](const std::vector<std::string>& msgs) {
      for (const auto& m : msgs)
        if (IdOf(m) == id_json) {
          found = m.rfind("R:", 0) == 0 ? m.substr(2) : m;
          return true;
        }
      return false;
    });
    INFO("waiting for the reply to id " << id_json);
    REQUIRE(ok);
    return Parse(found);
  }
  rapidjson::Document Call(const std::string& text, const std::string& id_json) {
    Send(text);
    return Await(id_json);
  }
  // Waits until `method` tagged with `sub_id` ("" = untagged or any) was seen `n` times.
  bool WaitCount(const std::string& method, const std::string& sub_id, int n) {
    return out->WaitFor([&](const std::vector<std::string>& msgs) {
      int c = 0;
      for (const auto& m : msgs) c += Method(m) == method && SubIdOf(m) == sub_id;
      return c >= n;
    });
  }

  std::unique_ptr<mcph::HostRuntime> rt;
  std::shared_ptr<Capture> out;
  std::shared_ptr<Connection> conn;
};

std::string Modern(const std::string& id, const std::string& method, const std::string& params = "") {
  return R"({"jsonrpc":"2.0","id":)" + id + R"(,"method":")" + method + R"(","params":{)" +
         (params.empty() ? "" : params + ",") +
         R"("_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}})";
}

std::string Legacy(const std::string& id, const std::string& method, const std::string& params = "") {
  return R"({"jsonrpc":"2.0","id":)" + id + R"(,"method":")" + method + R"(","params":{)" + params + "}}";
}

std::string Trigger(const std::string& id, const char* tool, bool modern, const std::string& args = "{}") {
  std::string p = std::string(R"("name":")") + tool + R"(","arguments":)" + args;
  return modern ? Modern(id, "tools/call", p) : Legacy(id, "tools/call", p);
}

}  // namespace

TEST_CASE("legacy: resources/subscribe, updated on the connection, unsubscribe stops it", "[subscriptions]") {
  ConformanceHost h;
  auto init = h.Call(Legacy("1", "initialize",
                            R"("protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"u","version":"1"})"),
                     "1");
  CHECK(init["result"]["capabilities"]["resources"]["subscribe"].GetBool());
  CHECK(init["result"]["capabilities"]["resources"]["listChanged"].GetBool());
  h.Send(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");

  auto sub = h.Call(Legacy("2", "resources/subscribe", std::string(R"("uri":")") + kWatched + "\""), "2");
  REQUIRE(sub.HasMember("result"));
  CHECK(sub["result"].ObjectEmpty());
  CHECK(h.Call(Legacy("3", "resources/subscribe", R"("uri":7)"), "3")["error"]["code"].GetInt() == -32602);

  h.Call(Trigger("4", "test_trigger_resource_update", false), "4");
  REQUIRE(h.WaitCount("notifications/resources/updated", "", 1));
  auto all = h.out->All();
  for (const auto& m : all)
    if (Method(m) == "notifications/resources/updated") CHECK(Parse(m)["params"]["uri"] == kWatched);

  auto unsub = h.Call(Legacy("5", "resources/unsubscribe", std::string(R"("uri":")") + kWatched + "\""), "5");
  CHECK(unsub["result"].ObjectEmpty());
  // Updates are announced in order on one thread: once the update of a URI
  // still subscribed arrives, the one before it would have too.
  h.Call(Legacy("6", "resources/subscribe", R"("uri":"test://other")"), "6");
  h.Call(Trigger("7", "test_trigger_resource_update", false), "7");
  h.Call(Trigger("8", "test_trigger_resource_update", false, R"({"uri":"test://other"})"), "8");
  REQUIRE(h.WaitCount("notifications/resources/updated", "", 2));
  int watched = 0;
  for (const auto& m : h.out->All())
    if (Method(m) == "notifications/resources/updated") watched += Parse(m)["params"]["uri"] == kWatched;
  CHECK(watched == 1);

  // list_changed still reaches the initialized legacy connection, untagged.
  h.Call(Trigger("9", "test_trigger_tool_change", false), "9");
  CHECK(h.WaitCount("notifications/tools/list_changed", "", 1));
}

TEST_CASE("modern: subscriptions/listen on a pipe, filters, cancel, graceful end", "[subscriptions]") {
  ConformanceHost h;
  auto disc = h.Call(Modern("\"d\"", "server/discover"), "\"d\"");
  const auto& caps = disc["result"]["capabilities"];
  CHECK(caps["tools"]["listChanged"].GetBool());
  CHECK(caps["prompts"]["listChanged"].GetBool());
  CHECK(caps["resources"]["listChanged"].GetBool());
  CHECK(caps["resources"]["subscribe"].GetBool());

  CHECK(h.Call(Modern("1", "subscriptions/listen"), "1")["error"]["code"].GetInt() == -32602);
  CHECK(h.Call(Modern("2", "subscriptions/listen", R"("notifications":{"toolsListChanged":"yes"})"), "2")["error"]["code"]
            .GetInt() == -32602);

  // Listener 7 wants prompts and the watched resource; "t" wants tools.
  h.Send(Modern("7", "subscriptions/listen",
                std::string(R"("notifications":{"promptsListChanged":true,"resourceSubscriptions":[")") + kWatched +
                    "\"]}"));
  h.Send(Modern("\"t\"", "subscriptions/listen", R"("notifications":{"toolsListChanged":true})"));
  REQUIRE(h.WaitCount("notifications/subscriptions/acknowledged", "7", 1));
  REQUIRE(h.WaitCount("notifications/subscriptions/acknowledged", "\"t\"", 1));
  // The same id again while the stream is open: refused.
  CHECK(h.Call(Modern("7", "subscriptions/listen", R"("notifications":{})"), "7")["error"]["code"].GetInt() == -32600);

  h.Call(Trigger("10", "test_trigger_tool_change", true), "10");
  h.Call(Trigger("11", "test_trigger_prompt_change", true), "11");
  h.Call(Trigger("12", "test_trigger_resource_update", true), "12");
  REQUIRE(h.WaitCount("notifications/resources/updated", "7", 1));
  REQUIRE(h.WaitCount("notifications/tools/list_changed", "\"t\"", 1));
  auto all = h.out->All();
  CHECK(Count(all, "notifications/prompts/list_changed", "7") == 1);
  CHECK(Count(all, "notifications/tools/list_changed", "7") == 0);  // not opted in
  CHECK(Count(all, "notifications/prompts/list_changed", "\"t\"") == 0);
  // A modern client on the pipe gets no untagged (legacy) list_changed.
  int untagged = 0;
  for (const auto& m : all) untagged += Method(m) == "notifications/tools/list_changed" && SubIdOf(m).empty();
  CHECK(untagged == 0);
  // The acknowledgement came first for each stream.
  for (const std::string id : {"7", "\"t\""})
    for (const auto& m : all)
      if (SubIdOf(m) == id) {
        CHECK(Method(m) == "notifications/subscriptions/acknowledged");
        break;
      }

  // The client cancels 7; "t" still hears, 7 does not, and 7 gets no response.
  h.Send(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":7}})");
  h.Call(Trigger("13", "test_trigger_prompt_change", true), "13");
  h.Call(Trigger("14", "test_trigger_resource_update", true), "14");
  h.Call(Trigger("15", "test_trigger_tool_change", true), "15");
  REQUIRE(h.WaitCount("notifications/tools/list_changed", "\"t\"", 2));
  all = h.out->All();
  CHECK(Count(all, "notifications/prompts/list_changed", "7") == 1);
  CHECK(Count(all, "notifications/resources/updated", "7") == 1);

  // Shutdown: "t" ends with its result.
  CHECK(h.rt->EndListens() == 1);
  auto end = h.Await("\"t\"");
  CHECK(std::string(end["result"]["resultType"].GetString()) == "complete");
  CHECK(std::string(end["result"]["_meta"][kSubId].GetString()) == "t");
  int answers7 = 0;
  for (const auto& m : h.out->All()) answers7 += IdOf(m) == "7" && m.rfind("R:", 0) == 0 && m.find("\"result\"") != std::string::npos;
  CHECK(answers7 == 0);
}

namespace {

// Reads from a raw socket until `done(got)` or the connection ends (bounded).
std::string ReadUntil(boost::asio::ip::tcp::socket& sock, const std::function<bool(const std::string&)>& done) {
  std::string got;
  auto deadline = std::chrono::steady_clock::now() + kWait;
  while (!done(got) && std::chrono::steady_clock::now() < deadline) {
    char buf[2048];
    boost::system::error_code ec;
    size_t n = sock.read_some(boost::asio::buffer(buf), ec);
    if (ec) break;
    got.append(buf, n);
  }
  return got;
}

}  // namespace

TEST_CASE("http: a listen is an SSE stream with keep-alives; a disconnect or the drain ends it", "[subscriptions][http]") {
  namespace net = boost::asio;
  using tcp = net::ip::tcp;
  mcph::http::Exchange::SetKeepAliveForTesting(std::chrono::milliseconds(50));

  mcph::HostConfig cfg;
  cfg.server.workers = 2;
  cfg.server.transport = "http";
  cfg.server.http.listen = "127.0.0.1:0";
  cfg.server.http.threads = 1;
  mcph::PluginConfig conf;
  conf.path = std::string(MCPHOST_TEST_PLUGIN_DIR) + "/libmcphost_conformance.so";
  conf.has_alias = true;
  conf.alias = "";
  conf.line = 1;
  cfg.plugins = {conf};
  auto r = mcph::HostRuntime::Start(cfg, true);
  REQUIRE(r.ok());
  auto rt = std::move(r.value());
  auto s = mcph::http::HttpServer::Create(*rt, cfg.server.http, 1024 * 1024);
  REQUIRE(s.ok());
  auto server = std::move(s.value());
  std::thread serving([&] { server->Run(false); });
  auto& hub = rt->state().subscriptions;

  auto open_listen = [&](tcp::socket& sock, const std::string& id) {
    sock.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), server->port()));
    std::string body = Modern(id, "subscriptions/listen", R"("notifications":{"toolsListChanged":true})");
    std::string req = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(server->port()) +
                      "\r\nAccept: application/json, text/event-stream\r\nContent-Type: application/json\r\n"
                      "MCP-Protocol-Version: 2026-07-28\r\nMcp-Method: subscriptions/listen\r\nContent-Length: " +
                      std::to_string(body.size()) + "\r\n\r\n" + body;
    net::write(sock, net::buffer(req));
  };

  net::io_context ioc;
  {
    tcp::socket sock(ioc);
    open_listen(sock, "41");
    std::string got = ReadUntil(sock, [](const std::string& g) { return g.find(": keep-alive") != std::string::npos; });
    CHECK_THAT(got, Catch::Contains("text/event-stream"));
    CHECK_THAT(got, Catch::Contains("notifications/subscriptions/acknowledged"));
    CHECK_THAT(got, Catch::Contains(": keep-alive\n\n"));
    CHECK(got.find("acknowledged") < got.find(": keep-alive"));
    CHECK(hub.listeners() == 1);
    sock.close();  // the client ends the stream
  }
  auto deadline = std::chrono::steady_clock::now() + kWait;
  while (hub.listeners() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  CHECK(hub.listeners() == 0);

  // A second listen is ended by the drain with its result.
  tcp::socket sock(ioc);
  open_listen(sock, "42");
  ReadUntil(sock, [](const std::string& g) { return g.find("acknowledged") != std::string::npos; });
  server->BeginDrain();
  std::string got = ReadUntil(sock, [](const std::string& g) { return g.find("0\r\n\r\n") != std::string::npos; });
  CHECK_THAT(got, Catch::Contains(R"("id":42,"result":{"resultType":"complete")"));
  serving.join();
  CHECK(server->unfinished() == 0);
  mcph::http::Exchange::SetKeepAliveForTesting(mcph::http::Exchange::kKeepAlive);
}
