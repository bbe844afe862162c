// http_connection.cpp - see http_connection.h.
#include "transport/http/http_connection.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>
#include <charconv>
#include <cstdio>

namespace mcph::http {

namespace bhttp = beast::http;

namespace {

// Appends the status line and headers to `out` (no temporaries: this runs
// once per response).
void AppendHead(std::string& out, int status, std::string_view content_type, const HeaderList& headers,
                std::optional<size_t> content_length, bool chunked, bool close) {
  char num[24];
  out += "HTTP/1.1 ";
  auto [end, ec] = std::to_chars(num, num + sizeof num, status);
  out.append(num, end);
  out += ' ';
  beast::string_view reason = bhttp::obsolete_reason(bhttp::int_to_status(static_cast<unsigned>(status)));
  out.append(reason.data(), reason.size());
  out += "\r\nServer: mcp-host\r\n";
  if (!content_type.empty()) {
    out += "Content-Type: ";
    out += content_type;
    out += "\r\n";
  }
  for (const auto& [k, v] : headers) {
    out += k;
    out += ": ";
    out += v;
    out += "\r\n";
  }
  if (chunked) {
    out += "Transfer-Encoding: chunked\r\n";
  } else {
    out += "Content-Length: ";
    end = std::to_chars(num, num + sizeof num, content_length.value_or(0)).ptr;
    out.append(num, end);
    out += "\r\n";
  }
  if (close) out += "Connection: close\r\n";
  out += "\r\n";
}

size_t HeadSize(std::string_view content_type, const HeaderList& headers) {
  size_t n = 128 + content_type.size();
  for (const auto& [k, v] : headers) n += k.size() + v.size() + 4;
  return n;
}

}  // namespace

std::string FormatHead(int status, const std::string& content_type, const HeaderList& headers,
                       std::optional<size_t> content_length, bool chunked, bool close) {
  std::string out;
  out.reserve(HeadSize(content_type, headers));
  AppendHead(out, status, content_type, headers, content_length, chunked, close);
  return out;
}

HttpConnection::HttpConnection(tcp::socket socket, RequestHandler& handler,
                               std::shared_ptr<ConnectionRegistry> registry, const ConnectionLimits& limits)
    : socket_(std::move(socket)),
      timer_(socket_.get_executor()),
      handler_(handler),
      registry_(std::move(registry)),
      limits_(limits) {
  beast::error_code ec;
  socket_.set_option(tcp::no_delay(true), ec);
  // Writes are tried at once (DoWrite): they must fail with would_block, not wait.
  socket_.non_blocking(true, ec);
}

HttpConnection::~HttpConnection() { registry_->Closed(this); }

void HttpConnection::Start() {
  registry_->Opened(shared_from_this());
  ReadNext();
}

void HttpConnection::ReadNext() {
  if (closed_) return;
  responding_ = false;
  response_complete_ = false;
  pending_.reset();
  ++watch_generation_;
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(limits_.max_header_bytes));
  parser_->body_limit(limits_.max_body_bytes);
  if (buffer_.size() > 0) return ReadHeader();
  // Idle: wait for the first byte of the next request.
  SetDeadline(limits_.idle_timeout);
  socket_.async_read_some(buffer_.prepare(4096), [self = shared_from_this()](beast::error_code ec, size_t n) {
    if (ec) return self->OnReadError(ec);
    self->buffer_.commit(n);
    self->ReadHeader();
  });
}

bool HttpConnection::BufferedHeaderComplete() const {
  auto data = buffer_.data();
  std::string_view bytes(static_cast<const char*>(data.data()), data.size());
  return bytes.find("\r\n\r\n") != std::string_view::npos;
}

void HttpConnection::ReadHeader() {
  // A header block already buffered whole parses without waiting: no deadline.
  if (BufferedHeaderComplete()) ClearDeadline();
  else SetDeadline(limits_.header_timeout);
  bhttp::async_read_header(socket_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, size_t) {
    if (ec) return self->OnReadError(ec);
    auto& req = self->parser_->get();
    auto expect = req[bhttp::field::expect];
    if (beast::iequals(expect, "100-continue") && !self->parser_->is_done()) {
      self->SetDeadline(self->limits_.write_timeout);
      static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      net::async_write(self->socket_, net::buffer(kContinue), [self](beast::error_code wec, size_t) {
        self->ClearDeadline();
        if (wec) return self->OnReadError(wec);
        self->ReadBody();
      });
      return;
    }
    self->ReadBody();
  });
}

void HttpConnection::ReadBody() {
  if (parser_->is_done()) return Dispatch();
  // A body already buffered whole (the usual case) needs no deadline either.
  auto remaining = parser_->content_length_remaining();
  if (remaining && buffer_.size() >= *remaining) ClearDeadline();
  else SetDeadline(limits_.body_timeout);
  bhttp::async_read(socket_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, size_t) {
    if (ec) return self->OnReadError(ec);
    self->Dispatch();
  });
}

void HttpConnection::OnReadError(beast::error_code ec) {
  if (closed_) return;
  int status = 0;
  std::string why;
  if (ec == bhttp::error::header_limit) {
    status = 431;
    why = "request headers larger than " + std::to_string(limits_.max_header_bytes) + " bytes";
  } else if (ec == bhttp::error::body_limit) {
    status = 413;
    why = "request body larger than " + std::to_string(limits_.max_body_bytes) + " bytes";
  } else if (ec.category() == beast::error_code(bhttp::error::bad_target).category() && ec != bhttp::error::end_of_stream &&
             ec != bhttp::error::partial_message) {
    status = 400;
    why = "malformed HTTP request: " + ec.message();
  }
  if (status == 0) {  // timeout, reset, end of stream: just close
    Close();
    return;
  }
  responding_ = true;
  keep_alive_ = false;
  Response r = handler_.OnBadRequest(status, why);
  r.close = true;
  Reply(std::move(r));
}

