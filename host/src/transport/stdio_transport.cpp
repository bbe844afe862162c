// stdio_transport.cpp - see stdio_transport.h.
#include "transport/stdio_transport.h"

#include <spdlog/spdlog.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "observability/metrics.h"
#include "protocol/id_scanner.h"
#include "protocol/protocol_versions.h"
#include "protocol/reply.h"
#include "util/json.h"

namespace mcph {
namespace {

using Clock = std::chrono::steady_clock;

// The Outbound of one answered message: forwards everything to the pipe and
// records the answer (once) into the shared Metrics on its way out. Lock-free
// itself: RecordRequest only touches atomics; the pipe's write mutex is the
// one every line takes anyway.
class RecordingOutbound : public Outbound {
 public:
  RecordingOutbound(std::shared_ptr<FdOutbound> pipe, std::shared_ptr<Metrics> metrics, std::string_view method,
                    bool modern, Clock::time_point arrived)
      : pipe_(std::move(pipe)), metrics_(std::move(metrics)), method_(method), modern_(modern), arrived_(arrived) {}

  void Send(std::string&& message) override { pipe_->Send(std::move(message)); }
  void Respond(Answer&& answer) override {
    if (!recorded_.exchange(true, std::memory_order_relaxed)) {
      double secs = std::chrono::duration<double>(Clock::now() - arrived_).count();
      if (answer.error_code != 0)
        metrics_->RecordRequest(method_, modern_ ? 1 : 0, secs, true, answer.error_code, ErrorMessageOf(answer.message));
      else
        metrics_->RecordRequest(method_, modern_ ? 1 : 0, secs, false);
    }
    pipe_->Respond(std::move(answer));
  }
  void Drop() override { pipe_->Drop(); }

 private:
  std::shared_ptr<FdOutbound> pipe_;
  std::shared_ptr<Metrics> metrics_;
  std::string method_;
  bool modern_;
  Clock::time_point arrived_;
  std::atomic<bool> recorded_{false};
};

// What the dispatcher answers: anything but a notification or a client's
// response (the same rule as the HTTP endpoint's).
bool ExpectsAnswer(const rapidjson::Value& m) {
  if (!m.IsObject()) return true;
  bool notification = m.HasMember("method") && !m.HasMember("id");
  bool response = !m.HasMember("method") && (m.HasMember("result") || m.HasMember("error"));
  return !notification && !response;
}

// A request claiming a protocol version in params._meta is modern.
bool ClaimsModern(const rapidjson::Value& msg) {
  const rapidjson::Value* params = FindMember(msg, "params");
  const rapidjson::Value* meta = params ? FindMember(*params, "_meta") : nullptr;
  return meta && FindMember(*meta, kMetaProtocolVersion) != nullptr;
}

}  // namespace

void FdOutbound::Send(std::string&& message) {
  std::lock_guard lock(mu_);
  if (broken_.load(std::memory_order_relaxed)) return;
  char newline = '\n';
  iovec iov[2] = {{message.data(), message.size()}, {&newline, 1}};
  size_t total = message.size() + 1, done = 0;
  while (done < total) {
    // Advance the iovecs past what was written.
    iovec* v = iov;
    int n = 2;
    size_t skip = done;
    while (n > 0 && skip >= v->iov_len) {
      skip -= v->iov_len;
      ++v;
      --n;
    }
    iovec cur[2];
    for (int i = 0; i < n; ++i) cur[i] = v[i];
    cur[0].iov_base = static_cast<char*>(cur[0].iov_base) + skip;
    cur[0].iov_len -= skip;
    ssize_t w = ::writev(fd_, cur, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      broken_.store(true);
      spdlog::error("stdout closed ({}): dropping further output", std::strerror(errno));
      return;
    }
    done += static_cast<size_t>(w);
  }
}

StdioTransport::StdioTransport(Dispatcher& dispatcher, int in_fd, int out_fd, size_t max_message_bytes)
    : dispatcher_(dispatcher),
      in_fd_(in_fd),
      max_(max_message_bytes),
      out_(std::make_shared<FdOutbound>(out_fd)),
      conn_(std::make_shared<Connection>(out_)),
      metrics_(dispatcher.state().metrics) {
  conn_->state()->SetUnsolicited(out_);  // the pipe carries what belongs to no request
}

std::shared_ptr<Connection> StdioTransport::RecordingConnection(std::string_view method, bool modern,
                                                                Clock::time_point arrived) {
  auto out = std::make_shared<RecordingOutbound>(out_, metrics_, method, modern, arrived);
  return std::make_shared<Connection>(std::move(out), conn_->state());
}

void StdioTransport::HandleLine(std::string_view text, Clock::time_point arrived) {
  PooledDocument& doc = parse_.Fresh();
  if (!ParseJson(text, doc).ok()) {
    // The dispatcher parses it again to word the error (rare: bad input only).
    dispatcher_.HandleMessage(text, RecordingConnection("other", false, arrived));
    return;
  }
  bool expects;
  if (doc.IsArray()) {
    expects = doc.Empty();
    for (const auto& m : doc.GetArray()) expects = expects || ExpectsAnswer(m);
  } else {
    expects = ExpectsAnswer(doc);
  }
  if (!expects) {  // notifications and the client's responses: nothing to record
    dispatcher_.HandleParsed(doc, conn_);
    return;
  }
  std::string_view method = "batch";  // counted as "other", as over HTTP
  bool modern = false;
  if (doc.IsObject()) {
    const rapidjson::Value* m = FindMember(doc, "method");
    method = m && m->IsString() ? StringOf(*m) : std::string_view("other");
    modern = ClaimsModern(doc);
  }
  dispatcher_.HandleParsed(doc, RecordingConnection(method, modern, arrived));
}

std::shared_ptr<Connection> StdioTransport::Run() {
  std::string line;
  line.reserve(64 * 1024);
  std::unique_ptr<IdScanner> oversized;  // set while skipping a too-long line
  std::string buf(256 * 1024, '\0');

  // When the current line's first byte arrived (set when a line starts).
  Clock::time_point arrived{};
  bool started = false;

  auto finish_line = [&] {
    started = false;
    if (oversized) {
      dispatcher_.RefuseOversized(oversized->id_json(), max_, RecordingConnection("other", false, arrived));
      oversized.reset();
      return;
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t start = line.find_first_not_of(" \t");
    if (start != std::string::npos) HandleLine(std::string_view(line).substr(start), arrived);
    line.clear();
  };

  metrics_->ConnectionOpened();

  for (;;) {
    ssize_t n = ::read(in_fd_, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      spdlog::error("stdin read failed: {}", std::strerror(errno));
      break;
    }
    if (n == 0) break;
    const Clock::time_point now = Clock::now();
    std::string_view chunk(buf.data(), static_cast<size_t>(n));
    while (!chunk.empty()) {
      if (!started) {
        started = true;
        arrived = now;
      }
      size_t nl = chunk.find('\n');
      std::string_view part = chunk.substr(0, nl);
      if (oversized) {
        oversized->Feed(part);
      } else if (line.size() + part.size() > max_) {
        oversized = std::make_unique<IdScanner>();
        oversized->Feed(line);
        oversized->Feed(part);
        line.clear();
        line.shrink_to_fit();
        line.reserve(64 * 1024);
      } else {
        line.append(part);
      }
      if (nl == std::string_view::npos) break;
      finish_line();
      chunk.remove_prefix(nl + 1);
    }
  }
  if (!line.empty() || oversized) finish_line();  // a last message without its newline
  metrics_->ConnectionClosed();
  return conn_;
}

}  // namespace mcph
