// fuzz_stdio.cpp - a byte stream through the stdio transport's framer and
// on to the Dispatcher: lines of any length, CRs, NULs, a last line with no
// newline, lines over the size limit (64 KiB here). Read from a pipe exactly
// as stdin is.
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <thread>

#include "fuzz_host.h"
#include "transport/stdio_transport.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static bool quiet = (spdlog::set_level(spdlog::level::off), true);
  (void)quiet;
  mcph::HostRuntime& rt = mcph_fuzz::Runtime();
  static int devnull = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return 0;
  // The writer runs beside the reader: inputs may exceed the pipe's buffer.
  std::thread writer([&] {
    size_t off = 0;
    while (off < size) {
      ssize_t n = ::write(fds[1], data + off, size - off);
      if (n <= 0) break;
      off += static_cast<size_t>(n);
    }
    ::close(fds[1]);
  });
  mcph::StdioTransport transport(rt.dispatcher(), fds[0], devnull, 64 * 1024);
  auto conn = transport.Run();
  writer.join();
  ::close(fds[0]);
  mcph_fuzz::Drain(*conn);
  return 0;
}
