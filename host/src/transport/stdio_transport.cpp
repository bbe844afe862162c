// stdio_transport.cpp - see stdio_transport.h.
#include "transport/stdio_transport.h"

#include <spdlog/spdlog.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "protocol/id_scanner.h"

namespace mcph {

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
      conn_(std::make_shared<Connection>(out_)) {}

std::shared_ptr<Connection> StdioTransport::Run() {
  std::string line;
  line.reserve(64 * 1024);
  std::unique_ptr<IdScanner> oversized;  // set while skipping a too-long line
  std::string buf(256 * 1024, '\0');

  auto finish_line = [&] {
    if (oversized) {
      dispatcher_.RefuseOversized(oversized->id_json(), max_, conn_);
      oversized.reset();
      return;
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t start = line.find_first_not_of(" \t");
    if (start != std::string::npos) dispatcher_.HandleMessage(std::string_view(line).substr(start), conn_);
    line.clear();
  };

  for (;;) {
    ssize_t n = ::read(in_fd_, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      spdlog::error("stdin read failed: {}", std::strerror(errno));
      break;
    }
    if (n == 0) break;
    std::string_view chunk(buf.data(), static_cast<size_t>(n));
    while (!chunk.empty()) {
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
  return conn_;
}

}  // namespace mcph
