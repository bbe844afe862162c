// call_context.h - the host side of mcpp_call: one per handler invocation.
//
// Carries what the handler may know about its request and the services it
// may use while it runs: cancellation (set by notifications/cancelled, a
// client disconnect or the deadline), progress and log notifications to the
// client, and an error message. Every service is thread-safe, as the ABI
// promises; notifications leave through the `send` function given at
// construction, which must be callable from any thread.
#pragma once

#include <mcphost/mcp_plugin.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>

namespace mcph {

class LogLimiter;

struct CallInfo {
  const mcpp_host* host = nullptr;     // the plugin's host services (mcpp_call.host)
  std::string protocol_version;
  std::string client_name;
  std::string client_capabilities_json = "{}";
  std::string roots_json;              // "" when the client shared none
  std::string input_responses_json;    // "" on a first call
  std::string request_state;           // "" on a first call
  std::string progress_token_json;     // raw JSON of _meta.progressToken, "" when none
  int log_min_level = 8;               // MCPP_LOG_* at or above which logs reach the client; 8 = none
  std::string plugin_alias;            // for the host log
  int64_t timeout_ms = 0;              // 0 = no deadline
  LogLimiter* log_limiter = nullptr;  // the plugin's log budget; null = unlimited
};

class CallContext {
 public:
  using SendFn = std::function<void(std::string&&)>;
  CallContext(CallInfo info, SendFn send);
  CallContext(const CallContext&) = delete;
  CallContext& operator=(const CallContext&) = delete;

  const mcpp_call* table() const { return &table_; }

  // Prepares the handler's next call of the same request, after the host
  // obtained the client's input (legacy clients): the answers, the state the
  // handler kept, and a fresh deadline (the client's thinking time is not the
  // plugin's). Only between handler calls, never while one runs.
  void NextRound(std::string input_responses_json, std::string request_state);

  void Cancel() { cancelled_.store(true, std::memory_order_relaxed); }
  // The request's one answer: whoever claims it first sends it (the handler
  // finishing, or the host's deadline timer); the other drops its own.
  bool ClaimAnswer() { return !answered_.exchange(true, std::memory_order_acq_rel); }
  bool Answered() const { return answered_.load(std::memory_order_acquire); }
  int64_t timeout_ms() const { return info_.timeout_ms; }
  // The host's deadline timer fired: from now on the handler sees
  // is_cancelled() and DeadlinePassed() whatever the clocks say.
  void Expire() { expired_.store(true, std::memory_order_relaxed); }
  bool IsCancelled() const;
  bool CancelledByClient() const { return cancelled_.load(std::memory_order_relaxed); }
  bool DeadlinePassed() const;
  std::string ErrorMessage() const;

  // Services (public for the C trampolines).
  void Progress(double progress, double total, const char* message);
  void Log(int32_t level, const char* logger, std::string_view message);
  void SetErrorMessage(std::string_view message);

 private:
  void ArmRound();  // points the table at this round's inputs; sets the deadline

  CallInfo info_;
  SendFn send_;
  mcpp_call table_{};
  std::atomic<bool> cancelled_{false};
  std::atomic<bool> answered_{false};
  std::atomic<bool> expired_{false};
  std::chrono::steady_clock::time_point deadline_{};
  bool has_deadline_ = false;
  mutable std::mutex mu_;  // guards error_ and last_progress_
  std::string error_;
  double last_progress_ = -1e300;
};

// "debug", "info", ... for MCPP_LOG_*; nullptr for an unknown level.
const char* LogLevelName(int32_t level);
// MCPP_LOG_* for an MCP level name, or -1.
int32_t LogLevelFromName(std::string_view name);

}  // namespace mcph
