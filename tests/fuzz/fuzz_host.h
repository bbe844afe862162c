// fuzz_host.h - the one HostRuntime every fuzz target of a process shares:
// the echo plugin (from the build tree), workers and limits small enough
// that a fuzz input cannot make it slow. Built once, on first use, and never
// torn down (libFuzzer exits the process).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "protocol/connection.h"
#include "runtime/host_runtime.h"

namespace mcph_fuzz {

inline mcph::HostRuntime& Runtime() {
  static std::unique_ptr<mcph::HostRuntime> rt = [] {
    mcph::HostConfig cfg;
    cfg.server.workers = 2;
    cfg.server.max_message_bytes = 64 * 1024;
    cfg.server.log_level = "off";
    mcph::PluginConfig echo;
    echo.path = MCPHOST_FUZZ_PLUGIN_DIR "/libmcphost_echo.so";
    echo.resolved_path = echo.path;
    echo.timeout_ms = 2000;
    cfg.plugins = {echo};
    auto r = mcph::HostRuntime::Start(cfg, /*strict=*/true);
    if (!r.ok()) {
      std::fprintf(stderr, "fuzz: host did not start: %s\n", r.error().c_str());
      std::abort();
    }
    return std::move(r.value());
  }();
  return *rt;
}

// Drops everything it is sent (the answers are not what is fuzzed).
class NullOutbound : public mcph::Outbound {
 public:
  void Send(std::string&&) override {}
};

// Waits (bounded) until the connection's calls have answered, so one
// input's work does not pile up under the next ones.
inline void Drain(mcph::Connection& conn) {
  for (int i = 0; i < 2000 && conn.InFlightCount() > 0; ++i) std::this_thread::sleep_for(std::chrono::microseconds(500));
}

}  // namespace mcph_fuzz
