// exchange.h - one MCP POST on its way to an answer: the Outbound the
// protocol layer writes the request's notifications and response to.
//
// The response goes out as application/json when nothing precedes it, or as
// an SSE stream (event: message) as soon as a notification for the request
// (progress, log) comes first. Calls from worker threads are posted to the
// HTTP connection's thread, where all state lives, so a notification and the
// response sent by one worker keep their order. HTTP status codes come from
// the Answer (StatusFor). A client that disconnects while waiting triggers
// on_gone (modern requests: cancel the call, or end a subscriptions/listen
// stream). An SSE reply that stays quiet (a listen stream, a long call) gets
// an SSE comment line (": keep-alive") every keep_alive() so proxies and
// clients do not time it out.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "protocol/connection.h"
#include "transport/http/http_connection.h"

namespace mcph {
class Metrics;
}

namespace mcph::http {

class SessionStream;

// The HTTP status of a JSON-RPC answer. Modern: envelope/era/version refusals
// 400 (-32601: 404), -32021 400, everything else 200. Legacy: refusals 400,
// except -32601 (200: SDK clients read a 404 as "session gone").
int StatusFor(const Answer& a, bool modern);

// "event: message\ndata: <json>\n\n" (a multi-line payload as several data lines),
// with "id: <id>\n" first when `id` is given.
std::string SseEvent(std::string_view json, std::string_view id = {});

struct ExchangeInfo {
  bool modern = false;
  std::string method;            // for metrics ("" = not a single request)
  HeaderList headers;            // extra response headers (Mcp-Session-Id, CORS)
  std::function<void(const Answer&)> on_answer;  // on the connection's thread, before writing
  std::function<void()> on_gone;                 // the client disconnected before the answer
  std::shared_ptr<void> hold;    // kept until the exchange ends (session use, drain counter)
  // Legacy sessions only: the session's event store. An SSE reply then gets
  // event ids and its events are kept for GET + Last-Event-ID resumption
  // (session_stream.h). Modern and stateless replies have none (no ids).
  std::shared_ptr<SessionStream> events;
};

class Exchange : public Outbound, public PendingListener, public std::enable_shared_from_this<Exchange> {
 public:
  Exchange(std::shared_ptr<HttpConnection> conn, ExchangeInfo info, Metrics* metrics);

  void Send(std::string&& message) override;
  void Respond(Answer&& answer) override;
  void Drop() override;
  void OnClientGone() override;

  // Answered (Respond or Drop called) - from any thread.
  bool answered() const { return answered_.load(std::memory_order_acquire); }
  // 202 Accepted with no body (the POST held only notifications or responses).
  void Accept();
  // Starts watching for a disconnect while the answer is pending (on the
  // connection's thread).
  void Watch();

  // Keep-alive period of quiet SSE replies (same 15 s as the standalone
  // stream's, SessionStream::kKeepAlive); tests shorten it.
  static constexpr std::chrono::milliseconds kKeepAlive{15000};
  static std::chrono::milliseconds keep_alive();
  static void SetKeepAliveForTesting(std::chrono::milliseconds period);

 private:
  void DoNotify(std::string message);
  void DoAnswer(Answer answer);
  void DoDrop();
  HeaderList StreamHeaders() const;
  void ArmKeepAlive();  // connection thread, once the SSE reply has begun
  // The SSE form of one event: with an id (and kept) for legacy sessions.
  std::string Event(std::string_view message, bool last);

  std::shared_ptr<HttpConnection> conn_;
  ExchangeInfo info_;
  Metrics* metrics_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::atomic<bool> answered_{false};
  // Connection thread only:
  bool streaming_ = false;
  bool done_ = false;
  bool gone_ = false;
  bool sent_since_tick_ = false;  // SSE activity since the last keep-alive tick
  uint64_t stream_no_ = 0;  // the session's number for this SSE reply (0 = none yet)
};

}  // namespace mcph::http
