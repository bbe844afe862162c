// host_harness.h - drives a HostRuntime (the echo and misbehaving plugins,
// both unprefixed) through its Dispatcher with a capturing Outbound, for the
// protocol-layer tests. Test-only; everything waits with a bounded timeout.
#pragma once

#include <catch2/catch.hpp>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "protocol/connection.h"
#include "protocol/dispatcher.h"
#include "runtime/host_runtime.h"
#include "util/json.h"

namespace mcph_test {

using mcph::Connection;
using mcph::HostConfig;
using mcph::HostRuntime;

constexpr auto kWait = std::chrono::seconds(5);

class Capture : public mcph::Outbound {
 public:
  void Send(std::string&& message) override {
    {
      std::lock_guard lock(mu_);
      messages_.push_back(std::move(message));
    }
    cv_.notify_all();
  }
  std::vector<std::string> All() {
    std::lock_guard lock(mu_);
    return messages_;
  }
  // Waits (bounded) until pred(messages) holds; returns whether it did.
  bool WaitFor(const std::function<bool(const std::vector<std::string>&)>& pred) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, kWait, [&] { return pred(messages_); });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> messages_;
};

inline rapidjson::Document Parse(const std::string& text) {
  rapidjson::Document d;
  INFO(text);
  REQUIRE(mcph::ParseJson(text, d).ok());
  return d;
}

// The raw JSON of a message's id, "" for a message without one.
inline std::string IdOf(const std::string& text) {
  rapidjson::Document d;
  if (!mcph::ParseJson(text, d).ok() || !d.IsObject() || !d.HasMember("id")) return {};
  return mcph::ToJson(d["id"]);
}

inline bool IsNotification(const std::string& text, const char* method) {
  rapidjson::Document d;
  return mcph::ParseJson(text, d).ok() && d.IsObject() && !d.HasMember("id") && d.HasMember("method") &&
         d["method"].IsString() && std::string(d["method"].GetString()) == method;
}

// A modern request; `params` are extra members ("" for none), `meta_extra` extra _meta members.
inline std::string Modern(const std::string& id, const std::string& method, const std::string& params = "",
                   const std::string& meta_extra = "") {
  std::string meta =
      R"("_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{})";
  if (!meta_extra.empty()) meta += "," + meta_extra;
  meta += "}";
  return R"({"jsonrpc":"2.0","id":)" + id + R"(,"method":")" + method + R"(","params":{)" +
         (params.empty() ? "" : params + ",") + meta + "}}";
}

inline std::string Legacy(const std::string& id, const std::string& method, const std::string& params = "") {
  return R"({"jsonrpc":"2.0","id":)" + id + R"(,"method":")" + method + R"(","params":{)" + params + "}}";
}

struct Host {
  explicit Host(int page_size = 100, bool resource_tools = true,
                const std::function<void(HostConfig&)>& tweak = nullptr) {
    HostConfig cfg;
    cfg.server.workers = 4;
    cfg.server.page_size = page_size;
    cfg.server.resource_tools = resource_tools;
    mcph::PluginConfig echo;
    echo.path = std::string(MCPHOST_TEST_PLUGIN_DIR) + "/libmcphost_echo.so";
    echo.has_alias = true;
    echo.alias = "";
    echo.line = 1;
    mcph::PluginConfig mis;
    mis.path = std::string(MCPHOST_TEST_FIXTURE_DIR) + "/libmisbehaving.so";
    mis.has_alias = true;
    mis.alias = "";
    mis.line = 2;
    cfg.plugins = {echo, mis};
    if (tweak) tweak(cfg);
    auto r = HostRuntime::Start(cfg, /*strict=*/true);
    INFO((r.ok() ? std::string() : r.error()));
    REQUIRE(r.ok());
    rt = std::move(r.value());
    out = std::make_shared<Capture>();
    conn = std::make_shared<Connection>(out);
  }
  ~Host() { conn->CancelAll(); }

  void Send(const std::string& text) { rt->dispatcher().HandleMessage(text, conn); }

  // Sends a request and waits (bounded) for the message answering `id_json`.
  rapidjson::Document Call(const std::string& text, const std::string& id_json) {
    Send(text);
    return Await(id_json);
  }
  rapidjson::Document Await(const std::string& id_json) {
    std::string found;
    bool ok = out->WaitFor([&](const std::vector<std::string>& msgs) {
      for (const auto& m : msgs)
        if (IdOf(m) == id_json) {
          found = m;
          return true;
        }
      return false;
    });
    INFO("waiting for the reply to id " << id_json);
    REQUIRE(ok);
    return Parse(found);
  }
  int CountWithId(const std::string& id_json) {
    int n = 0;
    for (const auto& m : out->All()) n += IdOf(m) == id_json;
    return n;
  }
  std::vector<rapidjson::Document> Notifications(const char* method) {
    std::vector<rapidjson::Document> out_docs;
    for (const auto& m : out->All())
      if (IsNotification(m, method)) out_docs.push_back(Parse(m));
    return out_docs;
  }
  void Initialize(const std::string& version = "2025-11-25") {
    auto d = Call(Legacy("\"init\"", "initialize",
                         R"("protocolVersion":")" + version +
                             R"(","capabilities":{},"clientInfo":{"name":"unit","version":"1"})"),
                  "\"init\"");
    REQUIRE(d.HasMember("result"));
    Send(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  }
  bool WaitIdle() {
    auto give_up = std::chrono::steady_clock::now() + kWait;
    while (conn->InFlightCount() > 0 && std::chrono::steady_clock::now() < give_up)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    return conn->InFlightCount() == 0;
  }

  std::unique_ptr<HostRuntime> rt;
  std::shared_ptr<Capture> out;
  std::shared_ptr<Connection> conn;
};

inline int ErrorCode(const rapidjson::Value& d) {
  INFO(mcph::ToJson(d));
  REQUIRE(d.HasMember("error"));
  REQUIRE_FALSE(d.HasMember("result"));
  return d["error"]["code"].GetInt();
}

}  // namespace mcph_test
