// concurrency_gate_test.cpp - ConcurrencyGate: never more than `limit` steps
// run at once, every submitted step runs exactly once, under contention.
#include <catch2/catch.hpp>

#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <thread>
#include <vector>

#include "plugins/concurrency_gate.h"

TEST_CASE("ConcurrencyGate bounds running steps and runs each once", "[gate]") {
  for (int limit : {1, 3}) {
    mcph::ConcurrencyGate gate(limit);
    boost::asio::thread_pool pool(6);
    mcph::ConcurrencyGate::Post post = [&pool](mcph::ConcurrencyGate::Step s) { boost::asio::post(pool, std::move(s)); };
    constexpr int kSteps = 4000;
    std::atomic<int> running{0}, peak{0}, ran{0};
    std::vector<std::atomic<int>> times(kSteps);
    std::vector<std::thread> submitters;
    for (int t = 0; t < 4; ++t) {
      submitters.emplace_back([&, t] {
        for (int i = t; i < kSteps; i += 4) {
          gate.Submit(
              [&, i] {
                int now = running.fetch_add(1) + 1;
                int seen = peak.load();
                while (now > seen && !peak.compare_exchange_weak(seen, now)) {
                }
                if (i % 97 == 0) std::this_thread::yield();
                times[i].fetch_add(1);
                running.fetch_sub(1);
                ran.fetch_add(1);
                gate.Done(post);
              },
              post);
        }
      });
    }
    for (auto& t : submitters) t.join();
    auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (ran.load() < kSteps && std::chrono::steady_clock::now() < give_up)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    pool.join();
    INFO("limit " << limit);
    CHECK(ran.load() == kSteps);
    CHECK(peak.load() <= limit);
    CHECK(peak.load() >= 1);
    CHECK(gate.pending() == 0);
    int wrong = 0;
    for (auto& n : times) wrong += n.load() != 1;
    CHECK(wrong == 0);
  }
}

TEST_CASE("ConcurrencyGate with no limit never queues", "[gate]") {
  mcph::ConcurrencyGate gate(0);
  int posted = 0;
  mcph::ConcurrencyGate::Post post = [&posted](mcph::ConcurrencyGate::Step s) {
    ++posted;
    s();
  };
  for (int i = 0; i < 10; ++i) gate.Submit([] {}, post);
  CHECK(posted == 10);
  CHECK(gate.pending() == 0);
}

TEST_CASE("ConcurrencyGate starts a waiting step when a running one is done", "[gate]") {
  mcph::ConcurrencyGate gate(1);
  std::vector<mcph::ConcurrencyGate::Step> posted;
  mcph::ConcurrencyGate::Post post = [&posted](mcph::ConcurrencyGate::Step s) { posted.push_back(std::move(s)); };
  std::vector<int> order;
  gate.Submit([&] { order.push_back(1); }, post);
  gate.Submit([&] { order.push_back(2); }, post);
  gate.Submit([&] { order.push_back(3); }, post);
  REQUIRE(posted.size() == 1);  // the others wait in the gate, not on the pool
  CHECK(gate.pending() == 3);
  posted[0]();
  gate.Done(post);
  REQUIRE(posted.size() == 2);
  posted[1]();
  gate.Done(post);
  REQUIRE(posted.size() == 3);
  posted[2]();
  gate.Done(post);
  CHECK(order == std::vector<int>{1, 2, 3});
  CHECK(gate.pending() == 0);
}
