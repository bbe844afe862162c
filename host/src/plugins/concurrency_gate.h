// concurrency_gate.h - bounds how many of one plugin's handler calls may
// occupy the worker pool at once (plugins[].max_concurrency).
//
// A plugin whose calls hang keeps at most `limit` workers; its further calls
// wait in the gate's queue (not on a worker), so the other plugins keep
// being served. Below the limit a call costs one atomic increment and one
// decrement; the mutex is taken only when calls have to wait.
//
// Thread-safety: every member may be called from any thread. Each Submit is
// matched by exactly one Done, called when the submitted step has finished
// with the plugin (the handler returned).
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <mutex>

namespace mcph {

class ConcurrencyGate {
 public:
  // `limit` 0 means unbounded (the gate then never queues).
  explicit ConcurrencyGate(int limit) : limit_(limit) {}
  ConcurrencyGate(const ConcurrencyGate&) = delete;
  ConcurrencyGate& operator=(const ConcurrencyGate&) = delete;

  using Step = std::function<void()>;
  using Post = std::function<void(Step)>;

  // Runs `step` through `post` now, or later when a running call calls Done.
  void Submit(Step step, const Post& post);
  // Admits a call now if the plugin has a free slot (true: the caller runs
  // it itself and must call Done after); never queues. For inline steps
  // (protocol/inline_step.h).
  bool TryEnter();
  // A submitted step finished with the plugin: starts the next waiting one.
  void Done(const Post& post);

  // Whether the plugin's last handler step took longer than a thread that
  // serves other clients should be held by (kSlowStep): the HTTP I/O threads
  // then leave its calls to the pool (protocol/inline_step.h). A hint, not a
  // promise: a quick plugin may still hang, which the I/O threads' watcher
  // handles. Steps report their time with NoteStep (any thread).
  static constexpr std::chrono::microseconds kSlowStep{200};
  bool last_step_slow() const { return slow_.load(std::memory_order_relaxed); }
  void NoteStep(std::chrono::steady_clock::duration took) {
    const bool slow = took >= kSlowStep;
    // Written only when it changes: the flag's cache line stays shared.
    if (slow_.load(std::memory_order_relaxed) != slow) slow_.store(slow, std::memory_order_relaxed);
  }

  int limit() const { return limit_; }
  // Calls admitted or waiting (a gauge for the status page and tests).
  int pending() const { return pending_.load(std::memory_order_relaxed); }

 private:
  const int limit_;
  std::atomic<int> pending_{0};  // running + waiting (+ about to wait)
  std::atomic<bool> slow_{false};
  std::mutex mu_;                // guards waiting_ and handoffs_
  std::deque<Step> waiting_;
  // Done() found a waiter counted in pending_ but not queued yet: the waiter
  // takes this slot itself when it gets the lock.
  int handoffs_ = 0;
};

}  // namespace mcph
