// call_context_test.cpp - the host side of mcpp_call: progress, logs,
// cancellation, deadline and the error message.
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "plugins/call_context.h"
#include "util/json.h"

using mcph::CallContext;
using mcph::CallInfo;

namespace {

struct Sink {
  std::mutex mu;
  std::vector<std::string> messages;
  CallContext::SendFn fn() {
    return [this](std::string&& m) {
      std::lock_guard lock(mu);
      messages.push_back(std::move(m));
    };
  }
  std::vector<std::string> take() {
    std::lock_guard lock(mu);
    return messages;
  }
};

rapidjson::Document Parse(const std::string& text) {
  rapidjson::Document d;
  INFO(text);
  REQUIRE(mcph::ParseJson(text, d).ok());
  return d;
}

mcpp_str S(const char* s) { return {s, std::strlen(s)}; }

CallInfo Info() {
  CallInfo info;
  info.protocol_version = "2025-11-25";
  info.client_name = "test-client";
  info.client_capabilities_json = R"({"roots":{}})";
  info.plugin_alias = "alias";
  return info;
}

}  // namespace

TEST_CASE("CallContext exposes the request's facts to the plugin", "[plugins]") {
  Sink sink;
  CallInfo info = Info();
  info.roots_json = R"([{"uri":"file:///w"}])";
  mcpp_host host{};
  host.struct_size = sizeof host;
  info.host = &host;
  CallContext ctx(info, sink.fn());
  const mcpp_call* c = ctx.table();
  CHECK(c->struct_size == sizeof(mcpp_call));
  CHECK(c->host == &host);  // handlers reach host services through the call
  CHECK(std::string(c->protocol_version) == "2025-11-25");
  CHECK(std::string(c->client_name) == "test-client");
  CHECK(std::string(c->client_capabilities_json.data, c->client_capabilities_json.size) == R"({"roots":{}})");
  CHECK(std::string(c->roots_json.data, c->roots_json.size) == R"([{"uri":"file:///w"}])");
  CHECK(c->input_responses_json.size == 0);
  CHECK(c->request_state.size == 0);
  CHECK(c->deadline_unix_ms == 0);
  CHECK(c->is_cancelled(c) == 0);
}

TEST_CASE("CallContext progress: only with a token, only increasing", "[plugins]") {
  SECTION("no progress token: nothing is sent") {
    Sink sink;
    CallContext ctx(Info(), sink.fn());
    const mcpp_call* c = ctx.table();
    c->progress(c, 1, 3, "one");
    c->progress(c, 2, 3, nullptr);
    CHECK(sink.take().empty());
  }
  SECTION("string token") {
    Sink sink;
    CallInfo info = Info();
    info.progress_token_json = R"("tok-1")";
    CallContext ctx(info, sink.fn());
    const mcpp_call* c = ctx.table();
    c->progress(c, 1, 3, "step 1");
    c->progress(c, 1, 3, "same again");   // not increasing: dropped
    c->progress(c, 0.5, 3, "backwards");  // dropped
    c->progress(c, 2, -1, nullptr);       // unknown total
    c->progress(c, 3, 3, "");
    auto msgs = sink.take();
    REQUIRE(msgs.size() == 3);
    auto a = Parse(msgs[0]);
    CHECK(std::string(a["jsonrpc"].GetString()) == "2.0");
    CHECK(std::string(a["method"].GetString()) == "notifications/progress");
    CHECK(!a.HasMember("id"));
    CHECK(std::string(a["params"]["progressToken"].GetString()) == "tok-1");
    CHECK(a["params"]["progress"].GetDouble() == 1.0);
    CHECK(a["params"]["total"].GetDouble() == 3.0);
    CHECK(std::string(a["params"]["message"].GetString()) == "step 1");
    auto b = Parse(msgs[1]);
    CHECK(b["params"]["progress"].GetDouble() == 2.0);
    CHECK_FALSE(b["params"].HasMember("total"));
    CHECK_FALSE(b["params"].HasMember("message"));
    auto c3 = Parse(msgs[2]);
    CHECK(c3["params"]["progress"].GetDouble() == 3.0);
    CHECK_FALSE(c3["params"].HasMember("message"));
  }
  SECTION("numeric token keeps its JSON type") {
    Sink sink;
    CallInfo info = Info();
    info.progress_token_json = "42";
    CallContext ctx(info, sink.fn());
    ctx.table()->progress(ctx.table(), 0.25, 1, "quarter");
    auto msgs = sink.take();
    REQUIRE(msgs.size() == 1);
    auto a = Parse(msgs[0]);
    REQUIRE(a["params"]["progressToken"].IsInt());
    CHECK(a["params"]["progressToken"].GetInt() == 42);
  }
  SECTION("invalid UTF-8 message is dropped, the progress still sent") {
    Sink sink;
    CallInfo info = Info();
    info.progress_token_json = R"("t")";
    CallContext ctx(info, sink.fn());
    ctx.table()->progress(ctx.table(), 1, 2, "bad \xFF");
    auto msgs = sink.take();
    REQUIRE(msgs.size() == 1);
    auto a = Parse(msgs[0]);
    CHECK_FALSE(a["params"].HasMember("message"));
  }
  SECTION("no progress after cancellation") {
    Sink sink;
    CallInfo info = Info();
    info.progress_token_json = R"("t")";
    CallContext ctx(info, sink.fn());
    ctx.table()->progress(ctx.table(), 1, 2, nullptr);
    ctx.Cancel();
    ctx.table()->progress(ctx.table(), 2, 2, nullptr);
    CHECK(sink.take().size() == 1);
  }
}

TEST_CASE("CallContext progress never puts invalid JSON on the wire", "[plugins]") {
  // RapidJSON's Writer refuses inf/NaN without writing a value, which leaves
  // a dangling key: "progress":,"total":... . Such reports must be dropped.
  Sink sink;
  CallInfo info = Info();
  info.progress_token_json = R"("t")";
  CallContext ctx(info, sink.fn());
  const mcpp_call* c = ctx.table();
  c->progress(c, 1, std::numeric_limits<double>::infinity(), "infinite total");
  c->progress(c, std::numeric_limits<double>::infinity(), 3, "infinite progress");
  for (const std::string& m : sink.take()) {
    INFO(m);
    CHECK(mcph::IsValidJson(m));
  }
}

TEST_CASE("CallContext logs are filtered by the client's level", "[plugins]") {
  Sink sink;
  CallInfo info = Info();
  info.log_min_level = MCPP_LOG_WARNING;
  CallContext ctx(info, sink.fn());
  const mcpp_call* c = ctx.table();
  c->log(c, MCPP_LOG_DEBUG, "lg", S("debug line"));
  c->log(c, MCPP_LOG_INFO, "lg", S("info line"));
  c->log(c, MCPP_LOG_NOTICE, "lg", S("notice line"));
  c->log(c, MCPP_LOG_WARNING, "lg", S("warning line"));
  c->log(c, MCPP_LOG_EMERGENCY, nullptr, S("emergency line"));
  c->log(c, 42, "lg", S("unknown level"));
  c->log(c, -1, "lg", S("negative level"));
  c->log(c, MCPP_LOG_ERROR, "lg", S("bad \xFF utf8"));
  auto msgs = sink.take();
  REQUIRE(msgs.size() == 3);
  auto w = Parse(msgs[0]);
  CHECK(std::string(w["method"].GetString()) == "notifications/message");
  CHECK(std::string(w["params"]["level"].GetString()) == "warning");
  CHECK(std::string(w["params"]["logger"].GetString()) == "lg");
  CHECK(std::string(w["params"]["data"].GetString()) == "warning line");
  auto e = Parse(msgs[1]);
  CHECK(std::string(e["params"]["level"].GetString()) == "emergency");
  CHECK(std::string(e["params"]["logger"].GetString()) == "alias");  // NULL logger -> the plugin's alias
  auto bad = Parse(msgs[2]);
  CHECK(std::string(bad["params"]["level"].GetString()) == "error");
  CHECK(std::string(bad["params"]["data"].GetString()).find('\xFF') == std::string::npos);
}

TEST_CASE("CallContext sends no logs by default and none after cancellation", "[plugins]") {
  Sink sink;
  CallContext quiet(Info(), sink.fn());  // log_min_level 8 = none
  quiet.table()->log(quiet.table(), MCPP_LOG_EMERGENCY, "x", S("nobody hears this"));
  CHECK(sink.take().empty());

  CallInfo info = Info();
  info.log_min_level = MCPP_LOG_DEBUG;
  CallContext ctx(info, sink.fn());
  ctx.table()->log(ctx.table(), MCPP_LOG_DEBUG, "x", S("before"));
  ctx.Cancel();
  ctx.table()->log(ctx.table(), MCPP_LOG_ERROR, "x", S("after"));
  CHECK(sink.take().size() == 1);
}

TEST_CASE("CallContext log level names round-trip", "[plugins]") {
  const char* names[] = {"debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"};
  for (int32_t i = 0; i < 8; ++i) {
    CHECK(std::string(mcph::LogLevelName(i)) == names[i]);
    CHECK(mcph::LogLevelFromName(names[i]) == i);
  }
  CHECK(mcph::LogLevelName(8) == nullptr);
  CHECK(mcph::LogLevelName(-1) == nullptr);
  CHECK(mcph::LogLevelFromName("verbose") == -1);
  CHECK(mcph::LogLevelFromName("INFO") == -1);
}

TEST_CASE("CallContext cancellation", "[plugins]") {
  Sink sink;
  CallContext ctx(Info(), sink.fn());
  const mcpp_call* c = ctx.table();
  CHECK(c->is_cancelled(c) == 0);
  CHECK_FALSE(ctx.CancelledByClient());
  // Cancel from another thread while the "handler" polls.
  std::thread t([&] { ctx.Cancel(); });
  t.join();
  CHECK(c->is_cancelled(c) == 1);
  CHECK(ctx.IsCancelled());
  CHECK(ctx.CancelledByClient());
  CHECK_FALSE(ctx.DeadlinePassed());
}

TEST_CASE("CallContext deadline", "[plugins]") {
  Sink sink;
  CallInfo info = Info();
  info.timeout_ms = 30;
  const auto before = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  CallContext ctx(info, sink.fn());
  const mcpp_call* c = ctx.table();
  CHECK(c->deadline_unix_ms >= before + 30);
  CHECK(c->deadline_unix_ms <= before + 30 + 60000);
  // Wait (bounded) for the deadline to pass.
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!c->is_cancelled(c) && std::chrono::steady_clock::now() < give_up)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  CHECK(c->is_cancelled(c) == 1);
  CHECK(ctx.DeadlinePassed());
  CHECK_FALSE(ctx.CancelledByClient());

  CallContext no_deadline(Info(), sink.fn());
  CHECK(no_deadline.table()->deadline_unix_ms == 0);
  CHECK_FALSE(no_deadline.DeadlinePassed());
}

