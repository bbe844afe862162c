// http_connection.cpp - see http_connection.h.
#include "transport/http/http_connection.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>
#include <cstdio>

namespace mcph::http {

namespace bhttp = beast::http;

std::string FormatHead(int status, const std::string& content_type, const HeaderList& headers,
                       std::optional<size_t> content_length, bool chunked, bool close) {
  std::string out;
  out.reserve(256);
  out += "HTTP/1.1 ";
  out += std::to_string(status);
  out += ' ';
  beast::string_view reason = bhttp::obsolete_reason(bhttp::int_to_status(static_cast<unsigned>(status)));
  out.append(reason.data(), reason.size());
  out += "\r\nServer: mcp-host\r\n";
  if (!content_type.empty()) out += "Content-Type: " + content_type + "\r\n";
  for (const auto& [k, v] : headers) out += k + ": " + v + "\r\n";
  if (chunked) out += "Transfer-Encoding: chunked\r\n";
  else out += "Content-Length: " + std::to_string(content_length.value_or(0)) + "\r\n";
  if (close) out += "Connection: close\r\n";
  out += "\r\n";
  return out;
}

HttpConnection::HttpConnection(tcp::socket socket, RequestHandler& handler,
                               std::shared_ptr<ConnectionRegistry> registry, const ConnectionLimits& limits)
    : stream_(std::move(socket)), handler_(handler), registry_(std::move(registry)), limits_(limits) {
  beast::error_code ec;
  stream_.socket().set_option(tcp::no_delay(true), ec);
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
  stream_.expires_after(limits_.idle_timeout);
  stream_.async_read_some(buffer_.prepare(4096), [self = shared_from_this()](beast::error_code ec, size_t n) {
    if (ec) return self->OnReadError(ec);
    self->buffer_.commit(n);
    self->ReadHeader();
  });
}

void HttpConnection::ReadHeader() {
  stream_.expires_after(limits_.header_timeout);
  bhttp::async_read_header(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, size_t) {
    if (ec) return self->OnReadError(ec);
    auto& req = self->parser_->get();
    auto expect = req[bhttp::field::expect];
    if (beast::iequals(expect, "100-continue") && !self->parser_->is_done()) {
      self->stream_.expires_after(self->limits_.write_timeout);
      static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      net::async_write(self->stream_, net::buffer(kContinue), [self](beast::error_code wec, size_t) {
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
  stream_.expires_after(limits_.body_timeout);
  bhttp::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, size_t) {
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
  stream_.expires_never();
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
  std::string bytes = FormatHead(r.status, r.content_type, r.headers, r.body.size(), false, close);
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
  if (out_.empty()) {
    writing_ = false;
    if (response_complete_) ResponseDone();
    return;
  }
  writing_ = true;
  stream_.expires_after(limits_.write_timeout);
  net::async_write(stream_, net::buffer(out_.front()), [self = shared_from_this()](beast::error_code ec, size_t) {
    self->stream_.expires_never();
    if (ec) {
      self->Gone();
      return;
    }
    self->out_.pop_front();
    self->DoWrite();
  });
}

void HttpConnection::ResponseDone() {
  if (close_after_) {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
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
  stream_.socket().async_wait(tcp::socket::wait_read, [self = shared_from_this(), gen](beast::error_code ec) {
    if (gen != self->watch_generation_ || self->closed_ || !self->responding_) return;
    if (ec) {
      if (ec != net::error::operation_aborted) self->Gone();
      return;
    }
    char c;
    ssize_t n = ::recv(self->stream_.socket().native_handle(), &c, 1, MSG_PEEK | MSG_DONTWAIT);
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
  stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
  stream_.socket().close(ec);
}

}  // namespace mcph::http
