// stdio_transport.h - MCP over a pair of file descriptors (stdin/stdout):
// newline-delimited JSON, one message per line.
//
// Reading: one thread at a time holds the reader role. It frames lines and
// hands each to the dispatcher. A plugin step that the dispatch starts
// (a tools/call, prompts/get, ...) is run by the reader itself right after
// (inline_step.h): a sequential client then costs no thread hand-off per
// request. So that a slow or hung plugin never stops the reading, a watcher
// thread checks every few milliseconds; when it finds the reader inside the
// same step twice in a row, it gives the reader role (and whatever is still
// buffered) to a new thread, and the old one ends when its step returns.
// While lines are buffered behind it and the last step took long, a step
// goes to the worker pool instead, so a pipelined client's slow calls still
// run in parallel. Replies may therefore leave out of order.
//
// Lines over the size limit are never buffered whole: they are skipped while
// an IdScanner reads their id, and answered with an error. A CR before the
// newline is dropped. stdout carries protocol messages only (writes are whole
// lines, serialised by a mutex).
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
//
// Threads: Run blocks its caller until end of input; reading happens on
// threads the transport starts. Stop (or the destructor) waits for them.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <sys/uio.h>
#include <thread>
#include <vector>

#include "protocol/connection.h"
#include "protocol/dispatcher.h"
#include "protocol/inline_step.h"
#include "util/json.h"
#include "util/thread_set.h"

namespace mcph {

class IdScanner;
class Metrics;

// Writes whole lines to the pipe. While held (Hold .. Release), lines from
// every thread are gathered, in the order sent, and written together: the
// reader holds while it answers several buffered requests, so a pipelined
// client gets one write (and one wake-up) per batch instead of one per
// answer. Thread-safe.
class FdOutbound : public Outbound {
 public:
  explicit FdOutbound(int fd) : fd_(fd) {}
  void Send(std::string&& message) override;
  bool broken() const { return broken_.load(); }
  void Hold();
  void Release();

 private:
  // Writes the pieces whole (mu_ held); marks the pipe broken on error.
  void WriteLocked(iovec* iov, int count);

  int fd_;
  std::mutex mu_;
  std::atomic<bool> broken_{false};
  bool holding_ = false;
  std::string held_;  // lines gathered while held
};

class StdioTransport {
 public:
  StdioTransport(Dispatcher& dispatcher, int in_fd, int out_fd, size_t max_message_bytes);
  ~StdioTransport();  // Stop(-1): waits for every thread it started
  StdioTransport(const StdioTransport&) = delete;
  StdioTransport& operator=(const StdioTransport&) = delete;

  // Serves until end of input. Returns the connection so the caller can
  // wait for, or give up on, calls still in flight.
  std::shared_ptr<Connection> Run();
  const std::shared_ptr<Connection>& connection() const { return conn_; }

  // After Run: waits up to `wait_ms` (forever when negative) for the threads
  // it started, some of which may still be inside a plugin step, and joins
  // them. False if some are still busy then (a plugin that never returns):
  // the caller must then not destroy what those steps use (exit instead).
  bool Stop(int wait_ms);

 private:
  using Clock = std::chrono::steady_clock;

  // The reader role's loop, on whichever thread holds generation `gen`:
  // returns at end of input, or when the watcher gave the role to another
  // thread while this one was inside a step.
  void ReadLoop(uint64_t gen);
  // Frames the bytes buf_[pos_, len_); dispatches each complete line. False
  // when this thread lost the reader role during a step.
  bool ProcessBuffered(uint64_t gen);
  bool ProcessLines(uint64_t gen);
  // One complete line: dispatch, then run the step it started, if any.
  bool FinishLine(uint64_t gen, bool more_buffered);
  // Runs one dispatched step on the reader; false if the role moved meanwhile.
  bool RunInline(uint64_t gen, InlineStep& step);
  void Watch();
  void StartReader(uint64_t gen);  // mu_ held
  void ThreadDone();

  // One framed line (without its newline), which arrived at `arrived`.
  void HandleLine(std::string_view text, Clock::time_point arrived);
  // A Connection for one answered message: the pipe's session state, and an
  // Outbound that records the answer into metrics_ before writing it.
  std::shared_ptr<Connection> RecordingConnection(std::string_view method, bool modern, Clock::time_point arrived);

  Dispatcher& dispatcher_;
  int in_fd_;
  size_t max_;
  std::shared_ptr<FdOutbound> out_;
  std::shared_ptr<Connection> conn_;
  std::shared_ptr<Metrics> metrics_;

  // Reader state: touched only by the thread that holds the reader role.
  ParseBuffers parse_;  // each line parses into these, no malloc for small ones
  std::string buf_;     // bytes read and not yet framed: [pos_, len_)
  size_t pos_ = 0, len_ = 0;
  std::string line_;                     // the line being assembled
  std::unique_ptr<IdScanner> oversized_;        // set while skipping a too-long line
  bool started_ = false;                 // line_ has its first byte
  Clock::time_point arrived_{};          // when that byte arrived
  Clock::time_point read_at_{};          // when buf_ was read
  int64_t last_step_ns_ = 0;             // how long the last inline step took

  std::mutex mu_;  // guards what follows
  std::condition_variable cv_;
  // The reader role: generation << 1, | 1 while the holder runs a step.
  uint64_t role_ = 0;
  uint64_t steps_ = 0;  // inline steps started (the watcher's clock)
  bool watcher_parked_ = false;
  // The deadline of the step the reader runs, and of steps that still ran
  // when the reading moved on (by their reader's generation).
  struct WatchedStep {
    uint64_t gen;
    Clock::time_point deadline;
    std::function<void()> expire;  // empty once fired
  };
  WatchedStep current_{};
  std::vector<WatchedStep> stuck_;
  bool ended_ = false;
  ThreadSet threads_;  // the readers and the watcher
};

}  // namespace mcph
