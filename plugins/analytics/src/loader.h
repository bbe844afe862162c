// loader.h - CSV/TSV (RFC 4180), JSON (array of records) and JSON Lines into
// a DataFrame, with delimiter sniffing, header detection, BOM and CRLF
// handling, progress, cancellation and a memory cap.
#pragma once

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "frame.h"

namespace analytics {

// A load that cannot succeed; the message says what to do next.
class LoadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
// The progress callback asked to stop.
class LoadCancelled : public std::runtime_error {
 public:
  LoadCancelled() : std::runtime_error("loading was cancelled") {}
};
// The dataset would exceed the memory limit.
class LoadTooLarge : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct LoadOptions {
  std::string format = "auto";  // auto | csv | tsv | json | jsonl
  char delimiter = 0;           // 0 = sniff
  int header = -1;              // -1 = detect, 0 = none, 1 = first row
  // Canonical text of the options (part of cache keys and handles).
  std::string key() const;
};

// Called now and then with bytes processed and the total; return false to
// cancel (the loader then throws LoadCancelled).
using ProgressFn = std::function<bool(uint64_t done, uint64_t total)>;

// What the loader decided, for the load_data result.
struct LoadInfo {
  std::string format;  // csv | json | jsonl
  char delimiter = 0;
  bool header = true;
  uint64_t bytes = 0;
};

// `max_bytes` caps the frame's memory (0 = no cap).
DataFrame LoadFile(const std::string& path, const LoadOptions& options, const ProgressFn& progress,
                   size_t max_bytes, LoadInfo* info = nullptr);

// The same on text in memory (`name_hint` picks the format by extension).
DataFrame LoadText(std::string_view text, std::string_view name_hint, const LoadOptions& options,
                   const ProgressFn& progress, size_t max_bytes, LoadInfo* info = nullptr);

// Exposed for tests.
char SniffDelimiter(std::string_view text);

}  // namespace analytics
