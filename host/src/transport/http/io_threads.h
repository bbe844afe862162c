// io_threads.h - the HTTP server's I/O threads, which also run the plugin
// steps of the requests they read.
//
// One thread runs each io_context (so a connection's state is touched by one
// thread only, http_connection.h). When the dispatch of a POST starts a
// plugin step that the plugin's gate admits at once, the I/O thread runs the
// step itself right after (protocol/inline_step.h) instead of posting it to
// the worker pool and having the answer posted back: that hand-off (a
// condition-variable wake of a worker, and an epoll wake of the I/O thread
// for the answer) cost more than an echo call. Slots are opened quick_only:
// calls to a plugin whose last step ran long go to the pool.
//
// A step may still run long or hang, and while it runs, the other
// connections of its io_context wait. So a watcher thread checks every few
// milliseconds: it keeps each inline step's deadline (the caller is answered
// with a timeout, as the pool's timer would), and when a step has held its
// I/O thread for kStallAfter, it gives the io_context to a new thread. The
// old thread finishes its step, then leaves io_context::run() by throwing
// IoThreadRetired from RunStep (asio lets an exception from a handler end
// that thread's run() and leaves the io_context usable: this is the one
// exception in the transport layer, caught in the thread's own loop). After
// its step the old thread touches nothing of the connection: the step's
// answer was posted to the connection's executor, and the code between
// RunStep and run() does nothing after it (McpEndpoint::Post calls RunStep
// last).
//
// The io_contexts run without asio's single-thread hint: with it, a post
// from inside run() waits in the posting thread's private queue, so what a
// step sent (its progress, or an answer given before it) would wait for the
// step to return once its thread lost the io_context. Without it, every post
// goes to the io_context's queue.
//
// The watcher parks after a second without steps; RunStep wakes it.
//
// Thread-safety: Start, Wait and the destructor are called by the thread
// that owns the object; RunStep and OnIoThread on any thread.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "protocol/inline_step.h"
#include "util/thread_set.h"

namespace mcph::http {

// Thrown by RunStep on a thread whose io_context moved on (see above).
struct IoThreadRetired {};

class IoThreads {
 public:
  explicit IoThreads(std::vector<boost::asio::io_context*> contexts);
  // Waits for every thread, including those still inside a step.
  ~IoThreads();
  IoThreads(const IoThreads&) = delete;
  IoThreads& operator=(const IoThreads&) = delete;

  // Starts one thread per io_context, and the watcher.
  void Start();
  // Blocks until each io_context has been stopped and its thread left run(),
  // then up to `grace` for threads that are still inside a step (their
  // io_context moved on without them). False if some still are.
  bool Wait(std::chrono::milliseconds grace);

  // Whether the calling thread runs one of the io_contexts: only there may a
  // dispatch open an InlineStepSlot and hand the step to RunStep.
  static bool OnIoThread();
  // Runs `step` (parked by a dispatch on this I/O thread) under the watcher.
  // Throws IoThreadRetired when the io_context moved to another thread
  // meanwhile; the caller must do nothing after it, returning or not.
  static void RunStep(InlineStep& step);

  // Times an io_context moved off a thread stuck in a step (for tests and
  // the operator: each one means a slow or hung plugin call held an I/O thread).
  uint64_t takeovers() const { return takeovers_.load(std::memory_order_relaxed); }
  // Times the watcher went to sleep for want of anything to watch (for
  // tests: a lane whose stuck steps all had their deadline answered lets it).
  uint64_t parks() const { return parks_.load(std::memory_order_relaxed); }

  // How often the watcher looks, and how long a step may hold its I/O
  // thread before the io_context goes to a new thread.
  static constexpr std::chrono::milliseconds kWatchTick{5};
  static constexpr std::chrono::milliseconds kStallAfter{5};

 private:
  using Clock = std::chrono::steady_clock;
  struct Watched {
    uint64_t gen = 0;
    Clock::time_point deadline = Clock::time_point::max();
    std::function<void()> expire;  // empty once fired
  };
  struct Lane {
    boost::asio::io_context* ctx = nullptr;
    std::mutex mu;  // guards what follows
    uint64_t gen = 0;        // generation of the thread that runs ctx now
    bool in_step = false;    // that thread is inside RunStep
    uint64_t steps = 0;      // steps started (the watcher's clock)
    bool stopped = false;    // ctx's run() returned (guarded by IoThreads::mu_)
    Watched current;         // the step in flight
    std::vector<Watched> stuck;  // steps whose thread lost ctx meanwhile
  };

  void Loop(Lane& lane, uint64_t gen);
  void StartThread(Lane& lane, uint64_t gen);  // mu_ held
  void Watch();
  void Wake();
  // One look at `lane`: fires passed deadlines, moves ctx off a stalled
  // thread. True if it is busy (the watcher must keep ticking).
  bool Check(Lane& lane, uint64_t& seen_steps, Clock::time_point& since, Clock::time_point now);
  // Whether a step that lost its thread still has a deadline to keep
  // (lane.mu held). Once its expire fired, only its return is awaited, which
  // needs no watching: Check and the park test in Watch agree on this.
  static bool ExpireLeft(const Lane& lane);

  // The I/O thread's own: which object, lane and generation it is.
  static thread_local IoThreads* t_owner_;
  static thread_local Lane* t_lane_;
  static thread_local uint64_t t_gen_;

  std::vector<std::unique_ptr<Lane>> lanes_;
  std::mutex mu_;  // guards what follows
  std::condition_variable cv_;
  bool ending_ = false;
  bool wake_ = false;
  ThreadSet threads_;  // the I/O threads (each long step replaces one)
  std::thread watcher_;
  std::atomic<bool> parked_{false};  // the watcher sleeps until Wake
  std::atomic<uint64_t> takeovers_{0};
  std::atomic<uint64_t> parks_{0};
};

}  // namespace mcph::http