TEST_CASE("CallContext agrees with a handler that watches deadline_unix_ms itself", "[plugins]") {
  // An isolated plugin's runner (and any plugin) may compare the wall clock
  // with deadline_unix_ms. When it gives up, the host must read that as a
  // missed deadline (the caller is told "no answer within N ms", not "was
  // cancelled"): the host may not see its deadline later than the handler.
  Sink sink;
  CallInfo info = Info();
  info.timeout_ms = 20;
  for (int round = 0; round < 20; ++round) {
    CallContext ctx(info, sink.fn());
    const int64_t deadline = ctx.table()->deadline_unix_ms;
    // Spin as a handler would, to the first moment its own test passes.
    auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
                   .count() < deadline &&
           std::chrono::steady_clock::now() < give_up) {
    }
    INFO("round " << round);
    REQUIRE(ctx.DeadlinePassed());
    CHECK(ctx.IsCancelled());
    CHECK_FALSE(ctx.CancelledByClient());
  }
}

TEST_CASE("CallContext set_error_message: the last call wins, invalid UTF-8 replaced", "[plugins]") {
  Sink sink;
  CallContext ctx(Info(), sink.fn());
  const mcpp_call* c = ctx.table();
  CHECK(ctx.ErrorMessage().empty());
  c->set_error_message(c, S("first"));
  c->set_error_message(c, mcpp_str{"second, with size\0ignored", 17});
  CHECK(ctx.ErrorMessage() == "second, with size");
  c->set_error_message(c, S("bad \xC3"));
  CHECK(ctx.ErrorMessage().find('\xC3') == std::string::npos);
  CHECK_FALSE(ctx.ErrorMessage().empty());
  c->set_error_message(c, mcpp_str{nullptr, 0});
  CHECK(ctx.ErrorMessage().empty());
  CHECK(sink.take().empty());  // the error message is not a notification
}
