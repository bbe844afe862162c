// session_stream.cpp - see session_stream.h.
#include "transport/http/session_stream.h"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <charconv>

#include "transport/http/exchange.h"

namespace mcph::http {
namespace {

std::string EventId(uint64_t stream, uint64_t seq) { return std::to_string(stream) + "-" + std::to_string(seq); }

bool ParseU64(std::string_view s, uint64_t& out) {
  if (s.empty()) return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

HeaderList SseHeaders(const HeaderList& headers) {
  HeaderList h = headers;
  h.emplace_back("Cache-Control", "no-cache");
  h.emplace_back("X-Accel-Buffering", "no");
  return h;
}

std::atomic<int64_t> g_keep_alive_ms{SessionStream::kKeepAlive.count()};

}  // namespace

std::chrono::milliseconds SessionStream::keep_alive() {
  return std::chrono::milliseconds(g_keep_alive_ms.load(std::memory_order_relaxed));
}

void SessionStream::SetKeepAliveForTesting(std::chrono::milliseconds period) {
  g_keep_alive_ms.store(period.count(), std::memory_order_relaxed);
}

std::optional<EventCursor> ParseEventId(std::string_view id) {
  EventCursor c;
  size_t dash = id.find('-');
  if (dash == std::string_view::npos) {
    if (!ParseU64(id, c.seq)) return std::nullopt;
    return c;  // a bare number: the standalone stream
  }
  if (!ParseU64(id.substr(0, dash), c.stream) || !ParseU64(id.substr(dash + 1), c.seq)) return std::nullopt;
  return c;
}

void SessionStream::Send(std::string&& message) {
  std::shared_ptr<HttpConnection> conn;
  std::string event;
  {
    std::lock_guard lock(mu_);
    if (closed_) return;
    uint64_t id = next_id_++;
    event = SseEvent(message, EventId(0, id));
    recent_.emplace_back(id, event);
    if (recent_.size() > kReplay) recent_.pop_front();
    conn = conn_;
    if (conn) sent_since_tick_ = true;
  }
  if (!conn) return;  // kept for replay
  net::post(conn->executor(), [conn, e = std::move(event)] { conn->StreamData(e); });
}

bool SessionStream::Attach(const std::shared_ptr<HttpConnection>& conn, std::optional<EventCursor> last,
                           const HeaderList& headers) {
  if (last && last->stream != 0) return ResumePost(conn, *last, headers);
  std::string replay;
  {
    std::lock_guard lock(mu_);
    if (closed_ || (conn_ && !conn_->gone())) return false;
    conn_ = conn;
    sent_since_tick_ = false;
    if (last)
      for (const auto& [id, e] : recent_)
        if (id > last->seq) replay += e;
  }
  conn->BeginStream(200, "text/event-stream", SseHeaders(headers));
  // An SSE comment first, so the client sees the stream open at once.
  conn->StreamData(replay.empty() ? std::string(": stream open\n\n") : replay);
  conn->SetPending(weak_from_this());
  ArmKeepAlive(conn, 0);
  return true;
}

bool* SessionStream::ActivityFlag(const std::shared_ptr<HttpConnection>& conn, uint64_t stream) {
  if (closed_) return nullptr;
  if (stream == 0) return conn_ == conn ? &sent_since_tick_ : nullptr;
  auto it = posts_.find(stream);
  if (it == posts_.end() || it->second.resumed != conn) return nullptr;  // ended, evicted or resumed elsewhere
  return &it->second.sent_since_tick;
}

void SessionStream::ArmKeepAlive(const std::shared_ptr<HttpConnection>& conn, uint64_t stream) {
  auto timer = std::make_shared<net::steady_timer>(conn->executor(), keep_alive());
  timer->async_wait([timer, conn, stream, w = weak_from_this()](boost::system::error_code ec) {
    if (ec) return;
    auto self = w.lock();
    if (!self || conn->gone()) return;
    {
      std::lock_guard lock(self->mu_);
      bool* sent = self->ActivityFlag(conn, stream);
      if (!sent) return;  // the stream ended or was replaced
      bool idle = !*sent;
      *sent = false;
      if (idle) conn->StreamData(": keep-alive\n\n");  // on conn's thread (the timer's executor)
    }
    self->ArmKeepAlive(conn, stream);
  });
}

bool SessionStream::ResumePost(const std::shared_ptr<HttpConnection>& conn, EventCursor last,
                               const HeaderList& headers) {
  std::string replay;
  bool ended = true;
  {
    std::lock_guard lock(mu_);
    if (closed_) return false;
    auto it = posts_.find(last.stream);
    if (it != posts_.end()) {
      for (const auto& [seq, e] : it->second.events)
        if (seq > last.seq) replay += e;
      ended = it->second.ended;
      // Events recorded from now on are posted to conn's executor, so they
      // follow the replay written below.
      if (!ended) it->second.resumed = conn;
    }
  }
  conn->BeginStream(200, "text/event-stream", SseHeaders(headers));
  conn->StreamData(replay.empty() ? std::string(": stream resumed\n\n") : replay);
  if (ended) {
    conn->EndStream();  // unknown, evicted or finished: nothing more will come
    return true;
  }
  // The call may run for long without an event: keep the stream alive too.
  ArmKeepAlive(conn, last.stream);
  return true;
}

std::optional<uint64_t> SessionStream::OpenPostStream() {
  std::lock_guard lock(mu_);
  if (closed_) return std::nullopt;
  uint64_t n = next_stream_++;
  posts_[n];
  while (posts_.size() > kPostStreams) {
    auto oldest = posts_.begin();
    if (oldest->second.resumed) {
      auto c = oldest->second.resumed;
      net::post(c->executor(), [c] { c->EndStream(); });
    }
    posts_.erase(oldest);
  }
  return n;
}

std::string SessionStream::RecordPost(uint64_t stream, std::string_view message, bool last) {
  std::lock_guard lock(mu_);
  auto it = posts_.find(stream);
  if (it == posts_.end()) {  // evicted (or the session ended): still numbered, not kept
    return SseEvent(message, EventId(stream, 0));
  }
  PostStream& ps = it->second;
  uint64_t seq = ps.next_seq++;
  std::string event = SseEvent(message, EventId(stream, seq));
  ps.events.emplace_back(seq, event);
  if (ps.events.size() > kReplay) ps.events.pop_front();
  if (last) ps.ended = true;
  if (ps.resumed) {
    auto c = ps.resumed;
    ps.sent_since_tick = true;
    if (last) ps.resumed.reset();
    if (!c->gone())
      net::post(c->executor(), [c, e = event, last] {
        c->StreamData(e);
        if (last) c->EndStream();
      });
  }
  return event;
}

void SessionStream::OnClientGone() {
  std::lock_guard lock(mu_);
  conn_.reset();
}

void SessionStream::Close() {
  std::shared_ptr<HttpConnection> conn;
  std::vector<std::shared_ptr<HttpConnection>> resumed;
  {
    std::lock_guard lock(mu_);
    closed_ = true;
    conn = std::move(conn_);
    for (auto& [n, ps] : posts_)
      if (ps.resumed) resumed.push_back(std::move(ps.resumed));
    posts_.clear();
  }
  if (conn) net::post(conn->executor(), [conn] { conn->EndStream(); });
  for (auto& c : resumed) net::post(c->executor(), [c] { c->EndStream(); });
}

}  // namespace mcph::http
