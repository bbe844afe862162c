// log_limiter_test.cpp - LogLimiter: a burst passes, a flood is cut to the
// budget and counted, the count is reported with the next line that passes.
#include <catch2/catch.hpp>

#include <thread>

#include "plugins/log_limiter.h"

TEST_CASE("LogLimiter passes a burst, then drops and counts", "[log]") {
  mcph::LogLimiter limiter(2);  // 2 lines/s, bursts of 8
  uint64_t dropped = 0;
  int passed = 0;
  for (int i = 0; i < 100; ++i) passed += limiter.Admit(dropped);
  CHECK(passed >= 8);
  CHECK(passed <= 9);  // the burst, plus at most one refilled meanwhile
  CHECK(limiter.dropped_total() == static_cast<uint64_t>(100 - passed));
  std::this_thread::sleep_for(std::chrono::milliseconds(700));  // refills at least one token
  REQUIRE(limiter.Admit(dropped));
  CHECK(dropped == static_cast<uint64_t>(100 - passed));  // reported once, with the next line
  limiter.Admit(dropped);
  CHECK(dropped == 0);
}

TEST_CASE("LogLimiter with rate 0 is unlimited", "[log]") {
  mcph::LogLimiter limiter(0);
  uint64_t dropped = 1;
  for (int i = 0; i < 10000; ++i) REQUIRE(limiter.Admit(dropped));
  CHECK(dropped == 0);
  CHECK(limiter.dropped_total() == 0);
}
