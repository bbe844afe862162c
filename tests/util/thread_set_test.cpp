// Tests for ThreadSet (util/thread_set.h): threads that said Done are joined
// by the next Start, running() counts those not yet Done, TakeAll hands over
// the rest. Every call is made under the owner's mutex, as the contract says.
#include <catch2/catch.hpp>

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "util/thread_set.h"

namespace mcph {
namespace {

// An owner as the transports are: a mutex and a condvar beside the set.
struct Owner {
  std::mutex mu;
  std::condition_variable cv;
  ThreadSet threads;
  bool release = false;  // blocked threads may end

  // A thread that ends at once.
  void StartQuick() {
    threads.Start([this] {
      std::lock_guard lock(mu);
      threads.Done();
      cv.notify_all();
    });
  }
  // A thread that ends once `release` is set.
  void StartBlocked() {
    threads.Start([this] {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return release; });
      threads.Done();
      cv.notify_all();
    });
  }
};

TEST_CASE("ThreadSet joins the threads that ended on the next Start", "[thread_set]") {
  Owner o;
  std::unique_lock lock(o.mu);
  o.StartBlocked();
  for (int i = 0; i < 3; ++i) o.StartQuick();
  CHECK(o.threads.held() == 4);
  o.cv.wait(lock, [&] { return o.threads.running() == 1; });  // the quick ones said Done
  CHECK(o.threads.held() == 4);  // ... and are not joined yet

  o.StartQuick();  // joins the three, keeps the blocked one
  CHECK(o.threads.held() == 2);
  o.cv.wait(lock, [&] { return o.threads.running() == 1; });

  o.release = true;
  o.cv.notify_all();
  o.cv.wait(lock, [&] { return o.threads.running() == 0; });
  std::vector<std::thread> rest = o.threads.TakeAll();
  CHECK(rest.size() == 2);
  CHECK(o.threads.held() == 0);
  lock.unlock();
  for (std::thread& t : rest) t.join();
}

TEST_CASE("ThreadSet TakeAll hands over threads still running, joined outside the lock", "[thread_set]") {
  Owner o;
  std::vector<std::thread> rest;
  {
    std::lock_guard lock(o.mu);
    o.StartBlocked();
    o.StartBlocked();
    CHECK(o.threads.running() == 2);
    rest = o.threads.TakeAll();
    CHECK(o.threads.held() == 0);
    CHECK(o.threads.running() == 2);  // taken, still counted until Done
    o.release = true;
    o.cv.notify_all();
  }
  REQUIRE(rest.size() == 2);
  for (std::thread& t : rest) t.join();  // they need the mutex for Done
  std::unique_lock lock(o.mu);
  CHECK(o.threads.running() == 0);
  // Their Done ids were left behind; a later Start finds nothing to join.
  o.StartQuick();
  CHECK(o.threads.held() == 1);
  std::vector<std::thread> last = o.threads.TakeAll();
  lock.unlock();
  for (std::thread& t : last) t.join();
}

}  // namespace
}  // namespace mcph
