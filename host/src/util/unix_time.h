// unix_time.h - the wall clock in Unix milliseconds, as the plugin ABI, the
// runner's wire and the protocol carry it (deadline_unix_ms, task and
// requestState expiries, the status page). Deadlines the host itself keeps
// use steady_clock; these are for what leaves the process.
// Thread-safe (reads the clock only).
#pragma once

#include <chrono>
#include <cstdint>

namespace mcph {

// Now, rounded down: a moment has passed when UnixMs() >= it.
inline int64_t UnixMs() {
  return std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Now, rounded up: the base of a deadline handed out, so that a reader
// comparing UnixMs() with it never sees it pass early.
inline int64_t UnixMsCeil() {
  return std::chrono::ceil<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace mcph
