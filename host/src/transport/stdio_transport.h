// stdio_transport.h - MCP over a pair of file descriptors (stdin/stdout):
// newline-delimited JSON, one message per line.
//
// The reader thread (Run's caller) frames lines and hands each to the
// dispatcher; it never waits on plugin code, which runs on the worker pool,
// so replies may leave out of order. Lines over the size limit are never
// buffered whole: they are skipped while an IdScanner reads their id, and
// answered with an error. A CR before the newline is dropped. stdout carries
// protocol messages only (writes are whole lines, serialised by a mutex).
#pragma once

#include <cstddef>
#include <memory>

#include "protocol/connection.h"
#include "protocol/dispatcher.h"

namespace mcph {

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
  Dispatcher& dispatcher_;
  int in_fd_;
  size_t max_;
  std::shared_ptr<FdOutbound> out_;
  std::shared_ptr<Connection> conn_;
};

}  // namespace mcph
