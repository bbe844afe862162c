// http_server.h - Streamable HTTP: the listener, the I/O threads and the
// routes (the MCP endpoint, GET /health, /ready, /metrics, and GET / for the
// operator status page when server.http.status_page is on).
//
// Threads: one io_context per I/O thread (default one per core), each run by
// exactly one thread at a time (io_threads.h); the acceptor lives on the
// first and hands every new socket to the next io_context in turn, so a
// connection's state is touched by one thread only. A plugin call that its
// plugin admits at once runs on the I/O thread that read it (io_threads.h
// keeps its deadline and moves the io_context on when it runs long); others
// run on the runtime's worker pool and post their answers back. A timer on the first io_context sweeps idle legacy
// sessions. Drain (SIGTERM/SIGINT or BeginDrain) stops accepting, answers new
// requests 503, waits up to shutdown_grace_ms for requests in progress,
// cancels what is left, then stops the threads.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "observability/metrics.h"
#include "transport/http/http_connection.h"
#include "transport/http/io_threads.h"
#include "transport/http/mcp_endpoint.h"
#include "transport/http/request_guard.h"
#include "util/result.h"

namespace mcph {
class HostRuntime;
}

namespace mcph::http {

class HttpServer : public RequestHandler {
 public:
  // Reads the auth tokens and binds the listen address (port 0 = any free one).
  static Result<std::unique_ptr<HttpServer>> Create(HostRuntime& runtime, const HttpConfig& cfg,
                                                    size_t max_body_bytes);
  ~HttpServer() override;

  // The bound address, e.g. "127.0.0.1:43117".
  std::string bound() const;
  uint16_t port() const { return port_; }

  // Serves until drained. With `handle_signals`, SIGTERM and SIGINT drain.
  void Run(bool handle_signals);
  // Thread-safe; returns at once (Run returns when the drain is over).
  void BeginDrain();
  // Requests still awaiting their answer when Run returned.
  int64_t unfinished() const { return endpoint_->active(); }

  // RequestHandler
  void OnRequest(const std::shared_ptr<HttpConnection>& conn, Request&& req) override;
  Response OnBadRequest(int status, const std::string& why) override;
  bool draining() const override { return draining_.load(std::memory_order_relaxed); }

  Metrics& metrics() { return *registry_->metrics; }
  // Plugin steps that held an I/O thread so long that its connections moved on (io_threads.h).
  uint64_t io_takeovers() const { return io_threads_->takeovers(); }
  SessionTable& sessions() { return endpoint_->sessions(); }

 private:
  HttpServer(HostRuntime& runtime, const HttpConfig& cfg, size_t max_body_bytes, std::string bound_host);
  void Accept();
  void ScheduleSweep();
  void DrainTick(std::chrono::steady_clock::time_point started, bool cancelled);
  void Finish();
  void ForEachConnection(const std::function<void(HttpConnection&)>& fn);
  // GET / (status_page on): the MCP endpoint's Host/Origin checks and auth, then the page.
  void ServeStatusPage(const std::shared_ptr<HttpConnection>& conn, const Request& req);

  HostRuntime& runtime_;
  HttpConfig cfg_;
  ConnectionLimits limits_;
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::unique_ptr<IoThreads> io_threads_;  // runs contexts_ (destroyed before them)
  std::optional<tcp::acceptor> acceptor_;
  std::optional<boost::asio::steady_timer> sweep_timer_, drain_timer_;
  size_t next_context_ = 0;
  uint16_t port_ = 0;
  std::string bound_host_;
  OriginGuard guard_;
  BearerAuth auth_;
  struct Registry : ConnectionRegistry {
    explicit Registry(std::shared_ptr<Metrics> m) : metrics(std::move(m)) {}
    void Opened(const std::shared_ptr<HttpConnection>& conn) override;
    void Closed(HttpConnection* conn) override;
    // The runtime's (ServerState::metrics), shared so a connection that
    // outlives the server still records into a live object.
    const std::shared_ptr<Metrics> metrics;
    std::mutex mu;
    std::unordered_map<HttpConnection*, std::weak_ptr<HttpConnection>> conns;
  };
  std::shared_ptr<Registry> registry_;
  Metrics& metrics_;
  std::atomic<bool> draining_{false};
  std::unique_ptr<McpEndpoint> endpoint_;
};

}  // namespace mcph::http
