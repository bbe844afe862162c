// fuzz_http.cpp - raw bytes sent to the Streamable HTTP server over a real
// loopback connection: request lines, headers, bodies, chunked encoding,
// pipelined requests. The server must answer or close, never crash; each
// input waits for the server to close the connection (bounded).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <thread>

#include "fuzz_host.h"
#include "transport/http/http_server.h"

namespace {

int Port() {
  static int port = [] {
    static mcph::HttpConfig cfg;
    cfg.listen = "127.0.0.1:0";
    cfg.header_timeout_ms = 500;
    cfg.body_timeout_ms = 500;
    cfg.idle_timeout_ms = 500;
    cfg.threads = 1;
    auto server = mcph::http::HttpServer::Create(mcph_fuzz::Runtime(), cfg, 64 * 1024);
    if (!server.ok()) std::abort();
    static std::unique_ptr<mcph::http::HttpServer> keep = std::move(server.value());
    std::string bound = keep->bound();
    std::thread([] { keep->Run(/*handle_signals=*/false); }).detach();
    return std::stoi(bound.substr(bound.rfind(':') + 1));
  }();
  return port;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static bool quiet = (spdlog::set_level(spdlog::level::off), true);
  (void)quiet;
  int port = Port();
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return 0;
  }
  size_t off = 0;
  while (off < size) {
    ssize_t n = ::send(fd, data + off, size - off, MSG_NOSIGNAL);
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
  ::shutdown(fd, SHUT_WR);
  // Read until the server closes (it must: end of input, or its timeouts).
  char buf[16384];
  for (int rounds = 0; rounds < 40; ++rounds) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
  }
  ::close(fd);
  return 0;
}
