// exchange.cpp - see exchange.h.
#include "transport/http/exchange.h"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "observability/metrics.h"
#include "protocol/errors.h"
#include "protocol/reply.h"
#include "transport/http/session_stream.h"
#include "util/json.h"

namespace mcph::http {
int StatusFor(const Answer& a, bool modern) {
  if (a.error_code == 0) return 200;
  if (modern) {
    if (a.error_code == rpc::kMissingClientCapability) return 400;
    if (a.rejected) return a.error_code == rpc::kMethodNotFound ? 404 : 400;
    return 200;
  }
  if (a.rejected && a.error_code != rpc::kMethodNotFound) return 400;
  return 200;
}

std::string SseEvent(std::string_view json, std::string_view id) {
  std::string out;
  out.reserve(json.size() + 32);
  if (!id.empty()) {
    out += "id: ";
    out.append(id);
    out += '\n';
  }
  out += "event: message\n";
  while (true) {
    size_t nl = json.find('\n');
    out += "data: ";
    out.append(json.substr(0, nl));
    out += '\n';
    if (nl == std::string_view::npos) break;
    json.remove_prefix(nl + 1);
  }
  out += '\n';
  return out;
}

namespace {
std::atomic<int64_t> g_keep_alive_ms{Exchange::kKeepAlive.count()};
}  // namespace

std::chrono::milliseconds Exchange::keep_alive() {
  return std::chrono::milliseconds(g_keep_alive_ms.load(std::memory_order_relaxed));
}

void Exchange::SetKeepAliveForTesting(std::chrono::milliseconds period) {
  g_keep_alive_ms.store(period.count(), std::memory_order_relaxed);
}

Exchange::Exchange(std::shared_ptr<HttpConnection> conn, ExchangeInfo info, Metrics* metrics)
    : conn_(std::move(conn)), info_(std::move(info)), metrics_(metrics) {}

void Exchange::Send(std::string&& message) {
  net::post(conn_->executor(), [self = shared_from_this(), m = std::move(message)]() mutable {
    self->DoNotify(std::move(m));
  });
}

void Exchange::Respond(Answer&& answer) {
  answered_.store(true, std::memory_order_release);
  net::post(conn_->executor(), [self = shared_from_this(), a = std::move(answer)]() mutable {
    self->DoAnswer(std::move(a));
  });
}

void Exchange::Drop() {
  answered_.store(true, std::memory_order_release);
  net::post(conn_->executor(), [self = shared_from_this()] { self->DoDrop(); });
}

void Exchange::Accept() {
  answered_.store(true, std::memory_order_release);
  net::post(conn_->executor(), [self = shared_from_this()] {
    if (self->done_) return;
    self->done_ = true;
    if (self->gone_) return;
    Response r;
    r.status = 202;
    r.headers = self->info_.headers;
    self->conn_->Reply(std::move(r));
  });
}

void Exchange::Watch() {
  // On the connection's thread already (the endpoint calls it right after
  // dispatching): no post, which cost an allocation and a queue round per request.
  if (!done_ && !gone_) conn_->SetPending(shared_from_this());
}

HeaderList Exchange::StreamHeaders() const {
  HeaderList h = info_.headers;
  h.emplace_back("Cache-Control", "no-cache");
  h.emplace_back("X-Accel-Buffering", "no");
  return h;
}

std::string Exchange::Event(std::string_view message, bool last) {
  if (!info_.events) return SseEvent(message);
  if (stream_no_ == 0) stream_no_ = info_.events->OpenPostStream().value_or(0);
  if (stream_no_ == 0) return SseEvent(message);  // the session ended
  return info_.events->RecordPost(stream_no_, message, last);
}

void Exchange::DoNotify(std::string message) {
  if (done_) return;
  if (gone_) {
    // A legacy client that lost the stream may resume it with GET + Last-Event-ID.
    if (streaming_ && info_.events) Event(message, false);
    return;
  }
  if (!streaming_) {
    streaming_ = true;
    conn_->BeginStream(200, "text/event-stream", StreamHeaders());
    ArmKeepAlive();
  }
  sent_since_tick_ = true;
  conn_->StreamData(Event(message, false));
}

void Exchange::ArmKeepAlive() {
  auto timer = std::make_shared<net::steady_timer>(conn_->executor(), keep_alive());
  // Weakly: the timer must not keep an exchange alive that nothing else needs.
  timer->async_wait([timer, w = weak_from_this()](boost::system::error_code ec) {
    if (ec) return;
    auto self = w.lock();
    if (!self || self->done_ || self->gone_) return;  // answered or abandoned: the stream is over
    if (!self->sent_since_tick_) self->conn_->StreamData(": keep-alive\n\n");
    self->sent_since_tick_ = false;
    self->ArmKeepAlive();
  });
}

void Exchange::DoAnswer(Answer answer) {
  if (done_) return;
  done_ = true;
  if (metrics_ && !info_.method.empty()) {
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    if (answer.error_code != 0)
      metrics_->RecordRequest(info_.method, info_.modern ? 1 : 0, secs, true, answer.error_code,
                              ErrorMessageOf(answer.message));
    else
      metrics_->RecordRequest(info_.method, info_.modern ? 1 : 0, secs, false);
  }
  if (info_.on_answer) info_.on_answer(answer);
  if (gone_) {
    if (streaming_ && info_.events) Event(answer.message, true);  // kept for a resuming client
    return;
  }
  if (streaming_) {
    conn_->StreamData(Event(answer.message, true));
    conn_->EndStream();
    return;
  }
  Response r;
  r.status = StatusFor(answer, info_.modern);
  r.content_type = "application/json";
  r.body = std::move(answer.message);
  r.headers = std::move(info_.headers);  // the last use: done_ is set
  conn_->Reply(std::move(r));
}

void Exchange::DoDrop() {
  if (done_) return;
  done_ = true;
  if (gone_) return;
  // The client cancelled the request: end its stream with no response.
  if (!streaming_) conn_->BeginStream(200, "text/event-stream", StreamHeaders());
  streaming_ = true;
  conn_->EndStream();
}

void Exchange::OnClientGone() {
  if (gone_) return;
  gone_ = true;
  if (!done_ && info_.on_gone) info_.on_gone();
}

}  // namespace mcph::http
