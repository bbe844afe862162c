// stdio_transport.cpp - see stdio_transport.h.
#include "transport/stdio_transport.h"

#include <spdlog/spdlog.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "observability/metrics.h"
#include "protocol/id_scanner.h"
#include "protocol/inline_step.h"
#include "protocol/protocol_versions.h"
#include "protocol/reply.h"
#include "util/json.h"

namespace mcph {
namespace {

using Clock = std::chrono::steady_clock;

// How often the watcher looks at the reader, and how long one step may hold
// the reader before the reading moves to another thread.
constexpr auto kWatchTick = std::chrono::milliseconds(5);
constexpr auto kStallAfter = std::chrono::milliseconds(5);
// A watcher that saw no step for this many ticks sleeps until the next one.
constexpr int kIdleTicksBeforePark = 200;
// With lines buffered behind it, a step runs on the reader only if the last
// one took less than this; otherwise it goes to the pool.
constexpr int64_t kInlineBudgetNs = 200'000;
// The pipe size asked for (Linux's default pipe-max-size).
constexpr int kPipeBytes = 1 << 20;

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

// While held, lines gather up to this size; a longer answer, or one that
// would pass it, is written at once with what gathered before it.
constexpr size_t kMaxHeldBytes = 64 * 1024;

void FdOutbound::Send(std::string&& message) {
  std::lock_guard lock(mu_);
  if (broken_.load(std::memory_order_relaxed)) return;
  if (holding_ && held_.size() + message.size() < kMaxHeldBytes) {
    held_.append(message).push_back('\n');
    return;
  }
  char newline = '\n';
  iovec iov[3] = {{held_.data(), held_.size()}, {message.data(), message.size()}, {&newline, 1}};
  WriteLocked(held_.empty() ? iov + 1 : iov, held_.empty() ? 2 : 3);
  held_.clear();
}

void FdOutbound::Hold() {
  std::lock_guard lock(mu_);
  holding_ = true;
}

void FdOutbound::Release() {
  std::lock_guard lock(mu_);
  holding_ = false;
  if (held_.empty() || broken_.load(std::memory_order_relaxed)) return;
  iovec iov[1] = {{held_.data(), held_.size()}};
  WriteLocked(iov, 1);
  held_.clear();
}

void FdOutbound::WriteLocked(iovec* iov, int count) {
  size_t total = 0, done = 0;
  for (int i = 0; i < count; ++i) total += iov[i].iov_len;
  while (done < total) {
    // Skip what was written already.
    iovec* v = iov;
    int n = count;
    size_t skip = done;
    while (n > 0 && skip >= v->iov_len) {
      skip -= v->iov_len;
      ++v;
      --n;
    }
    iovec cur[3];
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
      metrics_(dispatcher.state().metrics),
      buf_(256 * 1024, '\0') {
  conn_->state()->SetUnsolicited(out_);  // the pipe carries what belongs to no request
  line_.reserve(64 * 1024);
  // Larger pipes (best effort: only pipes, up to the system's pipe-max-size):
  // a 1 MiB answer through the default 64 KiB pipe takes 16 rounds of
  // wake-ups between the host and the client.
  for (int fd : {in_fd, out_fd}) {
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode)) (void)::fcntl(fd, F_SETPIPE_SZ, kPipeBytes);
  }
}

StdioTransport::~StdioTransport() { Stop(-1); }

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
  metrics_->ConnectionOpened();
  {
    std::unique_lock lock(mu_);
    StartReader(0);
    threads_.Start([this] {
      Watch();
      ThreadDone();
    });
    cv_.wait(lock, [&] { return ended_; });
  }
  metrics_->ConnectionClosed();
  return conn_;
}

bool StdioTransport::Stop(int wait_ms) {
  std::unique_lock lock(mu_);
  ended_ = true;
  cv_.notify_all();
  auto done = [&] { return threads_.running() == 0; };
  if (wait_ms < 0)
    cv_.wait(lock, done);
  else if (!cv_.wait_for(lock, std::chrono::milliseconds(wait_ms), done))
    return false;
  std::vector<std::thread> threads = threads_.TakeAll();
  lock.unlock();
  for (std::thread& t : threads) t.join();
  return true;
}

void StdioTransport::StartReader(uint64_t gen) {
  // Joins the readers that ended since (each slow step ends one), so threads
  // do not pile up over a long life.
  threads_.Start([this, gen] {
    ReadLoop(gen);
    ThreadDone();
  });
}

void StdioTransport::ThreadDone() {
  std::lock_guard lock(mu_);
  threads_.Done();
  cv_.notify_all();
}

void StdioTransport::ReadLoop(uint64_t gen) {
  for (;;) {
    if (!ProcessBuffered(gen)) return;  // another thread reads now
    ssize_t n = ::read(in_fd_, buf_.data(), buf_.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      spdlog::error("stdin read failed: {}", std::strerror(errno));
      break;
    }
    if (n == 0) break;
    pos_ = 0;
    len_ = static_cast<size_t>(n);
    read_at_ = Clock::now();
  }
  // A last message without its newline.
  if ((!line_.empty() || oversized_) && !FinishLine(gen, false)) return;
  std::lock_guard lock(mu_);
  ended_ = true;
  cv_.notify_all();
}

bool StdioTransport::ProcessBuffered(uint64_t gen) {
  // Several requests arrived together: answer them with one write.
  const char* first = static_cast<const char*>(std::memchr(buf_.data() + pos_, '\n', len_ - pos_));
  const bool batch = first && std::memchr(first + 1, '\n', buf_.data() + len_ - first - 1);
  if (batch) out_->Hold();
  bool kept = ProcessLines(gen);
  // When the role moved on, the watcher released the pipe.
  if (batch && kept) out_->Release();
  return kept;
}

bool StdioTransport::ProcessLines(uint64_t gen) {
  while (pos_ < len_) {
    std::string_view chunk(buf_.data() + pos_, len_ - pos_);
    if (!started_) {
      started_ = true;
      arrived_ = read_at_;
    }
    size_t nl = chunk.find('\n');
    std::string_view part = chunk.substr(0, nl);
    if (oversized_) {
      oversized_->Feed(part);
    } else if (line_.size() + part.size() > max_) {
      oversized_ = std::make_unique<IdScanner>();
      oversized_->Feed(line_);
      oversized_->Feed(part);
      line_.clear();
      line_.shrink_to_fit();
      line_.reserve(64 * 1024);
    } else {
      line_.append(part);
    }
    if (nl == std::string_view::npos) {
      pos_ = len_;
      break;
    }
    pos_ += nl + 1;
    // Lines wait behind this one, and the last step was slow: let the pool
    // run this one, so a pipelined client's slow calls run in parallel.
    const bool to_pool = last_step_ns_ >= kInlineBudgetNs && std::memchr(buf_.data() + pos_, '\n', len_ - pos_);
    if (!FinishLine(gen, to_pool)) return false;
  }
  return true;
}

bool StdioTransport::FinishLine(uint64_t gen, bool to_pool) {
  started_ = false;
  if (oversized_) {
    dispatcher_.RefuseOversized(oversized_->id_json(), max_, RecordingConnection("other", false, arrived_));
    oversized_.reset();
    return true;
  }
  if (!line_.empty() && line_.back() == '\r') line_.pop_back();
  InlineStep step;
  if (size_t start = line_.find_first_not_of(" \t"); start != std::string::npos) {
    std::string_view text = std::string_view(line_).substr(start);
    if (to_pool) {
      HandleLine(text, arrived_);
    } else {
      InlineStepSlot slot;
      HandleLine(text, arrived_);
      step = slot.Take();
    }
  }
  line_.clear();
  return !step.run || RunInline(gen, step);
}

bool StdioTransport::RunInline(uint64_t gen, InlineStep& step) {
  const uint64_t mine = gen << 1;
  {
    std::lock_guard lock(mu_);
    role_ = mine | 1;
    ++steps_;
    current_ = WatchedStep{gen, step.deadline, std::move(step.expire)};
    if (watcher_parked_) cv_.notify_all();
  }
  const Clock::time_point t0 = Clock::now();
  step.run();
  step.run = nullptr;
  std::function<void()> done;  // destroyed outside the lock
  std::lock_guard lock(mu_);
  if (role_ == (mine | 1)) {
    role_ = mine;
    done = std::move(current_.expire);
    last_step_ns_ = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count();
    return true;
  }
  // The watcher moved the reading on meanwhile: this thread is done.
  for (size_t i = 0; i < stuck_.size(); ++i) {
    if (stuck_[i].gen != gen) continue;
    done = std::move(stuck_[i].expire);
    stuck_.erase(stuck_.begin() + static_cast<std::ptrdiff_t>(i));
    break;
  }
  return false;
}

void StdioTransport::Watch() {
  uint64_t seen_role = 0, seen_steps = 0;
  Clock::time_point since{};  // when the reader was first seen in the current step
  int idle_ticks = 0;
  std::unique_lock lock(mu_);
  while (!ended_) {
    if (idle_ticks >= kIdleTicksBeforePark) {
      // Nothing ran for a while: sleep until a step starts (RunInline wakes us).
      watcher_parked_ = true;
      cv_.wait(lock, [&] { return ended_ || steps_ != seen_steps; });
      watcher_parked_ = false;
      idle_ticks = 0;
    } else {
      cv_.wait_for(lock, kWatchTick, [&] { return ended_; });
    }
    if (ended_) break;
    const Clock::time_point now = Clock::now();
    // Deadlines first: the step's caller is answered with a timeout (the
    // step itself goes on until it returns; its answer is then dropped).
    std::vector<std::function<void()>> fire;
    bool release = false;
    if ((role_ & 1) && current_.expire && now >= current_.deadline) fire.push_back(std::move(current_.expire));
    for (WatchedStep& w : stuck_)
      if (w.expire && now >= w.deadline) fire.push_back(std::move(w.expire));
    if ((role_ & 1) && role_ == seen_role && steps_ == seen_steps) {
      if (now - since >= kStallAfter) {
        // The reader has been inside one step for a while: give the reading
        // (and what is buffered) to a new thread; the old one ends after it.
        stuck_.push_back(std::move(current_));
        current_ = WatchedStep{};
        role_ = ((role_ >> 1) + 1) << 1;
        spdlog::debug("stdio: a plugin step runs long on the reader; reading goes on on another thread");
        StartReader(role_ >> 1);
        release = true;  // what the old reader held must not wait for its step
      }
    } else {
      since = now;
    }
    const bool deadlines_left = std::any_of(stuck_.begin(), stuck_.end(), [](const WatchedStep& w) { return bool(w.expire); });
    idle_ticks = (steps_ == seen_steps && !(role_ & 1) && !deadlines_left) ? idle_ticks + 1 : 0;
    seen_role = role_;
    seen_steps = steps_;
    if (!fire.empty() || release) {
      lock.unlock();
      if (release) out_->Release();
      for (auto& f : fire) f();
      fire.clear();
      lock.lock();
    }
  }
}

}  // namespace mcph
