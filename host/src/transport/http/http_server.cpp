// http_server.cpp - see http_server.h.
#include "transport/http/http_server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>

#include "protocol/errors.h"
#include "runtime/host_runtime.h"
#include "transport/http/status_page.h"

namespace mcph::http {
namespace {

namespace bhttp = beast::http;

Response Text(int status, std::string content_type, std::string body) {
  Response r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

}  // namespace

Result<std::unique_ptr<HttpServer>> HttpServer::Create(HostRuntime& runtime, const HttpConfig& cfg,
                                                       size_t max_body_bytes) {
  HostPort hp = SplitHostPort(cfg.listen);
  std::string host = hp.host;
  if (host.size() >= 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  std::unique_ptr<HttpServer> s(new HttpServer(runtime, cfg, max_body_bytes, hp.host));
  auto auth = BearerAuth::Load(cfg.auth);
  if (!auth.ok()) return auth.status();
  s->auth_ = std::move(auth.value());

  boost::system::error_code ec;
  tcp::resolver resolver(*s->contexts_[0]);
  auto results = resolver.resolve(host, hp.port, tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty())
    return Status::Error("server.http.listen: cannot resolve '" + cfg.listen + "': " + ec.message());
  tcp::endpoint ep = results.begin()->endpoint();
  s->acceptor_.emplace(*s->contexts_[0]);
  s->acceptor_->open(ep.protocol(), ec);
  if (!ec) s->acceptor_->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) s->acceptor_->bind(ep, ec);
  if (!ec) s->acceptor_->listen(boost::asio::socket_base::max_listen_connections, ec);
  if (ec) return Status::Error("server.http.listen: cannot listen on " + cfg.listen + ": " + ec.message());
  s->port_ = s->acceptor_->local_endpoint().port();
  return s;
}

HttpServer::HttpServer(HostRuntime& runtime, const HttpConfig& cfg, size_t max_body_bytes, std::string bound_host)
    : runtime_(runtime),
      cfg_(cfg),
      bound_host_(std::move(bound_host)),
      guard_(cfg_, bound_host_),
      registry_(std::make_shared<Registry>(runtime.state().metrics)),
      metrics_(*registry_->metrics) {
  limits_.header_timeout = std::chrono::milliseconds(cfg.header_timeout_ms);
  limits_.body_timeout = std::chrono::milliseconds(cfg.body_timeout_ms);
  limits_.idle_timeout = std::chrono::milliseconds(cfg.idle_timeout_ms);
  limits_.max_header_bytes = static_cast<size_t>(cfg.max_header_bytes);
  limits_.max_body_bytes = max_body_bytes;
  size_t n = cfg.threads > 0 ? static_cast<size_t>(cfg.threads) : std::max(1u, std::thread::hardware_concurrency());
  for (size_t i = 0; i < n; ++i) {
    // No single-thread hint: a thread may hand its io_context to another
    // mid-handler (io_threads.h), and with the hint its posts would be kept
    // back for it.
    contexts_.push_back(std::make_unique<boost::asio::io_context>());
    work_.push_back(boost::asio::make_work_guard(*contexts_.back()));
  }
  std::vector<boost::asio::io_context*> raw;
  for (auto& c : contexts_) raw.push_back(c.get());
  io_threads_ = std::make_unique<IoThreads>(std::move(raw));
  endpoint_ = std::make_unique<McpEndpoint>(runtime, cfg_, guard_, auth_, metrics_, draining_);
}

HttpServer::~HttpServer() {
  for (auto& c : contexts_) c->stop();
  io_threads_.reset();  // joins every I/O thread before anything they use goes
}

std::string HttpServer::bound() const {
  std::string host = bound_host_;
  return host + ":" + std::to_string(port_);
}

void HttpServer::Run(bool handle_signals) {
  std::optional<boost::asio::signal_set> signals;
  if (handle_signals) {
    signals.emplace(*contexts_[0], SIGTERM, SIGINT);
    signals->async_wait([this](const boost::system::error_code& ec, int sig) {
      if (ec) return;
      spdlog::info("http: signal {} received: draining (grace {} ms)", sig, cfg_.shutdown_grace_ms);
      BeginDrain();
    });
  }
  sweep_timer_.emplace(*contexts_[0]);
  drain_timer_.emplace(*contexts_[0]);
  Accept();
  ScheduleSweep();
  io_threads_->Start();
  // A thread still inside a plugin step after the drain (a plugin that does
  // not return) is not waited for: unfinished() reports its request.
  if (!io_threads_->Wait(std::chrono::milliseconds(100)))
    spdlog::warn("http: an I/O thread is still inside a plugin step after the drain");
  if (signals) {
    boost::system::error_code ec;
    signals->cancel(ec);
  }
}

void HttpServer::Accept() {
  auto& ctx = *contexts_[next_context_];
  next_context_ = (next_context_ + 1) % contexts_.size();
  acceptor_->async_accept(ctx, [this](boost::system::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == boost::asio::error::operation_aborted || draining()) return;
      spdlog::warn("http: accept failed: {}", ec.message());
    } else if (draining()) {
      return;
    } else {
      // Start the connection on its own io_context's thread.
      auto conn = std::make_shared<HttpConnection>(std::move(socket), *this, registry_, limits_);
      boost::asio::post(conn->executor(), [conn] { conn->Start(); });
    }
    Accept();
  });
}

