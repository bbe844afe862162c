// http_connection.h - one accepted TCP connection speaking HTTP/1.1.
//
// Lives on one io_context (one I/O thread), so its state needs no lock:
// everything below runs on that thread, and other threads reach it only by
// posting to executor(). It reads one request at a time (header, idle and
// body limits and timeouts against slow clients), hands it to the
// RequestHandler, and writes the answer: a whole response (Reply) or a
// chunked stream (BeginStream/StreamData/EndStream, for SSE). While an answer
// is pending it watches the socket so that a client that goes away is noticed
// (PendingListener::OnClientGone) instead of discovered at the next write.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mcph::http {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;
using Request = beast::http::request<beast::http::string_body>;
using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct Response {
  int status = 200;
  std::string content_type;  // "" = no body type
  std::string body;
  HeaderList headers;
  bool close = false;  // close the connection after it
};

struct ConnectionLimits {
  std::chrono::milliseconds header_timeout{10000};
  std::chrono::milliseconds body_timeout{30000};
  std::chrono::milliseconds idle_timeout{60000};
  std::chrono::milliseconds write_timeout{30000};
  size_t max_header_bytes = 16384;
  size_t max_body_bytes = 4 * 1024 * 1024;
};

class HttpConnection;

class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  // A complete request. The handler answers now or later, exactly once,
  // through conn's Reply or stream functions (on conn's thread).
  virtual void OnRequest(const std::shared_ptr<HttpConnection>& conn, Request&& req) = 0;
  // A request refused while reading (too large, malformed): the response to send.
  virtual Response OnBadRequest(int status, const std::string& why) = 0;
  virtual bool draining() const = 0;
};

// The live connections, for the drain and the connection gauge. Shared with
// every connection, so one that outlives the server (held by a call still
// running on the worker pool) can still unregister.
class ConnectionRegistry {
 public:
  virtual ~ConnectionRegistry() = default;
  virtual void Opened(const std::shared_ptr<HttpConnection>& conn) = 0;
  virtual void Closed(HttpConnection* conn) = 0;
};

// Told when the client of a pending answer disconnects (on the connection's thread).
class PendingListener {
 public:
  virtual ~PendingListener() = default;
  virtual void OnClientGone() = 0;
};

class HttpConnection : public std::enable_shared_from_this<HttpConnection> {
 public:
  HttpConnection(tcp::socket socket, RequestHandler& handler, std::shared_ptr<ConnectionRegistry> registry,
                 const ConnectionLimits& limits);
  ~HttpConnection();

  void Start();
  net::any_io_executor executor() { return socket_.get_executor(); }

  // The answer to the current request (connection thread only).
  void Reply(Response&& r);
  void BeginStream(int status, const std::string& content_type, const HeaderList& headers);
  void StreamData(std::string_view data);
  void EndStream();
  // Watches for a disconnect until the answer is complete.
  void SetPending(std::weak_ptr<PendingListener> listener);
  bool gone() const { return gone_.load(); }
  // Closes now (shutdown, ended session). Safe to call from its thread only.
  void Close();
  // Closes when no request is being answered (drain).
  void CloseIfIdle() {
    if (!responding_) Close();
    else close_after_ = true;
  }

 private:
  void ReadNext();
  void ReadHeader();
  void ReadBody();
  void OnReadError(beast::error_code ec);
  void Dispatch();
  void Write(std::string bytes);
  void DoWrite();
  void ResponseDone();
  void Watch();
  void Gone();
  // Timeouts. One timer per connection, re-armed only when it fires or when
  // a deadline comes before the one it is armed for: arming a timer for
  // every read and write cost a timer-queue update (and often a
  // timerfd_settime) several times per request. A request that arrives
  // whole, and a response the socket takes at once, set no deadline at all.
  using Clock = std::chrono::steady_clock;
  void SetDeadline(Clock::duration d);
  void ClearDeadline() { deadline_ = Clock::time_point::max(); }
  void ArmTimer(Clock::time_point at);
  void OnTimer(Clock::time_point armed_for);
  bool BufferedHeaderComplete() const;

  tcp::socket socket_;
  net::steady_timer timer_;
  Clock::time_point deadline_ = Clock::time_point::max();   // of the wait in progress
  Clock::time_point armed_for_ = Clock::time_point::max();  // what timer_ waits for (max: idle)
  RequestHandler& handler_;
  std::shared_ptr<ConnectionRegistry> registry_;
  const ConnectionLimits limits_;
  beast::flat_buffer buffer_;
  std::optional<beast::http::request_parser<beast::http::string_body>> parser_;
  std::deque<std::string> out_;
  bool writing_ = false;
  bool responding_ = false;     // a request is being answered
  bool response_complete_ = false;  // all of its bytes are queued
  bool keep_alive_ = true;
  bool close_after_ = false;
  std::atomic<bool> gone_{false};
  bool closed_ = false;
  unsigned watch_generation_ = 0;
  std::weak_ptr<PendingListener> pending_;
};

// "HTTP/1.1 <status> <reason>\r\n" + headers + "\r\n".
std::string FormatHead(int status, const std::string& content_type, const HeaderList& headers,
                       std::optional<size_t> content_length, bool chunked, bool close);

}  // namespace mcph::http
