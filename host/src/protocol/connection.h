// connection.h - what the protocol layer keeps per client connection.
//
// One Connection per stdio pipe, and with HTTP one per POST: where messages
// to the client go (Outbound), around a SessionState (the legacy session
// negotiated by initialize and the requests in flight, so
// notifications/cancelled can reach them) that HTTP shares between the POSTs
// of one legacy session. Thread-safe: transport and worker threads share it.
#pragma once

#include <rapidjson/document.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "plugins/call_context.h"

namespace mcph {

// A response on its way out, with what a transport needs to frame it:
// HTTP turns `rejected` (the request failed the envelope or era checks, as
// opposed to a method's own error) and some codes into status codes.
struct Answer {
  Answer() = default;
  Answer(std::string m) : message(std::move(m)) {}  // NOLINT: a result converts implicitly
  Answer(std::string m, int code, bool was_rejected = false)
      : message(std::move(m)), error_code(code), rejected(was_rejected) {}
  std::string message;
  int error_code = 0;     // the JSON-RPC error code; 0 for a result
  bool rejected = false;  // refused before reaching a method
};

// Where a connection's outgoing messages go. Send and Respond must be
// thread-safe and keep each message whole (one line on stdio, one event on
// SSE). Send carries notifications; Respond the response to a request.
class Outbound {
 public:
  virtual ~Outbound() = default;
  virtual void Send(std::string&& message) = 0;
  virtual void Respond(Answer&& answer) { Send(std::move(answer.message)); }
  // A response that will never be sent (the client cancelled the request).
  virtual void Drop() {}
};

// State of a legacy (initialize-based) client. Written by initialize and
// logging/setLevel on the reader thread; read by workers.
struct LegacySession {
  std::atomic<bool> initialized{false};
  std::mutex mu;  // guards the strings
  std::string version;
  std::string client_name;
  std::string client_capabilities_json = "{}";
  std::atomic<int> log_min_level{1};  // MCPP_LOG_INFO until logging/setLevel
  // The client's roots (a JSON array of {uri, name?}) as its last roots/list
  // answer gave them; "" until it answered (client_roots.h). Guarded by mu.
  std::string roots_json;
  std::string roots_request_id;  // the host's unanswered roots/list, if any
};

// What outlives one exchange: the legacy session negotiated by initialize,
// the requests in flight (so notifications/cancelled sent on one HTTP POST
// reaches a call started by another), the long-lived streams a client may
// end the same way (subscriptions/listen), and the requests the host sent to
// the client that await its response (elicitation, sampling, roots for legacy
// clients). stdio has one per pipe; HTTP one per legacy session (shared by
// all its POSTs) and a fresh one per modern POST.
class SessionState {
 public:
  // Called with the client's whole response message (it has "result" or
  // "error"), or with nullptr when none will come (the session ended).
  using ResponseHandler = std::function<void(const rapidjson::Value* response)>;

  ~SessionState() { FailPending(); }

  LegacySession& legacy() { return legacy_; }

  // Where messages tied to no request go (stdio: the pipe; HTTP: the legacy
  // session's GET stream): list changes, the host's roots/list. Weak, as the
  // outbound may own this state.
  void SetUnsolicited(const std::shared_ptr<Outbound>& out) {
    std::lock_guard lock(mu_);
    unsolicited_ = out;
  }
  std::shared_ptr<Outbound> unsolicited() {
    std::lock_guard lock(mu_);
    return unsolicited_.lock();
  }

