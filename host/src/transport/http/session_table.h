// session_table.h - the legacy (initialize-based) HTTP sessions: ids from a
// cryptographic random source, lookup by Mcp-Session-Id, idle expiry and a
// cap on how many exist at once.
//
// Shared by every I/O thread: lookups take a shared lock, creation and
// removal an exclusive one. Modern (2026-07-28) requests never come here.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "protocol/connection.h"
#include "transport/http/session_stream.h"

namespace mcph::http {

struct HttpSession {
  using Clock = std::chrono::steady_clock;
  std::string id;
  std::shared_ptr<SessionState> state = std::make_shared<SessionState>();
  std::shared_ptr<SessionStream> stream;        // set by the endpoint at creation
  std::shared_ptr<Connection> notify;           // (stream, state): what the runtime notifies of list changes
  std::atomic<int64_t> last_used{0};            // Clock ticks
  std::atomic<int> active{0};                   // requests in progress + an open GET stream
  std::atomic<bool> ended{false};

  void Touch() { last_used.store(Clock::now().time_since_epoch().count(), std::memory_order_relaxed); }
  bool IdleFor(Clock::duration d, Clock::time_point now) const {
    return active.load() == 0 && now.time_since_epoch().count() - last_used.load() > d.count();
  }
};

// 32 bytes from getrandom(2) as 64 lower-case hex characters (visible ASCII,
// as the spec asks of session ids).
std::string NewSessionId();

class SessionTable {
 public:
  // Called (outside the table's lock) for each session that ends: DELETE,
  // expiry or eviction.
  using OnEnd = std::function<void(const std::shared_ptr<HttpSession>&)>;
  SessionTable(size_t max_sessions, std::chrono::seconds idle, OnEnd on_end)
      : max_(max_sessions), idle_(idle), on_end_(std::move(on_end)) {}

  // A new session; when the table is full, the least recently used idle one
  // is ended to make room. nullptr when full of busy sessions.
  std::shared_ptr<HttpSession> Create();
  // The live session with that id (touched), or nullptr (unknown, ended or
  // expired: the caller answers 404).
  // By the header's value as it is: no copy of the id per request.
  std::shared_ptr<HttpSession> Find(std::string_view id);
  // Ends a session; false when there was none.
  bool Remove(std::string_view id);
  // Ends every session idle longer than the limit; returns how many.
  size_t Sweep();
  // Ends all (shutdown).
  void Clear();
  size_t size() const;
  // Calls fn for each live session's stream (under the shared lock).
  template <typename Fn>
  void ForEachStream(Fn&& fn) {
    std::shared_lock lock(mu_);
    for (auto& [id, s] : sessions_)
      if (s->stream) fn(*s->stream);
  }

 private:
  void End(const std::shared_ptr<HttpSession>& s);

  const size_t max_;
  const std::chrono::seconds idle_;
  OnEnd on_end_;
  mutable std::shared_mutex mu_;
  // Looked up by string_view (heterogeneous lookup).
  struct IdHash {
    using is_transparent = void;
    size_t operator()(std::string_view id) const noexcept { return std::hash<std::string_view>{}(id); }
  };
  std::unordered_map<std::string, std::shared_ptr<HttpSession>, IdHash, std::equal_to<>> sessions_;
};

}  // namespace mcph::http
