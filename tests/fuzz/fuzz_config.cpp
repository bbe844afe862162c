// fuzz_config.cpp - any text as the YAML config: the loader returns a config
// or errors that name file and line, and never crashes or throws.
#include <cstddef>
#include <cstdint>
#include <string>

#include "config/config_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto r = mcph::ParseConfig(text, "/fuzz/mcphost.yaml");
  if (!r.ok() && r.error().find("/fuzz/mcphost.yaml") == std::string::npos) __builtin_trap();  // errors say where
  return 0;
}
