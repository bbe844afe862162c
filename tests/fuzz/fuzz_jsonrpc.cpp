// fuzz_jsonrpc.cpp - one message, any bytes, through the Dispatcher (both
// eras: JSON-RPC framing, batches, ids, params of every method, the modern
// _meta, plugin calls). The host must answer or ignore it, never crash.
#include <spdlog/spdlog.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_host.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static bool quiet = (spdlog::set_level(spdlog::level::off), true);
  (void)quiet;
  mcph::HostRuntime& rt = mcph_fuzz::Runtime();
  // A fresh connection per input: a legacy session's state (initialize, log
  // level) is part of what a message can change.
  auto conn = std::make_shared<mcph::Connection>(std::make_shared<mcph_fuzz::NullOutbound>());
  std::string text(reinterpret_cast<const char*>(data), size);
  // Two messages: the input as it comes, and after an initialize, so the
  // legacy methods past the handshake are reached too.
  rt.dispatcher().HandleMessage(text, conn);
  rt.dispatcher().HandleMessage(
      R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"f","version":"1"}}})",
      conn);
  rt.dispatcher().HandleMessage(text, conn);
  mcph_fuzz::Drain(*conn);
  return 0;
}
