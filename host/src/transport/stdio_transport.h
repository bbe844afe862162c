// stdio_transport.h - MCP over a pair of file descriptors (stdin/stdout):
// newline-delimited JSON, one message per line.
//
// The reader thread (Run's caller) frames lines and hands each to the
// dispatcher; it never waits on plugin code, which runs on the worker pool,
// so replies may leave out of order. Lines over the size limit are never
// buffered whole: they are skipped while an IdScanner reads their id, and
// answered with an error. A CR before the newline is dropped. stdout carries
// protocol messages only (writes are whole lines, serialised by a mutex).
//
// Metrics: every message that gets an answer (a request, a batch, or one the
// host refuses) is recorded into the runtime's shared Metrics
// (ServerState::metrics) when it is answered - method, era, time from the
// line's arrival to the answer, error or not - exactly as the HTTP transport
// records its POSTs. The reader parses each line once, learns method and era
// from it, and gives the request a Connection of its own around the pipe's
// SessionState (as HTTP does per POST), whose Outbound records and forwards
// to stdout: no lock and no shared table per request, only atomics.
// Notifications and the client's responses are not counted. The pipe counts
// as one of mcp_active_connections while Run serves it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "protocol/connection.h"
#include "protocol/dispatcher.h"
#include "util/json.h"

namespace mcph {

class Metrics;

class FdOutbound : public Outbound {
 public:
  explicit FdOutbound(int fd) : fd_(fd) {}
  void Send(std::string&& message) override;
  bool broken() const { return broken_.load(); }

 private:
  int fd_;
  std::mutex mu_;
  std::atomic<bool> broken_{false};
};

class StdioTransport {
 public:
  StdioTransport(Dispatcher& dispatcher, int in_fd, int out_fd, size_t max_message_bytes);

  // Serves until end of input. Returns the connection so the caller can
  // wait for, or give up on, calls still in flight.
  std::shared_ptr<Connection> Run();
  const std::shared_ptr<Connection>& connection() const { return conn_; }

 private:
  // One framed line (without its newline), which arrived at `arrived`.
  void HandleLine(std::string_view text, std::chrono::steady_clock::time_point arrived);
  // A Connection for one answered message: the pipe's session state, and an
  // Outbound that records the answer into metrics_ before writing it.
  std::shared_ptr<Connection> RecordingConnection(std::string_view method, bool modern,
                                                  std::chrono::steady_clock::time_point arrived);

  Dispatcher& dispatcher_;
  int in_fd_;
  size_t max_;
  std::shared_ptr<FdOutbound> out_;
  std::shared_ptr<Connection> conn_;
  std::shared_ptr<Metrics> metrics_;
  ParseBuffers parse_;  // the reader's: each line parses into these, no malloc for small ones
};

}  // namespace mcph
