// session_stream.cpp - see session_stream.h.
#include "transport/http/session_stream.h"

#include <boost/asio/post.hpp>

#include "transport/http/exchange.h"

namespace mcph::http {

void SessionStream::Send(std::string&& message) {
  std::shared_ptr<HttpConnection> conn;
  std::string event;
  {
    std::lock_guard lock(mu_);
    if (closed_) return;
    uint64_t id = next_id_++;
    event = SseEvent(message, std::to_string(id));
    recent_.emplace_back(id, event);
    if (recent_.size() > kReplay) recent_.pop_front();
    conn = conn_;
  }
  if (!conn) return;  // kept for replay
  net::post(conn->executor(), [conn, e = std::move(event)] { conn->StreamData(e); });
}

bool SessionStream::Attach(const std::shared_ptr<HttpConnection>& conn, std::optional<uint64_t> last_event_id,
                           const HeaderList& headers) {
  std::string replay;
  {
    std::lock_guard lock(mu_);
    if (closed_ || (conn_ && !conn_->gone())) return false;
    conn_ = conn;
    if (last_event_id)
      for (const auto& [id, e] : recent_)
        if (id > *last_event_id) replay += e;
  }
  HeaderList h = headers;
  h.emplace_back("Cache-Control", "no-cache");
  h.emplace_back("X-Accel-Buffering", "no");
  conn->BeginStream(200, "text/event-stream", h);
  // An SSE comment first, so the client sees the stream open at once.
  conn->StreamData(replay.empty() ? std::string(": stream open\n\n") : replay);
  conn->SetPending(weak_from_this());
  return true;
}

void SessionStream::OnClientGone() {
  std::lock_guard lock(mu_);
  conn_.reset();
}

void SessionStream::Close() {
  std::shared_ptr<HttpConnection> conn;
  {
    std::lock_guard lock(mu_);
    closed_ = true;
    conn = std::move(conn_);
  }
  if (conn) net::post(conn->executor(), [conn] { conn->EndStream(); });
}

}  // namespace mcph::http
