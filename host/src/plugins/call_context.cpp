// call_context.cpp - see call_context.h.
#include "plugins/call_context.h"

#include <spdlog/spdlog.h>

#include <cmath>

#include "plugins/log_limiter.h"
#include "util/json.h"
#include "util/unix_time.h"
#include "util/utf8.h"

namespace mcph {
namespace {

CallContext* C(const mcpp_call* c) { return static_cast<CallContext*>(c->call_data); }
mcpp_str Str(const std::string& s) { return {s.data(), s.size()}; }

constexpr const char* kLevelNames[] = {"debug", "info",     "notice", "warning",
                                       "error", "critical", "alert",  "emergency"};

}  // namespace

const char* LogLevelName(int32_t level) {
  return level >= 0 && level < 8 ? kLevelNames[level] : nullptr;
}

int32_t LogLevelFromName(std::string_view name) {
  for (int32_t i = 0; i < 8; ++i)
    if (name == kLevelNames[i]) return i;
  return -1;
}

CallContext::CallContext(CallInfo info, SendFn send) : info_(std::move(info)), send_(std::move(send)) {
  table_.struct_size = sizeof table_;
  table_.call_data = this;
  table_.host = info_.host;
  table_.protocol_version = info_.protocol_version.c_str();
  table_.client_name = info_.client_name.c_str();
  table_.client_capabilities_json = Str(info_.client_capabilities_json);
  ArmRound();
  table_.is_cancelled = [](const mcpp_call* c) -> uint8_t { return C(c)->IsCancelled() ? 1 : 0; };
  table_.progress = [](const mcpp_call* c, double p, double t, const char* m) { C(c)->Progress(p, t, m); };
  table_.log = [](const mcpp_call* c, int32_t level, const char* logger, mcpp_str msg) {
    C(c)->Log(level, logger, msg.data ? std::string_view(msg.data, msg.size) : std::string_view());
  };
  table_.set_error_message = [](const mcpp_call* c, mcpp_str msg) {
    C(c)->SetErrorMessage(msg.data ? std::string_view(msg.data, msg.size) : std::string_view());
  };
}

void CallContext::ArmRound() {
  table_.roots_json = Str(info_.roots_json);
  table_.input_responses_json = Str(info_.input_responses_json);
  table_.request_state = Str(info_.request_state);
  if (info_.timeout_ms > 0) {
    has_deadline_ = true;
    deadline_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(info_.timeout_ms);
    // Rounded up: a plugin (or a runner process) that compares the wall
    // clock with deadline_unix_ms must not see the deadline pass before the
    // host does; truncating would put it up to 1 ms early.
    table_.deadline_unix_ms = UnixMsCeil() + info_.timeout_ms;
  }
}

void CallContext::NextRound(std::string input_responses_json, std::string request_state) {
  info_.input_responses_json = std::move(input_responses_json);
  info_.request_state = std::move(request_state);
  ArmRound();
}

bool CallContext::DeadlinePassed() const {
  // Either clock: a handler that gave up by deadline_unix_ms (the runner's
  // is_cancelled() reads only that one) reads as a missed deadline here too.
  return has_deadline_ && (expired_.load(std::memory_order_relaxed) || std::chrono::steady_clock::now() >= deadline_ ||
                           UnixMs() >= table_.deadline_unix_ms);
}

bool CallContext::IsCancelled() const {
  return cancelled_.load(std::memory_order_relaxed) || DeadlinePassed();
}

std::string CallContext::ErrorMessage() const {
  std::lock_guard lock(mu_);
  return error_;
}

void CallContext::SetErrorMessage(std::string_view message) {
  std::lock_guard lock(mu_);
  error_.assign(IsValidUtf8(message) ? message : std::string_view("(error message was not valid UTF-8)"));
}

void CallContext::Progress(double progress, double total, const char* message) {
  // JSON has no infinities or NaN: such a report cannot be sent.
  if (info_.progress_token_json.empty() || IsCancelled() || !std::isfinite(progress)) return;
  {
    // The spec requires progress to increase; drop a report that does not.
    std::lock_guard lock(mu_);
    if (!(progress > last_progress_)) return;
    last_progress_ = progress;
  }
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("jsonrpc");
  w.String("2.0");
  w.Key("method");
  w.String("notifications/progress");
  w.Key("params");
  w.StartObject();
  w.Key("progressToken");
  WriteRaw(w, info_.progress_token_json, rapidjson::kStringType);
  w.Key("progress");
  w.Double(progress);
  if (total >= 0 && std::isfinite(total)) {
    w.Key("total");
    w.Double(total);
  }
  if (message && *message && IsValidUtf8(message)) {
    w.Key("message");
    w.String(message);
  }
  w.EndObject();
  w.EndObject();
  send_(std::string(buf.GetString(), buf.GetSize()));
}

void CallContext::Log(int32_t level, const char* logger, std::string_view message) {
  const char* name = LogLevelName(level);
  if (!name) return;
  if (!IsValidUtf8(message)) message = "(log line was not valid UTF-8)";
  uint64_t dropped = 0;
  if (info_.log_limiter && !info_.log_limiter->Admit(dropped)) return;
  if (dropped) spdlog::warn("[{}] {} log lines dropped (over plugins[].log_rate)", info_.plugin_alias, dropped);
  static constexpr spdlog::level::level_enum kSpd[] = {
      spdlog::level::debug, spdlog::level::info,     spdlog::level::info,     spdlog::level::warn,
      spdlog::level::err,   spdlog::level::critical, spdlog::level::critical, spdlog::level::critical};
  spdlog::log(kSpd[level], "[{}] {}", info_.plugin_alias, message);
  if (level < info_.log_min_level || IsCancelled()) return;
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("jsonrpc");
  w.String("2.0");
  w.Key("method");
  w.String("notifications/message");
  w.Key("params");
  w.StartObject();
  w.Key("level");
  w.String(name);
  w.Key("logger");
  w.String(logger && *logger && IsValidUtf8(logger) ? logger : info_.plugin_alias.c_str());
  w.Key("data");
  WriteString(w, message);
  w.EndObject();
  w.EndObject();
  send_(std::string(buf.GetString(), buf.GetSize()));
}

}  // namespace mcph
