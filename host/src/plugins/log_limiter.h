// log_limiter.h - one plugin's log budget (plugins[].log_rate): a token
// bucket shared by the host log and the client-bound log notifications, so a
// plugin that floods logs costs a bounded amount of I/O.
//
// Lines over the budget are dropped and counted; the next line that passes
// first reports how many were dropped. Thread-safe (a small mutex: logging is
// not on the request path, and a flood is exactly when it must stay cheap).
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>

namespace mcph {

class LogLimiter {
 public:
  // `per_second` 0 = unlimited. Bursts of up to 4 seconds' worth pass.
  explicit LogLimiter(double per_second);

  // True when a line may be written now. `dropped` gets (and resets) the
  // count of lines refused since the last line that passed.
  bool Admit(uint64_t& dropped);
  uint64_t dropped_total() const;

 private:
  const double rate_;
  const double burst_;
  mutable std::mutex mu_;
  double tokens_;
  std::chrono::steady_clock::time_point last_;
  uint64_t dropped_since_ = 0;
  uint64_t dropped_total_ = 0;
};

}  // namespace mcph