void HttpConnection::Dispatch() {
  ClearDeadline();
  Request req = parser_->release();
  parser_.reset();
  keep_alive_ = req.keep_alive();
  close_after_ = false;
  responding_ = true;
  handler_.OnRequest(shared_from_this(), std::move(req));
}

void HttpConnection::Reply(Response&& r) {
  if (closed_ || !responding_ || response_complete_) return;
  bool close = r.close || !keep_alive_ || handler_.draining();
  close_after_ = close;
  // Head and body in one buffer, sized once: one write per response.
  std::string bytes;
  bytes.reserve(HeadSize(r.content_type, r.headers) + r.body.size());
  AppendHead(bytes, r.status, r.content_type, r.headers, r.body.size(), false, close);
  bytes += r.body;
  response_complete_ = true;
  Write(std::move(bytes));
}

void HttpConnection::BeginStream(int status, const std::string& content_type, const HeaderList& headers) {
  if (closed_ || !responding_ || response_complete_) return;
  Write(FormatHead(status, content_type, headers, std::nullopt, true, !keep_alive_));
  close_after_ = !keep_alive_;
}

void HttpConnection::StreamData(std::string_view data) {
  if (closed_ || !responding_ || response_complete_ || data.empty()) return;
  char size[20];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  std::string chunk = size;
  chunk.append(data);
  chunk += "\r\n";
  Write(std::move(chunk));
}

void HttpConnection::EndStream() {
  if (closed_ || !responding_ || response_complete_) return;
  if (handler_.draining()) close_after_ = true;
  response_complete_ = true;
  Write("0\r\n\r\n");
}

void HttpConnection::Write(std::string bytes) {
  out_.push_back(std::move(bytes));
  if (!writing_) DoWrite();
}

void HttpConnection::DoWrite() {
  if (closed_) return;
  while (!out_.empty()) {
    // Tried at once: a response the socket takes whole (the usual case)
    // needs no async operation, no completion handler and no deadline.
    std::string& front = out_.front();
    beast::error_code ec;
    size_t n = socket_.write_some(net::buffer(front), ec);
    if (ec == net::error::would_block || ec == net::error::try_again) {
      n = 0;
      ec = {};
    }
    if (ec) return Gone();
    if (n == front.size()) {
      out_.pop_front();
      continue;
    }
    front.erase(0, n);
    // The client reads slower than we write: wait for the rest, with a deadline.
    writing_ = true;
    SetDeadline(limits_.write_timeout);
    net::async_write(socket_, net::buffer(front), [self = shared_from_this()](beast::error_code wec, size_t) {
      self->ClearDeadline();
      if (wec) return self->Gone();
      self->out_.pop_front();
      self->DoWrite();
    });
    return;
  }
  writing_ = false;
  if (response_complete_) ResponseDone();
}

void HttpConnection::SetDeadline(Clock::duration d) {
  deadline_ = Clock::now() + d;
  if (deadline_ < armed_for_) ArmTimer(deadline_);
}

void HttpConnection::ArmTimer(Clock::time_point at) {
  armed_for_ = at;
  timer_.expires_at(at);  // cancels the wait for a later time, if any
  // Weakly: a pending timeout must not keep a finished connection alive.
  timer_.async_wait([w = weak_from_this(), at](beast::error_code ec) {
    if (ec) return;  // cancelled: re-armed sooner, or closed
    if (auto self = w.lock()) self->OnTimer(at);
  });
}

void HttpConnection::OnTimer(Clock::time_point armed_for) {
  if (armed_for != armed_for_ || closed_) return;  // superseded by a sooner arming
  armed_for_ = Clock::time_point::max();
  if (deadline_ == Clock::time_point::max()) return;  // nothing is waited for now
  if (Clock::now() < deadline_) return ArmTimer(deadline_);
  // Timed out. A read (idle, slow header or body) ends the connection
  // quietly; a write that cannot finish means the client is gone.
  if (writing_) return Gone();
  Close();
}

void HttpConnection::ResponseDone() {
  if (close_after_) {
    beast::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_send, ec);
    Close();
    return;
  }
  ReadNext();
}

void HttpConnection::SetPending(std::weak_ptr<PendingListener> listener) {
  pending_ = std::move(listener);
  Watch();
}

void HttpConnection::Watch() {
  if (closed_ || !responding_ || response_complete_) return;
  unsigned gen = watch_generation_;
  socket_.async_wait(tcp::socket::wait_read, [self = shared_from_this(), gen](beast::error_code ec) {
    if (gen != self->watch_generation_ || self->closed_ || !self->responding_) return;
    if (ec) {
      if (ec != net::error::operation_aborted) self->Gone();
      return;
    }
    char c;
    ssize_t n = ::recv(self->socket_.native_handle(), &c, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
      self->Gone();
    } else if (n < 0) {
      self->Watch();  // spurious wake-up
    }
    // n > 0: the client sent more (a pipelined request); it is read after this answer.
  });
}

void HttpConnection::Gone() {
  if (gone_) return;
  gone_ = true;
  if (auto l = pending_.lock()) l->OnClientGone();
  pending_.reset();
  Close();
}

void HttpConnection::Close() {
  if (closed_) return;
  closed_ = true;
  ++watch_generation_;
  if (responding_ && !response_complete_) {
    gone_ = true;
    if (auto l = pending_.lock()) l->OnClientGone();
    pending_.reset();
  }
  beast::error_code ec;
  timer_.cancel();
  socket_.shutdown(tcp::socket::shutdown_both, ec);
  socket_.close(ec);
}

}  // namespace mcph::http
