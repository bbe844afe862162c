// stdio_mode.cpp - drives a server over stdio (newline-delimited JSON-RPC).
//
// Spawns the server command itself (so the pid, the cold start and /proc
// are its own, not a shell's), times spawn -> initialize response (cold
// start), then runs one phase per --inflight value on the same process:
// a warm-up, then a measured run that keeps W requests in flight and writes
// each batch of refills with one write(). Responses are matched by id with
// ScanId, never parsed.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <unordered_map>

#include "common.hpp"

extern char** environ;

namespace loadgen {
namespace {

struct Child {
  pid_t pid = -1;
  int in = -1, out = -1;  // our ends: write requests to in, read answers from out
};

Child Spawn(const std::vector<std::string>& argv) {
  int to_child[2], from_child[2];
  if (pipe2(to_child, O_CLOEXEC) != 0 || pipe2(from_child, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, to_child[0], 0);
  posix_spawn_file_actions_adddup2(&fa, from_child[1], 1);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  Child c;
  int rc = posix_spawnp(&c.pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  close(to_child[0]);
  close(from_child[1]);
  if (rc != 0) throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  c.in = to_child[1];
  c.out = from_child[0];
  return c;
}

void WriteAll(int fd, std::string_view s) {
  while (!s.empty()) {
    ssize_t n = write(fd, s.data(), s.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error("server closed its stdin");
    s.remove_prefix(size_t(n));
  }
}

// Reads complete lines from the server; the buffer grows for big answers
// (tools/list with 200 tools is tens of KiB per line).
class LineReader {
 public:
  explicit LineReader(int fd) : fd_(fd) { buf_.resize(1 << 20); }
  // Calls on_line for every complete line read by one read().
  template <class F>
  void ReadSome(F&& on_line) {
    if (end_ == buf_.size()) buf_.resize(buf_.size() * 2);
    ssize_t n;
    do n = read(fd_, buf_.data() + end_, buf_.size() - end_);
    while (n < 0 && errno == EINTR);
    if (n <= 0) throw std::runtime_error("server closed its stdout");
    size_t scan = end_;
    end_ += size_t(n);
    for (;;) {
      auto* nl = static_cast<char*>(std::memchr(buf_.data() + scan, '\n', end_ - scan));
      if (!nl) break;
      size_t stop = size_t(nl - buf_.data());
      on_line(std::string_view(buf_.data() + begin_, stop - begin_));
      begin_ = scan = stop + 1;
    }
    // Keep the partial line at the front.
    if (begin_ > 0) {
      std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
  }

 private:
  int fd_;
  std::string buf_;
  size_t begin_ = 0, end_ = 0;
};

struct Phase {
  uint64_t requests = 0, errors = 0;
  std::vector<uint32_t> lat;
};

// Keeps `window` requests in flight until the deadline (or the cap), then
// drains. ids come from next_id, which runs across phases.
Phase RunPhase(Child& c, LineReader& reader, const RequestTemplate& t, int window, double seconds,
               uint64_t cap, bool record, uint64_t& next_id) {
  Phase ph;
  std::unordered_map<uint64_t, Clock::time_point> sent;  // at most `window` entries
  sent.reserve(size_t(window) * 2);
  std::string batch;
  Clock::time_point deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                                  std::chrono::duration<double>(seconds));
  uint64_t issued = 0;
  bool stopping = false;
  while (true) {
    if (!stopping && (Clock::now() >= deadline || (cap && issued >= cap))) stopping = true;
    if (!stopping) {
      batch.clear();
      auto now = Clock::now();
      while (int(sent.size()) < window && !(cap && issued >= cap)) {
        uint64_t id = next_id++;
        t.Append(batch, id);
        batch.push_back('\n');
        sent.emplace(id, now);
        issued++;
      }
      if (!batch.empty()) WriteAll(c.in, batch);
    }
    if (sent.empty()) break;
    reader.ReadSome([&](std::string_view line) {
      auto id = ScanId(line);
      if (!id) return;  // a notification
      auto it = sent.find(*id);
      if (it == sent.end()) return;
      auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - it->second).count();
      sent.erase(it);
      ph.requests++;
      if (IsErrorResponse(line)) ph.errors++;
      if (record) ph.lat.push_back(uint32_t(std::min<long long>(ns, UINT32_MAX)));
    });
  }
  return ph;
}

}  // namespace

int RunStdio(const Options& o) {
  if (o.argv.empty()) throw std::runtime_error("stdio needs the server command after --");
  signal(SIGPIPE, SIG_IGN);
  RequestTemplate t = MakeTemplate(o.method, o.params, false);

  auto t0 = Clock::now();
  Child c = Spawn(o.argv);
  LineReader reader(c.out);
  WriteAll(c.in,
           R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25",)"
           R"("capabilities":{},"clientInfo":{"name":"mcphost-loadgen","version":"1.0.0"}}})"
           "\n");
  bool got = false;
  while (!got) reader.ReadSome([&](std::string_view line) { got = got || ScanId(line) == 0u; });
  double cold_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  WriteAll(c.in, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n");

  uint64_t next_id = 1;
  for (int window : o.inflight) {
    if (o.warmup > 0) RunPhase(c, reader, t, window, o.warmup, 0, false, next_id);
    ProcSample before = SampleProc(c.pid);
    double gen0 = SelfCpuSeconds();
    auto start = Clock::now();
    Phase ph = RunPhase(c, reader, t, window, o.seconds, o.max_requests, true, next_id);
    PhaseResult r;
    r.wall_seconds = std::chrono::duration<double>(Clock::now() - start).count();
    ProcSample after = SampleProc(c.pid);
    r.transport = "stdio";
    r.era = "legacy";
    r.concurrency = window;
    r.requests = ph.requests;
    r.errors = ph.errors;
    r.server_cpu_seconds = after.cpu_seconds - before.cpu_seconds;
    r.gen_cpu_seconds = SelfCpuSeconds() - gen0;
    r.cold_ms = cold_ms;
    r.rss_kib = after.rss_kib;
    r.hwm_kib = after.hwm_kib;
    r.latency_ns = std::move(ph.lat);
    Report(o, r);
  }

  // End of input is the stdio transport's shutdown signal.
  close(c.in);
  for (int i = 0; i < 200; i++) {
    if (waitpid(c.pid, nullptr, WNOHANG) == c.pid) return 0;
    usleep(10000);
  }
  kill(c.pid, SIGKILL);
  waitpid(c.pid, nullptr, 0);
  return 0;
}

}  // namespace loadgen