void HttpServer::ScheduleSweep() {
  auto every = std::chrono::milliseconds(
      std::clamp<int64_t>(cfg_.session_idle_seconds * 1000 / 4, 100, 30000));
  sweep_timer_->expires_after(every);
  sweep_timer_->async_wait([this](boost::system::error_code ec) {
    if (ec || draining()) return;
    if (size_t n = sessions().Sweep()) spdlog::debug("http: {} idle sessions expired", n);
    ScheduleSweep();
  });
}

void HttpServer::Registry::Opened(const std::shared_ptr<HttpConnection>& conn) {
  metrics->ConnectionOpened();
  std::lock_guard lock(mu);
  conns.emplace(conn.get(), conn);
}

void HttpServer::Registry::Closed(HttpConnection* conn) {
  metrics->ConnectionClosed();
  std::lock_guard lock(mu);
  conns.erase(conn);
}

void HttpServer::ForEachConnection(const std::function<void(HttpConnection&)>& fn) {
  std::vector<std::shared_ptr<HttpConnection>> all;
  {
    std::lock_guard lock(registry_->mu);
    for (auto& [p, w] : registry_->conns)
      if (auto c = w.lock()) all.push_back(std::move(c));
  }
  for (auto& c : all) boost::asio::post(c->executor(), [c, fn] { fn(*c); });
}

Response HttpServer::OnBadRequest(int status, const std::string& why) {
  return JsonRpcError(status, rpc::kInvalidRequest, why);
}

void HttpServer::OnRequest(const std::shared_ptr<HttpConnection>& conn, Request&& req) {
  std::string_view target(req.target().data(), req.target().size());
  std::string_view path = target.substr(0, target.find('?'));
  if (path == cfg_.path) return endpoint_->Handle(conn, std::move(req));
  if (path == "/" && cfg_.status_page) return ServeStatusPage(conn, req);

  // Operations endpoints: exempt from the Host check (probes arrive by pod IP).
  bool ops = path == "/health" || path == "/ready" || path == "/metrics";
  if (!ops) return conn->Reply(Text(404, "text/plain; charset=utf-8", "Not Found\n"));
  if (req.method() != bhttp::verb::get && req.method() != bhttp::verb::head) {
    Response r = Text(405, "text/plain; charset=utf-8", "Method Not Allowed\n");
    r.headers.emplace_back("Allow", "GET, HEAD");
    return conn->Reply(std::move(r));
  }
  Response r;
  if (path == "/health") {
    r = Text(200, "application/json", "{\"status\":\"ok\"}");
  } else if (path == "/ready") {
    auto catalog = runtime_.state().snapshot();
    if (draining() || !catalog)
      r = Text(503, "application/json", "{\"status\":\"draining\"}");
    else
      r = Text(200, "application/json",
               "{\"status\":\"ready\",\"tools\":" + std::to_string(catalog->tools().size()) +
                   ",\"resources\":" + std::to_string(catalog->resources().size()) +
                   ",\"prompts\":" + std::to_string(catalog->prompts().size()) + "}");
  } else {
    std::string text = metrics_.RenderPrometheus();
    text += "# HELP mcp_http_sessions Legacy HTTP sessions open.\n# TYPE mcp_http_sessions gauge\nmcp_http_sessions " +
            std::to_string(sessions().size()) + "\n";
    text += "# HELP mcp_http_requests_in_progress MCP requests over HTTP awaiting their answer.\n"
            "# TYPE mcp_http_requests_in_progress gauge\nmcp_http_requests_in_progress " +
            std::to_string(endpoint_->active()) + "\n";
    r = Text(200, "text/plain; version=0.0.4; charset=utf-8", std::move(text));
  }
  if (req.method() == bhttp::verb::head) r.body.clear();
  conn->Reply(std::move(r));
}

