// log_limiter.cpp - see log_limiter.h.
#include "plugins/log_limiter.h"

#include <algorithm>

namespace mcph {

LogLimiter::LogLimiter(double per_second)
    : rate_(per_second), burst_(std::max(1.0, per_second * 4)), tokens_(burst_), last_(std::chrono::steady_clock::now()) {}

bool LogLimiter::Admit(uint64_t& dropped) {
  dropped = 0;
  if (rate_ <= 0) return true;
  std::lock_guard lock(mu_);
  auto now = std::chrono::steady_clock::now();
  tokens_ = std::min(burst_, tokens_ + std::chrono::duration<double>(now - last_).count() * rate_);
  last_ = now;
  if (tokens_ < 1) {
    ++dropped_since_;
    ++dropped_total_;
    return false;
  }
  tokens_ -= 1;
  dropped = dropped_since_;
  dropped_since_ = 0;
  return true;
}

uint64_t LogLimiter::dropped_total() const {
  std::lock_guard lock(mu_);
  return dropped_total_;
}

}  // namespace mcph