  // Registers a call in flight under its request id (raw JSON); false when
  // that id is already in flight (a client bug the host refuses).
  enum class Admit { kAdded, kDuplicateId, kFull };
  // Registers a request running plugin code, unless its id is already in
  // flight or `limit` requests are (server.max_in_flight).
  Admit AddInFlight(const std::string& id_json, std::shared_ptr<CallContext> call, size_t limit) {
    std::lock_guard lock(mu_);
    if (in_flight_.size() >= limit) return in_flight_.count(id_json) ? Admit::kDuplicateId : Admit::kFull;
    return in_flight_.emplace(id_json, std::move(call)).second ? Admit::kAdded : Admit::kDuplicateId;
  }
  void RemoveInFlight(const std::string& id_json) {
    std::lock_guard lock(mu_);
    in_flight_.erase(id_json);
  }
  // A long-lived request (subscriptions/listen) that Cancel and CancelAll end
  // by calling `cancel`, but that InFlightCount does not count: it has no end
  // of its own to wait for. False when the id is taken.
  bool AddStream(const std::string& id_json, std::function<void()> cancel) {
    std::lock_guard lock(mu_);
    if (in_flight_.count(id_json)) return false;
    return streams_.emplace(id_json, std::move(cancel)).second;
  }
  void RemoveStream(const std::string& id_json) {
    std::lock_guard lock(mu_);
    streams_.erase(id_json);
  }
  // Cancels the call or stream with that id, if any; true when one was found.
  bool Cancel(const std::string& id_json) {
    std::function<void()> stream_cancel;
    {
      std::lock_guard lock(mu_);
      if (auto it = in_flight_.find(id_json); it != in_flight_.end()) {
        it->second->Cancel();
        return true;
      }
      auto it = streams_.find(id_json);
      if (it == streams_.end()) return false;
      stream_cancel = it->second;
    }
    stream_cancel();  // outside the lock: it may call RemoveStream
    return true;
  }
  void CancelAll() {
    std::vector<std::function<void()>> stream_cancels;
    {
      std::lock_guard lock(mu_);
      for (auto& [id, call] : in_flight_) call->Cancel();
      for (auto& [id, cancel] : streams_) stream_cancels.push_back(cancel);
    }
    for (auto& c : stream_cancels) c();
  }
  size_t InFlightCount() {
    std::lock_guard lock(mu_);
    return in_flight_.size();
  }

  // A fresh id for a request the host sends to the client: a JSON string
  // that no client id of ours can be confused with ("mcph-<n>").
  std::string NextRequestId() {
    return "\"mcph-" + std::to_string(next_request_.fetch_add(1, std::memory_order_relaxed)) + "\"";
  }
  // Waits for the response to the host's request `id_json`; `handler` runs
  // on the thread that delivers it (the reader), once.
  void AwaitResponse(const std::string& id_json, ResponseHandler handler) {
    std::lock_guard lock(mu_);
    pending_[id_json] = std::move(handler);
  }
  // Gives up waiting (a timeout); false when the response already came.
  bool StopAwaiting(const std::string& id_json) {
    std::lock_guard lock(mu_);
    return pending_.erase(id_json) > 0;
  }
  // A response from the client: true when the host awaited it.
  bool DeliverResponse(const std::string& id_json, const rapidjson::Value& response) {
    ResponseHandler h;
    {
      std::lock_guard lock(mu_);
      auto it = pending_.find(id_json);
      if (it == pending_.end()) return false;
      h = std::move(it->second);
      pending_.erase(it);
    }
    h(&response);
    return true;
  }
  // Ends every wait (the session is over): each handler gets nullptr.
  void FailPending() {
    std::unordered_map<std::string, ResponseHandler> pending;
    {
      std::lock_guard lock(mu_);
      pending.swap(pending_);
    }
    for (auto& [id, h] : pending) h(nullptr);
  }

 private:
  LegacySession legacy_;
  std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<CallContext>> in_flight_;
  std::unordered_map<std::string, std::function<void()>> streams_;
  std::unordered_map<std::string, ResponseHandler> pending_;
  std::weak_ptr<Outbound> unsolicited_;
  std::atomic<uint64_t> next_request_{1};
};

// One exchange with a client: where its messages go (Outbound) and the
// session state it works in. stdio keeps one for the whole pipe; HTTP makes
// one per POST (its outbound is that POST's reply) around a shared state.
class Connection {
 public:
  explicit Connection(std::shared_ptr<Outbound> out)
      : out_(std::move(out)), state_(std::make_shared<SessionState>()) {}
  Connection(std::shared_ptr<Outbound> out, std::shared_ptr<SessionState> state)
      : out_(std::move(out)), state_(std::move(state)) {}

  Outbound& out() { return *out_; }
  std::shared_ptr<Outbound> out_ptr() { return out_; }
  LegacySession& session() { return state_->legacy(); }
  const std::shared_ptr<SessionState>& state() const { return state_; }

  SessionState::Admit AddInFlight(const std::string& id_json, std::shared_ptr<CallContext> call, size_t limit) {
    return state_->AddInFlight(id_json, std::move(call), limit);
  }
  void RemoveInFlight(const std::string& id_json) { state_->RemoveInFlight(id_json); }
  bool Cancel(const std::string& id_json) { return state_->Cancel(id_json); }
  void CancelAll() { state_->CancelAll(); }
  size_t InFlightCount() { return state_->InFlightCount(); }

 private:
  std::shared_ptr<Outbound> out_;
  std::shared_ptr<SessionState> state_;
};

}  // namespace mcph