void HttpServer::ServeStatusPage(const std::shared_ptr<HttpConnection>& conn, const Request& req) {
  auto header = [&](bhttp::field f) {
    auto it = req.find(f);
    return it == req.end() ? std::optional<std::string_view>()
                           : std::string_view(it->value().data(), it->value().size());
  };
  // The page names plugin paths and clients' errors: guard it like the MCP
  // endpoint (DNS rebinding, then the bearer token). Plain-text refusals.
  if (!guard_.HostAllowed(header(bhttp::field::host).value_or("")))
    return conn->Reply(Text(403, "text/plain; charset=utf-8", "Forbidden: Host not allowed (server.http.allowed_hosts)\n"));
  if (auto origin = header(bhttp::field::origin); origin && !guard_.OriginAllowed(*origin))
    return conn->Reply(
        Text(403, "text/plain; charset=utf-8", "Forbidden: Origin not allowed (server.http.allowed_origins)\n"));
  if (auth_.enabled()) {
    auto authz = header(bhttp::field::authorization);
    if (!auth_.Check(authz.value_or(""))) {
      Response r = Text(401, "text/plain; charset=utf-8", "Unauthorized: a valid bearer token is required\n");
      r.headers.emplace_back("WWW-Authenticate", authz ? "Bearer realm=\"mcp-host\", error=\"invalid_token\""
                                                       : "Bearer realm=\"mcp-host\"");
      return conn->Reply(std::move(r));
    }
  }
  if (req.method() != bhttp::verb::get && req.method() != bhttp::verb::head) {
    Response r = Text(405, "text/plain; charset=utf-8", "Method Not Allowed\n");
    r.headers.emplace_back("Allow", "GET, HEAD");
    return conn->Reply(std::move(r));
  }
  Response r = Text(200, "text/html; charset=utf-8",
                    RenderStatusPage(CollectStatus(runtime_, metrics_, draining(), sessions().size(), endpoint_->active())));
  // Nothing on the page needs a script, a frame or a foreign asset: say so.
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Cache-Control", "no-store");
  if (req.method() == bhttp::verb::head) r.body.clear();
  conn->Reply(std::move(r));
}

void HttpServer::BeginDrain() {
  boost::asio::post(*contexts_[0], [this] {
    if (draining_.exchange(true)) return;
    boost::system::error_code ec;
    if (acceptor_) acceptor_->close(ec);
    if (sweep_timer_) sweep_timer_->cancel();
    // Standalone streams and listen streams never end by themselves: end them now.
    sessions().ForEachStream([](SessionStream& s) { s.Close(); });
    runtime_.EndListens();
    // Idle keep-alive connections have nothing to finish.
    ForEachConnection([](HttpConnection& c) { c.CloseIfIdle(); });
    DrainTick(std::chrono::steady_clock::now(), false);
  });
}

void HttpServer::DrainTick(std::chrono::steady_clock::time_point started, bool cancelled) {
  auto now = std::chrono::steady_clock::now();
  if (endpoint_->active() == 0) return Finish();
  if (!cancelled && now - started >= std::chrono::milliseconds(cfg_.shutdown_grace_ms)) {
    spdlog::warn("http: {} requests still in progress after {} ms: cancelling them", endpoint_->active(),
                 cfg_.shutdown_grace_ms);
    sessions().Clear();  // cancels legacy calls
    ForEachConnection([](HttpConnection& c) { c.Close(); });  // modern calls cancel on disconnect
    cancelled = true;
    started = now;
  } else if (cancelled && now - started >= std::chrono::seconds(1)) {
    return Finish();
  }
  drain_timer_->expires_after(std::chrono::milliseconds(20));
  drain_timer_->async_wait([this, started, cancelled](boost::system::error_code ec) {
    if (!ec) DrainTick(started, cancelled);
  });
}

void HttpServer::Finish() {
  sessions().Clear();
  // Let responses already queued reach their clients, then stop.
  ForEachConnection([](HttpConnection& c) { c.CloseIfIdle(); });
  drain_timer_->expires_after(std::chrono::milliseconds(100));
  drain_timer_->async_wait([this](boost::system::error_code) {
    ForEachConnection([](HttpConnection& c) { c.Close(); });
    for (auto& w : work_) w.reset();
    for (auto& c : contexts_) {
      boost::asio::post(*c, [ctx = c.get()] { ctx->stop(); });
    }
  });
}

}  // namespace mcph::http
